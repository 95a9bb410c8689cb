// Activation ops and their gradients.
#include "ops/op_utils.h"

namespace wl {

namespace {
Tensor runUnaryGrad(const char* op, const Tensor& x, const Tensor& dy) {
  Tensor dx = Tensor::empty(x.shape());
  kernelFor<UnaryGradKernel>(op)({x.data<float>(), dy.data<float>(), dx.data<float>(), x.size()});
  return dx;
}
}  // namespace

Tensor relu(const Tensor& x) {
  Tensor y = runUnary("Relu", x);
  recordOp("Relu", {x}, y, [x](const Tensor& dy) -> std::vector<Tensor> {
    return {runUnaryGrad("ReluGrad", x, dy)};
  });
  return y;
}

Tensor sigmoid(const Tensor& x) {
  Tensor y = runUnary("Sigmoid", x);
  recordOp("Sigmoid", {x}, y, [y](const Tensor& dy) -> std::vector<Tensor> {
    return {runUnaryGrad("SigmoidGrad", y, dy)};
  });
  return y;
}

Tensor tanh(const Tensor& x) {
  Tensor y = runUnary("Tanh", x);
  recordOp("Tanh", {x}, y, [y](const Tensor& dy) -> std::vector<Tensor> {
    return {runUnaryGrad("TanhGrad", y, dy)};
  });
  return y;
}

Tensor softmax(const Tensor& x) {
  requireFloat("Softmax", x);
  WL_CHECK(x.rank() >= 1, "Softmax: needs a tensor of rank >= 1, got a scalar");
  Tensor y = Tensor::empty(x.shape());
  int64_t cols = x.dim(-1);
  kernelFor<SoftmaxKernel>("Softmax")({x.data<float>(), y.data<float>(), cols ? x.size() / cols : 0, cols});
  recordOp("Softmax", {x}, y, [y](const Tensor& dy) -> std::vector<Tensor> {
    // dx = y * (dy - sum(dy * y, -1))
    Tensor dyy = mul(dy, y);
    return {sub(dyy, mul(sum(dyy, {-1}, true), y))};
  });
  return y;
}

}  // namespace wl

// softmax and logSoftmax over the last axis, and their gradients.
#include "ops/op_utils.h"
#include "ops/registry.h"

namespace wl {

namespace {
void checkAxis(const char* op, const Tensor& x, int64_t axis) {
  WL_CHECK(x.rank() >= 1, op << ": needs a tensor of rank >= 1, got a scalar");
  WL_CHECK(axis == -1 || axis == x.rank() - 1,
           op << ": only the last axis is supported (dim=-1), got dim=" << axis << " for rank " << x.rank());
}
}  // namespace

Tensor softmax(const Tensor& xIn) {
  Tensor x = cast(xIn, DType::Float32);
  checkAxis("softmax", x, -1);
  Tensor y = Tensor::empty(x.shape());
  int64_t cols = x.dim(-1);
  KernelCall k("Softmax");
  k.kernel<SoftmaxKernel>()({k.in<float>(x), k.out<float>(y), cols ? x.size() / cols : 0, cols});
  recordOp("Softmax", {x}, y, [y](const Tensor& dy) -> std::vector<Tensor> {
    // dx = y * (dy - sum(dy * y, -1))
    Tensor dyy = mul(dy, y);
    return {sub(dyy, mul(sum(dyy, {-1}, true), y))};
  });
  return y;
}

Tensor logSoftmax(const Tensor& xIn) {
  Tensor x = cast(xIn, DType::Float32);
  checkAxis("logSoftmax", x, -1);
  // x - max - log(sum(exp(x - max))), composed so the gradient follows.
  Tensor shifted = sub(x, max(x, {-1}, true));
  return sub(shifted, log(sum(exp(shifted), {-1}, true)));
}

namespace {
const bool registered = [] {
  auto& reg = OpRegistry::instance();
  reg.add("softmax", 1, [](const std::vector<Tensor>& in, const Attrs& at) -> std::vector<Tensor> {
    checkAxis("softmax", in[0], at.getInt("dim", -1));
    return {softmax(in[0])};
  });
  reg.add("logSoftmax", 1, [](const std::vector<Tensor>& in, const Attrs& at) -> std::vector<Tensor> {
    checkAxis("logSoftmax", in[0], at.getInt("axis", -1));
    return {logSoftmax(in[0])};
  });
  return true;
}();
}  // namespace

}  // namespace wl

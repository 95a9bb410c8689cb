// Reference (scalar) elementwise kernels: binary with broadcasting, unary, unary
// gradients, axpy. Straight loops; the oracle other backends are tested against.
#include <cmath>

#include "core/kernel_registry.h"
#include "kernels/params.h"

namespace wl {
namespace {

// Walks out's multi-index, keeping a's and b's offsets in step (odometer order).
template <typename F>
void binaryLoop(const BinaryParams& p, F f) {
  if (p.sameShape) {
    for (int64_t i = 0; i < p.size; ++i) p.out[i] = f(p.a[i], p.b[i]);
    return;
  }
  int64_t idx[kMaxRank] = {0};
  int64_t ia = 0, ib = 0;
  for (int64_t i = 0; i < p.size; ++i) {
    p.out[i] = f(p.a[ia], p.b[ib]);
    for (int d = p.rank - 1; d >= 0; --d) {
      if (++idx[d] < p.outDims[d]) {
        ia += p.aStrides[d];
        ib += p.bStrides[d];
        break;
      }
      ia -= p.aStrides[d] * (p.outDims[d] - 1);
      ib -= p.bStrides[d] * (p.outDims[d] - 1);
      idx[d] = 0;
    }
  }
}

void add(const BinaryParams& p) { binaryLoop(p, [](float a, float b) { return a + b; }); }
void sub(const BinaryParams& p) { binaryLoop(p, [](float a, float b) { return a - b; }); }
void mul(const BinaryParams& p) { binaryLoop(p, [](float a, float b) { return a * b; }); }
void div(const BinaryParams& p) { binaryLoop(p, [](float a, float b) { return a / b; }); }

template <typename F>
void unaryLoop(const UnaryParams& p, F f) {
  for (int64_t i = 0; i < p.size; ++i) p.out[i] = f(p.x[i]);
}

void neg(const UnaryParams& p) { unaryLoop(p, [](float x) { return -x; }); }
void square(const UnaryParams& p) { unaryLoop(p, [](float x) { return x * x; }); }
void exp_(const UnaryParams& p) { unaryLoop(p, [](float x) { return std::exp(x); }); }
void log_(const UnaryParams& p) { unaryLoop(p, [](float x) { return std::log(x); }); }
void relu(const UnaryParams& p) { unaryLoop(p, [](float x) { return x > 0.f ? x : 0.f; }); }
void sigmoid(const UnaryParams& p) {
  unaryLoop(p, [](float x) { return 1.f / (1.f + std::exp(-x)); });
}
void tanh_(const UnaryParams& p) { unaryLoop(p, [](float x) { return std::tanh(x); }); }

void reluGrad(const UnaryGradParams& p) {
  for (int64_t i = 0; i < p.size; ++i) p.dx[i] = p.x[i] > 0.f ? p.dy[i] : 0.f;
}
void sigmoidGrad(const UnaryGradParams& p) {  // x holds y = sigmoid(input)
  for (int64_t i = 0; i < p.size; ++i) p.dx[i] = p.dy[i] * p.x[i] * (1.f - p.x[i]);
}
void tanhGrad(const UnaryGradParams& p) {  // x holds y = tanh(input)
  for (int64_t i = 0; i < p.size; ++i) p.dx[i] = p.dy[i] * (1.f - p.x[i] * p.x[i]);
}

void axpy(const AxpyParams& p) {
  for (int64_t i = 0; i < p.size; ++i) p.y[i] += p.alpha * p.x[i];
}

}  // namespace

WL_REGISTER_KERNEL("Add", "reference", BinaryKernel, add);
WL_REGISTER_KERNEL("Sub", "reference", BinaryKernel, sub);
WL_REGISTER_KERNEL("Mul", "reference", BinaryKernel, mul);
WL_REGISTER_KERNEL("Div", "reference", BinaryKernel, div);
WL_REGISTER_KERNEL("Neg", "reference", UnaryKernel, neg);
WL_REGISTER_KERNEL("Square", "reference", UnaryKernel, square);
WL_REGISTER_KERNEL("Exp", "reference", UnaryKernel, exp_);
WL_REGISTER_KERNEL("Log", "reference", UnaryKernel, log_);
WL_REGISTER_KERNEL("Relu", "reference", UnaryKernel, relu);
WL_REGISTER_KERNEL("Sigmoid", "reference", UnaryKernel, sigmoid);
WL_REGISTER_KERNEL("Tanh", "reference", UnaryKernel, tanh_);
WL_REGISTER_KERNEL("ReluGrad", "reference", UnaryGradKernel, reluGrad);
WL_REGISTER_KERNEL("SigmoidGrad", "reference", UnaryGradKernel, sigmoidGrad);
WL_REGISTER_KERNEL("TanhGrad", "reference", UnaryGradKernel, tanhGrad);
WL_REGISTER_KERNEL("Axpy", "reference", AxpyKernel, axpy);

}  // namespace wl

// Reference (scalar) elementwise kernels: binary with broadcasting, unary, unary
// gradients, casts, select, axpy. Straight loops; the oracle for other backends.
#include <cmath>

#include "core/kernel_registry.h"
#include "kernels/params.h"

namespace wl {
namespace {

// Walks out's multi-index, keeping a's and b's offsets in step (odometer order).
template <typename TIn, typename TOut, typename F>
void binaryLoop(const BinaryParams& p, F f) {
  const TIn* a = static_cast<const TIn*>(p.a);
  const TIn* b = static_cast<const TIn*>(p.b);
  TOut* out = static_cast<TOut*>(p.out);
  if (p.sameShape) {
    for (int64_t i = 0; i < p.size; ++i) out[i] = static_cast<TOut>(f(a[i], b[i]));
    return;
  }
  int64_t idx[kMaxRank] = {0};
  int64_t ia = 0, ib = 0;
  for (int64_t i = 0; i < p.size; ++i) {
    out[i] = static_cast<TOut>(f(a[ia], b[ib]));
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

void binary(const BinaryParams& p) {
  const BinaryOp op = p.op;
  if (isComparison(op)) {
    binaryLoop<float, int32_t>(p, [op](float a, float b) { return binaryScalar<float>(op, a, b); });
  } else {
    binaryLoop<float, float>(p, [op](float a, float b) { return binaryScalar<float>(op, a, b); });
  }
}

void binaryInt(const BinaryParams& p) {
  const BinaryOp op = p.op;
  binaryLoop<int32_t, int32_t>(p, [op](int32_t a, int32_t b) { return binaryScalar<int32_t>(op, a, b); });
}

void unary(const UnaryParams& p) {
  const float* x = static_cast<const float*>(p.x);
  float* out = static_cast<float*>(p.out);
  for (int64_t i = 0; i < p.size; ++i) out[i] = unaryScalar(p.op, x[i], p.alpha, p.beta);
}

void unaryInt(const UnaryParams& p) {
  const int32_t* x = static_cast<const int32_t*>(p.x);
  int32_t* out = static_cast<int32_t*>(p.out);
  for (int64_t i = 0; i < p.size; ++i) {
    int32_t v = x[i];
    switch (p.op) {
      case UnaryOp::Neg: out[i] = -v; break;
      case UnaryOp::Abs: out[i] = v < 0 ? -v : v; break;
      case UnaryOp::Sign: out[i] = (v > 0) - (v < 0); break;
      case UnaryOp::Square: out[i] = v * v; break;
      default: out[i] = static_cast<int32_t>(unaryScalar(p.op, static_cast<float>(v), p.alpha, p.beta));
    }
  }
}

void unaryGrad(const UnaryGradParams& p) {
  for (int64_t i = 0; i < p.size; ++i) {
    p.dx[i] = unaryGradScalar(p.op, p.x[i], p.y ? p.y[i] : 0.f, p.dy[i], p.alpha, p.beta);
  }
}

void cast(const CastParams& p) {
  if (p.fromFloat && p.toFloat) {
    std::copy(static_cast<const float*>(p.x), static_cast<const float*>(p.x) + p.size, static_cast<float*>(p.out));
  } else if (p.fromFloat) {
    const float* x = static_cast<const float*>(p.x);
    int32_t* out = static_cast<int32_t*>(p.out);
    for (int64_t i = 0; i < p.size; ++i) out[i] = p.toBool ? (x[i] != 0.f) : static_cast<int32_t>(x[i]);
  } else if (p.toFloat) {
    const int32_t* x = static_cast<const int32_t*>(p.x);
    float* out = static_cast<float*>(p.out);
    for (int64_t i = 0; i < p.size; ++i) out[i] = static_cast<float>(x[i]);
  } else {
    const int32_t* x = static_cast<const int32_t*>(p.x);
    int32_t* out = static_cast<int32_t*>(p.out);
    for (int64_t i = 0; i < p.size; ++i) out[i] = p.toBool ? (x[i] != 0) : x[i];
  }
}

void select(const SelectParams& p) {
  for (int64_t i = 0; i < p.size; ++i) p.out[i] = p.cond[i] ? p.a[i] : p.b[i];
}

void axpy(const AxpyParams& p) {
  for (int64_t i = 0; i < p.size; ++i) p.y[i] += p.alpha * p.x[i];
}

void adamUpdate(const AdamParams& p) {
  for (int64_t i = 0; i < p.size; ++i) adamStepScalar(p, i);
}

void batchNormInference(const BatchNormParams& p) {
  for (int64_t r = 0; r < p.rows; ++r) {
    const float* x = p.x + r * p.channels;
    float* y = p.y + r * p.channels;
    for (int64_t c = 0; c < p.channels; ++c) y[c] = (x[c] - p.mean[c]) * p.inv[c] + p.offset[c];
  }
}

}  // namespace

WL_REGISTER_KERNEL("Binary", "cpu", BinaryKernel, binary);
WL_REGISTER_KERNEL("BinaryInt", "cpu", BinaryKernel, binaryInt);
WL_REGISTER_KERNEL("Unary", "cpu", UnaryKernel, unary);
WL_REGISTER_KERNEL("UnaryInt", "cpu", UnaryKernel, unaryInt);
WL_REGISTER_KERNEL("UnaryGrad", "cpu", UnaryGradKernel, unaryGrad);
WL_REGISTER_KERNEL("Cast", "cpu", CastKernel, cast);
WL_REGISTER_KERNEL("Select", "cpu", SelectKernel, select);
WL_REGISTER_KERNEL("Axpy", "cpu", AxpyKernel, axpy);
WL_REGISTER_KERNEL("BatchNormInference", "cpu", BatchNormKernel, batchNormInference);
WL_REGISTER_KERNEL("AdamUpdate", "cpu", AdamKernel, adamUpdate);

}  // namespace wl

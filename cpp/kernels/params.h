// Kernel parameter structs and kernel signatures, one per kernel family.
//
// Kernels receive raw buffers and dimensions that the op has already computed
// and checked; they own loops, never shapes. A backend implements a family by
// registering a function of the family's signature under each op name.
#pragma once

#include <cmath>
#include <cstdint>

#include "core/kernel_cache.h"
#include "kernels/elementwise_ops.h"

namespace wl {

constexpr int kMaxRank = 8;

// What a producing kernel applies to each value it stores, so the op needs no extra
// passes (tfjs's fused ops; batch norm folded into a convolution at inference):
// y = act(y * scale[c] + bias[c]), c the output channel (last axis); a null scale or
// bias skips that step. Honoured by MatMul, Conv2D, Conv3D, DepthwiseConv2dNative.
// (FusedActivation: kernels/elementwise_ops.h.)
struct Epilogue {
  const float* scale = nullptr;
  const float* bias = nullptr;
  FusedActivation activation = FusedActivation::Linear;
  bool active() const { return scale != nullptr || bias != nullptr || activation != FusedActivation::Linear; }
};

inline float epilogueScalar(const Epilogue& e, float v, int64_t c) {
  if (e.scale) v *= e.scale[c];
  if (e.bias) v += e.bias[c];
  if (e.activation == FusedActivation::Relu) return unaryScalar(UnaryOp::Relu, v, 0.f, 0.f);
  if (e.activation == FusedActivation::Relu6) return unaryScalar(UnaryOp::Relu6, v, 0.f, 0.f);
  return v;
}

// The epilogue over a rows x cols block (row stride ld) whose first column is channel c0.
inline void epilogueBlockScalar(const Epilogue& e, float* y, int64_t rows, int64_t cols, int64_t ld, int64_t c0) {
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t j = 0; j < cols; ++j) y[r * ld + j] = epilogueScalar(e, y[r * ld + j], c0 + j);
  }
}

// Elementwise binary with broadcasting: out[i] = op(a[ia], b[ib]) where the
// strides of a and b are 0 along broadcast dimensions.
// Kernels: "Binary" (float32 inputs; float32 out, or int32 0/1 for comparisons),
//          "BinaryInt" (int32 inputs and output).
struct BinaryParams {
  BinaryOp op;
  const void* a;
  const void* b;
  void* out;
  int64_t size;  // elements of out
  int rank;      // of out
  int64_t outDims[kMaxRank];
  int64_t aStrides[kMaxRank];
  int64_t bStrides[kMaxRank];
  bool sameShape;  // a, b and out all have out's shape: a flat loop suffices
};
using BinaryKernel = void (*)(const BinaryParams&);

// Elementwise unary on float32: out[i] = op(x[i]; alpha, beta). Kernel "Unary".
// "UnaryInt" does Neg, Abs, Sign, Square on int32.
struct UnaryParams {
  UnaryOp op;
  float alpha, beta;
  const void* x;
  void* out;
  int64_t size;
};
using UnaryKernel = void (*)(const UnaryParams&);

// dx[i] = dy[i] * op'(x[i], y[i]). Kernel "UnaryGrad".
struct UnaryGradParams {
  UnaryOp op;
  float alpha, beta;
  const float* x;
  const float* y;
  const float* dy;
  float* dx;
  int64_t size;
};
using UnaryGradKernel = void (*)(const UnaryGradParams&);

// Conversion between float32 and int32/bool storage. Kernel "Cast".
struct CastParams {
  const void* x;
  void* out;
  int64_t size;
  bool fromFloat, toFloat, toBool;
};
using CastKernel = void (*)(const CastParams&);

// out[i] = cond[i] ? a[i] : b[i] over 4-byte elements of equal shapes. Kernel "Select".
struct SelectParams {
  const int32_t* cond;
  const uint32_t* a;
  const uint32_t* b;
  uint32_t* out;
  int64_t size;
};
using SelectKernel = void (*)(const SelectParams&);

// Reduction over the axes whose outStrides entry is 0 (the kernel initializes out).
// Kernels: "Reduce" (float32), "ReduceInt" (int32/bool storage).
enum class ReduceOp { Sum, Prod, Max, Min, All, Any };
struct ReduceParams {
  ReduceOp op;
  const void* x;
  void* out;
  int64_t inSize;
  int64_t outSize;
  int rank;  // of x
  int64_t inDims[kMaxRank];
  int64_t outStrides[kMaxRank];  // stride in out for each axis of x; 0 when reduced
};
using ReduceKernel = void (*)(const ReduceParams&);

// Index of the max (or min) along the last axis of a rows x cols matrix;
// the first index wins ties, as tfjs. Kernel "ArgReduce".
struct ArgReduceParams {
  bool isMax;
  const float* x;
  int32_t* out;
  int64_t rows, cols;
};
using ArgReduceKernel = void (*)(const ArgReduceParams&);

// Cumulative sum along the middle axis of an (outer, n, inner) block. Kernel "Cumsum".
struct CumsumParams {
  const float* x;
  float* out;
  int64_t outer, n, inner;
  bool exclusive, reverse;
};
using CumsumKernel = void (*)(const CumsumParams&);

// out[i] = x[ix] with x's strides 0 along broadcast axes. Op: BroadcastTo.
struct BroadcastParams {
  const uint32_t* x;  // any 4-byte dtype: a bit copy
  uint32_t* out;
  int64_t size;
  int rank;
  int64_t outDims[kMaxRank];
  int64_t xStrides[kMaxRank];
};
using BroadcastKernel = void (*)(const BroadcastParams&);

// C[b] = op(A[b]) * op(B[b]); C is m x n, the shared dimension is k. Op: MatMul.
struct MatMulParams {
  const float* a;
  const float* b;
  float* c;
  int64_t batch;
  int64_t m, n, k;
  bool transposeA, transposeB;
  int64_t aBatchStride, bBatchStride;  // 0 broadcasts one matrix over the batch
  Epilogue epilogue;                   // over columns (c = column index)
  BufferKey bKey;                      // b's weight buffer, for state cached per weight (packed panels)
};
using MatMulKernel = void (*)(const MatMulParams&);

// 4-byte element copy over an index space `dims`, with arbitrary (even negative)
// strides on both sides: slice, stridedSlice, reverse, transpose, pad and concat
// are all this kernel with different offsets and strides. Kernel "StridedCopy".
struct StridedCopyParams {
  const uint32_t* src;
  uint32_t* dst;
  int rank;
  int64_t dims[kMaxRank];
  int64_t srcOffset;
  int64_t srcStrides[kMaxRank];
  int64_t dstOffset;
  int64_t dstStrides[kMaxRank];
};
using StridedCopyKernel = void (*)(const StridedCopyParams&);

// Gather along an axis: x is (outer, axisDim, inner), out (outer, numIndices, inner).
// Kernel "Gather" (4-byte elements). Its gradient, "ScatterAdd" (float32), adds
// rows of src into out at the indices (unsortedSegmentSum).
struct GatherParams {
  const uint32_t* x;
  const int32_t* indices;
  uint32_t* out;
  int64_t outer, axisDim, numIndices, inner;
  // Set by the kernel: the first position whose index is outside [0, axisDim)
  // (-1 when none) and that index; such the kernel then writes nothing. Host scalars.
  int64_t* badAt;
  int64_t* badValue;
  // The caller made the indices itself, in range (the fit loop's batch rows): a
  // backend whose check is a synchronous device read (webgl) may skip it.
  bool indicesInRange = false;
};
using GatherKernel = void (*)(const GatherParams&);
struct ScatterAddParams {
  const float* src;  // (outer, numIndices, inner)
  const int32_t* indices;
  float* out;        // (outer, axisDim, inner), zeroed by the caller
  int64_t outer, axisDim, numIndices, inner;
};
using ScatterAddKernel = void (*)(const ScatterAddParams&);

// Softmax over the last axis of a rows x cols matrix. Op: Softmax.
struct SoftmaxParams {
  const float* x;
  float* out;
  int64_t rows, cols;
};
using SoftmaxKernel = void (*)(const SoftmaxParams&);

// In-place y += alpha * x (optimizer updates). Op: Axpy.
struct AxpyParams {
  float alpha;
  const float* x;
  float* y;
  int64_t size;
};
using AxpyKernel = void (*)(const AxpyParams&);

// One Adam/AdamW step in place, per element, in exactly the float32 operations of
// the composed form (so training matches tfjs's trajectory):
//   m = m*beta1 + g*(1-beta1); v = v*beta2 + (g*g)*(1-beta2)
//   w = (-lr) * ((m / c1) / (sqrt(v / c2) + eps)) + (w - w*decay)   (decay 0: + w)
// with c1 = 1 - beta1^t, c2 = 1 - beta2^t. Op: AdamUpdate.
struct AdamParams {
  float* w;
  float* m;
  float* v;
  const float* g;
  int64_t size;
  float beta1, oneMinusBeta1, beta2, oneMinusBeta2, c1, c2, negLr, epsilon, decay;
};
using AdamKernel = void (*)(const AdamParams&);

// Element i of the step in scalar form (the reference kernel, and the SIMD kernel's tail).
inline void adamStepScalar(const AdamParams& p, int64_t i) {
  const float g = p.g[i];
  const float m = p.m[i] * p.beta1 + g * p.oneMinusBeta1;
  const float v = p.v[i] * p.beta2 + (g * g) * p.oneMinusBeta2;
  p.m[i] = m;
  p.v[i] = v;
  const float w = p.w[i];
  const float base = p.decay != 0.f ? w - w * p.decay : w;
  p.w[i] = p.negLr * ((m / p.c1) / (std::sqrt(v / p.c2) + p.epsilon)) + base;
}

// Batch normalization without a gradient, per channel of the last axis:
// y[r, c] = (x[r, c] - mean[c]) * inv[c] + offset[c], where the op has computed
// inv = scale / sqrt(variance + epsilon). Op: BatchNormInference.
struct BatchNormParams {
  const float* x;
  const float* mean;
  const float* inv;
  const float* offset;
  float* y;
  int64_t rows, channels;
};
using BatchNormKernel = void (*)(const BatchNormParams&);

// out[i] = the 4-byte pattern `bits` (a float32 or an int32) for i < size. Kernel "Fill".
struct FillParams {
  uint32_t* out;
  int64_t size;
  uint32_t bits;
};
using FillKernel = void (*)(const FillParams&);

// out[i] = x[i] over 4-byte elements (clone, assign). Kernel "Copy".
struct CopyParams {
  const uint32_t* x;
  uint32_t* out;
  int64_t size;
};
using CopyKernel = void (*)(const CopyParams&);

}  // namespace wl

// Kernel parameter structs and kernel signatures, one per kernel family.
//
// Kernels receive raw buffers and dimensions that the op has already computed
// and checked; they own loops, never shapes. A backend implements a family by
// registering a function of the family's signature under each op name.
#pragma once

#include <cstdint>

namespace wl {

constexpr int kMaxRank = 6;

// Elementwise binary with broadcasting: out[i] = a[ia] (op) b[ib] where the
// strides of a and b are 0 along broadcast dimensions.
// Ops: Add, Sub, Mul, Div.
struct BinaryParams {
  const float* a;
  const float* b;
  float* out;
  int64_t size;  // elements of out
  int rank;      // of out
  int64_t outDims[kMaxRank];
  int64_t aStrides[kMaxRank];
  int64_t bStrides[kMaxRank];
  bool sameShape;  // a, b and out all have out's shape: a flat loop suffices
};
using BinaryKernel = void (*)(const BinaryParams&);

// Elementwise unary: out[i] = f(x[i]). Ops: Neg, Square, Exp, Log, Relu, Sigmoid, Tanh.
struct UnaryParams {
  const float* x;
  float* out;
  int64_t size;
};
using UnaryKernel = void (*)(const UnaryParams&);

// Gradient of an elementwise unary from its input or output and dy.
// Ops: ReluGrad (x = input), SigmoidGrad and TanhGrad (x = output y).
struct UnaryGradParams {
  const float* x;
  const float* dy;
  float* dx;
  int64_t size;
};
using UnaryGradKernel = void (*)(const UnaryGradParams&);

// Sum over the axes whose outStrides entry is 0 (out is zeroed by the kernel).
// Op: Sum.
struct ReduceParams {
  const float* x;
  float* out;
  int64_t inSize;
  int64_t outSize;
  int rank;  // of x
  int64_t inDims[kMaxRank];
  int64_t outStrides[kMaxRank];  // stride in out for each axis of x; 0 when reduced
};
using ReduceKernel = void (*)(const ReduceParams&);

// out[i] = x[ix] with x's strides 0 along broadcast axes. Op: BroadcastTo.
struct BroadcastParams {
  const float* x;
  float* out;
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
};
using MatMulKernel = void (*)(const MatMulParams&);

// Row gather: out[r] = x[indices[r]] for rows of rowSize elements. Op: GatherRows.
struct GatherRowsParams {
  const float* x;
  const int32_t* indices;
  float* out;
  int64_t numIndices;
  int64_t rowSize;
};
using GatherRowsKernel = void (*)(const GatherRowsParams&);

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

}  // namespace wl

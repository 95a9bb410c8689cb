// Kernel parameter structs for the issue-16 ops: bitwiseAnd, dilation2d (and its two
// backprops), maxPoolWithArgmax, and the sparse and ragged ops.
//
// The sparse and ragged kernels have outputs whose shapes depend on the values
// (tfjs computes them on the CPU too). Their params carry host-side result vectors
// that the kernel fills (as the Gather kernel reports its bad index through host
// scalars); the op then makes tensors of them. A kernel that finds bad input sets
// `error` (a code of the kernel's family and up to three values) and returns; the op
// turns that into tfjs's message. Values of any 4-byte dtype travel as uint32 bits;
// `isInt` says when arithmetic must be int32.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/conv_params.h"

namespace wl {

struct KernelError {
  int code = 0;  // 0: none
  int64_t a = 0, b = 0, c = 0;
};

// out[i] = a[i] & b[i] over int32 of equal shapes. Kernel "BitwiseAnd".
struct BitwiseParams {
  const int32_t* a;
  const int32_t* b;
  int32_t* out;
  int64_t size;
};
using BitwiseKernel = void (*)(const BitwiseParams&);

// Grayscale dilation: y[b, oh, ow, c] = max over (h, w) inside x of
// x[b, oh*sH - padTop + h*dH, ow*sW - padLeft + w*dW, c] + filter[h, w, c]
// (-2^53 when no tap is inside, as tfjs). g.fH/g.fW are the filter's size.
// Kernels: "Dilation2D" (x, filter -> y); "Dilation2DBackpropInput" (dy -> dx,
// overwritten); "Dilation2DBackpropFilter" (dy -> dfilter, overwritten): each routes
// dy to the first maximising tap. Dilation2D also takes int32 x and/or filter (the
// flags; y is int32 when x is, JS's ToInt32 of the double sum, as tfjs's Int32Array).
struct Dilation2DParams {
  ConvGeometry g;
  const float* x;
  const float* filter;
  const float* dy;  // backprops only
  float* out;       // y, dx or dfilter
  bool xIsInt = false, filterIsInt = false;  // forward only: buffers hold int32
};
using Dilation2DKernel = void (*)(const Dilation2DParams&);

// Max pool with the flat position of each maximum in x ((b*H + h)*W + w)*C + c, the
// batch term only when includeBatchInIndex. Kernel "MaxPoolWithArgmax"; isInt: x and
// out hold int32 (an empty window gives tfjs's -Infinity: 0 as an int32).
struct MaxPoolArgmaxParams {
  ConvGeometry g;
  const float* x;
  float* out;
  int32_t* indexes;
  bool includeBatchInIndex;
  bool isInt = false;
};
using MaxPoolArgmaxKernel = void (*)(const MaxPoolArgmaxParams&);

// ---- sparse ------------------------------------------------------------------------

// Kernel "SparseFillEmptyRows". indices [n, rank]; values [n]; denseShape (>= 1
// entry; row count = denseShape[0]); defaultValue a scalar.
// Errors: 1 denseShape[0] == 0 with n (a) indices; 2 indices(a, 0) = b < 0;
// 3 indices(a, 0) = b >= c.
struct SparseFillEmptyRowsParams {
  const int32_t* indices;
  const uint32_t* values;
  const int32_t* denseShape;
  const uint32_t* defaultValue;
  int64_t n, rank;
  std::vector<int32_t>* outIndices;  // [m, rank]
  std::vector<uint32_t>* outValues;  // [m]
  std::vector<int32_t>* emptyRowIndicator;  // [denseShape[0]] (0/1)
  std::vector<int32_t>* reverseIndexMap;    // [n]
  KernelError* error;
};
using SparseFillEmptyRowsKernel = void (*)(const SparseFillEmptyRowsParams&);

// Kernel "SparseReshape". indices [n, inRank]; inputShape [inRank]; newShape [outRank]
// (one entry may be -1). Fills the resolved output shape (also on error: the shape
// so far) and a copy of the input shape, which the messages print.
// Errors: 1 two -1 (dims a, b); 2 size a is b < 0; 3 empty tensor with a -1;
// 4 not a multiple; 5 sizes differ.
struct SparseReshapeParams {
  const int32_t* indices;
  const int32_t* inputShape;
  const int32_t* newShape;
  int64_t n, inRank, outRank;
  std::vector<int32_t>* outIndices;    // [n, outRank]
  std::vector<int64_t>* outShape;      // [outRank]
  std::vector<int64_t>* inShape;       // [inRank]
  KernelError* error;
};
using SparseReshapeKernel = void (*)(const SparseReshapeParams&);

// Kernels "SparseSegmentSum", "SparseSegmentMean": data [rows, cols] (cols the
// product of the other dims); indices [n] and segmentIds [n] (sorted). The output
// has segmentIds[n-1] + 1 rows (0 when n is 0) of cols values.
// Errors: 1 negative segment ids; 2 not increasing; 3 segment id a out of range
// [0, b); 4 indices[a] == b out of range [0, c).
struct SparseSegmentParams {
  const uint32_t* data;
  const int32_t* indices;
  const int32_t* segmentIds;
  int64_t rows, cols, n;
  bool isInt;
  std::vector<uint32_t>* out;  // [outRows * cols]
  int64_t* outRows;
  KernelError* error;
};
using SparseSegmentKernel = void (*)(const SparseSegmentParams&);

// ---- ragged ------------------------------------------------------------------------

// Kernel "RaggedGather". splits: the params' nested row splits (numSplits vectors,
// splitSizes[i] entries each); values [valueRows, valueSize]; indices with shape
// indicesShape. Output: indicesRank - 1 + numSplits splits vectors and the gathered
// rows of values.
// Errors: 1 indices[a (flat)] = b not in [0, c); 2 splits empty; 3 splits negative;
// 4 splits point past values; 5 splits not sorted.
struct RaggedGatherParams {
  const int32_t* const* splits;
  const int64_t* splitSizes;
  int numSplits;
  const uint32_t* values;
  int64_t valueRows, valueSize;
  const int32_t* indices;
  const int64_t* indicesShape;
  int indicesRank;
  std::vector<std::vector<int32_t>>* outSplits;
  std::vector<uint32_t>* outValues;  // [outRows * valueSize]
  int64_t* outRows;
  KernelError* error;
};
using RaggedGatherKernel = void (*)(const RaggedGatherParams&);

// Kernel "RaggedRange": starts/limits/deltas, each a scalar (size -1: broadcast)
// or a vector of nRows entries. Errors: 1 delta == 0; 2 a row longer than INT32_MAX.
struct RaggedRangeParams {
  const uint32_t* starts;
  const uint32_t* limits;
  const uint32_t* deltas;
  bool startsScalar, limitsScalar, deltasScalar;
  int64_t nRows;
  bool isInt;
  std::vector<int32_t>* splits;     // [nRows + 1]
  std::vector<uint32_t>* values;
  KernelError* error;
};
using RaggedRangeKernel = void (*)(const RaggedRangeParams&);

// Kernel "RaggedTensorToTensor" (tfjs's RaggedTensorToTensorOp, types: 0
// FIRST_DIM_SIZE, 1 VALUE_ROWIDS, 2 ROW_LENGTHS, 3 ROW_SPLITS, 4 ROW_LIMITS,
// 5 ROW_STARTS). shape: the requested shape (shapeRank 0: a scalar, -1 = unknown).
// The kernel resolves the output shape (outShape) and fills out.
// Errors: the message is in `message` (its checks are many and worded as tfjs's).
struct RaggedTensorToTensorParams {
  const int32_t* shape;
  int64_t shapeSize;
  int shapeRank;
  const uint32_t* values;
  const int64_t* valuesShape;
  int valuesRank;
  const uint32_t* defaultValue;
  const int64_t* defaultShape;
  int defaultRank;
  const int32_t* const* partitions;
  const int64_t* partitionSizes;
  const int* types;
  int numPartitions;
  int numTypes;  // the recognised leading types (tfjs stops at an unknown one)
  std::vector<int64_t>* outShape;
  std::vector<uint32_t>* out;
  std::string* message;  // set on error
};
using RaggedTensorToTensorKernel = void (*)(const RaggedTensorToTensorParams&);

}  // namespace wl

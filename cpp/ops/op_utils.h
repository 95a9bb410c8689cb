// Helpers shared by op definitions (not part of the public op surface).
#pragma once

#include "core/dispatch.h"
#include "core/tape.h"
#include "kernels/params.h"
#include "ops/ops.h"
#include "ops/shape_ops.h"

namespace wl {

inline void requireFloat(const char* op, const Tensor& x) {
  WL_CHECK(x.defined(), op << ": the input tensor is undefined (was it disposed?)");
  WL_CHECK(x.dtype() == DType::Float32, op << ": expected a float32 tensor but got " << dtypeName(x.dtype()));
}

inline void requireRank(const char* op, const Tensor& x) {
  WL_CHECK(x.rank() <= kMaxRank, op << ": tensors of rank " << x.rank() << " are not supported (max "
                                    << kMaxRank << ")");
}

// Records a node whose gradient throws tfjs's "gradient function not found" for
// `kernel` (ops tfjs has no gradient for: never a silent zero). ops/sparse.cc.
void recordNoGradient(const char* kernel, const std::vector<Tensor>& inputs, const Tensor& y);

// Strides of `shape` laid out row-major, as seen from an output of rank `rank`
// (left-padded), with 0 along dimensions of size 1 that the output broadcasts.
void broadcastStrides(const Shape& shape, const Shape& outShape, int64_t* strides);

// A FusedEpilogue a kernel can apply to an output with `channels` channels: holds the
// per-channel vectors alive while the kernel runs. ok is false when the op must
// compose instead (a tape records, or scale/bias are not per channel).
struct KernelEpilogue {
  bool ok = false;
  Tensor scale, bias;
  FusedActivation activation = FusedActivation::Linear;
  // The epilogue with scale/bias bound for the backend the call runs on.
  Epilogue bind(const KernelCall& call) const {
    Epilogue e;
    e.scale = call.inOrNull<float>(scale);
    e.bias = call.inOrNull<float>(bias);
    e.activation = activation;
    return e;
  }
};
KernelEpilogue kernelEpilogue(const FusedEpilogue& post, int64_t channels);

}  // namespace wl

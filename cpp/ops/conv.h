// Neural-network ops (tfjs-core semantics, NHWC by default): convolutions, pools,
// batchNorm, localResponseNormalization and image resizing (ops/conv.cc).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"
#include "ops/ops.h"

namespace wl {

// tfjs's `pad` argument: 'same', 'valid', a number (zeros on every side) or explicit
// pairs, one per dimension of x in its dataFormat ([[0,0],[t,b],[l,r],[0,0]] for NHWC).
struct Padding {
  enum Kind { Same, Valid, Number, Explicit };
  Kind kind = Valid;
  int64_t value = 0;
  std::vector<std::pair<int64_t, int64_t>> pairs;
  static Padding same() { return {Same, 0, {}}; }
  static Padding valid() { return {Valid, 0, {}}; }
  static Padding number(int64_t n) { return {Number, n, {}}; }
  static Padding explicitPairs(std::vector<std::pair<int64_t, int64_t>> p) { return {Explicit, 0, std::move(p)}; }
};

// Strides and dilations: one value for all spatial dims, or one per spatial dim.
// dimRoundingMode: "" (truncate), "floor", "round" or "ceil", for number/explicit pads.
Tensor conv1d(const Tensor& x, const Tensor& filter, int64_t stride = 1, const Padding& pad = Padding::valid(),
              const std::string& dataFormat = "NWC", int64_t dilation = 1, const std::string& dimRoundingMode = "");
Tensor conv2d(const Tensor& x, const Tensor& filter, std::vector<int64_t> strides = {1},
              const Padding& pad = Padding::valid(), const std::string& dataFormat = "NHWC",
              std::vector<int64_t> dilations = {1}, const std::string& dimRoundingMode = "");
Tensor conv3d(const Tensor& x, const Tensor& filter, std::vector<int64_t> strides = {1},
              const Padding& pad = Padding::valid(), const std::string& dataFormat = "NDHWC",
              std::vector<int64_t> dilations = {1});
// filter: [fh, fw, outC, inC]; outputShape: [batch, h, w, outC] or [h, w, outC].
Tensor conv2dTranspose(const Tensor& x, const Tensor& filter, const Shape& outputShape,
                       std::vector<int64_t> strides = {1}, const Padding& pad = Padding::valid(),
                       const std::string& dimRoundingMode = "");
// filter: [fd, fh, fw, outC, inC]; outputShape: [batch, d, h, w, outC] or [d, h, w, outC].
Tensor conv3dTranspose(const Tensor& x, const Tensor& filter, const Shape& outputShape,
                       std::vector<int64_t> strides = {1}, const Padding& pad = Padding::valid());
// filter: [fh, fw, inC, channelMultiplier]; output channel c * mult + m.
Tensor depthwiseConv2d(const Tensor& x, const Tensor& filter, std::vector<int64_t> strides = {1},
                       const Padding& pad = Padding::valid(), const std::string& dataFormat = "NHWC",
                       std::vector<int64_t> dilations = {1}, const std::string& dimRoundingMode = "");
// conv2d / depthwiseConv2d followed by a per-channel epilogue (ops.h FusedEpilogue),
// fused into the kernel when nothing records gradients.
// The epilogue is per output channel whatever the dataFormat (tfjs: a 1-D bias for NCHW).
Tensor fusedConv2d(const Tensor& x, const Tensor& filter, std::vector<int64_t> strides, const Padding& pad,
                   const std::string& dataFormat, std::vector<int64_t> dilations, const FusedEpilogue& post,
                   const std::string& dimRoundingMode = "");
Tensor fusedDepthwiseConv2d(const Tensor& x, const Tensor& filter, std::vector<int64_t> strides,
                            const Padding& pad, const std::string& dataFormat, std::vector<int64_t> dilations,
                            const FusedEpilogue& post, const std::string& dimRoundingMode = "");
Tensor separableConv2d(const Tensor& x, const Tensor& depthwiseFilter, const Tensor& pointwiseFilter,
                       std::vector<int64_t> strides = {1}, const Padding& pad = Padding::valid(),
                       std::vector<int64_t> dilation = {1}, const std::string& dataFormat = "NHWC");

Tensor maxPool(const Tensor& x, std::vector<int64_t> filterSize, std::vector<int64_t> strides,
               const Padding& pad, const std::string& dimRoundingMode = "");
Tensor avgPool(const Tensor& x, std::vector<int64_t> filterSize, std::vector<int64_t> strides,
               const Padding& pad, const std::string& dimRoundingMode = "");
Tensor maxPool3d(const Tensor& x, std::vector<int64_t> filterSize = {1}, std::vector<int64_t> strides = {1},
                 const Padding& pad = Padding::valid(), const std::string& dimRoundingMode = "",
                 const std::string& dataFormat = "NDHWC");
Tensor avgPool3d(const Tensor& x, std::vector<int64_t> filterSize = {1}, std::vector<int64_t> strides = {1},
                 const Padding& pad = Padding::valid(), const std::string& dimRoundingMode = "",
                 const std::string& dataFormat = "NDHWC");

// offset and scale may be undefined Tensors.
Tensor batchNorm(const Tensor& x, const Tensor& mean, const Tensor& variance, const Tensor& offset = Tensor(),
                 const Tensor& scale = Tensor(), float varianceEpsilon = 0.001f);
// batchNorm's inference as a per-channel map y = x * scale + bias (a fused
// epilogue): scale = rsqrt(variance + eps) * scale, bias = offset - mean * scale,
// from [C] vectors (offset and scale may be undefined). Both vectors are kept per
// weight version when all the parameters are weights (setWeights, fit and assign
// invalidate them); callers must not write into them.
struct BatchNormAffine {
  Tensor scale, bias;
};
BatchNormAffine batchNormAffine(const Tensor& mean, const Tensor& variance, const Tensor& offset,
                                const Tensor& scale, float varianceEpsilon);
Tensor localResponseNormalization(const Tensor& x, int64_t depthRadius = 5, float bias = 1.f, float alpha = 1.f,
                                  float beta = 0.5f);

// images: [batch, h, w, c] or [h, w, c]; size: [newH, newW].
Tensor resizeBilinear(const Tensor& images, std::vector<int64_t> size, bool alignCorners = false,
                      bool halfPixelCenters = false);
Tensor resizeNearestNeighbor(const Tensor& images, std::vector<int64_t> size, bool alignCorners = false,
                             bool halfPixelCenters = false);

}  // namespace wl

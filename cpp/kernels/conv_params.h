// Kernel parameter structs and signatures for convolutions, pooling and resizing.
//
// Convolutions and pools are written once for 3 spatial dims (NDHWC); the 2D ops
// pass inD = fD = outD = 1. Kernels own loops only; ops compute every dimension.
#pragma once

#include <cstdint>

#include "kernels/params.h"

namespace wl {

// Geometry shared by convolutions and pools (x: [batch, inD, inH, inW, inC],
// y: [batch, outD, outH, outW, outC]). The input position of output o and tap f
// is o * stride - padBefore + f * dilation along each spatial dim.
//
// Split as XNNPACK's create / reshape: ConvAttrs is fixed when a layer is built
// (what a kernel may key cached state by: a packed filter, an operator, a shader);
// ConvShape changes with each call's input.
struct ConvAttrs {
  int64_t inC, outC;
  int64_t fD, fH, fW;
  int64_t strideD, strideH, strideW;
  int64_t dilD, dilH, dilW;
  int64_t channelMultiplier;  // depthwise only: outC = inC * channelMultiplier
};
struct ConvShape {
  int64_t batch;
  int64_t inD, inH, inW;
  int64_t outD, outH, outW;
  int64_t padFront, padTop, padLeft;  // 'same' padding depends on the input size
};
struct ConvGeometry : ConvAttrs, ConvShape {
  const ConvAttrs& attrs() const { return *this; }
};

// Convolution family. filter: [fD, fH, fW, inC, outC] (depthwise: [fH, fW, inC, mult]).
// Kernels: "Conv2D", "Conv3D", "DepthwiseConv2dNative":          y = conv(x, filter)
//          "Conv2DBackpropInput", "Conv3DBackpropInputV2",
//          "DepthwiseConv2dNativeBackpropInput":                 x (dx) from y (dy) and filter
//          "Conv2DBackpropFilter", "Conv3DBackpropFilterV2",
//          "DepthwiseConv2dNativeBackpropFilter":                filter (dfilter) from x and y (dy)
// Each kernel overwrites the buffer it computes (y, x or filter) and reads the others.
struct ConvParams {
  ConvGeometry g;
  float* x;
  float* filter;
  float* y;
  Epilogue epilogue;  // forward kernels only (Conv2D, Conv3D, DepthwiseConv2dNative)
  BufferKey filterKey;  // the filter's weight buffer, for state cached per weight (packed panels)
};
using ConvKernel = void (*)(const ConvParams&);

// Pools over windows of (fD, fH, fW) with outC == inC. Kernels "MaxPool", "AvgPool",
// "MaxPool3D", "AvgPool3D": out = pool(x). AvgPool averages over the elements of
// the window inside x (padding excluded), as tfjs.
struct PoolParams {
  ConvGeometry g;
  const float* x;
  float* out;
};
using PoolKernel = void (*)(const PoolParams&);

// Pool gradients: dx from dy (and x for max). Kernels "MaxPoolGrad", "AvgPoolGrad",
// "MaxPool3DGrad", "AvgPool3DGrad". Max routes dy to the first maximum of each window.
struct PoolGradParams {
  ConvGeometry g;
  const float* x;
  const float* dy;
  float* dx;  // overwritten
};
using PoolGradKernel = void (*)(const PoolGradParams&);

// Image resizing of x [batch, inH, inW, channels] to [batch, outH, outW, channels].
// Kernels "ResizeBilinear", "ResizeNearestNeighbor" (x -> out) and
// "ResizeBilinearGrad", "ResizeNearestNeighborGrad" (dy in `x`'s slot of shape
// out*, written into `out` of shape in*, which they overwrite).
struct ResizeParams {
  const float* x;
  float* out;
  int64_t batch, inH, inW, channels, outH, outW;
  bool alignCorners, halfPixelCenters;
};
using ResizeKernel = void (*)(const ResizeParams&);

}  // namespace wl

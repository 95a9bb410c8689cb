// Convolutions, pools, batchNorm, LRN and image resizing, as tfjs-core ops.
//
// Convolutions and pools run on one geometry (ConvGeometry, kernels/conv_params.h)
// of 3 spatial dims: 2D ops use depth 1, so conv2d and conv3d share kernels and
// gradient rules. The three convolution primitives (forward, backprop-input,
// backprop-filter) are each recorded ops whose gradients are the other two, so
// transposed convolutions (= backprop-input) are differentiable too.
#include "ops/conv.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

#include "core/backend.h"
#include "core/kernel_cache.h"
#include "kernels/conv_params.h"
#include "kernels/params_sparse.h"
#include "ops/op_utils.h"
#include "ops/registry.h"

namespace wl {
namespace {

enum class ConvKind { Conv2D, Conv3D, Depthwise };

struct ConvKernelNames {
  const char* forward;
  const char* backpropInput;
  const char* backpropFilter;
};

ConvKernelNames kernelNames(ConvKind k) {
  switch (k) {
    case ConvKind::Conv2D: return {"Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"};
    case ConvKind::Conv3D: return {"Conv3D", "Conv3DBackpropInputV2", "Conv3DBackpropFilterV2"};
    default:
      return {"DepthwiseConv2dNative", "DepthwiseConv2dNativeBackpropInput", "DepthwiseConv2dNativeBackpropFilter"};
  }
}

std::string intsStr(const std::vector<int64_t>& v) { return shapeStr(v); }

// A value per spatial dim from one value or one per dim.
std::vector<int64_t> perDim(const char* op, const char* what, std::vector<int64_t> v, int n) {
  if (v.size() == 1) v.assign(n, int64_t{v[0]});  // a copy: assign() may free v before reading v[0]
  WL_CHECK(static_cast<int>(v.size()) == n, op << ": " << what << " must be a number or " << n << " numbers, got "
                                               << intsStr(v));
  for (int64_t s : v) WL_CHECK(s > 0, op << ": " << what << " must be positive, got " << intsStr(v));
  return v;
}

double roundDim(double v, const std::string& mode, const char* op) {
  if (mode.empty()) return std::trunc(v);
  if (mode == "round") return std::floor(v + 0.5);  // Math.round
  if (mode == "ceil") return std::ceil(v);
  if (mode == "floor") return std::floor(v);
  WL_CHECK(false, op << ": unknown dimRoundingMode '" << mode << "' (expected 'floor', 'round' or 'ceil')");
  return 0;
}

// Spatial dims (D, H, W; D = 1 for 2D) of the geometry, from x's channels-last dims.
// `spatialPads` are the explicit (before, after) pairs per spatial dim.
struct SpatialSpec {
  int64_t in[3], f[3], stride[3], dil[3];
};

void resolveSpatial(const char* op, const SpatialSpec& s, const Padding& pad,
                    const std::vector<std::pair<int64_t, int64_t>>& spatialPads, const std::string& rounding,
                    int nSpatial, int64_t out[3], int64_t padBefore[3]) {
  for (int i = 0; i < 3; ++i) {
    if (i < 3 - nSpatial) {  // the depth of a 2D op
      out[i] = 1;
      padBefore[i] = 0;
      continue;
    }
    // Checked: filter sizes and dilations of pools come from options, not tensors.
    int64_t eff = checkedAdd(checkedMul(s.f[i] - 1, s.dil[i], "dilated filter size"), 1, "dilated filter size");
    int64_t in = s.in[i], st = s.stride[i];
    double o = 0;
    out[i] = 0;
    padBefore[i] = 0;
    switch (pad.kind) {
      case Padding::Same: {
        int64_t n = (in + st - 1) / st;
        int64_t total = std::max<int64_t>(0, (n - 1) * st + eff - in);
        out[i] = n;
        padBefore[i] = total / 2;
        continue;
      }
      case Padding::Valid:
        out[i] = static_cast<int64_t>(std::ceil(static_cast<double>(in - eff + 1) / static_cast<double>(st)));
        padBefore[i] = 0;
        break;
      case Padding::Number:
        o = roundDim(static_cast<double>(in - eff + checkedMul(2, pad.value, "padding")) / static_cast<double>(st) + 1,
                     rounding, op);
        out[i] = static_cast<int64_t>(o);
        padBefore[i] = pad.value;
        break;
      case Padding::Explicit: {
        auto pr = spatialPads[i];
        o = roundDim(static_cast<double>(in - eff + pr.first + pr.second) / static_cast<double>(st) + 1, rounding, op);
        out[i] = static_cast<int64_t>(o);
        padBefore[i] = pr.first;
        break;
      }
    }
    WL_CHECK(out[i] >= 0, op << ": the filter (size " << s.f[i] << ", dilation " << s.dil[i]
                             << ") does not fit the input of spatial size " << in << " with this padding");
  }
}

// Explicit pads per spatial dim (3 pairs, depth first) from tfjs's per-dim pairs.
std::vector<std::pair<int64_t, int64_t>> spatialPadPairs(const char* op, const Padding& pad, int rank,
                                                          bool channelsFirst) {
  std::vector<std::pair<int64_t, int64_t>> out(3, {0, 0});
  if (pad.kind == Padding::Number) {
    WL_CHECK(pad.value >= 0, op << ": pad must be non-negative, got " << pad.value);
  }
  if (pad.kind != Padding::Explicit) return out;
  WL_CHECK(static_cast<int>(pad.pairs.size()) == rank,
           op << ": explicit padding must have " << rank << " [before, after] pairs, got " << pad.pairs.size());
  int first = channelsFirst ? 2 : 1, nSpatial = rank - 2;
  for (int i = 0; i < rank; ++i) {
    bool spatial = i >= first && i < first + nSpatial;
    WL_CHECK(spatial || (pad.pairs[i].first == 0 && pad.pairs[i].second == 0),
             op << ": explicit padding of the batch and channel dimensions must be 0, got ["
                << pad.pairs[i].first << ", " << pad.pairs[i].second << "] for dimension " << i);
    WL_CHECK(pad.pairs[i].first >= 0 && pad.pairs[i].second >= 0, op << ": explicit padding must be non-negative");
  }
  for (int i = 0; i < nSpatial; ++i) out[3 - nSpatial + i] = pad.pairs[first + i];
  return out;
}

// x: channels-last with 2 or 3 spatial dims; filter spatial sizes f (3, depth first).
ConvGeometry makeGeometry(const char* op, const Shape& x, const int64_t f[3], const std::vector<int64_t>& strides,
                          const std::vector<int64_t>& dilations, const Padding& pad,
                          const std::vector<std::pair<int64_t, int64_t>>& spatialPads,
                          const std::string& rounding, int64_t outC) {
  int nSpatial = static_cast<int>(x.size()) - 2;
  SpatialSpec s{};
  for (int i = 0; i < 3; ++i) {
    int j = i - (3 - nSpatial);
    s.in[i] = j < 0 ? 1 : x[1 + j];
    s.f[i] = f[i];
    s.stride[i] = j < 0 ? 1 : strides[j];
    s.dil[i] = j < 0 ? 1 : dilations[j];
  }
  int64_t out[3], before[3];
  resolveSpatial(op, s, pad, spatialPads, rounding, nSpatial, out, before);
  ConvGeometry g{};
  ConvAttrs& a = g;  // create-time: the filter and how it steps
  a.inC = x.back(), a.outC = outC;
  a.fD = s.f[0], a.fH = s.f[1], a.fW = s.f[2];
  a.strideD = s.stride[0], a.strideH = s.stride[1], a.strideW = s.stride[2];
  a.dilD = s.dil[0], a.dilH = s.dil[1], a.dilW = s.dil[2];
  a.channelMultiplier = 1;
  ConvShape& c = g;  // per call: sizes and the padding they imply
  c.batch = x[0];
  c.inD = s.in[0], c.inH = s.in[1], c.inW = s.in[2];
  c.outD = out[0], c.outH = out[1], c.outW = out[2];
  c.padFront = before[0], c.padTop = before[1], c.padLeft = before[2];
  return g;
}

Shape outShapeOf(const ConvGeometry& g, int nSpatial) {
  if (nSpatial == 2) return {g.batch, g.outH, g.outW, g.outC};
  return {g.batch, g.outD, g.outH, g.outW, g.outC};
}

// The three convolution primitives. Shapes are passed along so the same code
// serves 4D (2D conv, depthwise) and 5D (3D conv) tensors.
Tensor convForward(ConvKind k, const Tensor& x, const Tensor& w, const ConvGeometry& g, const Shape& yShape,
                   const KernelEpilogue* ep = nullptr);
Tensor convBackpropInput(ConvKind k, const Tensor& dy, const Tensor& w, const ConvGeometry& g, const Shape& xShape);
Tensor convBackpropFilter(ConvKind k, const Tensor& x, const Tensor& dy, const ConvGeometry& g, const Shape& wShape);

Tensor convForward(ConvKind k, const Tensor& x, const Tensor& w, const ConvGeometry& g, const Shape& yShape,
                   const KernelEpilogue* ep) {
  Tensor y = Tensor::empty(yShape);
  KernelCall call(kernelNames(k).forward);
  ConvParams p{g, call.in<float>(x), call.in<float>(w), call.out<float>(y), {}, call.key(w)};
  if (ep) p.epilogue = ep->bind(call);  // only without a tape (fused.cc), so the rule below is never recorded with it
  call.kernel<ConvKernel>()(p);
  recordOp(kernelNames(k).forward, {x, w}, y, [k, x, w, g](const Tensor& dy) -> std::vector<Tensor> {
    // fit: the first layer's dx (the input batch's gradient) is not asked for: skipped.
    return {gradientNeeded(0) ? convBackpropInput(k, dy, w, g, x.shape()) : Tensor(),
            gradientNeeded(1) ? convBackpropFilter(k, x, dy, g, w.shape()) : Tensor()};
  });
  return y;
}

Tensor convBackpropInput(ConvKind k, const Tensor& dy, const Tensor& w, const ConvGeometry& g, const Shape& xShape) {
  Tensor dx = Tensor::empty(xShape);
  KernelCall call(kernelNames(k).backpropInput);
  ConvParams p{g, call.out<float>(dx), call.in<float>(w), call.in<float>(dy), {}, call.key(w)};
  call.kernel<ConvKernel>()(p);
  recordOp(kernelNames(k).backpropInput, {dy, w}, dx, [k, dy, w, g](const Tensor& ddx) -> std::vector<Tensor> {
    return {gradientNeeded(0) ? convForward(k, ddx, w, g, dy.shape()) : Tensor(),
            gradientNeeded(1) ? convBackpropFilter(k, ddx, dy, g, w.shape()) : Tensor()};
  });
  return dx;
}

Tensor convBackpropFilter(ConvKind k, const Tensor& x, const Tensor& dy, const ConvGeometry& g, const Shape& wShape) {
  Tensor dw = Tensor::empty(wShape);
  KernelCall call(kernelNames(k).backpropFilter);
  ConvParams p{g, call.in<float>(x), call.out<float>(dw), call.in<float>(dy), {}, {}};
  call.kernel<ConvKernel>()(p);
  recordOp(kernelNames(k).backpropFilter, {x, dy}, dw, [k, x, dy, g](const Tensor& ddw) -> std::vector<Tensor> {
    return {gradientNeeded(0) ? convBackpropInput(k, dy, ddw, g, x.shape()) : Tensor(),
            gradientNeeded(1) ? convForward(k, x, ddw, g, dy.shape()) : Tensor()};
  });
  return dw;
}

void requireRankIn(const char* op, const char* name, const Tensor& t, int a, int b) {
  WL_CHECK(t.rank() == a || t.rank() == b, op << ": " << name << " must be rank " << a << (a != b ? " or " : "")
                                              << (a != b ? std::to_string(b) : std::string()) << ", got rank "
                                              << t.rank() << " (shape " << shapeStr(t.shape()) << ")");
}

bool channelsFirst(const char* op, const std::string& df, const char* last, const char* first) {
  if (df == last) return false;
  if (df == first) return true;
  WL_CHECK(false, op << ": unknown dataFormat '" << df << "' (expected '" << last << "' or '" << first << "')");
  return false;
}

void checkStridesOrDilations(const char* op, const std::vector<int64_t>& s, const std::vector<int64_t>& d) {
  bool sOne = std::all_of(s.begin(), s.end(), [](int64_t v) { return v == 1; });
  bool dOne = std::all_of(d.begin(), d.end(), [](int64_t v) { return v == 1; });
  WL_CHECK(sOne || dOne, "Error in " << op << ": Either strides or dilations must be 1. Got strides " << intsStr(s)
                                     << " and dilations " << intsStr(d) << ".");
}

Tensor toNHWC(const Tensor& x) { return transpose(x, {0, 2, 3, 1}); }
Tensor toNCHW(const Tensor& x) { return transpose(x, {0, 3, 1, 2}); }

// conv2d / depthwiseConv2d share the 2D wrapping (rank 3, NCHW).
Tensor conv2dLike(ConvKind kind, const char* op, const Tensor& xIn, const Tensor& filterIn,
                  std::vector<int64_t> strides, const Padding& pad, const std::string& dataFormat,
                  std::vector<int64_t> dilations, const std::string& rounding,
                  const FusedEpilogue* post = nullptr) {
  requireFloat(op, xIn);
  requireFloat(op, filterIn);
  requireRankIn(op, "x", xIn, 4, 3);
  requireRankIn(op, "filter", filterIn, 4, 4);
  bool nchw = channelsFirst(op, dataFormat, "NHWC", "NCHW");
  strides = perDim(op, "strides", strides, 2);
  dilations = perDim(op, "dilations", dilations, 2);
  checkStridesOrDilations(op, strides, dilations);
  auto spatialPads = spatialPadPairs(op, pad, 4, nchw);
  bool unbatched = xIn.rank() == 3;
  Tensor x = unbatched ? reshape(xIn, [&] { Shape s = xIn.shape(); s.insert(s.begin(), 1); return s; }()) : xIn;
  if (nchw) x = toNHWC(x);
  const Tensor& w = filterIn;
  int64_t inC = x.dim(3);
  WL_CHECK(inC == w.dim(2), "Error in " << op << ": depth of input (" << inC << ") must match input depth for filter "
                                        << w.dim(2) << ". Shapes: x " << shapeStr(xIn.shape()) << ", filter "
                                        << shapeStr(w.shape()) << " (dataFormat " << dataFormat << ")");
  int64_t f[3] = {1, w.dim(0), w.dim(1)};
  int64_t outC = kind == ConvKind::Depthwise ? inC * w.dim(3) : w.dim(3);
  ConvGeometry g = makeGeometry(op, x.shape(), f, strides, dilations, pad, spatialPads, rounding, outC);
  if (kind == ConvKind::Depthwise) g.channelMultiplier = w.dim(3);
  // The kernel computes channels-last, so a per-channel epilogue fuses for NCHW too.
  KernelEpilogue k;
  if (post) k = kernelEpilogue(*post, outC);
  Tensor y = convForward(kind, x, w, g, outShapeOf(g, 2), k.ok ? &k : nullptr);
  if (post && !k.ok) y = applyEpilogue(y, *post);
  if (nchw) y = toNCHW(y);
  if (unbatched) y = reshape(y, Shape(y.shape().begin() + 1, y.shape().end()));
  return y;
}

// A pool over 2 or 3 spatial dims; x is channels-last with a batch dim.
// The pooling kernels and their gradients as recorded ops. Average pooling is
// linear, so its gradient's gradient is average pooling again (second order); max
// pooling's gradient records a rule that throws.
Tensor poolWithGeometry(bool isMax, const ConvGeometry& g, int nSpatial, const Tensor& x) {
  const char* fwdName = nSpatial == 2 ? (isMax ? "MaxPool" : "AvgPool") : (isMax ? "MaxPool3D" : "AvgPool3D");
  const char* gradName =
      nSpatial == 2 ? (isMax ? "MaxPoolGrad" : "AvgPoolGrad") : (isMax ? "MaxPool3DGrad" : "AvgPool3DGrad");
  Tensor y = Tensor::empty(outShapeOf(g, nSpatial));
  KernelCall call(fwdName);
  call.kernel<PoolKernel>()(PoolParams{g, call.in<float>(x), call.out<float>(y)});
  recordOp(fwdName, {x}, y, [x, g, isMax, nSpatial, gradName](const Tensor& dy) -> std::vector<Tensor> {
    Tensor dx = Tensor::empty(x.shape());
    KernelCall gcall(gradName);
    gcall.kernel<PoolGradKernel>()(PoolGradParams{g, gcall.in<float>(x), gcall.in<float>(dy), gcall.out<float>(dx)});
    if (isMax) {
      recordWithoutSecondOrder(gradName, {dy}, dx);
    } else {
      recordOp(gradName, {dy}, dx, [g, nSpatial](const Tensor& ddx) -> std::vector<Tensor> {
        return {poolWithGeometry(false, g, nSpatial, ddx)};
      });
    }
    return {dx};
  });
  return y;
}

Tensor pool(const char* op, bool isMax, const Tensor& x, std::vector<int64_t> filterSize,
            std::vector<int64_t> strides, const Padding& pad, const std::string& rounding) {
  int nSpatial = x.rank() - 2;
  filterSize = perDim(op, "filterSize", filterSize, nSpatial);
  strides = perDim(op, "strides", strides, nSpatial);
  std::vector<int64_t> dil(nSpatial, 1);
  auto spatialPads = spatialPadPairs(op, pad, x.rank(), false);
  int64_t f[3] = {1, 1, 1};
  for (int i = 0; i < nSpatial; ++i) f[3 - nSpatial + i] = filterSize[i];
  ConvGeometry g = makeGeometry(op, x.shape(), f, strides, dil, pad, spatialPads, rounding, x.dim(-1));
  return poolWithGeometry(isMax, g, nSpatial, x);
}

Tensor pool2d(const char* op, bool isMax, const Tensor& xIn, std::vector<int64_t> filterSize,
              std::vector<int64_t> strides, const Padding& pad, const std::string& rounding) {
  requireFloat(op, xIn);
  requireRankIn(op, "x", xIn, 4, 3);
  bool unbatched = xIn.rank() == 3;
  Tensor x = unbatched ? reshape(xIn, {1, xIn.dim(0), xIn.dim(1), xIn.dim(2)}) : xIn;
  Tensor y = pool(op, isMax, x, filterSize, strides, pad, rounding);
  return unbatched ? reshape(y, {y.dim(1), y.dim(2), y.dim(3)}) : y;
}

Tensor pool3d(const char* op, bool isMax, const Tensor& xIn, std::vector<int64_t> filterSize,
              std::vector<int64_t> strides, const Padding& pad, const std::string& rounding,
              const std::string& dataFormat) {
  requireFloat(op, xIn);
  requireRankIn(op, "x", xIn, 5, 4);
  WL_CHECK(dataFormat == "NDHWC", "Error in " << op << ": Only NDHWC is currently supported, got dataFormat "
                                              << dataFormat);
  bool unbatched = xIn.rank() == 4;
  Tensor x = unbatched ? reshape(xIn, {1, xIn.dim(0), xIn.dim(1), xIn.dim(2), xIn.dim(3)}) : xIn;
  Tensor y = pool(op, isMax, x, filterSize, strides, pad, rounding);
  return unbatched ? reshape(y, Shape(y.shape().begin() + 1, y.shape().end())) : y;
}

// One resize-family kernel (a resize or its gradient) from `in` into a new tensor.
Tensor runResizeKernel(const char* kernel, ResizeParams p, const Tensor& in, const Shape& outShape) {
  Tensor out = Tensor::empty(outShape);
  KernelCall call(kernel);
  p.x = call.in<float>(in);
  p.out = call.out<float>(out);
  call.kernel<ResizeKernel>()(p);
  return out;
}

// Records a resize (or, swapped, its gradient) whose rule is the other one: both are
// linear and adjoint, so gradients of gradients follow (second order).
void recordResize(const char* name, const char* gradName, const ResizeParams& p, const Tensor& x, const Tensor& y) {
  recordOp(name, {x}, y, [p, x, name, gradName](const Tensor& dy) -> std::vector<Tensor> {
    Tensor dx = runResizeKernel(gradName, p, dy, x.shape());
    recordOp(gradName, {dy}, dx, [p, dy, name, gradName](const Tensor& ddx) -> std::vector<Tensor> {
      Tensor ddy = runResizeKernel(name, p, ddx, dy.shape());
      recordResize(name, gradName, p, ddx, ddy);
      return {ddy};
    });
    return {dx};
  });
}

Tensor resize(const char* op, bool bilinear, const Tensor& imagesIn, std::vector<int64_t> size, bool alignCorners,
              bool halfPixelCenters) {
  requireFloat(op, imagesIn);
  requireRankIn(op, "images", imagesIn, 4, 3);
  WL_CHECK(size.size() == 2, "Error in " << op << ": new shape must 2D, but got shape " << intsStr(size) << ".");
  WL_CHECK(size[0] > 0 && size[1] > 0, "Error in " << op << ": size must be positive, got " << intsStr(size));
  WL_CHECK(!(halfPixelCenters && alignCorners),
           "Error in " << op << ": If halfPixelCenters is true, alignCorners must be false.");
  bool unbatched = imagesIn.rank() == 3;
  Tensor x = unbatched ? reshape(imagesIn, {1, imagesIn.dim(0), imagesIn.dim(1), imagesIn.dim(2)}) : imagesIn;
  ResizeParams p{};
  p.batch = x.dim(0), p.inH = x.dim(1), p.inW = x.dim(2), p.channels = x.dim(3);
  p.outH = size[0], p.outW = size[1];
  p.alignCorners = alignCorners, p.halfPixelCenters = halfPixelCenters;
  const char* name = bilinear ? "ResizeBilinear" : "ResizeNearestNeighbor";
  const char* gradName = bilinear ? "ResizeBilinearGrad" : "ResizeNearestNeighborGrad";
  Tensor y = runResizeKernel(name, p, x, {p.batch, p.outH, p.outW, p.channels});
  recordResize(name, gradName, p, x, y);
  return unbatched ? reshape(y, {y.dim(1), y.dim(2), y.dim(3)}) : y;
}

}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& filter, std::vector<int64_t> strides, const Padding& pad,
              const std::string& dataFormat, std::vector<int64_t> dilations, const std::string& dimRoundingMode) {
  return conv2dLike(ConvKind::Conv2D, "conv2d", x, filter, std::move(strides), pad, dataFormat, std::move(dilations),
                    dimRoundingMode);
}

Tensor depthwiseConv2d(const Tensor& x, const Tensor& filter, std::vector<int64_t> strides, const Padding& pad,
                       const std::string& dataFormat, std::vector<int64_t> dilations,
                       const std::string& dimRoundingMode) {
  return conv2dLike(ConvKind::Depthwise, "depthwiseConv2d", x, filter, std::move(strides), pad, dataFormat,
                    std::move(dilations), dimRoundingMode);
}

Tensor fusedConv2d(const Tensor& x, const Tensor& filter, std::vector<int64_t> strides, const Padding& pad,
                   const std::string& dataFormat, std::vector<int64_t> dilations, const FusedEpilogue& post,
                   const std::string& dimRoundingMode) {
  return conv2dLike(ConvKind::Conv2D, "fused.conv2d", x, filter, std::move(strides), pad, dataFormat,
                    std::move(dilations), dimRoundingMode, &post);
}

Tensor fusedDepthwiseConv2d(const Tensor& x, const Tensor& filter, std::vector<int64_t> strides,
                            const Padding& pad, const std::string& dataFormat, std::vector<int64_t> dilations,
                            const FusedEpilogue& post, const std::string& dimRoundingMode) {
  return conv2dLike(ConvKind::Depthwise, "fused.depthwiseConv2d", x, filter, std::move(strides), pad, dataFormat,
                    std::move(dilations), dimRoundingMode, &post);
}

Tensor conv1d(const Tensor& xIn, const Tensor& filter, int64_t stride, const Padding& pad,
              const std::string& dataFormat, int64_t dilation, const std::string& dimRoundingMode) {
  const char* op = "conv1d";
  requireFloat(op, xIn);
  requireFloat(op, filter);
  requireRankIn(op, "x", xIn, 3, 2);
  requireRankIn(op, "filter", filter, 3, 3);
  WL_CHECK(dataFormat == "NWC", "Error in conv1d: got dataFormat of " << dataFormat
                                                                      << " but only NWC is currently supported.");
  WL_CHECK(pad.kind != Padding::Explicit, "conv1d: explicit padding is not supported; use 'same', 'valid' or a number");
  bool unbatched = xIn.rank() == 2;
  Tensor x = unbatched ? reshape(xIn, {1, xIn.dim(0), xIn.dim(1)}) : xIn;
  WL_CHECK(x.dim(2) == filter.dim(1), "Error in conv1d: depth of input (" << x.dim(2)
                                                                          << ") must match input depth for filter "
                                                                          << filter.dim(1) << ". Shapes: x "
                                                                          << shapeStr(xIn.shape()) << ", filter "
                                                                          << shapeStr(filter.shape()));
  Tensor x4 = reshape(x, {x.dim(0), 1, x.dim(1), x.dim(2)});
  Tensor f4 = reshape(filter, {1, filter.dim(0), filter.dim(1), filter.dim(2)});
  Tensor y = conv2d(x4, f4, {1, stride}, pad, "NHWC", {1, dilation}, dimRoundingMode);
  if (unbatched) return reshape(y, {y.dim(2), y.dim(3)});
  return reshape(y, {y.dim(0), y.dim(2), y.dim(3)});
}

Tensor conv3d(const Tensor& xIn, const Tensor& filter, std::vector<int64_t> strides, const Padding& pad,
              const std::string& dataFormat, std::vector<int64_t> dilations) {
  const char* op = "conv3d";
  requireFloat(op, xIn);
  requireFloat(op, filter);
  requireRankIn(op, "x", xIn, 5, 4);
  requireRankIn(op, "filter", filter, 5, 5);
  WL_CHECK(dataFormat == "NDHWC", "Error in conv3d: got dataFormat of " << dataFormat
                                                                        << " but only NDHWC is currently supported.");
  WL_CHECK(pad.kind == Padding::Same || pad.kind == Padding::Valid || pad.kind == Padding::Number,
           "conv3d: pad must be 'same', 'valid' or a number");
  strides = perDim(op, "strides", strides, 3);
  dilations = perDim(op, "dilations", dilations, 3);
  checkStridesOrDilations(op, strides, dilations);
  bool unbatched = xIn.rank() == 4;
  Tensor x = unbatched ? reshape(xIn, {1, xIn.dim(0), xIn.dim(1), xIn.dim(2), xIn.dim(3)}) : xIn;
  WL_CHECK(x.dim(4) == filter.dim(3), "Error in conv3d: depth of input (" << x.dim(4)
                                                                          << ") must match input depth for filter "
                                                                          << filter.dim(3) << ". Shapes: x "
                                                                          << shapeStr(xIn.shape()) << ", filter "
                                                                          << shapeStr(filter.shape()));
  int64_t f[3] = {filter.dim(0), filter.dim(1), filter.dim(2)};
  ConvGeometry g = makeGeometry(op, x.shape(), f, strides, dilations, pad, {}, "", filter.dim(4));
  Tensor y = convForward(ConvKind::Conv3D, x, filter, g, outShapeOf(g, 3));
  return unbatched ? reshape(y, Shape(y.shape().begin() + 1, y.shape().end())) : y;
}

namespace {
// Transposed convolution = the input gradient of the convolution whose input has
// outputShape: nSpatial 2 or 3.
Tensor convTranspose(const char* op, int nSpatial, const Tensor& xIn, const Tensor& filter, Shape outputShape,
                     std::vector<int64_t> strides, const Padding& pad, const std::string& rounding) {
  requireFloat(op, xIn);
  requireFloat(op, filter);
  int rank = nSpatial + 2;
  requireRankIn(op, "x", xIn, rank, rank - 1);
  requireRankIn(op, "filter", filter, rank, rank);
  bool unbatched = xIn.rank() == rank - 1;
  Shape xs = xIn.shape();
  if (unbatched) xs.insert(xs.begin(), 1);
  Tensor x = unbatched ? reshape(xIn, xs) : xIn;
  if (static_cast<int>(outputShape.size()) == rank - 1) outputShape.insert(outputShape.begin(), x.dim(0));
  WL_CHECK(static_cast<int>(outputShape.size()) == rank,
           "Error in " << op << ": outputShape must be of length " << rank << " or " << rank - 1 << ", got "
                       << shapeStr(outputShape));
  WL_CHECK(outputShape[0] == x.dim(0), "Error in " << op << ": the batch of outputShape " << shapeStr(outputShape)
                                                   << " must match x " << shapeStr(xIn.shape()));
  WL_CHECK(outputShape.back() == filter.dim(rank - 2),
           "Error in " << op << ": depth of output (" << outputShape.back() << ") must match input depth for filter "
                       << filter.dim(rank - 2) << ". Shapes: outputShape " << shapeStr(outputShape) << ", filter "
                       << shapeStr(filter.shape()));
  WL_CHECK(x.dim(-1) == filter.dim(rank - 1),
           "Error in " << op << ": depth of input (" << x.dim(-1) << ") must match output depth for filter "
                       << filter.dim(rank - 1) << ". Shapes: x " << shapeStr(xIn.shape()) << ", filter "
                       << shapeStr(filter.shape()));
  strides = perDim(op, "strides", strides, nSpatial);
  auto spatialPads = spatialPadPairs(op, pad, rank, false);
  int64_t f[3] = {1, 1, 1};
  for (int i = 0; i < nSpatial; ++i) f[3 - nSpatial + i] = filter.dim(i);
  ConvGeometry g = makeGeometry(op, outputShape, f, strides, std::vector<int64_t>(nSpatial, 1), pad, spatialPads,
                                rounding, x.dim(-1));
  Shape expected = outShapeOf(g, nSpatial);
  WL_CHECK(expected == x.shape(), "Error in " << op << ": x of shape " << shapeStr(xIn.shape())
                                              << " does not match outputShape " << shapeStr(outputShape)
                                              << " with these strides and padding (expected x of shape "
                                              << shapeStr(expected) << ")");
  Tensor y = convBackpropInput(nSpatial == 2 ? ConvKind::Conv2D : ConvKind::Conv3D, x, filter, g, outputShape);
  return unbatched ? reshape(y, Shape(y.shape().begin() + 1, y.shape().end())) : y;
}
}  // namespace

Tensor conv2dTranspose(const Tensor& x, const Tensor& filter, const Shape& outputShape, std::vector<int64_t> strides,
                       const Padding& pad, const std::string& dimRoundingMode) {
  return convTranspose("conv2dTranspose", 2, x, filter, outputShape, std::move(strides), pad, dimRoundingMode);
}

Tensor conv3dTranspose(const Tensor& x, const Tensor& filter, const Shape& outputShape, std::vector<int64_t> strides,
                       const Padding& pad) {
  return convTranspose("conv3dTranspose", 3, x, filter, outputShape, std::move(strides), pad, "");
}

Tensor separableConv2d(const Tensor& x, const Tensor& depthwiseFilter, const Tensor& pointwiseFilter,
                       std::vector<int64_t> strides, const Padding& pad, std::vector<int64_t> dilation,
                       const std::string& dataFormat) {
  const char* op = "separableConv2d";
  requireFloat(op, x);
  requireFloat(op, depthwiseFilter);
  requireFloat(op, pointwiseFilter);
  requireRankIn(op, "x", x, 4, 3);
  requireRankIn(op, "depthwiseFilter", depthwiseFilter, 4, 4);
  requireRankIn(op, "pointwiseFilter", pointwiseFilter, 4, 4);
  WL_CHECK(pointwiseFilter.dim(0) == 1 && pointwiseFilter.dim(1) == 1,
           "Error in separableConv2d: pointwise filter must be 1x1, got shape " << shapeStr(pointwiseFilter.shape()));
  int64_t inC = depthwiseFilter.dim(2) * depthwiseFilter.dim(3);
  WL_CHECK(pointwiseFilter.dim(2) == inC, "Error in separableConv2d: the third dimension of pointwise filter must be "
                                              << inC << ", but got " << pointwiseFilter.dim(2) << ". Shapes: depthwise "
                                              << shapeStr(depthwiseFilter.shape()) << ", pointwise "
                                              << shapeStr(pointwiseFilter.shape()));
  Tensor d = conv2dLike(ConvKind::Depthwise, op, x, depthwiseFilter, std::move(strides), pad, dataFormat,
                        std::move(dilation), "");
  return conv2dLike(ConvKind::Conv2D, op, d, pointwiseFilter, {1}, Padding::valid(), dataFormat, {1}, "");
}

Tensor maxPool(const Tensor& x, std::vector<int64_t> filterSize, std::vector<int64_t> strides, const Padding& pad,
               const std::string& dimRoundingMode) {
  return pool2d("maxPool", true, x, std::move(filterSize), std::move(strides), pad, dimRoundingMode);
}

Tensor avgPool(const Tensor& x, std::vector<int64_t> filterSize, std::vector<int64_t> strides, const Padding& pad,
               const std::string& dimRoundingMode) {
  return pool2d("avgPool", false, x, std::move(filterSize), std::move(strides), pad, dimRoundingMode);
}

Tensor maxPool3d(const Tensor& x, std::vector<int64_t> filterSize, std::vector<int64_t> strides, const Padding& pad,
                 const std::string& dimRoundingMode, const std::string& dataFormat) {
  return pool3d("maxPool3d", true, x, std::move(filterSize), std::move(strides), pad, dimRoundingMode, dataFormat);
}

Tensor avgPool3d(const Tensor& x, std::vector<int64_t> filterSize, std::vector<int64_t> strides, const Padding& pad,
                 const std::string& dimRoundingMode, const std::string& dataFormat) {
  return pool3d("avgPool3d", false, x, std::move(filterSize), std::move(strides), pad, dimRoundingMode, dataFormat);
}

namespace {

// Per-channel vectors folded from batchNorm's parameters (mean, variance, offset,
// scale): ~7 small passes per call. When every given parameter is a weight (a
// persistent storage), they are kept in the kernel cache, one entry per (variance
// storage, form, C, epsilon, backend), whose version folds in the uids and versions
// of all four: a fit step, setWeights or assign to any of them rebuilds that entry
// in place (never a second one), and the entry dies with the variance weight.
struct FoldedBatchNorm {
  std::vector<Tensor> vectors;
  uint64_t key[8] = {};  // the uids and versions it was made from (checked on a hit)
};

template <typename Make>
std::vector<Tensor> foldCached(const char* form, int64_t C, const Tensor& mean, const Tensor& variance,
                               const Tensor& offset, const Tensor& scale, float eps, const Make& make) {
  uint64_t key[8] = {};
  const Tensor* params[4] = {&mean, &variance, &offset, &scale};
  for (int i = 0; i < 4; ++i) {
    if (!params[i]->defined()) continue;
    const BufferKey k = params[i]->bufferKey();
    if (!k.cacheable()) return make();  // an activation (moments) or a one-off tensor: nothing to keep
    key[2 * i] = k.uid;
    key[2 * i + 1] = k.version;
  }
  struct Attrs {
    int64_t C;
    uint64_t backend;
    uint32_t eps;
    uint32_t pad;
  } attrs{C, reinterpret_cast<uintptr_t>(&BackendRegistry::instance().active()), 0, 0};  // no string hash per call
  std::memcpy(&attrs.eps, &eps, sizeof eps);
  auto f = KernelCache::instance().get<FoldedBatchNorm>(form, {key[2], attrsHash(key)}, attrsHash(attrs), [&] {
    auto made = std::make_shared<FoldedBatchNorm>();
    made->vectors = make();
    // Cache-owned: not tensors the user holds (tf.memory() leaves them out).
    for (Tensor& t : made->vectors) {
      if (t.storage().persistent()) t = t.clone();  // a view of a weight gets its own storage
      t.markCacheOwned();
    }
    std::memcpy(made->key, key, sizeof key);
    return made;
  });
  if (std::memcmp(f->key, key, sizeof key) != 0) return make();  // a 64-bit hash collision: not this entry
  return f->vectors;
}

}  // namespace

BatchNormAffine batchNormAffine(const Tensor& mean, const Tensor& variance, const Tensor& offset, const Tensor& scale,
                                float varianceEpsilon) {
  WL_CHECK(mean.defined() && variance.defined() && mean.rank() == 1 && variance.shape() == mean.shape() &&
               (!offset.defined() || offset.shape() == mean.shape()) && (!scale.defined() || scale.shape() == mean.shape()),
           "batchNormAffine: mean, variance, offset and scale must be [C] vectors");
  auto make = [&] {
    Tensor s = unary(UnaryOp::Rsqrt, add(variance, Tensor::scalar(varianceEpsilon)));
    if (scale.defined()) s = mul(s, scale);
    Tensor b = neg(mul(mean, s));
    if (offset.defined()) b = add(b, offset);
    return std::vector<Tensor>{s, b};
  };
  const auto v = foldCached("op.batchNormAffine", mean.dim(0), mean, variance, offset, scale, varianceEpsilon, make);
  return {v[0], v[1]};
}

Tensor batchNorm(const Tensor& x, const Tensor& mean, const Tensor& variance, const Tensor& offset,
                 const Tensor& scale, float varianceEpsilon) {
  const char* op = "batchNorm";
  requireFloat(op, x);
  requireFloat(op, mean);
  requireFloat(op, variance);
  auto checkParam = [&](const Tensor& t, const char* name) {
    if (!t.defined()) return;
    requireFloat(op, t);
    WL_CHECK(t.rank() == x.rank() || t.rank() == 1 || t.rank() == 0,
             "Error in batchNorm: " << name << " must be rank 0, 1 or equal to x's rank (" << x.rank()
                                    << "), got shape " << shapeStr(t.shape()) << " for x of shape "
                                    << shapeStr(x.shape()));
    bool ok = true;
    try {
      ok = broadcastShapes(x.shape(), t.shape()) == x.shape();
    } catch (const Error&) {
      ok = false;
    }
    WL_CHECK(ok, "Error in batchNorm: " << name << " of shape " << shapeStr(t.shape())
                                        << " does not broadcast to x of shape " << shapeStr(x.shape()));
  };
  checkParam(mean, "mean");
  checkParam(variance, "variance");
  checkParam(offset, "offset");
  checkParam(scale, "scale");
  // Without a gradient to record (predict, evaluate), parameters that are per channel
  // of the last axis take one fused pass over x instead of four broadcast ops.
  auto perChannel = [&](const Tensor& t) {
    if (!t.defined() || t.size() == 1) return true;
    if (x.rank() == 0 || t.size() != x.dim(-1)) return false;
    for (int64_t d = 0; d + 1 < t.rank(); ++d) {
      if (t.dim(d) != 1) return false;
    }
    return true;
  };
  if (inferenceMode() && x.rank() >= 1 && perChannel(mean) && perChannel(variance) &&
      perChannel(offset) && perChannel(scale)) {
    const int64_t C = x.dim(-1);
    auto vec = [&](const Tensor& t, float absent) {
      return t.defined() ? broadcastTo(reshape(t, {t.size()}), {C}) : Tensor::full({C}, absent);
    };
    const auto f = foldCached("op.batchNorm", C, mean, variance, offset, scale, varianceEpsilon, [&] {
      return std::vector<Tensor>{vec(mean, 0.f), div(vec(scale, 1.f), sqrt(add(vec(variance, 0.f), Tensor::scalar(varianceEpsilon)))),
                                 vec(offset, 0.f)};
    });
    Tensor y = Tensor::empty(x.shape());
    KernelCall call("BatchNormInference");
    call.kernel<BatchNormKernel>()({call.in<float>(x), call.in<float>(f[0]), call.in<float>(f[1]), call.in<float>(f[2]),
                                    call.out<float>(y), C ? x.size() / C : 0, C});
    return y;
  }
  // (x - mean) * scale / sqrt(variance + eps) + offset, as tfjs-backend-cpu.
  Tensor y = sub(x, mean);
  if (scale.defined()) y = mul(y, scale);
  y = div(y, sqrt(add(variance, Tensor::scalar(varianceEpsilon))));
  if (offset.defined()) y = add(y, offset);
  return y;
}

Tensor localResponseNormalization(const Tensor& xIn, int64_t depthRadius, float bias, float alpha, float beta) {
  const char* op = "localResponseNormalization";
  requireFloat(op, xIn);
  requireRankIn(op, "x", xIn, 4, 3);
  WL_CHECK(depthRadius >= 0, "Error in localResponseNormalization: depthRadius must be non-negative, got "
                                 << depthRadius);
  int64_t C = xIn.dim(-1);
  // sqrSum[..., c] = sum over |c' - c| <= depthRadius of x[..., c']^2: a matMul with a band matrix.
  // The band matrix is a host constant (it depends on C and the radius only), uploaded.
  std::vector<float> bandValues(static_cast<size_t>(C * C), 0.f);
  for (int64_t i = 0; i < C; ++i) {
    for (int64_t j = std::max<int64_t>(0, i - depthRadius); j <= std::min(C - 1, i + depthRadius); ++j) {
      bandValues[static_cast<size_t>(i * C + j)] = 1.f;
    }
  }
  Tensor band = Tensor::fromVector({C, C}, bandValues);
  Tensor sq = reshape(square(xIn), {-1, C});
  Tensor sqrSum = reshape(matMul(sq, band), xIn.shape());
  Tensor base = add(mul(sqrSum, Tensor::scalar(alpha)), Tensor::scalar(bias));
  return mul(xIn, binary(BinaryOp::Pow, base, Tensor::scalar(-beta)));
}

Tensor resizeBilinear(const Tensor& images, std::vector<int64_t> size, bool alignCorners, bool halfPixelCenters) {
  return resize("resizeBilinear", true, images, std::move(size), alignCorners, halfPixelCenters);
}

Tensor resizeNearestNeighbor(const Tensor& images, std::vector<int64_t> size, bool alignCorners,
                             bool halfPixelCenters) {
  return resize("resizeNearestNeighbor", false, images, std::move(size), alignCorners, halfPixelCenters);
}

// ---- dilation2d and maxPoolWithArgmax (kernels/params_sparse.h) ----------------------

namespace {

// The geometry of a [fH, fW, C] dilation filter over x [batch, h, w, C] (tfjs's
// computeDilation2DInfo: a conv2d with an outC of C).
ConvGeometry dilationGeometry(const Shape& x, const Shape& filter, std::vector<int64_t> strides, const Padding& pad,
                              std::vector<int64_t> dilations) {
  const char* op = "dilation2d";
  strides = perDim(op, "strides", strides, 2);
  dilations = perDim(op, "dilations", dilations, 2);
  int64_t f[3] = {1, filter[0], filter[1]};
  return makeGeometry(op, x, f, strides, dilations, pad, spatialPadPairs(op, pad, 4, false), "", x[3]);
}

// Forward (dy undefined): y has x's dtype; backprops: float32 dx or dfilter.
Tensor dilationPass(const char* kernel, const ConvGeometry& g, const Tensor& x, const Tensor& filter,
                    const Tensor& dy, const Shape& outShape) {
  Tensor out = Tensor::empty(outShape, dy.defined() ? DType::Float32 : x.dtype());
  KernelCall k(kernel, {x.dtype()});
  k.kernel<Dilation2DKernel>()({g, k.in<float>(x), k.in<float>(filter), dy.defined() ? k.in<float>(dy) : nullptr,
                                k.out<float>(out), x.dtype() == DType::Int32, filter.dtype() == DType::Int32});
  return out;
}

void requireFloatOrInt(const char* op, const char* name, const Tensor& t) {
  WL_CHECK(t.dtype() == DType::Float32 || t.dtype() == DType::Int32,
           op << ": " << name << " must be float32 or int32, got " << dtypeName(t.dtype()));
}

}  // namespace

Tensor dilation2d(const Tensor& xIn, const Tensor& filter, std::vector<int64_t> strides, const Padding& pad,
                  std::vector<int64_t> dilations, const std::string& dataFormat) {
  const char* op = "dilation2d";
  WL_CHECK(xIn.defined() && filter.defined(), op << ": an input tensor is undefined (was it disposed?)");
  WL_CHECK(xIn.rank() == 3 || xIn.rank() == 4,
           "Error in dilation2d: input must be rank 3 or 4, but got rank " << xIn.rank() << ".");
  WL_CHECK(filter.rank() == 3, "Error in dilation2d: filter must be rank 3, but got rank " << filter.rank() << ".");
  WL_CHECK(dataFormat == "NHWC",
           "Error in dilation2d: Only NHWC is currently supported, but got dataFormat of " << dataFormat);
  requireFloatOrInt(op, "x", xIn);
  requireFloatOrInt(op, "filter", filter);
  const bool unbatched = xIn.rank() == 3;
  Tensor x = unbatched ? reshape(xIn, {1, xIn.dim(0), xIn.dim(1), xIn.dim(2)}) : xIn;
  WL_CHECK(x.dim(3) == filter.dim(2), "Error in dilation2d:  input and filter must have the same depth: "
                                          << x.dim(3) << " vs " << filter.dim(2));
  const ConvGeometry g = dilationGeometry(x.shape(), filter.shape(), strides, pad, dilations);
  Tensor y = dilationPass("Dilation2D", g, x, filter, Tensor(), {g.batch, g.outH, g.outW, g.inC});
  if (x.dtype() == DType::Float32 && filter.dtype() == DType::Float32) {
    // tfjs's Dilation2D_grad: the two backprop kernels, which have no gradient themselves.
    recordOp("Dilation2D", {x, filter}, y, [g, x, filter](const Tensor& dy) -> std::vector<Tensor> {
      Tensor dx = dilationPass("Dilation2DBackpropInput", g, x, filter, dy, x.shape());
      Tensor df = dilationPass("Dilation2DBackpropFilter", g, x, filter, dy, filter.shape());
      recordNoGradient("Dilation2DBackpropInput", {x, filter, dy}, dx);
      recordNoGradient("Dilation2DBackpropFilter", {x, filter, dy}, df);
      return {dx, df};
    });
  }
  return unbatched ? reshape(y, {y.dim(1), y.dim(2), y.dim(3)}) : y;
}

// [result, indexes]: the max pool and the flat position of each maximum.
std::vector<Tensor> maxPoolWithArgmax(const Tensor& x, std::vector<int64_t> filterSize, std::vector<int64_t> strides,
                                      const Padding& pad, bool includeBatchInIndex) {
  const char* op = "maxPoolWithArgmax";
  WL_CHECK(x.defined(), op << ": the input tensor is undefined (was it disposed?)");
  requireFloatOrInt(op, "x", x);
  WL_CHECK(x.rank() == 4, op << ": x must be rank 4, got rank " << x.rank() << " (shape " << shapeStr(x.shape()) << ")");
  filterSize = perDim(op, "filterSize", filterSize, 2);
  strides = perDim(op, "strides", strides, 2);
  int64_t f[3] = {1, filterSize[0], filterSize[1]};
  const ConvGeometry g =
      makeGeometry(op, x.shape(), f, strides, {1, 1}, pad, spatialPadPairs(op, pad, 4, false), "", x.dim(3));
  Shape outShape{g.batch, g.outH, g.outW, g.inC};
  Tensor y = Tensor::empty(outShape, x.dtype()), indexes = Tensor::empty(outShape, DType::Int32);
  KernelCall k("MaxPoolWithArgmax", {x.dtype()});
  k.kernel<MaxPoolArgmaxKernel>()({g, k.in<float>(x), k.out<float>(y), k.out<int32_t>(indexes), includeBatchInIndex,
                                   x.dtype() == DType::Int32});
  recordNoGradient("MaxPoolWithArgmax", {x}, y);  // tfjs has no gradient for it
  return {y, indexes};
}


namespace {

Padding parsePad(const Attrs& at, const char* key = "pad") {
  if (!at.has(key)) return Padding::valid();
  const nlohmann::json& j = at.json()[key];
  if (j.is_string()) {
    std::string s = j.get<std::string>();
    if (s == "same") return Padding::same();
    if (s == "valid") return Padding::valid();
    WL_CHECK(false, at.op() << ": unknown pad '" << s << "' (expected 'same', 'valid', a number or explicit pairs)");
  }
  if (j.is_number()) return Padding::number(j.get<int64_t>());
  WL_CHECK(j.is_array(), at.op() << ": pad must be 'same', 'valid', a number or an array of [before, after] pairs");
  std::vector<std::pair<int64_t, int64_t>> pairs;
  for (const auto& e : j) {
    WL_CHECK(e.is_array() && e.size() == 2 && e[0].is_number() && e[1].is_number(),
             at.op() << ": explicit pad entries must be [before, after] pairs of numbers, got " << e.dump());
    pairs.push_back({e[0].get<int64_t>(), e[1].get<int64_t>()});
  }
  return Padding::explicitPairs(pairs);
}

// The first present attribute among keys, else dflt.
std::vector<int64_t> intsOf(const Attrs& at, std::initializer_list<const char*> keys, std::vector<int64_t> dflt) {
  for (const char* k : keys) {
    if (at.has(k)) return at.getInts(k);
  }
  return dflt;
}

const bool registered = [] {
  auto& reg = OpRegistry::instance();
  using In = const std::vector<Tensor>&;
  using Out = std::vector<Tensor>;
  auto rounding = [](const Attrs& at) { return at.getString("dimRoundingMode", ""); };
  reg.add("conv1d", 2, [rounding](In in, const Attrs& at) -> Out {
    return {conv1d(in[0], in[1], intsOf(at, {"stride", "strides"}, {1})[0], parsePad(at),
                   at.getString("dataFormat", "NWC"), intsOf(at, {"dilation", "dilations"}, {1})[0], rounding(at))};
  });
  reg.add("conv2d", 2, [rounding](In in, const Attrs& at) -> Out {
    return {conv2d(in[0], in[1], at.getInts("strides", {1}), parsePad(at), at.getString("dataFormat", "NHWC"),
                   at.getInts("dilations", {1}), rounding(at))};
  });
  // tf.fused.conv2d / tf.fused.depthwiseConv2d: inputs [x, filter, bias?, preluActivationWeights?].
  for (const bool depthwise : {false, true}) {
    reg.add(depthwise ? "fusedDepthwiseConv2d" : "fusedConv2d", -1, [rounding, depthwise](In in, const Attrs& at) -> Out {
      const bool hasBias = at.getBool("hasBias", false), hasPrelu = at.getBool("hasPrelu", false);
      WL_CHECK(in.size() == 2u + hasBias + hasPrelu, (depthwise ? "fused.depthwiseConv2d" : "fused.conv2d")
                                                         << ": expected " << 2 + hasBias + hasPrelu << " inputs, got "
                                                         << in.size());
      FusedEpilogue post;
      if (hasBias) post.bias = in[2];
      const std::string act = at.getString("activation", "linear");
      const bool inKernel = fusedActivationOf(act, &post.activation);
      const auto conv = depthwise ? fusedDepthwiseConv2d : fusedConv2d;
      Tensor y = conv(in[0], in[1], at.getInts("strides", {1}), parsePad(at), at.getString("dataFormat", "NHWC"),
                      at.getInts("dilations", {1}), post, rounding(at));
      if (inKernel) return {y};
      return {fusedActivationAfter(y, act, hasPrelu ? in.back() : Tensor(),
                                   static_cast<float>(at.getFloat("leakyreluAlpha", 0.2)))};
    });
  }
  reg.add("conv3d", 2, [](In in, const Attrs& at) -> Out {
    return {conv3d(in[0], in[1], at.getInts("strides", {1}), parsePad(at), at.getString("dataFormat", "NDHWC"),
                   at.getInts("dilations", {1}))};
  });
  reg.add("conv2dTranspose", 2, [rounding](In in, const Attrs& at) -> Out {
    return {conv2dTranspose(in[0], in[1], at.getInts("outputShape"), at.getInts("strides", {1}), parsePad(at),
                            rounding(at))};
  });
  reg.add("conv3dTranspose", 2, [](In in, const Attrs& at) -> Out {
    return {conv3dTranspose(in[0], in[1], at.getInts("outputShape"), at.getInts("strides", {1}), parsePad(at))};
  });
  reg.add("depthwiseConv2d", 2, [rounding](In in, const Attrs& at) -> Out {
    return {depthwiseConv2d(in[0], in[1], at.getInts("strides", {1}), parsePad(at),
                            at.getString("dataFormat", "NHWC"), at.getInts("dilations", {1}), rounding(at))};
  });
  reg.add("separableConv2d", 3, [](In in, const Attrs& at) -> Out {
    return {separableConv2d(in[0], in[1], in[2], at.getInts("strides", {1}), parsePad(at),
                            intsOf(at, {"dilation", "dilations"}, {1}), at.getString("dataFormat", "NHWC"))};
  });
  reg.add("dilation2d", 2, [](In in, const Attrs& at) -> Out {
    return {dilation2d(in[0], in[1], at.getInts("strides", {1}), parsePad(at), at.getInts("dilations", {1}),
                       at.getString("dataFormat", "NHWC"))};
  });
  reg.add("maxPoolWithArgmax", 1, [](In in, const Attrs& at) -> Out {
    return maxPoolWithArgmax(in[0], at.getInts("filterSize"), at.getInts("strides", {1}), parsePad(at),
                             at.getBool("includeBatchInIndex", false));
  });
  reg.add("maxPool", 1, [rounding](In in, const Attrs& at) -> Out {
    return {maxPool(in[0], at.getInts("filterSize"), at.getInts("strides", {1}), parsePad(at), rounding(at))};
  });
  reg.add("avgPool", 1, [rounding](In in, const Attrs& at) -> Out {
    return {avgPool(in[0], at.getInts("filterSize"), at.getInts("strides", {1}), parsePad(at), rounding(at))};
  });
  reg.add("maxPool3d", 1, [rounding](In in, const Attrs& at) -> Out {
    return {maxPool3d(in[0], at.getInts("filterSize", {1}), at.getInts("strides", {1}), parsePad(at), rounding(at),
                      at.getString("dataFormat", "NDHWC"))};
  });
  reg.add("avgPool3d", 1, [rounding](In in, const Attrs& at) -> Out {
    return {avgPool3d(in[0], at.getInts("filterSize", {1}), at.getInts("strides", {1}), parsePad(at), rounding(at),
                      at.getString("dataFormat", "NDHWC"))};
  });
  reg.add("batchNorm", -1, [](In in, const Attrs& at) -> Out {
    bool hasOffset = at.getBool("hasOffset", false), hasScale = at.getBool("hasScale", false);
    size_t expected = 3 + (hasOffset ? 1 : 0) + (hasScale ? 1 : 0);
    WL_CHECK(in.size() == expected, "batchNorm: expected " << expected << " inputs [x, mean, variance"
                                                           << (hasOffset ? ", offset" : "")
                                                           << (hasScale ? ", scale" : "") << "], got " << in.size());
    Tensor offset = hasOffset ? in[3] : Tensor();
    Tensor scale = hasScale ? in[hasOffset ? 4 : 3] : Tensor();
    return {batchNorm(in[0], in[1], in[2], offset, scale,
                      static_cast<float>(at.getFloat("varianceEpsilon", 0.001)))};
  });
  reg.add("localResponseNormalization", 1, [](In in, const Attrs& at) -> Out {
    return {localResponseNormalization(in[0], at.getInt("depthRadius", 5), static_cast<float>(at.getFloat("bias", 1)),
                                       static_cast<float>(at.getFloat("alpha", 1)),
                                       static_cast<float>(at.getFloat("beta", 0.5)))};
  });
  reg.add("resizeBilinear", 1, [](In in, const Attrs& at) -> Out {
    return {resizeBilinear(in[0], at.getInts("size"), at.getBool("alignCorners", false),
                           at.getBool("halfPixelCenters", false))};
  });
  reg.add("resizeNearestNeighbor", 1, [](In in, const Attrs& at) -> Out {
    return {resizeNearestNeighbor(in[0], at.getInts("size"), at.getBool("alignCorners", false),
                                  at.getBool("halfPixelCenters", false))};
  });
  return true;
}();

}  // namespace

}  // namespace wl

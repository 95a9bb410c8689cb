// Reference convolution, pooling and resize kernels: direct loops over NDHWC
// buffers (2D ops are the 3D loops with depth 1), the oracle for other backends.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "core/kernel_registry.h"
#include "kernels/conv_params.h"
#include "kernels/conv_loops.h"

namespace wl {
namespace {

int64_t xSize(const ConvGeometry& g) { return g.batch * g.inD * g.inH * g.inW * g.inC; }
int64_t ySize(const ConvGeometry& g) { return g.batch * g.outD * g.outH * g.outW * g.outC; }
int64_t tapCount(const ConvGeometry& g) { return g.fD * g.fH * g.fW; }

void conv(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  std::fill(p.y, p.y + ySize(g), 0.f);
  forEachTap(g, [&](int64_t xc, int64_t yc, int64_t tap) {
    const float* x = p.x + xc * g.inC;
    float* y = p.y + yc * g.outC;
    const float* w = p.filter + tap * g.inC * g.outC;
    for (int64_t ic = 0; ic < g.inC; ++ic) {
      float xv = x[ic];
      const float* wr = w + ic * g.outC;
      for (int64_t oc = 0; oc < g.outC; ++oc) y[oc] += xv * wr[oc];
    }
  });
  if (p.epilogue.active()) epilogueBlockScalar(p.epilogue, p.y, ySize(g) / g.outC, g.outC, g.outC, 0);
}

void convBackpropInput(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  std::fill(p.x, p.x + xSize(g), 0.f);
  forEachTap(g, [&](int64_t xc, int64_t yc, int64_t tap) {
    float* x = p.x + xc * g.inC;
    const float* y = p.y + yc * g.outC;
    const float* w = p.filter + tap * g.inC * g.outC;
    for (int64_t ic = 0; ic < g.inC; ++ic) {
      const float* wr = w + ic * g.outC;
      float acc = 0.f;
      for (int64_t oc = 0; oc < g.outC; ++oc) acc += y[oc] * wr[oc];
      x[ic] += acc;
    }
  });
}

void convBackpropFilter(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  std::fill(p.filter, p.filter + tapCount(g) * g.inC * g.outC, 0.f);
  forEachTap(g, [&](int64_t xc, int64_t yc, int64_t tap) {
    const float* x = p.x + xc * g.inC;
    const float* y = p.y + yc * g.outC;
    float* w = p.filter + tap * g.inC * g.outC;
    for (int64_t ic = 0; ic < g.inC; ++ic) {
      float xv = x[ic];
      float* wr = w + ic * g.outC;
      for (int64_t oc = 0; oc < g.outC; ++oc) wr[oc] += xv * y[oc];
    }
  });
}

// Depthwise: filter [taps, inC, mult]; output channel c*mult+m reads input channel c.
void depthwise(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t mult = g.channelMultiplier;
  std::fill(p.y, p.y + ySize(g), 0.f);
  forEachTap(g, [&](int64_t xc, int64_t yc, int64_t tap) {
    const float* x = p.x + xc * g.inC;
    float* y = p.y + yc * g.outC;
    const float* w = p.filter + tap * g.inC * mult;
    for (int64_t c = 0; c < g.inC; ++c) {
      for (int64_t m = 0; m < mult; ++m) y[c * mult + m] += x[c] * w[c * mult + m];
    }
  });
  if (p.epilogue.active()) epilogueBlockScalar(p.epilogue, p.y, ySize(g) / g.outC, g.outC, g.outC, 0);
}

void depthwiseBackpropInput(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t mult = g.channelMultiplier;
  std::fill(p.x, p.x + xSize(g), 0.f);
  forEachTap(g, [&](int64_t xc, int64_t yc, int64_t tap) {
    float* x = p.x + xc * g.inC;
    const float* y = p.y + yc * g.outC;
    const float* w = p.filter + tap * g.inC * mult;
    for (int64_t c = 0; c < g.inC; ++c) {
      for (int64_t m = 0; m < mult; ++m) x[c] += y[c * mult + m] * w[c * mult + m];
    }
  });
}

void depthwiseBackpropFilter(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t mult = g.channelMultiplier;
  std::fill(p.filter, p.filter + tapCount(g) * g.inC * mult, 0.f);
  forEachTap(g, [&](int64_t xc, int64_t yc, int64_t tap) {
    const float* x = p.x + xc * g.inC;
    const float* y = p.y + yc * g.outC;
    float* w = p.filter + tap * g.inC * mult;
    for (int64_t c = 0; c < g.inC; ++c) {
      for (int64_t m = 0; m < mult; ++m) w[c * mult + m] += x[c] * y[c * mult + m];
    }
  });
}

void maxPool(const PoolParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t C = g.inC;
  forEachWindow(g, [&](int64_t yc, const std::vector<int64_t>& cells) {
    for (int64_t c = 0; c < C; ++c) {
      float best = -std::numeric_limits<float>::infinity();
      for (int64_t xc : cells) {
        float v = p.x[xc * C + c];
        if (v > best) best = v;  // as tfjs: NaN never wins
      }
      p.out[yc * C + c] = best;
    }
  });
}

void avgPool(const PoolParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t C = g.inC;
  forEachWindow(g, [&](int64_t yc, const std::vector<int64_t>& cells) {
    for (int64_t c = 0; c < C; ++c) {
      float acc = 0.f;
      for (int64_t xc : cells) acc += p.x[xc * C + c];
      p.out[yc * C + c] = cells.empty() ? 0.f : acc / static_cast<float>(cells.size());
    }
  });
}

void maxPoolGrad(const PoolGradParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t C = g.inC;
  std::fill(p.dx, p.dx + xSize(g), 0.f);
  forEachWindow(g, [&](int64_t yc, const std::vector<int64_t>& cells) {
    for (int64_t c = 0; c < C; ++c) {
      float best = -std::numeric_limits<float>::infinity();
      int64_t arg = -1;
      for (int64_t xc : cells) {
        float v = p.x[xc * C + c];
        if (arg < 0 || v > best) {
          best = v;
          arg = xc;
        }
      }
      if (arg >= 0) p.dx[arg * C + c] += p.dy[yc * C + c];
    }
  });
}

void avgPoolGrad(const PoolGradParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t C = g.inC;
  std::fill(p.dx, p.dx + xSize(g), 0.f);
  forEachWindow(g, [&](int64_t yc, const std::vector<int64_t>& cells) {
    if (cells.empty()) return;
    float scale = 1.f / static_cast<float>(cells.size());
    for (int64_t c = 0; c < C; ++c) {
      float d = p.dy[yc * C + c] * scale;
      for (int64_t xc : cells) p.dx[xc * C + c] += d;
    }
  });
}

// Resize: source coordinates as tfjs-backend-cpu (double precision, as JS).
struct ResizeAxis {
  double ratio;
};
ResizeAxis resizeAxis(int64_t in, int64_t out, bool alignCorners) {
  double effIn = (alignCorners && out > 1) ? static_cast<double>(in - 1) : static_cast<double>(in);
  double effOut = (alignCorners && out > 1) ? static_cast<double>(out - 1) : static_cast<double>(out);
  return {effIn / effOut};
}

struct Lerp {
  int64_t lo, hi;
  double frac;
};
Lerp bilinearSource(const ResizeAxis& a, int64_t i, int64_t in, bool halfPixel) {
  double src = halfPixel ? a.ratio * (static_cast<double>(i) + 0.5) - 0.5 : a.ratio * static_cast<double>(i);
  int64_t lo = std::max<int64_t>(0, static_cast<int64_t>(std::floor(src)));
  int64_t hi = std::min<int64_t>(in - 1, static_cast<int64_t>(std::ceil(src)));
  return {lo, hi, src - static_cast<double>(lo)};
}

int64_t nearestSource(const ResizeAxis& a, int64_t i, int64_t in, bool alignCorners, bool halfPixel) {
  double src = halfPixel ? a.ratio * (static_cast<double>(i) + 0.5) : a.ratio * static_cast<double>(i);
  int64_t n = alignCorners ? static_cast<int64_t>(std::floor(src + 0.5)) : static_cast<int64_t>(std::floor(src));
  n = std::min<int64_t>(in - 1, n);
  if (halfPixel) n = std::max<int64_t>(0, n);
  return n;
}

// Visits (input cell, output cell, weight) for every bilinear contribution.
template <typename Fn>
void forEachBilinear(const ResizeParams& p, Fn fn) {
  ResizeAxis ra = resizeAxis(p.inH, p.outH, p.alignCorners), ca = resizeAxis(p.inW, p.outW, p.alignCorners);
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t r = 0; r < p.outH; ++r) {
      Lerp lr = bilinearSource(ra, r, p.inH, p.halfPixelCenters);
      for (int64_t c = 0; c < p.outW; ++c) {
        Lerp lc = bilinearSource(ca, c, p.inW, p.halfPixelCenters);
        int64_t o = (b * p.outH + r) * p.outW + c;
        int64_t base = b * p.inH;
        fn((base + lr.lo) * p.inW + lc.lo, o, (1 - lr.frac) * (1 - lc.frac));
        fn((base + lr.lo) * p.inW + lc.hi, o, (1 - lr.frac) * lc.frac);
        fn((base + lr.hi) * p.inW + lc.lo, o, lr.frac * (1 - lc.frac));
        fn((base + lr.hi) * p.inW + lc.hi, o, lr.frac * lc.frac);
      }
    }
  }
}

void resizeBilinear(const ResizeParams& p) {
  const int64_t C = p.channels;
  // As tfjs: top = tl + (tr - tl) * colFrac; bottom likewise; top + (bottom - top) * rowFrac.
  ResizeAxis ra = resizeAxis(p.inH, p.outH, p.alignCorners), ca = resizeAxis(p.inW, p.outW, p.alignCorners);
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t r = 0; r < p.outH; ++r) {
      Lerp lr = bilinearSource(ra, r, p.inH, p.halfPixelCenters);
      for (int64_t c = 0; c < p.outW; ++c) {
        Lerp lc = bilinearSource(ca, c, p.inW, p.halfPixelCenters);
        const float* tl = p.x + ((b * p.inH + lr.lo) * p.inW + lc.lo) * C;
        const float* tr = p.x + ((b * p.inH + lr.lo) * p.inW + lc.hi) * C;
        const float* bl = p.x + ((b * p.inH + lr.hi) * p.inW + lc.lo) * C;
        const float* br = p.x + ((b * p.inH + lr.hi) * p.inW + lc.hi) * C;
        float* out = p.out + ((b * p.outH + r) * p.outW + c) * C;
        for (int64_t d = 0; d < C; ++d) {
          double top = tl[d] + (tr[d] - tl[d]) * lc.frac;
          double bottom = bl[d] + (br[d] - bl[d]) * lc.frac;
          out[d] = static_cast<float>(top + (bottom - top) * lr.frac);
        }
      }
    }
  }
}

// The adjoint of resizeBilinear (halfPixelCenters included).
void resizeBilinearGrad(const ResizeParams& p) {
  const int64_t C = p.channels;
  std::fill(p.out, p.out + p.batch * p.inH * p.inW * C, 0.f);
  forEachBilinear(p, [&](int64_t in, int64_t o, double w) {
    float wf = static_cast<float>(w);
    for (int64_t d = 0; d < C; ++d) p.out[in * C + d] += p.x[o * C + d] * wf;
  });
}

template <typename Fn>
void forEachNearest(const ResizeParams& p, Fn fn) {
  ResizeAxis ra = resizeAxis(p.inH, p.outH, p.alignCorners), ca = resizeAxis(p.inW, p.outW, p.alignCorners);
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t r = 0; r < p.outH; ++r) {
      int64_t sr = nearestSource(ra, r, p.inH, p.alignCorners, p.halfPixelCenters);
      for (int64_t c = 0; c < p.outW; ++c) {
        int64_t sc = nearestSource(ca, c, p.inW, p.alignCorners, p.halfPixelCenters);
        fn((b * p.inH + sr) * p.inW + sc, (b * p.outH + r) * p.outW + c);
      }
    }
  }
}

void resizeNearest(const ResizeParams& p) {
  const int64_t C = p.channels;
  forEachNearest(p, [&](int64_t in, int64_t o) { std::memcpy(p.out + o * C, p.x + in * C, sizeof(float) * C); });
}

void resizeNearestGrad(const ResizeParams& p) {
  const int64_t C = p.channels;
  std::fill(p.out, p.out + p.batch * p.inH * p.inW * C, 0.f);
  forEachNearest(p, [&](int64_t in, int64_t o) {
    for (int64_t d = 0; d < C; ++d) p.out[in * C + d] += p.x[o * C + d];
  });
}

}  // namespace

WL_REGISTER_KERNEL("Conv2D", "cpu", ConvKernel, conv);
WL_REGISTER_KERNEL("Conv3D", "cpu", ConvKernel, conv);
WL_REGISTER_KERNEL("Conv2DBackpropInput", "cpu", ConvKernel, convBackpropInput);
WL_REGISTER_KERNEL("Conv3DBackpropInputV2", "cpu", ConvKernel, convBackpropInput);
WL_REGISTER_KERNEL("Conv2DBackpropFilter", "cpu", ConvKernel, convBackpropFilter);
WL_REGISTER_KERNEL("Conv3DBackpropFilterV2", "cpu", ConvKernel, convBackpropFilter);
WL_REGISTER_KERNEL("DepthwiseConv2dNative", "cpu", ConvKernel, depthwise);
WL_REGISTER_KERNEL("DepthwiseConv2dNativeBackpropInput", "cpu", ConvKernel, depthwiseBackpropInput);
WL_REGISTER_KERNEL("DepthwiseConv2dNativeBackpropFilter", "cpu", ConvKernel, depthwiseBackpropFilter);
WL_REGISTER_KERNEL("MaxPool", "cpu", PoolKernel, maxPool);
WL_REGISTER_KERNEL("MaxPool3D", "cpu", PoolKernel, maxPool);
WL_REGISTER_KERNEL("AvgPool", "cpu", PoolKernel, avgPool);
WL_REGISTER_KERNEL("AvgPool3D", "cpu", PoolKernel, avgPool);
WL_REGISTER_KERNEL("MaxPoolGrad", "cpu", PoolGradKernel, maxPoolGrad);
WL_REGISTER_KERNEL("MaxPool3DGrad", "cpu", PoolGradKernel, maxPoolGrad);
WL_REGISTER_KERNEL("AvgPoolGrad", "cpu", PoolGradKernel, avgPoolGrad);
WL_REGISTER_KERNEL("AvgPool3DGrad", "cpu", PoolGradKernel, avgPoolGrad);
WL_REGISTER_KERNEL("ResizeBilinear", "cpu", ResizeKernel, resizeBilinear);
WL_REGISTER_KERNEL("ResizeBilinearGrad", "cpu", ResizeKernel, resizeBilinearGrad);
WL_REGISTER_KERNEL("ResizeNearestNeighbor", "cpu", ResizeKernel, resizeNearest);
WL_REGISTER_KERNEL("ResizeNearestNeighborGrad", "cpu", ResizeKernel, resizeNearestGrad);

}  // namespace wl

// Reference kernels for bitwiseAnd, dilation2d (forward and both backprops) and
// maxPoolWithArgmax, written as tfjs's cpu kernels (params: kernels/params_sparse.h).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/kernel_registry.h"
#include "kernels/params_sparse.h"

namespace wl {
namespace {

void bitwiseAnd(const BitwiseParams& p) {
  for (int64_t i = 0; i < p.size; ++i) p.out[i] = p.a[i] & p.b[i];
}

// tfjs starts each window at Number.MIN_SAFE_INTEGER and sums in double.
constexpr double kMinSafeInteger = -9007199254740991.0;

// Element i of a 4-byte buffer holding float32 or int32, as a double.
double load(const float* p, int64_t i, bool isInt) {
  if (!isInt) return p[i];
  int32_t v;
  std::memcpy(&v, p + i, 4);
  return v;
}
// Stores v as float32, or as JS's ToInt32(v) (truncate, then modulo 2^32) into int32.
void store(float* p, int64_t i, double v, bool isInt) {
  if (!isInt) {
    p[i] = static_cast<float>(v);
    return;
  }
  const double t = std::trunc(v);
  const int32_t bits = std::isfinite(t) ? static_cast<int32_t>(static_cast<uint32_t>(
                                              static_cast<uint64_t>(static_cast<int64_t>(std::fmod(t, 4294967296.0)))))
                                        : 0;
  std::memcpy(p + i, &bits, 4);
}

enum class DilationPass { Forward, Input, Filter };

template <DilationPass pass>
void dilation(const Dilation2DParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t C = g.inC;
  if (pass == DilationPass::Input) std::fill(p.out, p.out + g.batch * g.inH * g.inW * C, 0.f);
  if (pass == DilationPass::Filter) std::fill(p.out, p.out + g.fH * g.fW * C, 0.f);
  for (int64_t b = 0; b < g.batch; ++b) {
    for (int64_t oh = 0; oh < g.outH; ++oh) {
      const int64_t hBeg = oh * g.strideH - g.padTop;
      for (int64_t ow = 0; ow < g.outW; ++ow) {
        const int64_t wBeg = ow * g.strideW - g.padLeft;
        for (int64_t d = 0; d < C; ++d) {
          double cur = kMinSafeInteger;
          // Backprops: where dy goes (tfjs's starting positions when no tap wins).
          int64_t hIn = hBeg < 0 ? 0 : hBeg, wIn = wBeg < 0 ? 0 : wBeg, hF = 0, wF = 0;
          for (int64_t h = 0; h < g.fH; ++h) {
            const int64_t ih = hBeg + h * g.dilH;
            if (ih < 0 || ih >= g.inH) continue;
            for (int64_t w = 0; w < g.fW; ++w) {
              const int64_t iw = wBeg + w * g.dilW;
              if (iw < 0 || iw >= g.inW) continue;
              const double v = load(p.x, ((b * g.inH + ih) * g.inW + iw) * C + d, p.xIsInt) +
                               load(p.filter, (h * g.fW + w) * C + d, p.filterIsInt);
              if (v > cur) {
                cur = v;
                hIn = ih, wIn = iw, hF = h, wF = w;
              }
            }
          }
          const int64_t o = ((b * g.outH + oh) * g.outW + ow) * C + d;
          if (pass == DilationPass::Forward) {
            store(p.out, o, cur, p.xIsInt);
          } else if (pass == DilationPass::Input) {
            if (hIn < g.inH && wIn < g.inW) p.out[((b * g.inH + hIn) * g.inW + wIn) * C + d] += p.dy[o];
          } else {
            p.out[(hF * g.fW + wF) * C + d] += p.dy[o];
          }
        }
      }
    }
  }
}

// tfjs's pool (max) and maxPoolPositions (flattened) in one pass.
void maxPoolWithArgmax(const MaxPoolArgmaxParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t C = g.inC;
  const int64_t effH = (g.fH - 1) * g.dilH + 1, effW = (g.fW - 1) * g.dilW + 1;
  for (int64_t b = 0; b < g.batch; ++b) {
    for (int64_t d = 0; d < C; ++d) {
      for (int64_t oh = 0; oh < g.outH; ++oh) {
        const int64_t rCorner = oh * g.strideH - g.padTop;
        int64_t rMin = rCorner;
        while (rMin < 0) rMin += g.dilH;
        const int64_t rMax = std::min(g.inH, effH + rCorner);
        for (int64_t ow = 0; ow < g.outW; ++ow) {
          const int64_t cCorner = ow * g.strideW - g.padLeft;
          int64_t cMin = cCorner;
          while (cMin < 0) cMin += g.dilW;
          const int64_t cMax = std::min(g.inW, effW + cCorner);
          double best = -std::numeric_limits<double>::infinity();
          int64_t pos = -1;
          for (int64_t r = rMin; r < rMax; r += g.dilH) {
            for (int64_t c = cMin; c < cMax; c += g.dilW) {
              const double v = load(p.x, ((b * g.inH + r) * g.inW + c) * C + d, p.isInt);
              if (v > best) {
                best = v;
                pos = p.includeBatchInIndex ? ((b * g.inH + r) * g.inW + c) * C + d : (r * g.inW + c) * C + d;
              }
            }
          }
          const int64_t o = ((b * g.outH + oh) * g.outW + ow) * C + d;
          store(p.out, o, best, p.isInt);
          p.indexes[o] = static_cast<int32_t>(pos);
        }
      }
    }
  }
}

}  // namespace

WL_REGISTER_KERNEL("BitwiseAnd", "cpu", BitwiseKernel, bitwiseAnd);
WL_REGISTER_KERNEL("Dilation2D", "cpu", Dilation2DKernel, dilation<DilationPass::Forward>);
WL_REGISTER_KERNEL("Dilation2DBackpropInput", "cpu", Dilation2DKernel, dilation<DilationPass::Input>);
WL_REGISTER_KERNEL("Dilation2DBackpropFilter", "cpu", Dilation2DKernel, dilation<DilationPass::Filter>);
WL_REGISTER_KERNEL("MaxPoolWithArgmax", "cpu", MaxPoolArgmaxKernel, maxPoolWithArgmax);

}  // namespace wl

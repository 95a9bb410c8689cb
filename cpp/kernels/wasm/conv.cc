// Convolutions for backend "wasm": im2col + the packed SIMD GEMM (gemm.h).
//   forward:        y[P x outC]      = col[P x K] * filter[K x outC]
//   backprop input: dcol[P x K]      = dy[P x outC] * filter^T, scattered back (col2im)
//   backprop filter: dfilter[K x outC] += col^T * dy
// with P output positions (processed in chunks to bound the scratch buffer) and
// K = fD*fH*fW*inC. A 1x1 convolution with stride 1 and no padding skips im2col.
// Threads (core/thread_pool.h): the forward pass hands whole chunks to threads when
// there are chunks enough (each im2col's into its own scratch), else the GEMM splits;
// the gradients split their GEMMs, im2col by rows and col2im by channels. Every output
// element is summed by one thread in the one-thread order.
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/kernel_registry.h"
#include "core/thread_pool.h"
#include "kernels/conv_params.h"
#include "kernels/wasm/gemm.h"

namespace wl {
namespace wasm {
namespace {

constexpr int64_t kChunkRows = 512;
// The im2col scratch holds at most this many floats (256 MB): with a very deep
// patch (K large) the chunk has fewer rows, so rows * K never overflows size_t
// on wasm32 (it once wrapped into a small buffer that im2col wrote past).
constexpr int64_t kColBudget = int64_t{1} << 26;
int64_t chunkRows(int64_t K) { return std::max<int64_t>(1, std::min(kChunkRows, kColBudget / std::max<int64_t>(K, 1))); }

bool isPointwise(const ConvGeometry& g) {
  return g.fD == 1 && g.fH == 1 && g.fW == 1 && g.strideD == 1 && g.strideH == 1 && g.strideW == 1 &&
         g.padFront == 0 && g.padTop == 0 && g.padLeft == 0 && g.outD == g.inD && g.outH == g.inH && g.outW == g.inW;
}

// Calls f(pos, tapIndex, xOffset or -1) for output positions [p0, p1) of one image.
template <typename F>
void forEachPatch(const ConvGeometry& g, int64_t p0, int64_t p1, F f) {
  const int64_t taps = g.fD * g.fH * g.fW;
  for (int64_t p = p0; p < p1; ++p) {
    const int64_t ow = p % g.outW, oh = (p / g.outW) % g.outH, od = p / (g.outW * g.outH);
    int64_t t = 0;
    for (int64_t fd = 0; fd < g.fD; ++fd) {
      const int64_t id = od * g.strideD - g.padFront + fd * g.dilD;
      for (int64_t fh = 0; fh < g.fH; ++fh) {
        const int64_t ih = oh * g.strideH - g.padTop + fh * g.dilH;
        for (int64_t fw = 0; fw < g.fW; ++fw, ++t) {
          const int64_t iw = ow * g.strideW - g.padLeft + fw * g.dilW;
          const bool inside = id >= 0 && id < g.inD && ih >= 0 && ih < g.inH && iw >= 0 && iw < g.inW;
          f(p - p0, t, inside ? ((id * g.inH + ih) * g.inW + iw) * g.inC : -1);
        }
      }
    }
    (void)taps;
  }
}

void im2col(const ConvGeometry& g, const float* x, int64_t p0, int64_t p1, float* col) {
  const int64_t K = g.fD * g.fH * g.fW * g.inC;
  forEachPatch(g, p0, p1, [&](int64_t r, int64_t t, int64_t xo) {
    float* dst = col + r * K + t * g.inC;
    if (xo < 0) std::memset(dst, 0, sizeof(float) * g.inC);
    else std::memcpy(dst, x + xo, sizeof(float) * g.inC);
  });
}

// Work below this many multiply-adds (or floats copied) per thread stays on one thread.
constexpr int64_t kGrainMacs = int64_t{1} << 17;
constexpr int64_t kGrainCopy = int64_t{1} << 15;
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// im2col with the rows split among threads.
void im2colThreaded(const ConvGeometry& g, const float* x, int64_t p0, int64_t p1, float* col) {
  const int64_t K = g.fD * g.fH * g.fW * g.inC;
  parallelFor(p1 - p0, ceilDiv(kGrainCopy, std::max<int64_t>(K, 1)), [&](int64_t r0, int64_t r1) {
    im2col(g, x, p0 + r0, p0 + r1, col + r0 * K);
  });
}

thread_local std::vector<float> colBuf;

void conv(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t P = g.outD * g.outH * g.outW, K = g.fD * g.fH * g.fW * g.inC;
  const int64_t xImage = g.inD * g.inH * g.inW * g.inC, yImage = P * g.outC;
  if (P == 0 || g.outC == 0) return;
  // The filter [K x outC] is packed once: per weight version (kernel cache), or per
  // call for a filter that is no weight, not once per image and chunk.
  auto packed = packedWeight("wasm.Conv", p.filterKey, K, g.outC, p.filter, g.outC, 1, attrsHash(g.attrs()));
  if (isPointwise(g)) {
    for (int64_t b = 0; b < g.batch; ++b) {
      gemmPacked(P, p.x + b * xImage, K, 1, *packed, p.y + b * yImage, g.outC, false, &p.epilogue);
    }
    return;
  }
  const int64_t rows = chunkRows(K);
  const int64_t perImage = ceilDiv(P, rows), chunks = g.batch * perImage;
  // Chunk ci: rows [p0, p1) of image ci / perImage, the chunks of the one-thread loop.
  auto runChunk = [&](int64_t ci, bool threadedCopy) {
    const int64_t b = ci / perImage, p0 = (ci % perImage) * rows, p1 = std::min(P, p0 + rows);
    if (colBuf.size() < static_cast<size_t>(rows * K)) colBuf.resize(static_cast<size_t>(rows * K));
    if (threadedCopy) im2colThreaded(g, p.x + b * xImage, p0, p1, colBuf.data());
    else im2col(g, p.x + b * xImage, p0, p1, colBuf.data());
    gemmPacked(p1 - p0, colBuf.data(), K, 1, *packed, p.y + b * yImage + p0 * g.outC, g.outC, false, &p.epilogue);
  };
  if (chunks > 1 && chunks >= threadsCount()) {
    parallelFor(chunks, ceilDiv(kGrainMacs, rows * K * g.outC), [&](int64_t c0, int64_t c1) {
      for (int64_t ci = c0; ci < c1; ++ci) runChunk(ci, false);
    });
  } else {
    for (int64_t ci = 0; ci < chunks; ++ci) runChunk(ci, true);
  }
}

void convBackpropFilter(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t P = g.outD * g.outH * g.outW, K = g.fD * g.fH * g.fW * g.inC;
  const int64_t xImage = g.inD * g.inH * g.inW * g.inC, yImage = P * g.outC;
  std::fill(p.filter, p.filter + K * g.outC, 0.f);
  for (int64_t b = 0; b < g.batch; ++b) {
    const float* x = p.x + b * xImage;
    const float* dy = p.y + b * yImage;
    if (isPointwise(g)) {
      gemm(K, g.outC, P, x, 1, K, dy, g.outC, 1, p.filter, g.outC, true);
      continue;
    }
    const int64_t rows = chunkRows(K);
    if (colBuf.size() < static_cast<size_t>(rows * K)) colBuf.resize(static_cast<size_t>(rows * K));
    for (int64_t p0 = 0; p0 < P; p0 += rows) {
      const int64_t p1 = std::min(P, p0 + rows);
      im2colThreaded(g, x, p0, p1, colBuf.data());
      // dfilter[K x outC] += col^T[K x rows] * dy[rows x outC]
      gemm(K, g.outC, p1 - p0, colBuf.data(), 1, K, dy + p0 * g.outC, g.outC, 1, p.filter, g.outC, true);
    }
  }
}

void convBackpropInput(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t P = g.outD * g.outH * g.outW, K = g.fD * g.fH * g.fW * g.inC;
  const int64_t xImage = g.inD * g.inH * g.inW * g.inC, yImage = P * g.outC;
  if (P == 0 || g.outC == 0 || K == 0) {
    std::fill(p.x, p.x + g.batch * xImage, 0.f);
    return;
  }
  // filter^T [outC x K], packed once (as the forward filter).
  auto packed = packedWeight("wasm.ConvBackpropInput", p.filterKey, g.outC, K, p.filter, 1, g.outC,
                             attrsHash(g.attrs()));
  for (int64_t b = 0; b < g.batch; ++b) {
    float* dx = p.x + b * xImage;
    const float* dy = p.y + b * yImage;
    if (isPointwise(g)) {
      // dx[P x inC] = dy[P x outC] * filter^T
      gemmPacked(P, dy, g.outC, 1, *packed, dx, K, false);
      continue;
    }
    std::fill(dx, dx + xImage, 0.f);
    const int64_t rows = chunkRows(K);
    if (colBuf.size() < static_cast<size_t>(rows * K)) colBuf.resize(static_cast<size_t>(rows * K));
    float* col = colBuf.data();
    for (int64_t p0 = 0; p0 < P; p0 += rows) {
      const int64_t p1 = std::min(P, p0 + rows);
      gemmPacked(p1 - p0, dy + p0 * g.outC, g.outC, 1, *packed, col, K, false);
      // col2im: patches overlap, so threads split the channels (each dx element still
      // sums its patches in order).
      const int64_t taps = g.fD * g.fH * g.fW;
      parallelFor(g.inC, ceilDiv(kGrainCopy, (p1 - p0) * taps), [&](int64_t c0, int64_t c1) {
        forEachPatch(g, p0, p1, [&](int64_t r, int64_t t, int64_t xo) {
          if (xo < 0) return;
          const float* src = col + r * K + t * g.inC;
          float* dst = dx + xo;
          for (int64_t c = c0; c < c1; ++c) dst[c] += src[c];
        });
      });
    }
  }
}

}  // namespace
}  // namespace wasm

WL_REGISTER_KERNEL("Conv2D", "wasm", ConvKernel, wasm::conv);
WL_REGISTER_KERNEL("Conv3D", "wasm", ConvKernel, wasm::conv);
WL_REGISTER_KERNEL("Conv2DBackpropFilter", "wasm", ConvKernel, wasm::convBackpropFilter);
WL_REGISTER_KERNEL("Conv3DBackpropFilterV2", "wasm", ConvKernel, wasm::convBackpropFilter);
WL_REGISTER_KERNEL("Conv2DBackpropInput", "wasm", ConvKernel, wasm::convBackpropInput);
WL_REGISTER_KERNEL("Conv3DBackpropInputV2", "wasm", ConvKernel, wasm::convBackpropInput);

}  // namespace wl

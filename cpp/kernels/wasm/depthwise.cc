// Depthwise convolution ("DepthwiseConv2dNative" and its two gradients) for backend
// "wasm". Forward: direct NDHWC loops vectorized over channels (4 per v128, 16 per
// inner block).
// Each output element accumulates its in-bounds taps in the reference's order
// ((fd, fh, fw), starting from 0, mul then add), so results match it exactly (the
// relaxed-SIMD engine fuses each multiply-add: kernels/simd.h).
// A channel multiplier other than 1 uses the scalar formula in the same order.
// Threads (core/thread_pool.h): the forward pass splits the output positions, the
// gradients (which scatter across positions) split the channels, 4-aligned.
#include <algorithm>
#include <cstdint>

#include "core/kernel_registry.h"
#include "core/thread_pool.h"
#include "kernels/conv_loops.h"
#include "kernels/conv_params.h"
#include "kernels/simd.h"
#include "kernels/wasm/vmath.h"

namespace wl {
namespace wasm {
namespace {

constexpr int64_t kMaxTaps = 1024;
// Work below this many multiply-adds per thread stays on one thread.
constexpr int64_t kGrainMacs = int64_t{1} << 16;
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Channels c .. c+15 of an output cell, the epilogue applied in registers when fused.
inline void store16(float* y, int64_t c, v128_t a0, v128_t a1, v128_t a2, v128_t a3, bool fused,
                    const VEpilogue& ve) {
  if (fused) {
    a0 = applyEpilogue(ve, a0, c);
    a1 = applyEpilogue(ve, a1, c + 4);
    a2 = applyEpilogue(ve, a2, c + 8);
    a3 = applyEpilogue(ve, a3, c + 12);
  }
  wasm_v128_store(y + c, a0);
  wasm_v128_store(y + c + 4, a1);
  wasm_v128_store(y + c + 8, a2);
  wasm_v128_store(y + c + 12, a3);
}

// The channel loop of one output cell: y[c] = sum over its n taps of x_t[c] * w_t[c],
// taps in order, 16 then 4 channels a step, the rest one at a time.
inline void depthwiseCell(int64_t n, const float* const* xp, const float* const* wp, int64_t inC, float* y,
                          bool fused, const VEpilogue& ve, const Epilogue& epilogue) {
  int64_t c = 0;
  for (; c + 16 <= inC; c += 16) {
    v128_t a0 = wasm_f32x4_splat(0.f), a1 = a0, a2 = a0, a3 = a0;
    for (int64_t t = 0; t < n; ++t) {
      const float* x = xp[t] + c;
      const float* w = wp[t] + c;
      a0 = madd(a0, wasm_v128_load(x), wasm_v128_load(w));
      a1 = madd(a1, wasm_v128_load(x + 4), wasm_v128_load(w + 4));
      a2 = madd(a2, wasm_v128_load(x + 8), wasm_v128_load(w + 8));
      a3 = madd(a3, wasm_v128_load(x + 12), wasm_v128_load(w + 12));
    }
    store16(y, c, a0, a1, a2, a3, fused, ve);
  }
  for (; c + 4 <= inC; c += 4) {
    v128_t a0 = wasm_f32x4_splat(0.f);
    for (int64_t t = 0; t < n; ++t) a0 = madd(a0, wasm_v128_load(xp[t] + c), wasm_v128_load(wp[t] + c));
    wasm_v128_store(y + c, fused ? applyEpilogue(ve, a0, c) : a0);
  }
  for (; c < inC; ++c) {
    float acc = 0.f;
    for (int64_t t = 0; t < n; ++t) acc += xp[t][c] * wp[t][c];
    y[c] = fused ? epilogueScalar(epilogue, acc, c) : acc;
  }
}

// depthwiseCell for a 3x3 window (2D, dilation 1) whose 9 taps are all inside x: x rows
// r0, r1, r2 at the window's first column, the filter's taps a row of inC apart, in the
// same order (fh, fw), so the sums are the same bits; no pointer table per cell.
inline void depthwiseCell3x3(const float* r0, const float* r1, const float* r2, const float* filter, int64_t inC,
                             float* y, bool fused, const VEpilogue& ve, const Epilogue& epilogue) {
  const float* rows[3] = {r0, r1, r2};
  const int64_t C2 = 2 * inC;
  int64_t c = 0;
  for (; c + 16 <= inC; c += 16) {
    v128_t a0 = wasm_f32x4_splat(0.f), a1 = a0, a2 = a0, a3 = a0;
    for (int fh = 0; fh < 3; ++fh) {
      const float* x = rows[fh] + c;
      const float* w = filter + fh * 3 * inC + c;
      for (int64_t o = 0; o <= C2; o += inC) {  // fw = 0, 1, 2
        a0 = madd(a0, wasm_v128_load(x + o), wasm_v128_load(w + o));
        a1 = madd(a1, wasm_v128_load(x + o + 4), wasm_v128_load(w + o + 4));
        a2 = madd(a2, wasm_v128_load(x + o + 8), wasm_v128_load(w + o + 8));
        a3 = madd(a3, wasm_v128_load(x + o + 12), wasm_v128_load(w + o + 12));
      }
    }
    store16(y, c, a0, a1, a2, a3, fused, ve);
  }
  for (; c + 4 <= inC; c += 4) {
    v128_t a0 = wasm_f32x4_splat(0.f);
    for (int fh = 0; fh < 3; ++fh) {
      const float* x = rows[fh] + c;
      const float* w = filter + fh * 3 * inC + c;
      a0 = madd(a0, wasm_v128_load(x), wasm_v128_load(w));
      a0 = madd(a0, wasm_v128_load(x + inC), wasm_v128_load(w + inC));
      a0 = madd(a0, wasm_v128_load(x + C2), wasm_v128_load(w + C2));
    }
    wasm_v128_store(y + c, fused ? applyEpilogue(ve, a0, c) : a0);
  }
  for (; c < inC; ++c) {
    float acc = 0.f;
    for (int fh = 0; fh < 3; ++fh) {
      const float* x = rows[fh] + c;
      const float* w = filter + fh * 3 * inC + c;
      acc += x[0] * w[0];
      acc += x[inC] * w[inC];
      acc += x[C2] * w[C2];
    }
    y[c] = fused ? epilogueScalar(epilogue, acc, c) : acc;
  }
}

void depthwise(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t mult = g.channelMultiplier;
  const int64_t inC = g.inC, outC = g.outC;
  const int64_t totalTaps = g.fD * g.fH * g.fW;
  const bool fused = p.epilogue.active();  // applied in registers before each store
  const VEpilogue ve = vepilogue(p.epilogue);
  const int64_t grain = ceilDiv(kGrainMacs, std::max<int64_t>(1, totalTaps * outC));
  if (totalTaps > kMaxTaps || mult != 1) {
    // Scalar, same order as the reference.
    parallelFor(outputCells(g), grain, [&](int64_t cell0, int64_t cell1) {
      forEachOutputCellIn(g, cell0, cell1, [&](int64_t b, int64_t od, int64_t oh, int64_t ow, int64_t yCell) {
        float* y = p.y + yCell * outC;
        for (int64_t oc = 0; oc < outC; ++oc) y[oc] = 0.f;
        forEachTapOf(g, b, od, oh, ow, [&](int64_t xCell, int64_t tap) {
          const float* x = p.x + xCell * inC;
          const float* w = p.filter + tap * inC * mult;
          for (int64_t c = 0; c < inC; ++c) {
            const float xv = x[c];
            for (int64_t m = 0; m < mult; ++m) y[c * mult + m] += xv * w[c * mult + m];
          }
        });
        if (fused) epilogueBlock(p.epilogue, y, 1, outC, outC, 0);
      });
    });
    return;
  }
  // Output cells in order (b, od, oh, ow) without a division per cell; per cell, pointers
  // to the x and filter rows of its taps inside x (forEachTapOf's order), found from the
  // input rows (fd, fh) valid for its (od, oh), which change once per output row.
  const bool interior3x3 = g.fD == 1 && g.fH == 3 && g.fW == 3 && g.dilH == 1 && g.dilW == 1;
  parallelFor(outputCells(g), grain, [&](int64_t cell0, int64_t cell1) {
    const float* xp[kMaxTaps];
    const float* wp[kMaxTaps];
    const float* rowX[kMaxTaps];  // per valid (fd, fh): x at (b, id, ih, 0)
    int64_t rowTap[kMaxTaps];     // and its first tap, (fd * fH + fh) * fW
    int64_t rows = 0;
    int64_t ow = cell0 % g.outW, rest = cell0 / g.outW;
    int64_t oh = rest % g.outH, od = (rest / g.outH) % g.outD, b = rest / (g.outH * g.outD);
    bool rowsValid = false;
    for (int64_t cell = cell0; cell < cell1; ++cell) {
      if (!rowsValid) {
        rows = 0;
        int64_t d0, d1, h0, h1;
        const int64_t bd = od * g.strideD - g.padFront, bh = oh * g.strideH - g.padTop;
        tapsInside(bd, g.dilD, g.fD, g.inD, &d0, &d1);
        tapsInside(bh, g.dilH, g.fH, g.inH, &h0, &h1);
        for (int64_t fd = d0; fd < d1; ++fd) {
          for (int64_t fh = h0; fh < h1; ++fh) {
            rowX[rows] = p.x + ((b * g.inD + bd + fd * g.dilD) * g.inH + bh + fh * g.dilH) * g.inW * inC;
            rowTap[rows++] = (fd * g.fH + fh) * g.fW;
          }
        }
        rowsValid = true;
      }
      int64_t n = 0, w0, w1;
      const int64_t bw = ow * g.strideW - g.padLeft;
      tapsInside(bw, g.dilW, g.fW, g.inW, &w0, &w1);
      if (interior3x3 && rows == 3 && w0 == 0 && w1 == 3) {
        depthwiseCell3x3(rowX[0] + bw * inC, rowX[1] + bw * inC, rowX[2] + bw * inC, p.filter, inC,
                         p.y + cell * outC, fused, ve, p.epilogue);
      } else {
      for (int64_t r = 0; r < rows; ++r) {
        for (int64_t fw = w0; fw < w1; ++fw) {
          xp[n] = rowX[r] + (bw + fw * g.dilW) * inC;
          wp[n++] = p.filter + (rowTap[r] + fw) * inC;
        }
      }
      depthwiseCell(n, xp, wp, inC, p.y + cell * outC, fused, ve, p.epilogue);
      }
      if (++ow == g.outW) {  // the next output row
        ow = 0;
        rowsValid = false;
        if (++oh == g.outH) {
          oh = 0;
          if (++od == g.outD) {
            od = 0;
            ++b;
          }
        }
      }
    }
  });
}

// Backward kernels: the reference's (output cell, tap) walk (kernels/conv_loops.h)
// with the channel loop on 4 lanes, so every element accumulates in the same order.
// out[c] += a[c] * b[c] over C channels.
inline void fmaRow(float* out, const float* a, const float* b, int64_t C) {
  int64_t c = 0;
  for (; c + 4 <= C; c += 4) {
    wasm_v128_store(out + c, wasm_f32x4_add(wasm_v128_load(out + c),
                                            wasm_f32x4_mul(wasm_v128_load(a + c), wasm_v128_load(b + c))));
  }
  for (; c < C; ++c) out[c] += a[c] * b[c];
}

// Input channels [c0, c1) of each thread (4-aligned), for the gradients.
template <typename Fn>
void forChannelRanges(const ConvGeometry& g, Fn fn) {
  const int64_t work = outputCells(g) * g.fD * g.fH * g.fW * g.channelMultiplier;
  parallelForAligned(g.inC, ceilDiv(kGrainMacs, std::max<int64_t>(1, work)), 4, fn);
}

void depthwiseBackpropInput(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t mult = g.channelMultiplier;
  std::fill(p.x, p.x + g.batch * g.inD * g.inH * g.inW * g.inC, 0.f);
  forChannelRanges(g, [&](int64_t c0, int64_t c1) {
    forEachTap(g, [&](int64_t xc, int64_t yc, int64_t tap) {
      float* x = p.x + xc * g.inC;
      const float* y = p.y + yc * g.outC;
      const float* w = p.filter + tap * g.inC * mult;
      if (mult == 1) return fmaRow(x + c0, y + c0, w + c0, c1 - c0);
      for (int64_t c = c0; c < c1; ++c) {
        for (int64_t m = 0; m < mult; ++m) x[c] += y[c * mult + m] * w[c * mult + m];
      }
    });
  });
}

void depthwiseBackpropFilter(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t mult = g.channelMultiplier;
  std::fill(p.filter, p.filter + g.fD * g.fH * g.fW * g.inC * mult, 0.f);
  forChannelRanges(g, [&](int64_t c0, int64_t c1) {
    forEachTap(g, [&](int64_t xc, int64_t yc, int64_t tap) {
      const float* x = p.x + xc * g.inC;
      const float* y = p.y + yc * g.outC;
      float* w = p.filter + tap * g.inC * mult;
      if (mult == 1) return fmaRow(w + c0, x + c0, y + c0, c1 - c0);
      for (int64_t c = c0; c < c1; ++c) {
        for (int64_t m = 0; m < mult; ++m) w[c * mult + m] += x[c] * y[c * mult + m];
      }
    });
  });
}

}  // namespace
}  // namespace wasm

WL_REGISTER_KERNEL("DepthwiseConv2dNative", "wasm", ConvKernel, wasm::depthwise);
WL_REGISTER_KERNEL("DepthwiseConv2dNativeBackpropInput", "wasm", ConvKernel, wasm::depthwiseBackpropInput);
WL_REGISTER_KERNEL("DepthwiseConv2dNativeBackpropFilter", "wasm", ConvKernel, wasm::depthwiseBackpropFilter);

}  // namespace wl

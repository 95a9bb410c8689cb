// The loops over (output cell, filter tap) and over pooling windows, shared by the
// convolution and pooling kernels of every backend: all of them visit the cells in
// the same order, so they accumulate (and round) the same way.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/conv_params.h"

namespace wl {

// Calls fn(b, od, oh, ow, yCell) for every output position, in order; yCell is the
// spatial index ((b*outD+od)*outH+oh)*outW+ow (times channels is left to fn).
template <typename Fn>
void forEachOutputCell(const ConvGeometry& g, Fn fn) {
  for (int64_t b = 0; b < g.batch; ++b) {
    for (int64_t od = 0; od < g.outD; ++od) {
      for (int64_t oh = 0; oh < g.outH; ++oh) {
        for (int64_t ow = 0; ow < g.outW; ++ow) fn(b, od, oh, ow, ((b * g.outD + od) * g.outH + oh) * g.outW + ow);
      }
    }
  }
}

// The number of output positions, and forEachOutputCell over positions [begin, end)
// only (threads take ranges of them: core/thread_pool.h).
inline int64_t outputCells(const ConvGeometry& g) { return g.batch * g.outD * g.outH * g.outW; }
template <typename Fn>
void forEachOutputCellIn(const ConvGeometry& g, int64_t begin, int64_t end, Fn fn) {
  for (int64_t cell = begin; cell < end; ++cell) {
    const int64_t ow = cell % g.outW, oh = (cell / g.outW) % g.outH, od = (cell / (g.outW * g.outH)) % g.outD;
    fn(cell / (g.outW * g.outH * g.outD), od, oh, ow, cell);
  }
}

// The taps f in [0, F) whose input index base + f * dil lies in [0, in), as [*lo, *hi):
// the loops below visit only those, so a window far larger than x (a pool size of 10^15
// with 'same' padding, from a hostile model file) costs what its taps inside x cost.
// dil >= 1 (the ops check dilations are positive).
inline void tapsInside(int64_t base, int64_t dil, int64_t F, int64_t in, int64_t* lo, int64_t* hi) {
  // (dil 1, the common case, without a 64-bit division: these run once per output cell)
  *lo = base >= 0 ? 0 : dil == 1 ? -base : (-base + dil - 1) / dil;
  const int64_t top = in - 1 - base;
  *hi = top < 0 ? 0 : std::min(F, (dil == 1 ? top : top / dil) + 1);
  if (*lo > *hi) *lo = *hi;
}

// Calls fn(xCell, tap) for each filter tap of output position (b, od, oh, ow) whose
// input position lies inside x, in (fd, fh, fw) order: xCell = ((b*inD+d)*inH+h)*inW+w,
// tap = (fd*fH+fh)*fW+fw. The one tap walk every convolution and pooling kernel uses.
template <typename Fn>
void forEachTapOf(const ConvGeometry& g, int64_t b, int64_t od, int64_t oh, int64_t ow, Fn fn) {
  int64_t d0, d1, h0, h1, w0, w1;
  const int64_t bd = od * g.strideD - g.padFront, bh = oh * g.strideH - g.padTop, bw = ow * g.strideW - g.padLeft;
  tapsInside(bd, g.dilD, g.fD, g.inD, &d0, &d1);
  tapsInside(bh, g.dilH, g.fH, g.inH, &h0, &h1);
  tapsInside(bw, g.dilW, g.fW, g.inW, &w0, &w1);
  for (int64_t fd = d0; fd < d1; ++fd) {
    const int64_t id = bd + fd * g.dilD;
    for (int64_t fh = h0; fh < h1; ++fh) {
      const int64_t ih = bh + fh * g.dilH;
      for (int64_t fw = w0; fw < w1; ++fw) {
        const int64_t iw = bw + fw * g.dilW;
        fn(((b * g.inD + id) * g.inH + ih) * g.inW + iw, (fd * g.fH + fh) * g.fW + fw);
      }
    }
  }
}

// The most taps of one window inside x (the size a list of a window's cells may need).
inline int64_t maxTapsInside(const ConvGeometry& g) {
  return std::min(g.fD, g.inD) * std::min(g.fH, g.inH) * std::min(g.fW, g.inW);
}

// Calls fn(xCell, yCell, tap) for every (output position, tap inside x).
template <typename Fn>
void forEachTap(const ConvGeometry& g, Fn fn) {
  forEachOutputCell(g, [&](int64_t b, int64_t od, int64_t oh, int64_t ow, int64_t yCell) {
    forEachTapOf(g, b, od, oh, ow, [&](int64_t xCell, int64_t tap) { fn(xCell, yCell, tap); });
  });
}

// Pools: fn(yCell, cells) once per output position with the x cells of its window
// that lie inside x, in tap order.
template <typename Fn>
void forEachWindow(const ConvGeometry& g, Fn fn) {
  std::vector<int64_t> cells;
  cells.reserve(static_cast<size_t>(maxTapsInside(g)));
  forEachOutputCell(g, [&](int64_t b, int64_t od, int64_t oh, int64_t ow, int64_t yCell) {
    cells.clear();
    forEachTapOf(g, b, od, oh, ow, [&](int64_t xCell, int64_t) { cells.push_back(xCell); });
    fn(yCell, cells);
  });
}

// forEachWindow over output positions [begin, end) only.
template <typename Fn>
void forEachWindowIn(const ConvGeometry& g, int64_t begin, int64_t end, Fn fn) {
  std::vector<int64_t> cells;
  cells.reserve(static_cast<size_t>(maxTapsInside(g)));
  forEachOutputCellIn(g, begin, end, [&](int64_t b, int64_t od, int64_t oh, int64_t ow, int64_t yCell) {
    cells.clear();
    forEachTapOf(g, b, od, oh, ow, [&](int64_t xCell, int64_t) { cells.push_back(xCell); });
    fn(yCell, cells);
  });
}

}  // namespace wl

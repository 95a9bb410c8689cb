// The loops over (output cell, filter tap) and over pooling windows, shared by the
// convolution and pooling kernels of every backend: all of them visit the cells in
// the same order, so they accumulate (and round) the same way.
#pragma once

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

// Calls fn(xCell, tap) for each filter tap of output position (b, od, oh, ow) whose
// input position lies inside x, in (fd, fh, fw) order: xCell = ((b*inD+d)*inH+h)*inW+w,
// tap = (fd*fH+fh)*fW+fw. The one tap walk every convolution and pooling kernel uses.
template <typename Fn>
void forEachTapOf(const ConvGeometry& g, int64_t b, int64_t od, int64_t oh, int64_t ow, Fn fn) {
  for (int64_t fd = 0; fd < g.fD; ++fd) {
    const int64_t id = od * g.strideD - g.padFront + fd * g.dilD;
    if (id < 0 || id >= g.inD) continue;
    for (int64_t fh = 0; fh < g.fH; ++fh) {
      const int64_t ih = oh * g.strideH - g.padTop + fh * g.dilH;
      if (ih < 0 || ih >= g.inH) continue;
      for (int64_t fw = 0; fw < g.fW; ++fw) {
        const int64_t iw = ow * g.strideW - g.padLeft + fw * g.dilW;
        if (iw < 0 || iw >= g.inW) continue;
        fn(((b * g.inD + id) * g.inH + ih) * g.inW + iw, (fd * g.fH + fh) * g.fW + fw);
      }
    }
  }
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
  cells.reserve(static_cast<size_t>(g.fD * g.fH * g.fW));
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
  cells.reserve(static_cast<size_t>(g.fD * g.fH * g.fW));
  forEachOutputCellIn(g, begin, end, [&](int64_t b, int64_t od, int64_t oh, int64_t ow, int64_t yCell) {
    cells.clear();
    forEachTapOf(g, b, od, oh, ow, [&](int64_t xCell, int64_t) { cells.push_back(xCell); });
    fn(yCell, cells);
  });
}

}  // namespace wl

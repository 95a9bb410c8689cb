// The loops over (output cell, filter tap) and over pooling windows, shared by the
// convolution and pooling kernels of every backend: all of them visit the cells in
// the same order, so they accumulate (and round) the same way.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/conv_params.h"

namespace wl {

// Calls fn(xIndex, yIndex, tap) for every (batch, output position, filter tap)
// whose input position lies inside x; indices are of the spatial cell (times
// channels is left to fn): xIndex = ((b*inD+d)*inH+h)*inW+w, yIndex likewise,
// tap = (fd*fH+fh)*fW+fw.
template <typename Fn>
void forEachTap(const ConvGeometry& g, Fn fn) {
  for (int64_t b = 0; b < g.batch; ++b) {
    for (int64_t od = 0; od < g.outD; ++od) {
      for (int64_t oh = 0; oh < g.outH; ++oh) {
        for (int64_t ow = 0; ow < g.outW; ++ow) {
          int64_t yCell = ((b * g.outD + od) * g.outH + oh) * g.outW + ow;
          for (int64_t fd = 0; fd < g.fD; ++fd) {
            int64_t id = od * g.strideD - g.padFront + fd * g.dilD;
            if (id < 0 || id >= g.inD) continue;
            for (int64_t fh = 0; fh < g.fH; ++fh) {
              int64_t ih = oh * g.strideH - g.padTop + fh * g.dilH;
              if (ih < 0 || ih >= g.inH) continue;
              for (int64_t fw = 0; fw < g.fW; ++fw) {
                int64_t iw = ow * g.strideW - g.padLeft + fw * g.dilW;
                if (iw < 0 || iw >= g.inW) continue;
                int64_t xCell = ((b * g.inD + id) * g.inH + ih) * g.inW + iw;
                fn(xCell, yCell, (fd * g.fH + fh) * g.fW + fw);
              }
            }
          }
        }
      }
    }
  }
}

// Pools: one pass per output cell over the taps inside x (channels innermost).
template <typename Fn>
void forEachWindow(const ConvGeometry& g, Fn fn) {
  // fn(yCell, cells): the x cells of each output cell's window that lie inside x,
  // in (fd, fh, fw) order; cells are spatial indices (times channels is left to fn).
  std::vector<int64_t> cells;
  cells.reserve(static_cast<size_t>(g.fD * g.fH * g.fW));
  for (int64_t b = 0; b < g.batch; ++b) {
    for (int64_t od = 0; od < g.outD; ++od) {
      for (int64_t oh = 0; oh < g.outH; ++oh) {
        for (int64_t ow = 0; ow < g.outW; ++ow) {
          int64_t yCell = ((b * g.outD + od) * g.outH + oh) * g.outW + ow;
          cells.clear();
          for (int64_t fd = 0; fd < g.fD; ++fd) {
            int64_t id = od * g.strideD - g.padFront + fd * g.dilD;
            if (id < 0 || id >= g.inD) continue;
            for (int64_t fh = 0; fh < g.fH; ++fh) {
              int64_t ih = oh * g.strideH - g.padTop + fh * g.dilH;
              if (ih < 0 || ih >= g.inH) continue;
              for (int64_t fw = 0; fw < g.fW; ++fw) {
                int64_t iw = ow * g.strideW - g.padLeft + fw * g.dilW;
                if (iw < 0 || iw >= g.inW) continue;
                cells.push_back(((b * g.inD + id) * g.inH + ih) * g.inW + iw);
              }
            }
          }
          fn(yCell, cells);
        }
      }
    }
  }
}

}  // namespace wl

// Pooling kernels for backend "wasm": MaxPool/AvgPool (2D and 3D) and their
// gradients, 4 channels per v128 (channels are innermost in NDHWC). Every window is
// visited through the reference's forEachWindow (kernels/conv_loops.h), in the same
// cell order and with the same comparisons, so results equal the reference's exactly.
// Threads (core/thread_pool.h): the forward passes split the output positions, the
// gradients (windows overlap in dx) split the channels, 4-aligned.
#include <algorithm>
#include <limits>
#include <vector>

#include "core/kernel_registry.h"
#include "core/thread_pool.h"
#include "kernels/conv_params.h"
#include "kernels/conv_loops.h"
#include "kernels/simd.h"

namespace wl {
namespace wasm {
namespace {

// Work below this many window cells x channels per thread stays on one thread.
constexpr int64_t kGrain = int64_t{1} << 16;
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// fn(yc, cells) for every window, the output positions split among threads.
template <typename Fn>
void forWindowsThreaded(const ConvGeometry& g, Fn fn) {
  const int64_t perCell = std::max<int64_t>(1, g.fD * g.fH * g.fW * g.inC);
  parallelFor(outputCells(g), ceilDiv(kGrain, perCell),
              [&](int64_t c0, int64_t c1) { forEachWindowIn(g, c0, c1, fn); });
}

// fn(c0, c1, yc, cells) for every window, the channels split among threads.
template <typename Fn>
void forWindowsByChannels(const ConvGeometry& g, Fn fn) {
  const int64_t perChannel = std::max<int64_t>(1, outputCells(g) * g.fD * g.fH * g.fW);
  parallelForAligned(g.inC, ceilDiv(kGrain, perChannel), 4, [&](int64_t c0, int64_t c1) {
    forEachWindow(g, [&](int64_t yc, const std::vector<int64_t>& cells) { fn(c0, c1, yc, cells); });
  });
}

void maxPool(const PoolParams& p) {
  const int64_t C = p.g.inC;
  const float lowest = -std::numeric_limits<float>::infinity();
  forWindowsThreaded(p.g, [&](int64_t yc, const std::vector<int64_t>& cells) {
    float* out = p.out + yc * C;
    int64_t c = 0;
    for (; c + 4 <= C; c += 4) {
      v128_t best = wasm_f32x4_splat(lowest);
      for (int64_t xc : cells) {
        const v128_t v = wasm_v128_load(p.x + xc * C + c);
        best = wasm_v128_bitselect(v, best, wasm_f32x4_gt(v, best));  // as tfjs: NaN never wins
      }
      wasm_v128_store(out + c, best);
    }
    for (; c < C; ++c) {
      float best = lowest;
      for (int64_t xc : cells) {
        const float v = p.x[xc * C + c];
        if (v > best) best = v;
      }
      out[c] = best;
    }
  });
}

void avgPool(const PoolParams& p) {
  const int64_t C = p.g.inC;
  forWindowsThreaded(p.g, [&](int64_t yc, const std::vector<int64_t>& cells) {
    float* out = p.out + yc * C;
    const float n = static_cast<float>(cells.size());
    int64_t c = 0;
    for (; c + 4 <= C; c += 4) {
      v128_t acc = wasm_f32x4_splat(0.f);
      for (int64_t xc : cells) acc = wasm_f32x4_add(acc, wasm_v128_load(p.x + xc * C + c));
      wasm_v128_store(out + c, cells.empty() ? wasm_f32x4_splat(0.f) : wasm_f32x4_div(acc, wasm_f32x4_splat(n)));
    }
    for (; c < C; ++c) {
      float acc = 0.f;
      for (int64_t xc : cells) acc += p.x[xc * C + c];
      out[c] = cells.empty() ? 0.f : acc / n;
    }
  });
}

// dy goes to the first maximum of each window (lanes track the winning cell).
void maxPoolGrad(const PoolGradParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t C = g.inC;
  std::fill(p.dx, p.dx + g.batch * g.inD * g.inH * g.inW * C, 0.f);
  forWindowsByChannels(g, [&](int64_t c0, int64_t c1, int64_t yc, const std::vector<int64_t>& cells) {
    if (cells.empty()) return;
    const float* dy = p.dy + yc * C;
    int64_t c = c0;
    for (; c + 4 <= c1; c += 4) {
      v128_t best = wasm_v128_load(p.x + cells[0] * C + c);
      v128_t arg = wasm_i32x4_splat(0);
      for (size_t t = 1; t < cells.size(); ++t) {
        const v128_t v = wasm_v128_load(p.x + cells[t] * C + c);
        const v128_t wins = wasm_f32x4_gt(v, best);
        best = wasm_v128_bitselect(v, best, wins);
        arg = wasm_v128_bitselect(wasm_i32x4_splat(static_cast<int32_t>(t)), arg, wins);
      }
      int32_t lanes[4];
      wasm_v128_store(lanes, arg);
      for (int k = 0; k < 4; ++k) p.dx[cells[lanes[k]] * C + c + k] += dy[c + k];
    }
    for (; c < c1; ++c) {
      size_t arg = 0;
      float best = p.x[cells[0] * C + c];
      for (size_t t = 1; t < cells.size(); ++t) {
        const float v = p.x[cells[t] * C + c];
        if (v > best) best = v, arg = t;
      }
      p.dx[cells[arg] * C + c] += dy[c];
    }
  });
}

void avgPoolGrad(const PoolGradParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t C = g.inC;
  std::fill(p.dx, p.dx + g.batch * g.inD * g.inH * g.inW * C, 0.f);
  forWindowsByChannels(g, [&](int64_t c0, int64_t c1, int64_t yc, const std::vector<int64_t>& cells) {
    if (cells.empty()) return;
    const float scale = 1.f / static_cast<float>(cells.size());
    const float* dy = p.dy + yc * C;
    int64_t c = c0;
    for (; c + 4 <= c1; c += 4) {
      const v128_t d = wasm_f32x4_mul(wasm_v128_load(dy + c), wasm_f32x4_splat(scale));
      for (int64_t xc : cells) {
        float* dx = p.dx + xc * C + c;
        wasm_v128_store(dx, wasm_f32x4_add(wasm_v128_load(dx), d));
      }
    }
    for (; c < c1; ++c) {
      const float d = dy[c] * scale;
      for (int64_t xc : cells) p.dx[xc * C + c] += d;
    }
  });
}

}  // namespace
}  // namespace wasm

WL_REGISTER_KERNEL("MaxPool", "wasm", PoolKernel, wasm::maxPool);
WL_REGISTER_KERNEL("MaxPool3D", "wasm", PoolKernel, wasm::maxPool);
WL_REGISTER_KERNEL("AvgPool", "wasm", PoolKernel, wasm::avgPool);
WL_REGISTER_KERNEL("AvgPool3D", "wasm", PoolKernel, wasm::avgPool);
WL_REGISTER_KERNEL("MaxPoolGrad", "wasm", PoolGradKernel, wasm::maxPoolGrad);
WL_REGISTER_KERNEL("MaxPool3DGrad", "wasm", PoolGradKernel, wasm::maxPoolGrad);
WL_REGISTER_KERNEL("AvgPoolGrad", "wasm", PoolGradKernel, wasm::avgPoolGrad);
WL_REGISTER_KERNEL("AvgPool3DGrad", "wasm", PoolGradKernel, wasm::avgPoolGrad);

}  // namespace wl

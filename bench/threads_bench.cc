// Native timings of the threaded "wasm" kernels (cpp/kernels/wasm through SIMDe) with 1
// and 2 threads (core/thread_pool.h), at the shapes of bench/run.mjs's mlp-fit
// (784-256-256-10, batch 128: forward and both gradient GEMMs) and of MobileNetV2's
// first layers (224x224 input). Build and run:
//   cmake --build build/native --target wl_threads_bench && build/native/wl_threads_bench
// Prints one line per kernel: best of 10 runs for each thread count, and the speed-up.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/kernel_registry.h"
#include "core/thread_pool.h"
#include "kernels/conv_params.h"
#include "kernels/params.h"

namespace {

using namespace wl;

std::vector<float> randomVec(int64_t n) {
  static std::mt19937 gen(1);
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = d(gen);
  return v;
}

double bestMs(const std::function<void()>& f) {
  f();
  double best = 1e30;
  for (int r = 0; r < 10; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

void row(const std::string& label, const std::function<void()>& f) {
  setThreadsCount(1);
  const double one = bestMs(f);
  setThreadsCount(2);
  const double two = bestMs(f);
  std::printf("%-58s %8.3f ms %8.3f ms   x%.2f\n", label.c_str(), one, two, one / two);
}

void matMul(const char* label, int64_t m, int64_t n, int64_t k, bool tA, bool tB) {
  auto a = randomVec(m * k), b = randomVec(k * n);
  std::vector<float> c(static_cast<size_t>(m * n));
  auto mm = reinterpret_cast<MatMulKernel>(KernelRegistry::instance().find("MatMul", "wasm"));
  row(label, [&] { mm(MatMulParams{a.data(), b.data(), c.data(), 1, m, n, k, tA, tB, 0, 0, {}, {}}); });
}

ConvGeometry geometry(int64_t hw, int64_t inC, int64_t outC, int64_t f, int64_t stride, int64_t mult = 1) {
  ConvGeometry g{};
  g.batch = 1, g.inD = 1, g.inH = hw, g.inW = hw, g.inC = inC;
  g.fD = 1, g.fH = f, g.fW = f, g.strideD = 1, g.strideH = stride, g.strideW = stride, g.dilD = g.dilH = g.dilW = 1;
  g.channelMultiplier = mult, g.outC = outC, g.outD = 1;
  g.outH = g.outW = (hw + stride - 1) / stride;
  g.padFront = 0, g.padTop = g.padLeft = std::max<int64_t>(0, (g.outH - 1) * stride + f - hw) / 2;
  return g;
}

void conv(const char* label, const char* op, const ConvGeometry& g, int64_t filterSize) {
  auto x = randomVec(g.inH * g.inW * g.inC), f = randomVec(filterSize);
  std::vector<float> y(static_cast<size_t>(g.outH * g.outW * g.outC));
  auto k = reinterpret_cast<ConvKernel>(KernelRegistry::instance().find(op, "wasm"));
  row(label, [&] { k(ConvParams{g, x.data(), f.data(), y.data(), {}, {}}); });
}

}  // namespace

int main() {
  std::printf("%-58s %11s %11s   speed-up\n", "kernel (wasm backend, native via SIMDe)", "1 thread", "2 threads");
  matMul("MatMul 128x784 * 784x256 (mlp-fit forward)", 128, 256, 784, false, false);
  matMul("MatMul 784x128 * 128x256 (mlp-fit dW = x^T dy)", 784, 256, 128, true, false);
  matMul("MatMul 128x256 * 256x784^T (dx = dy W^T)", 128, 784, 256, false, true);
  matMul("MatMul 512x512x512", 512, 512, 512, false, false);
  conv("Conv2D 3x3/2 224x224x3 -> 32 (MobileNetV2 first)", "Conv2D", geometry(224, 3, 32, 3, 2), 3 * 3 * 3 * 32);
  conv("DepthwiseConv2d 3x3 112x112x32", "DepthwiseConv2dNative", geometry(112, 32, 32, 3, 1), 3 * 3 * 32);
  conv("Conv2D 1x1 112x112x32 -> 16", "Conv2D", geometry(112, 32, 16, 1, 1), 32 * 16);
  conv("Conv2D 1x1 56x56x24 -> 144", "Conv2D", geometry(56, 24, 144, 1, 1), 24 * 144);
  conv("DepthwiseConv2d 3x3/2 112x112x96", "DepthwiseConv2dNative", geometry(112, 96, 96, 3, 2), 3 * 3 * 96);
  // The pool's own cost: 1000 jobs back to back, each two ranges of a few ns of work
  // (a training step forks and joins tens of times; 1 thread runs them inline).
  std::vector<float> sink(64);
  row("fork/join: 1000 jobs of 2 tiny ranges", [&] {
    for (int j = 0; j < 1000; ++j) {
      parallelFor(2, 1, [&](int64_t b, int64_t e) { for (int64_t i = b; i < e; ++i) sink[static_cast<size_t>(i * 32)] += 1.f; });
    }
  });
  return 0;
}

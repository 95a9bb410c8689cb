// Native timings of the threaded "wasm" kernels (cpp/kernels/wasm through SIMDe) with 1
// and 2 threads, or the counts given (core/thread_pool.h), at the shapes of bench/run.mjs's
// mlp-fit (784-256-256-10, batch 128: forward and both gradient GEMMs) and of MobileNetV2's
// first layers (224x224 input), then those two workloads whole. Build and run:
//   cmake --build build/native --target wl_threads_bench && build/native/wl_threads_bench [1,2,4,8]
// Prints one line per row: best of 10 runs for each thread count, and the speed-ups.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "bench_models.h"
#include "core/backend.h"
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

// The thread counts to time (argv: "1,2,4,8,16"; 1 and 2 by default); each row
// prints the best time per count and every count's speed-up over the first.
std::vector<int> g_counts = {1, 2};

void row(const std::string& label, const std::function<void()>& f) {
  std::vector<double> ms;
  for (int n : g_counts) {
    setThreadsCount(n);
    ms.push_back(bestMs(f));
  }
  std::printf("%-58s", label.c_str());
  for (double t : ms) std::printf(" %9.3f ms", t);
  std::printf("  ");
  for (size_t i = 1; i < ms.size(); ++i) std::printf(" x%.2f", ms[0] / ms[i]);
  std::printf("\n");
  std::fflush(stdout);
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

int main(int argc, char** argv) {
  if (argc > 1) {
    g_counts.clear();
    for (const char* p = argv[1]; *p != 0;) {
      g_counts.push_back(std::max(1, std::atoi(p)));
      while (*p != 0 && *p != ',') ++p;
      if (*p == ',') ++p;
    }
  }
  std::printf("%-58s", "kernel (wasm backend, native via SIMDe)");
  for (int n : g_counts) std::printf(" %8d thr", n);
  std::printf("   speed-up over %d\n", g_counts[0]);
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
  // Whole workloads through the engine (the kernels above plus everything between them).
  {
    BackendScope scope("wasm");
    auto mlp = benchmodels::mlp();
    mlp->compile({{"optimizer", "adam"}, {"loss", "categoricalCrossentropy"}});
    std::vector<float> xv(128 * 784), yv(128 * 10, 0.f);
    for (size_t i = 0; i < xv.size(); ++i) xv[i] = static_cast<float>((i * 7919) % 1000) / 1000.f;
    for (int i = 0; i < 128; ++i) yv[static_cast<size_t>(i * 10 + i % 10)] = 1.f;
    const Tensor x = Tensor::fromVector({128, 784}, xv), y = Tensor::fromVector({128, 10}, yv);
    row("MLP fit epoch (784-256-256-10, 8 batches of 128, adam)", [&] {
      for (int b = 0; b < 8; ++b) mlp->trainOnBatch({x}, {y});
    });
    auto mnv2 = benchmodels::mobileNetV2(224);
    const Tensor img = Tensor::fromVector({1, 224, 224, 3}, randomVec(224 * 224 * 3));
    row("MobileNetV2 224 predict, batch 1", [&] { mnv2->predict({img}); });
  }
  return 0;
}

// Native GEMM throughput on 512x512x512 (float32, single thread): our wasm-backend
// GEMM (cpp/kernels/wasm/gemm.cc; SIMDe maps its WASM SIMD128 intrinsics to SSE/AVX
// here) and, when built with -DWL_HAVE_XNNPACK, XNNPACK's fully-connected operator
// (Debian libxnnpack-dev), which is the GEMM tfjs-wasm uses.
// Prints tab-separated lines: label, time, rate (bench/run.mjs appends them to its table).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/wasm/gemm.h"

#ifdef WL_HAVE_XNNPACK
#include <xnnpack.h>
#endif

namespace {

constexpr int64_t N = 512;

template <typename F>
double bestMs(F f, int reps) {
  f();  // warm-up
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  return best;
}

void report(const char* label, double ms) {
  std::printf("%s\t%.2f ms\t%.2f GFLOP/s\n", label, ms, 2.0 * N * N * N / (ms * 1e6));
}

}  // namespace

int main() {
  std::mt19937 gen(1);
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  std::vector<float> a(N * N), b(N * N), c(N * N), bt(N * N), c2(N * N);
  for (auto& v : a) v = d(gen);
  for (auto& v : b) v = d(gen);
  for (int64_t i = 0; i < N; ++i)
    for (int64_t j = 0; j < N; ++j) bt[j * N + i] = b[i * N + j];

  wl::MatMulParams p{a.data(), b.data(), c.data(), 1, N, N, N, false, false, 0, 0};
  const int threads = wl::threadsCount();
  wl::setThreadsCount(1);
  report("native: ours (wasm GEMM via SIMDe, -O3 -march=native)", bestMs([&] { wl::wasm::matMul(p); }, 10));
  if (threads > 1) {
    wl::setThreadsCount(2);
    report("native: ours, 2 threads (core/thread_pool.h)", bestMs([&] { wl::wasm::matMul(p); }, 10));
    wl::setThreadsCount(1);
  }

#ifdef WL_HAVE_XNNPACK
  if (xnn_initialize(nullptr) != xnn_status_success) {
    std::printf("native: XNNPACK\tn/a (xnn_initialize failed)\t\n");
    return 0;
  }
  xnn_operator_t op = nullptr;
  // fully connected: out[batch, outC] = in[batch, inC] * kernel[outC, inC]^T
  if (xnn_create_fully_connected_nc_f32(N, N, N, N, bt.data(), nullptr, -INFINITY, INFINITY, 0, &op) !=
          xnn_status_success ||
      xnn_setup_fully_connected_nc_f32(op, N, a.data(), c2.data(), nullptr) != xnn_status_success) {
    std::printf("native: XNNPACK\tn/a (operator setup failed)\t\n");
    return 0;
  }
  report("native: XNNPACK f32 fully-connected (1 thread)", bestMs([&] { xnn_run_operator(op, nullptr); }, 10));
  double maxErr = 0;
  for (int64_t i = 0; i < N * N; ++i) maxErr = std::max(maxErr, (double)std::fabs(c[i] - c2[i]));
  if (maxErr > 1e-3) std::printf("native: XNNPACK\tWARNING: results differ from ours by %g\t\n", maxErr);
  xnn_delete_operator(op);
#else
  std::printf("native: XNNPACK\tn/a (libxnnpack-dev not available)\t\n");
#endif
  return 0;
}

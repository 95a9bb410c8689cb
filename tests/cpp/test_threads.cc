// The engine's thread pool (cpp/core/thread_pool.h) and the threaded "wasm" kernels:
// every kernel that splits its work gives bit-identical results (memcmp) with 1, 2, 3
// and 4 threads, at sizes that do split (parallelJobs() counts the calls that ran on
// more than one thread). To add a kernel: one more TEST calling sameForEveryCount.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/kernel_registry.h"
#include "core/thread_pool.h"
#include "kernels/conv_params.h"
#include "kernels/params.h"

namespace wl {
namespace {

// Restores the thread count a test changed.
struct ThreadsGuard {
  int saved = threadsCount();
  ~ThreadsGuard() { setThreadsCount(saved); }
};

std::vector<float> randomVec(int64_t n, unsigned seed, float lo = -1.f, float hi = 1.f) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = d(gen);
  return v;
}

template <typename Fn>
Fn wasmKernel(const char* op) {
  auto k = reinterpret_cast<Fn>(KernelRegistry::instance().find(op, "wasm"));
  EXPECT_NE(k, nullptr) << op;
  return k;
}

// run(out) fills out (its size fixed by the caller, prefilled with NaN so an element
// nobody wrote shows); the bytes must be the same for 1..4 threads, and 2..4 threads
// must have split the work at least once.
void sameForEveryCount(const std::string& what, size_t size, const std::function<void(std::vector<float>&)>& run) {
  ASSERT_TRUE(threadsSupported());  // native builds always have threads
  ThreadsGuard guard;
  setThreadsCount(1);
  std::vector<float> one(size, std::numeric_limits<float>::quiet_NaN());
  run(one);
  for (int t : {2, 3, 4}) {
    setThreadsCount(t);
    std::vector<float> many(size, std::numeric_limits<float>::quiet_NaN());
    const int64_t before = parallelJobs();
    run(many);
    EXPECT_GT(parallelJobs(), before) << what << ": " << t << " threads did not split the work";
    EXPECT_EQ(std::memcmp(one.data(), many.data(), size * sizeof(float)), 0) << what << " with " << t << " threads";
  }
}

// ---- the pool --------------------------------------------------------------------------

TEST(ThreadPool, EveryIndexOnceInFixedChunks) {
  ASSERT_TRUE(threadsSupported());
  ThreadsGuard guard;
  for (int t : {1, 2, 3, 4, 7}) {
    setThreadsCount(t);
    EXPECT_EQ(threadsCount(), t);
    for (int64_t n : {1, 2, 5, 100, 1001}) {
      for (int64_t grain : {1, 7, 64}) {
        std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
        std::vector<std::pair<int64_t, int64_t>> seen(64, {-1, -1});
        std::atomic<int> calls{0};
        parallelFor(n, grain, [&](int64_t b, int64_t e) {
          const int i = calls.fetch_add(1);
          if (i < 64) seen[static_cast<size_t>(i)] = {b, e};
          for (int64_t j = b; j < e; ++j) hits[static_cast<size_t>(j)]++;
        });
        for (int64_t j = 0; j < n; ++j) ASSERT_EQ(hits[static_cast<size_t>(j)], 1) << "t" << t << " n" << n;
        // R = min(t, n / grain) threads; R > 1 cuts min(n, 4R) chunks, whoever runs them
        const int64_t ranges = std::max<int64_t>(1, std::min<int64_t>(t, n / grain));
        const int64_t chunks = ranges == 1 ? 1 : std::min<int64_t>(n, ranges * 4);
        EXPECT_EQ(parallelChunks(n, static_cast<int>(ranges)), chunks);
        EXPECT_EQ(calls, chunks) << "t" << t << " n" << n << " grain" << grain;
        for (int i = 0; i < std::min(calls.load(), 64); ++i) {  // chunk c is [n*c/C, n*(c+1)/C)
          const auto [b, e] = seen[static_cast<size_t>(i)];
          bool known = false;
          for (int64_t c = 0; c < chunks; ++c) known |= b == n * c / chunks && e == n * (c + 1) / chunks;
          EXPECT_TRUE(known) << "[" << b << ", " << e << ") t" << t << " n" << n;
        }
      }
    }
  }
}

// A thread held up in one chunk (a worker that wakes late, a preempted one) does not
// hold up the rest: the other thread claims them.
TEST(ThreadPool, AThreadHeldUpTakesFewerChunks) {
  ASSERT_TRUE(threadsSupported());
  ThreadsGuard guard;
  setThreadsCount(2);
  std::mutex m;
  std::map<std::thread::id, int> chunksOf;
  std::thread::id slow;
  parallelFor(8, 1, [&](int64_t b, int64_t) {
    if (b == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::lock_guard<std::mutex> lock(m);
      slow = std::this_thread::get_id();
    }
    std::lock_guard<std::mutex> lock(m);
    chunksOf[std::this_thread::get_id()]++;
  });
  ASSERT_EQ(chunksOf.size(), 2u) << "both threads ran chunks";
  for (const auto& [id, n] : chunksOf) {
    if (id == slow) EXPECT_EQ(n, 1) << "the thread sleeping in chunk 0 ran only it";
  }
}

TEST(ThreadPool, AlignedRangesNestedCallsAndErrors) {
  ASSERT_TRUE(threadsSupported());
  ThreadsGuard guard;
  setThreadsCount(3);
  std::vector<int> owner(1003, -1);
  std::atomic<int> next{0};
  parallelForAligned(1003, 1, 8, [&](int64_t b, int64_t e) {
    EXPECT_EQ(b % 8, 0);
    EXPECT_TRUE(e % 8 == 0 || e == 1003);
    const int me = next.fetch_add(1);
    for (int64_t j = b; j < e; ++j) owner[static_cast<size_t>(j)] = me;
    // A nested call runs inline, on this thread, as one range.
    int inner = 0;
    parallelFor(1000, 1, [&](int64_t ib, int64_t ie) { inner += static_cast<int>(ie - ib) + (ib == 0 ? 0 : 1000); });
    EXPECT_EQ(inner, 1000);
  });
  EXPECT_EQ(next, 12);  // 126 units of 8 on 3 threads: 12 chunks
  for (int v : owner) EXPECT_GE(v, 0);
  // An exception in any range reaches the caller; the pool stays usable.
  EXPECT_THROW(parallelFor(300, 1,
                           [&](int64_t b, int64_t) {
                             if (b > 0) throw Error("range failed");
                           }),
               Error);
  std::atomic<int64_t> sum{0};
  parallelFor(300, 1, [&](int64_t b, int64_t e) { sum += e - b; });
  EXPECT_EQ(sum, 300);
  EXPECT_THROW(setThreadsCount(0), Error);
  setThreadsCount(1);
  const int64_t before = parallelJobs();
  parallelFor(1 << 20, 1, [](int64_t, int64_t) {});
  EXPECT_EQ(parallelJobs(), before);  // one thread: inline
}

// ---- kernels ---------------------------------------------------------------------------

void matMulCase(int64_t batch, int64_t m, int64_t n, int64_t k, bool tA, bool tB, bool withEpilogue) {
  auto mm = wasmKernel<MatMulKernel>("MatMul");
  auto a = randomVec(batch * m * k, 1), b = randomVec(batch * k * n, 2);
  auto bias = randomVec(n, 3), scale = randomVec(n, 4, 0.5f, 2.f);
  Epilogue ep;
  if (withEpilogue) {
    ep.bias = bias.data();
    ep.scale = scale.data();
    ep.activation = FusedActivation::Relu;
  }
  const std::string what = "MatMul b" + std::to_string(batch) + " m" + std::to_string(m) + " n" + std::to_string(n) +
                           " k" + std::to_string(k) + " tA" + std::to_string(tA) + " tB" + std::to_string(tB);
  sameForEveryCount(what, static_cast<size_t>(batch * m * n), [&](std::vector<float>& c) {
    MatMulParams p{a.data(), b.data(), c.data(), batch, m, n, k, tA, tB, m * k, k * n, ep, {}};
    mm(p);
  });
}

TEST(ThreadedKernels, MatMulByRows) {
  for (int t = 0; t < 4; ++t) matMulCase(1, 203, 77, 300, t & 1, t & 2, t == 0);
}
TEST(ThreadedKernels, MatMulByColumns) {
  for (int t = 0; t < 4; ++t) matMulCase(1, 6, 1100, 70, t & 1, t & 2, t == 3);
}
TEST(ThreadedKernels, MatMulVector) { matMulCase(1, 1, 3001, 100, false, false, true); }
TEST(ThreadedKernels, MatMulBatch) { matMulCase(9, 31, 45, 130, false, true, false); }

ConvGeometry convGeometry(int64_t batch, int64_t hw, int64_t inC, int64_t outC, int64_t f, int64_t stride) {
  ConvGeometry g{};
  g.batch = batch;
  g.inD = 1, g.inH = hw, g.inW = hw + 1, g.inC = inC;
  g.fD = 1, g.fH = f, g.fW = f;
  g.strideD = 1, g.strideH = stride, g.strideW = stride;
  g.dilD = g.dilH = g.dilW = 1;
  g.channelMultiplier = 1;
  g.outC = outC;
  g.outD = 1, g.outH = (hw + stride - 1) / stride, g.outW = (hw + 1 + stride - 1) / stride;  // 'same'
  g.padFront = 0;
  g.padTop = std::max<int64_t>(0, (g.outH - 1) * stride + f - g.inH) / 2;
  g.padLeft = std::max<int64_t>(0, (g.outW - 1) * stride + f - g.inW) / 2;
  return g;
}

// The three kernels of one convolution family on geometry g.
void convFamily(const std::string& what, const ConvGeometry& g, const char* fwd, const char* dInput,
                const char* dFilter, int64_t filterSize) {
  const int64_t xSize = g.batch * g.inD * g.inH * g.inW * g.inC, ySize = g.batch * g.outD * g.outH * g.outW * g.outC;
  auto x = randomVec(xSize, 11), f = randomVec(filterSize, 12), dy = randomVec(ySize, 13);
  auto bias = randomVec(g.outC, 14);
  Epilogue ep;
  ep.bias = bias.data();
  ep.activation = FusedActivation::Relu6;
  auto kf = wasmKernel<ConvKernel>(fwd), ki = wasmKernel<ConvKernel>(dInput), kw = wasmKernel<ConvKernel>(dFilter);
  sameForEveryCount(what + " " + fwd, static_cast<size_t>(ySize), [&](std::vector<float>& y) {
    kf(ConvParams{g, x.data(), f.data(), y.data(), ep, {}});
  });
  sameForEveryCount(what + " " + dInput, static_cast<size_t>(xSize), [&](std::vector<float>& dx) {
    ki(ConvParams{g, dx.data(), f.data(), dy.data(), {}, {}});
  });
  sameForEveryCount(what + " " + dFilter, static_cast<size_t>(filterSize), [&](std::vector<float>& df) {
    kw(ConvParams{g, x.data(), df.data(), dy.data(), {}, {}});
  });
}

TEST(ThreadedKernels, Conv2DManyChunks) {
  const ConvGeometry g = convGeometry(2, 40, 16, 24, 3, 1);  // 1640 positions: 4 chunks per image
  convFamily("conv 3x3 b2", g, "Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", 3 * 3 * 16 * 24);
}
TEST(ThreadedKernels, Conv2DOneChunk) {
  const ConvGeometry g = convGeometry(1, 15, 13, 40, 3, 2);  // one chunk: the GEMM splits
  convFamily("conv 3x3 s2", g, "Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", 3 * 3 * 13 * 40);
}
TEST(ThreadedKernels, Conv2DPointwise) {
  const ConvGeometry g = convGeometry(2, 21, 32, 48, 1, 1);
  convFamily("conv 1x1", g, "Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", 32 * 48);
}
TEST(ThreadedKernels, Depthwise) {
  ConvGeometry g = convGeometry(1, 33, 37, 37, 3, 1);
  convFamily("depthwise", g, "DepthwiseConv2dNative", "DepthwiseConv2dNativeBackpropInput",
             "DepthwiseConv2dNativeBackpropFilter", 3 * 3 * 37);
  g = convGeometry(2, 30, 21, 42, 3, 2);
  g.channelMultiplier = 2;
  convFamily("depthwise x2", g, "DepthwiseConv2dNative", "DepthwiseConv2dNativeBackpropInput",
             "DepthwiseConv2dNativeBackpropFilter", 3 * 3 * 42);
}

TEST(ThreadedKernels, Pooling) {
  const ConvGeometry g = convGeometry(4, 64, 22, 22, 3, 2);
  const int64_t xSize = g.batch * g.inH * g.inW * g.inC, ySize = g.batch * g.outH * g.outW * g.outC;
  auto x = randomVec(xSize, 21), dy = randomVec(ySize, 22);
  for (const char* op : {"MaxPool", "AvgPool"}) {
    auto k = wasmKernel<PoolKernel>(op);
    sameForEveryCount(op, static_cast<size_t>(ySize),
                      [&](std::vector<float>& y) { k(PoolParams{g, x.data(), y.data()}); });
  }
  for (const char* op : {"MaxPoolGrad", "AvgPoolGrad"}) {
    auto k = wasmKernel<PoolGradKernel>(op);
    sameForEveryCount(op, static_cast<size_t>(xSize),
                      [&](std::vector<float>& dx) { k(PoolGradParams{g, x.data(), dy.data(), dx.data()}); });
  }
}

TEST(ThreadedKernels, Elementwise) {
  const int64_t n = 100003;
  auto x = randomVec(n, 31, -3.f, 3.f), y = randomVec(n, 32, 0.1f, 0.9f), dy = randomVec(n, 33);
  auto unary = wasmKernel<UnaryKernel>("Unary");
  for (UnaryOp op : {UnaryOp::Exp, UnaryOp::Sigmoid, UnaryOp::Tanh, UnaryOp::Relu, UnaryOp::Softplus}) {
    sameForEveryCount("Unary " + std::to_string(static_cast<int>(op)), n, [&](std::vector<float>& out) {
      unary(UnaryParams{op, 0.f, 0.f, x.data(), out.data(), n});
    });
  }
  auto grad = wasmKernel<UnaryGradKernel>("UnaryGrad");
  for (UnaryOp op : {UnaryOp::Relu, UnaryOp::Sigmoid, UnaryOp::Elu}) {
    sameForEveryCount("UnaryGrad " + std::to_string(static_cast<int>(op)), n, [&](std::vector<float>& dx) {
      grad(UnaryGradParams{op, 0.f, 0.f, x.data(), y.data(), dy.data(), dx.data(), n});
    });
  }
  auto binary = wasmKernel<BinaryKernel>("Binary");
  auto b = randomVec(n, 34);
  sameForEveryCount("Binary same shape", n, [&](std::vector<float>& out) {
    BinaryParams p{};
    p.op = BinaryOp::Mul, p.a = x.data(), p.b = b.data(), p.out = out.data(), p.size = n, p.rank = 1;
    p.outDims[0] = n, p.aStrides[0] = 1, p.bStrides[0] = 1, p.sameShape = true;
    binary(p);
  });
  // [301, 257] = [301, 257] - [257] (one row pattern), and [301, 1] + [1, 257] (an outer odometer).
  sameForEveryCount("Binary row broadcast", 301 * 257, [&](std::vector<float>& out) {
    BinaryParams p{};
    p.op = BinaryOp::Sub, p.a = x.data(), p.b = b.data(), p.out = out.data(), p.size = 301 * 257, p.rank = 2;
    p.outDims[0] = 301, p.outDims[1] = 257, p.aStrides[0] = 257, p.aStrides[1] = 1, p.bStrides[0] = 0, p.bStrides[1] = 1;
    binary(p);
  });
  sameForEveryCount("Binary outer broadcast", 301 * 257, [&](std::vector<float>& out) {
    BinaryParams p{};
    p.op = BinaryOp::Add, p.a = x.data(), p.b = b.data(), p.out = out.data(), p.size = 301 * 257, p.rank = 2;
    p.outDims[0] = 301, p.outDims[1] = 257, p.aStrides[0] = 1, p.aStrides[1] = 0, p.bStrides[0] = 0, p.bStrides[1] = 1;
    binary(p);
  });
  auto axpy = wasmKernel<AxpyKernel>("Axpy");
  sameForEveryCount("Axpy", n, [&](std::vector<float>& out) {
    out = b;
    axpy(AxpyParams{-0.37f, x.data(), out.data(), n});
  });
  auto adam = wasmKernel<AdamKernel>("AdamUpdate");
  sameForEveryCount("AdamUpdate", 3 * n, [&](std::vector<float>& wmv) {  // w, m, v side by side
    std::copy(x.begin(), x.end(), wmv.begin());
    std::copy(b.begin(), b.end(), wmv.begin() + n);
    std::copy(y.begin(), y.end(), wmv.begin() + 2 * n);
    adam(AdamParams{wmv.data(), wmv.data() + n, wmv.data() + 2 * n, dy.data(), n, 0.9f, 0.1f, 0.999f, 0.001f, 0.19f,
                    0.002f, -0.01f, 1e-7f, 0.01f});
  });
  auto bn = wasmKernel<BatchNormKernel>("BatchNormInference");
  auto stats = randomVec(3 * 13, 35);
  sameForEveryCount("BatchNormInference", 7000 * 13, [&](std::vector<float>& out) {
    bn(BatchNormParams{x.data(), stats.data(), stats.data() + 13, stats.data() + 26, out.data(), 7000, 13});
  });
}

}  // namespace
}  // namespace wl

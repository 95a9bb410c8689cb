// The "wasm" backend's SIMD kernels (cpp/kernels/wasm/, SIMDe natively) called
// directly against the "cpu" kernels on odd sizes, tails, every transpose
// combination and broadcast pattern, for every kernel the wasm backend registers.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/kernel_registry.h"
#include "kernels/conv_params.h"
#include "kernels/params.h"

namespace wl {
namespace {

template <typename Fn>
std::pair<Fn, Fn> kernels(const char* op) {
  auto& reg = KernelRegistry::instance();
  return {reinterpret_cast<Fn>(reg.find(op, "wasm")), reinterpret_cast<Fn>(reg.find(op, "cpu"))};
}

std::vector<float> randomVec(int64_t n, float lo, float hi, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = d(gen);
  return v;
}

// Same tolerance as test_op_harness (1e-5 relative, absolute below 1); `relFloor`
// makes it relative down to that magnitude instead.
::testing::AssertionResult close(float got, float want, float relFloor = 1.f) {
  if (std::isnan(want) && std::isnan(got)) return ::testing::AssertionSuccess();
  if (std::isinf(want) && got == want) return ::testing::AssertionSuccess();
  if (std::fabs(got - want) <= 1e-5f * std::max(relFloor, std::fabs(want))) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got " << got << ", want " << want;
}

const int64_t kSizes[] = {1, 3, 7, 8, 9, 17, 64, 65};

// ---- MatMul ----------------------------------------------------------------------------

void checkMatMul(int64_t batch, int64_t m, int64_t n, int64_t k, bool tA, bool tB, bool bcastA, bool bcastB,
                 Epilogue ep = {}) {
  auto [mine, ref] = kernels<MatMulKernel>("MatMul");
  ASSERT_NE(mine, nullptr);
  const int64_t aBatch = bcastA ? 1 : batch, bBatch = bcastB ? 1 : batch;
  auto a = randomVec(aBatch * m * k, -1.f, 1.f, static_cast<unsigned>(m * 131 + k));
  auto b = randomVec(bBatch * k * n, -1.f, 1.f, static_cast<unsigned>(n * 17 + k * 3));
  std::vector<float> c1(batch * m * n, -7.f), c2(batch * m * n, 7.f);
  MatMulParams p{a.data(), b.data(), c1.data(), batch, m, n, k, tA, tB, bcastA ? 0 : m * k, bcastB ? 0 : k * n, ep};
  mine(p);
  p.c = c2.data();
  ref(p);
  for (size_t i = 0; i < c1.size(); ++i) {
    ASSERT_TRUE(close(c1[i], c2[i])) << "b" << batch << " m" << m << " n" << n << " k" << k << " tA" << tA
                                     << " tB" << tB << " at " << i;
  }
}

TEST(WasmKernels, MatMulAllSizesAndTransposes) {
  for (int64_t m : kSizes)
    for (int64_t n : kSizes)
      for (int64_t k : kSizes)
        for (int t = 0; t < 4; ++t) checkMatMul(1, m, n, k, t & 1, t & 2, false, false);
}

// Bias, per-column scale and relu/relu6 applied as blocks of C are stored: across
// N and K blocks, the m == 1 path and tails.
TEST(WasmKernels, MatMulEpilogue) {
  auto scale = randomVec(2100, 0.5f, 2.f, 5), bias = randomVec(2100, -1.f, 1.f, 6);
  for (int variant = 0; variant < 4; ++variant) {
    Epilogue ep;
    if (variant != 1) ep.bias = bias.data();
    if (variant >= 1) ep.scale = scale.data();
    ep.activation = variant == 0 ? FusedActivation::Relu : variant == 2 ? FusedActivation::Relu6
                                                                          : FusedActivation::Linear;
    for (int64_t m : {1, 3, 9, 70})
      for (int64_t n : {1, 7, 8, 17, 1030})
        for (int64_t k : {0, 1, 9, 300}) checkMatMul(2, m, n, k, variant & 1, false, false, m == 1, ep);
  }
}

TEST(WasmKernels, MatMulBatchesAndBroadcasts) {
  for (int t = 0; t < 4; ++t) {
    checkMatMul(3, 9, 17, 7, t & 1, t & 2, false, false);
    checkMatMul(3, 9, 17, 7, t & 1, t & 2, true, false);
    checkMatMul(3, 9, 17, 7, t & 1, t & 2, false, true);
    checkMatMul(2, 1, 65, 9, t & 1, t & 2, false, true);
  }
}

TEST(WasmKernels, MatMulBlocking) {
  // K beyond one K block (256), M beyond one M block (64), N beyond one N block (1024).
  for (int t = 0; t < 4; ++t) checkMatMul(1, 70, 1030, 300, t & 1, t & 2, false, false);
  checkMatMul(1, 1, 1030, 600, false, true, false, false);
  checkMatMul(1, 5, 3, 0, false, false, false, false);  // k = 0: zeros
}

// ---- Binary ----------------------------------------------------------------------------

// Broadcasts shapes a and b (right-aligned) and fills the kernel parameters.
BinaryParams binaryParams(BinaryOp op, std::vector<int64_t> as, std::vector<int64_t> bs, const float* a,
                          const float* b, float* out) {
  BinaryParams p{};
  p.op = op;
  p.a = a;
  p.b = b;
  p.out = out;
  const int rank = static_cast<int>(std::max(as.size(), bs.size()));
  as.insert(as.begin(), rank - as.size(), 1);
  bs.insert(bs.begin(), rank - bs.size(), 1);
  p.rank = rank;
  p.size = 1;
  int64_t sa = 1, sb = 1;
  for (int d = rank - 1; d >= 0; --d) {
    p.outDims[d] = as[d] == 1 ? bs[d] : as[d];
    p.aStrides[d] = as[d] == 1 ? 0 : sa;
    p.bStrides[d] = bs[d] == 1 ? 0 : sb;
    sa *= as[d];
    sb *= bs[d];
    p.size *= p.outDims[d];
  }
  p.sameShape = as == bs;
  return p;
}

int64_t prod(const std::vector<int64_t>& s) {
  int64_t n = 1;
  for (auto d : s) n *= d;
  return n;
}

TEST(WasmKernels, BinaryOpsAndBroadcasts) {
  auto [mine, ref] = kernels<BinaryKernel>("Binary");
  ASSERT_NE(mine, nullptr);
  const BinaryOp ops[] = {BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div, BinaryOp::Maximum,
                          BinaryOp::Minimum, BinaryOp::SquaredDifference, BinaryOp::Pow, BinaryOp::Mod,
                          BinaryOp::Greater, BinaryOp::Equal};
  std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> shapes;
  for (int64_t s : kSizes) {
    shapes.push_back({{s}, {s}});                // same shape
    shapes.push_back({{5, s}, {s}});             // bias add: row broadcast
    shapes.push_back({{s}, {3, s}});             // row broadcast on the left
    shapes.push_back({{s, 5}, {s, 1}});          // column broadcast
    shapes.push_back({{s, 9}, {}});              // scalar right
    shapes.push_back({{}, {9, s}});              // scalar left
    shapes.push_back({{2, 1, s}, {3, 1}});       // general
    shapes.push_back({{2, 3, s}, {1, 3, s}});    // leading broadcast, contiguous tail
  }
  shapes.push_back({{}, {}});
  shapes.push_back({{0, 4}, {4}});
  for (BinaryOp op : ops) {
    for (auto& [as, bs] : shapes) {
      auto a = randomVec(prod(as), 0.5f, 2.f, 11);
      auto b = randomVec(prod(bs), 0.5f, 2.f, 12);
      if (!a.empty()) a[0] = -0.f;  // signed zeros and NaNs for max/min
      if (b.size() > 2) b[2] = std::numeric_limits<float>::quiet_NaN();
      if (a.size() > 3) a[3] = std::numeric_limits<float>::quiet_NaN();
      BinaryParams p = binaryParams(op, as, bs, a.data(), b.data(), nullptr);
      std::vector<float> o1(p.size + 1, -3.f), o2(p.size + 1, 3.f);
      p.out = o1.data();
      mine(p);
      p.out = o2.data();
      ref(p);
      for (int64_t i = 0; i < p.size; ++i) {
        if (isComparison(op)) {
          ASSERT_EQ(reinterpret_cast<int32_t*>(o1.data())[i], reinterpret_cast<int32_t*>(o2.data())[i]);
        } else {
          ASSERT_TRUE(close(o1[i], o2[i])) << "op " << static_cast<int>(op) << " element " << i;
          if (op == BinaryOp::Maximum || op == BinaryOp::Minimum) {
            ASSERT_EQ(std::signbit(o1[i]), std::signbit(o2[i]));
          }
        }
      }
      EXPECT_EQ(o1[p.size], -3.f) << "wrote past the end";
    }
  }
}

// ---- Unary / UnaryGrad -----------------------------------------------------------------

struct UnaryCase {
  UnaryOp op;
  float lo, hi;
  float alpha = 0.2f, beta = 0.f;
};
const UnaryCase kUnary[] = {
    {UnaryOp::Neg, -3, 3},       {UnaryOp::Abs, -3, 3},     {UnaryOp::Square, -3, 3},  {UnaryOp::Sqrt, 0, 9},
    {UnaryOp::Reciprocal, 0.5f, 3}, {UnaryOp::Relu, -3, 3},  {UnaryOp::Relu6, -3, 9},   {UnaryOp::Exp, -20, 20},
    {UnaryOp::Exp, -110, 95},    {UnaryOp::Sigmoid, -30, 30}, {UnaryOp::Tanh, -1, 1},  {UnaryOp::Tanh, -12, 12},
    {UnaryOp::Log, 0.1f, 5},     {UnaryOp::Elu, -3, 3},     {UnaryOp::LeakyRelu, -3, 3},
    {UnaryOp::ClipByValue, -3, 3, -1.f, 1.5f}, {UnaryOp::ClipByValue, -3, 3, 0.f, 6.f},
};

TEST(WasmKernels, Unary) {
  auto [mine, ref] = kernels<UnaryKernel>("Unary");
  ASSERT_NE(mine, nullptr);
  for (const auto& uc : kUnary) {
    for (int64_t n : {1, 3, 7, 8, 9, 17, 64, 65, 1000}) {
      auto x = randomVec(n, uc.lo, uc.hi, static_cast<unsigned>(n));
      if (n > 4) {
        x[1] = std::numeric_limits<float>::quiet_NaN();
        x[2] = 0.f;
        x[3] = -0.f;
        x[4] = std::numeric_limits<float>::infinity();
      }
      if (n > 5) x[5] = -std::numeric_limits<float>::infinity();
      std::vector<float> o1(n), o2(n);
      UnaryParams p{uc.op, uc.alpha, uc.beta, x.data(), o1.data(), n};
      mine(p);
      p.out = o2.data();
      ref(p);
      for (int64_t i = 0; i < n; ++i) {
        ASSERT_TRUE(close(o1[i], o2[i], 1e-30f)) << "op " << static_cast<int>(uc.op) << " x " << x[i];
      }
    }
  }
}

TEST(WasmKernels, UnaryGrad) {
  auto [mine, ref] = kernels<UnaryGradKernel>("UnaryGrad");
  auto unaryRef = kernels<UnaryKernel>("Unary").second;
  ASSERT_NE(mine, nullptr);
  const UnaryCase cases[] = {{UnaryOp::Relu, 0, 0},   {UnaryOp::Relu6, 0, 0},  {UnaryOp::Sigmoid, 0, 0},
                             {UnaryOp::Tanh, 0, 0},   {UnaryOp::Square, 0, 0}, {UnaryOp::Neg, 0, 0},
                             {UnaryOp::Exp, 0, 0},    {UnaryOp::Elu, 0, 0},    {UnaryOp::LeakyRelu, 0, 0, 0.3f},
                             {UnaryOp::ClipByValue, 0, 0, -2.f, 6.f}};
  for (const auto& uc : cases) {
    const UnaryOp op = uc.op;
    for (int64_t n : kSizes) {
      auto x = randomVec(n, -8.f, 8.f, static_cast<unsigned>(n + 1));
      if (n > 4) x[2] = 0.f, x[3] = 6.f, x[4] = -2.f;
      auto dy = randomVec(n, -1.f, 1.f, static_cast<unsigned>(n + 2));
      std::vector<float> y(n), d1(n), d2(n);
      unaryRef({op, uc.alpha, uc.beta, x.data(), y.data(), n});
      for (const float* yp : {static_cast<const float*>(y.data()), static_cast<const float*>(nullptr)}) {
        UnaryGradParams p{op, uc.alpha, uc.beta, x.data(), yp, dy.data(), d1.data(), n};
        mine(p);
        p.dx = d2.data();
        ref(p);
        for (int64_t i = 0; i < n; ++i) ASSERT_TRUE(close(d1[i], d2[i])) << "op " << static_cast<int>(op);
      }
    }
  }
}

// ---- AdamUpdate --------------------------------------------------------------------------

// The same float32 operations in both backends: bit-identical weights and slots.
TEST(WasmKernels, AdamUpdate) {
  auto [mine, ref] = kernels<AdamKernel>("AdamUpdate");
  ASSERT_NE(mine, nullptr);
  for (float decay : {0.f, 1e-3f}) {
    for (int64_t n : kSizes) {
      auto g = randomVec(n, -1.f, 1.f, static_cast<unsigned>(n + 7));
      auto w1 = randomVec(n, -1.f, 1.f, static_cast<unsigned>(n + 8)), w2 = w1;
      auto m1 = randomVec(n, -0.1f, 0.1f, static_cast<unsigned>(n + 9)), m2 = m1;
      auto v1 = randomVec(n, 0.f, 0.1f, static_cast<unsigned>(n + 10)), v2 = v1;
      AdamParams p{w1.data(), m1.data(), v1.data(), g.data(), n, 0.9f, 0.1f, 0.999f, 0.001f, 0.19f, 0.002f,
                   -0.01f, 1e-7f, decay};
      mine(p);
      p.w = w2.data(), p.m = m2.data(), p.v = v2.data();
      ref(p);
      for (int64_t i = 0; i < n; ++i) {
        ASSERT_EQ(w1[i], w2[i]) << "n " << n << " at " << i;
        ASSERT_EQ(m1[i], m2[i]);
        ASSERT_EQ(v1[i], v2[i]);
      }
    }
  }
}

// ---- Reduce ----------------------------------------------------------------------------

void checkReduce(ReduceOp op, const std::vector<int64_t>& dims, const std::vector<bool>& reduced) {
  auto [mine, ref] = kernels<ReduceKernel>("Reduce");
  ASSERT_NE(mine, nullptr);
  ReduceParams p{};
  p.op = op;
  p.rank = static_cast<int>(dims.size());
  p.inSize = prod(dims);
  int64_t stride = 1;
  for (int d = p.rank - 1; d >= 0; --d) {
    p.inDims[d] = dims[d];
    p.outStrides[d] = reduced[d] ? 0 : stride;
    if (!reduced[d]) stride *= dims[d];
  }
  p.outSize = stride;
  auto x = randomVec(p.inSize, 0.5f, 1.5f, static_cast<unsigned>(p.inSize));
  std::vector<float> o1(p.outSize + 1, -1.f), o2(p.outSize + 1, 1.f);
  p.x = x.data();
  p.out = o1.data();
  mine(p);
  p.out = o2.data();
  ref(p);
  for (int64_t i = 0; i < p.outSize; ++i) {
    ASSERT_TRUE(close(o1[i], o2[i], 1e-30f)) << "op " << static_cast<int>(op) << " element " << i;
  }
  EXPECT_EQ(o1[p.outSize], -1.f);
}

TEST(WasmKernels, Reduce) {
  for (ReduceOp op : {ReduceOp::Sum, ReduceOp::Max, ReduceOp::Min, ReduceOp::Prod}) {
    for (int64_t r : kSizes) {
      for (int64_t c : kSizes) {
        if (op == ReduceOp::Prod && r * c > 100) continue;
        checkReduce(op, {r, c}, {true, false});          // over the batch (bias gradient)
        checkReduce(op, {r, c}, {false, true});          // over the last axis
        checkReduce(op, {r, c}, {true, true});           // everything
        checkReduce(op, {2, r, c}, {true, true, false});  // leading axes
        checkReduce(op, {r, 1, c}, {false, true, true});  // trailing with a size-1 axis
        checkReduce(op, {2, r, 3}, {false, true, false}); // middle axis: reference path
      }
    }
  }
}

// ---- Softmax, Axpy ---------------------------------------------------------------------

TEST(WasmKernels, Softmax) {
  auto [mine, ref] = kernels<SoftmaxKernel>("Softmax");
  ASSERT_NE(mine, nullptr);
  for (int64_t rows : {1, 3, 9}) {
    for (int64_t cols : kSizes) {
      auto x = randomVec(rows * cols, -10.f, 10.f, static_cast<unsigned>(rows * cols));
      std::vector<float> o1(rows * cols), o2(rows * cols);
      mine({x.data(), o1.data(), rows, cols});
      ref({x.data(), o2.data(), rows, cols});
      for (size_t i = 0; i < o1.size(); ++i) ASSERT_TRUE(close(o1[i], o2[i])) << rows << "x" << cols;
    }
  }
}

TEST(WasmKernels, Axpy) {
  auto [mine, ref] = kernels<AxpyKernel>("Axpy");
  ASSERT_NE(mine, nullptr);
  for (int64_t n : kSizes) {
    auto x = randomVec(n, -1.f, 1.f, 3);
    auto y1 = randomVec(n, -1.f, 1.f, 4);
    auto y2 = y1;
    mine({-0.37f, x.data(), y1.data(), n});
    ref({-0.37f, x.data(), y2.data(), n});
    for (int64_t i = 0; i < n; ++i) ASSERT_EQ(y1[i], y2[i]);
  }
}


// ---- Convolutions (im2col + GEMM) ------------------------------------------------------

ConvGeometry geometry(int64_t batch, int64_t inD, int64_t inH, int64_t inW, int64_t inC, int64_t outC, int64_t fD,
                      int64_t fH, int64_t fW, int64_t stride, int64_t dil, bool same) {
  ConvGeometry g{};
  g.batch = batch;
  g.inD = inD, g.inH = inH, g.inW = inW, g.inC = inC, g.outC = outC;
  g.fD = fD, g.fH = fH, g.fW = fW;
  g.strideD = inD > 1 ? stride : 1, g.strideH = stride, g.strideW = stride;
  g.dilD = dil, g.dilH = dil, g.dilW = dil;
  auto outSize = [&](int64_t in, int64_t f, int64_t s, int64_t d, int64_t* pad) {
    const int64_t ef = (f - 1) * d + 1;
    if (!same) {
      *pad = 0;
      return (in - ef) / s + 1;
    }
    const int64_t o = (in + s - 1) / s;
    *pad = std::max<int64_t>(0, ((o - 1) * s + ef - in) / 2);
    return o;
  };
  g.outD = outSize(inD, fD, g.strideD, dil, &g.padFront);
  g.outH = outSize(inH, fH, stride, dil, &g.padTop);
  g.outW = outSize(inW, fW, stride, dil, &g.padLeft);
  g.channelMultiplier = 1;
  return g;
}

TEST(WasmKernels, Conv) {
  const ConvGeometry cases[] = {
      geometry(2, 1, 9, 7, 3, 5, 1, 3, 3, 1, 1, false),   geometry(1, 1, 9, 7, 3, 17, 1, 3, 3, 2, 1, true),
      geometry(2, 1, 8, 8, 4, 9, 1, 1, 1, 1, 1, false),   // pointwise: no im2col
      geometry(1, 1, 11, 13, 2, 8, 1, 3, 2, 1, 2, true),  // dilation
      geometry(1, 1, 28, 28, 1, 32, 1, 3, 3, 1, 1, false), // cnn-fit's first layer (chunks of rows)
      geometry(1, 3, 5, 4, 2, 3, 2, 2, 2, 1, 1, false),   // 3D
  };
  const char* ops[][2] = {{"Conv2D", "Conv3D"}, {"Conv2DBackpropInput", "Conv3DBackpropInputV2"},
                          {"Conv2DBackpropFilter", "Conv3DBackpropFilterV2"}};
  for (const auto& g : cases) {
    const int64_t xs = g.batch * g.inD * g.inH * g.inW * g.inC, ys = g.batch * g.outD * g.outH * g.outW * g.outC;
    const int64_t fs = g.fD * g.fH * g.fW * g.inC * g.outC;
    for (int which = 0; which < 3; ++which) {
      auto [mine, ref] = kernels<ConvKernel>(ops[which][g.inD > 1 ? 1 : 0]);
      ASSERT_NE(mine, nullptr) << ops[which][0];
      auto x = randomVec(xs, -1.f, 1.f, 21), f = randomVec(fs, -1.f, 1.f, 22), y = randomVec(ys, -1.f, 1.f, 23);
      auto x2 = x, f2 = f, y2 = y;
      ref({g, x.data(), f.data(), y.data()});
      mine({g, x2.data(), f2.data(), y2.data()});
      const auto& want = which == 0 ? y : which == 1 ? x : f;
      const auto& got = which == 0 ? y2 : which == 1 ? x2 : f2;
      for (size_t i = 0; i < want.size(); ++i) ASSERT_TRUE(close(got[i], want[i])) << ops[which][0] << " at " << i;
    }
  }
}

// Every op the wasm backend registers is covered above.
TEST(WasmKernels, EveryRegisteredKernelIsTested) {
  const std::vector<std::string> tested = {"MatMul", "Binary", "Unary", "UnaryGrad", "Reduce", "Softmax", "Axpy",
                                           "Conv2D", "Conv3D", "Conv2DBackpropInput", "Conv3DBackpropInputV2",
                                           "Conv2DBackpropFilter", "Conv3DBackpropFilterV2"};
  auto& reg = KernelRegistry::instance();
  for (const auto& op : tested) EXPECT_TRUE(reg.supports(op, "wasm")) << op;
}

}  // namespace
}  // namespace wl

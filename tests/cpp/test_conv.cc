// Convolutions, pools, batchNorm, LRN and resize: values on hand-checked cases,
// gradients against central finite differences, and errors naming the op.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <numeric>
#include <random>

#include "core/backend.h"
#include "core/kernel_cache.h"
#include "core/kernel_registry.h"
#include "core/tape.h"
#include "grad_check.h"
#include "ops/conv.h"
#include "ops/ops.h"
#include "ops/registry.h"
#include "ops/shape_ops.h"

namespace wl {
namespace {

using Fn = std::function<Tensor(const std::vector<Tensor>&)>;

using test::randomTensor;
using test::weightedSum;

Tensor R(const Shape& s, unsigned seed, float lo = -2.f, float hi = 2.f) { return randomTensor(s, lo, hi, seed); }

// Distinct values 0.1 apart in shuffled order: max pooling stays put under +-eps.
Tensor distinct(const Shape& s, unsigned seed) {
  Tensor t = Tensor::empty(s);
  std::vector<int> idx(static_cast<size_t>(t.size()));
  std::iota(idx.begin(), idx.end(), 0);
  std::shuffle(idx.begin(), idx.end(), std::mt19937(seed));
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = 0.1f * static_cast<float>(idx[i]) - 1.f;
  return t;
}

Tensor seq(const Shape& s, float start = 1.f) {
  Tensor t = Tensor::empty(s);
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = start + static_cast<float>(i);
  return t;
}

void checkConvGradients(const Fn& f, std::vector<Tensor> inputs) { test::checkGradients(f, std::move(inputs)); }

void expectValues(const Tensor& t, const Shape& shape, const std::vector<float>& values, float tol = 1e-5f) {
  ASSERT_EQ(t.shape(), shape);
  std::vector<float> got = t.toVector();
  ASSERT_EQ(got.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) EXPECT_NEAR(got[i], values[i], tol) << "element " << i;
}

void expectClose(const Tensor& a, const Tensor& b, float tol = 1e-4f) {
  ASSERT_EQ(a.shape(), b.shape());
  std::vector<float> va = a.toVector(), vb = b.toVector();
  for (size_t i = 0; i < va.size(); ++i) EXPECT_NEAR(va[i], vb[i], tol) << "element " << i;
}

// Throws a wl::Error whose message contains `op`.
void expectErrorNaming(const std::function<void()>& f, const std::string& op) {
  try {
    f();
    ADD_FAILURE() << "expected an error naming " << op;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(op), std::string::npos) << e.what();
  }
}

std::vector<Tensor> run(const std::string& name, const std::vector<Tensor>& in, const nlohmann::json& attrs) {
  return OpRegistry::instance().run(name, in, attrs);
}

using P = std::vector<std::pair<int64_t, int64_t>>;

// ---------------------------------------------------------------- conv2d
TEST(Conv2D, ValidSameStrideDilationValues) {
  Tensor x = seq({1, 3, 3, 1});
  Tensor w = Tensor::fromVector({2, 2, 1, 1}, {1, 0, 0, 1});
  expectValues(conv2d(x, w, {1}, Padding::valid()), {1, 2, 2, 1}, {6, 8, 12, 14});
  expectValues(conv2d(x, w, {1}, Padding::same()), {1, 3, 3, 1}, {6, 8, 3, 12, 14, 6, 7, 8, 9});
  expectValues(conv2d(x, w, {2}, Padding::same()), {1, 2, 2, 1}, {6, 3, 7, 9});
  expectValues(conv2d(x, w, {1}, Padding::valid(), "NHWC", {2}), {1, 1, 1, 1}, {10});
  // Unbatched input.
  expectValues(conv2d(seq({3, 3, 1}), w), {2, 2, 1}, {6, 8, 12, 14});
}

TEST(Conv2D, ChannelsAndExplicitPadding) {
  Tensor x = Tensor::fromVector({1, 1, 1, 2}, {1, 2});
  Tensor w = Tensor::fromVector({1, 1, 2, 3}, {1, 2, 3, 4, 5, 6});
  expectValues(conv2d(x, w), {1, 1, 1, 3}, {9, 12, 15});
  Tensor one = Tensor::fromVector({1, 1, 1, 1}, {1});
  Tensor y = conv2d(seq({1, 2, 2, 1}), one, {1}, Padding::explicitPairs({{0, 0}, {1, 0}, {0, 1}, {0, 0}}));
  expectValues(y, {1, 3, 3, 1}, {0, 0, 0, 1, 2, 0, 3, 4, 0});
  // Number padding with dimRoundingMode: (4 - 3 + 2) / 2 + 1 = 2.5.
  Tensor w3 = Tensor::full({3, 3, 1, 1}, 1.f);
  EXPECT_EQ(conv2d(seq({1, 4, 4, 1}), w3, {2}, Padding::number(1), "NHWC", {1}, "floor").shape(), (Shape{1, 2, 2, 1}));
  EXPECT_EQ(conv2d(seq({1, 4, 4, 1}), w3, {2}, Padding::number(1), "NHWC", {1}, "ceil").shape(), (Shape{1, 3, 3, 1}));
  // Through the registry with tfjs attribute names.
  auto out = run("conv2d", {x, w}, {{"strides", 1}, {"pad", "valid"}});
  expectValues(out[0], {1, 1, 1, 3}, {9, 12, 15});
  out = run("conv2d", {seq({1, 2, 2, 1}), one}, {{"strides", {1, 1}}, {"pad", {{0, 0}, {1, 0}, {0, 1}, {0, 0}}}});
  EXPECT_EQ(out[0].shape(), (Shape{1, 3, 3, 1}));
}

TEST(Conv2D, NCHWMatchesNHWC) {
  Tensor x = R({2, 5, 4, 3}, 1), w = R({3, 2, 3, 4}, 2);
  Tensor nhwc = conv2d(x, w, {2, 1}, Padding::same());
  Tensor nchw = conv2d(transpose(x, {0, 3, 1, 2}), w, {2, 1}, Padding::same(), "NCHW");
  expectClose(transpose(nchw, {0, 2, 3, 1}), nhwc);
  auto viaReg = run("conv2d", {transpose(x, {0, 3, 1, 2}), w},
                    {{"strides", {2, 1}}, {"pad", "same"}, {"dataFormat", "NCHW"}});
  expectClose(viaReg[0], nchw);
}

TEST(Conv2D, GradStride2SameOddBatch2) {
  checkConvGradients([](auto& v) { return conv2d(v[0], v[1], {2}, Padding::same()); }, {R({2, 5, 5, 2}, 3), R({3, 3, 2, 3}, 4)});
}
TEST(Conv2D, GradValidDilation2) {
  checkConvGradients([](auto& v) { return conv2d(v[0], v[1], {1}, Padding::valid(), "NHWC", {2}); },
                     {R({2, 6, 5, 2}, 5), R({2, 2, 2, 2}, 6)});
}
TEST(Conv2D, GradValidStride2Explicit) {
  checkConvGradients([](auto& v) { return conv2d(v[0], v[1], {2, 1}, Padding::valid()); }, {R({1, 5, 4, 1}, 7), R({2, 3, 1, 2}, 8)});
  checkConvGradients(
      [](auto& v) { return conv2d(v[0], v[1], {2}, Padding::explicitPairs({{0, 0}, {1, 2}, {0, 1}, {0, 0}})); },
      {R({1, 4, 3, 2}, 9), R({2, 2, 2, 1}, 10)});
}
TEST(Conv2D, GradNumberPadCeil) {
  checkConvGradients([](auto& v) { return conv2d(v[0], v[1], {2}, Padding::number(1), "NHWC", {1}, "ceil"); },
                     {R({2, 5, 6, 2}, 13), R({3, 3, 2, 3}, 14)});
  checkConvGradients([](auto& v) { return maxPool(v[0], {3}, {2}, Padding::number(1), "ceil"); }, {distinct({1, 5, 6, 2}, 15)});
  checkConvGradients([](auto& v) { return avgPool(v[0], {3}, {2}, Padding::number(1), "ceil"); }, {R({1, 5, 6, 2}, 16)});
}
TEST(Conv2D, GradNCHW) {
  checkConvGradients([](auto& v) { return conv2d(v[0], v[1], {1}, Padding::same(), "NCHW"); }, {R({2, 2, 3, 3}, 11), R({2, 2, 2, 2}, 12)});
}

TEST(Conv2D, Errors) {
  expectErrorNaming([] { conv2d(R({1, 3, 3, 2}, 1), R({2, 2, 3, 1}, 2)); }, "conv2d");  // channels
  expectErrorNaming([] { conv2d(R({3, 3}, 1), R({2, 2, 1, 1}, 2)); }, "conv2d");        // x rank
  expectErrorNaming([] { conv2d(R({1, 3, 3, 1}, 1), R({2, 1, 1}, 2)); }, "conv2d");     // filter rank
  expectErrorNaming([] { conv2d(R({1, 3, 3, 1}, 1), R({2, 2, 1, 1}, 2), {2}, Padding::valid(), "NHWC", {2}); },
                    "conv2d");  // strides and dilations
  expectErrorNaming([] { conv2d(R({1, 3, 3, 1}, 1), R({2, 2, 1, 1}, 2), {1}, Padding::valid(), "NWHC"); }, "conv2d");
  expectErrorNaming([] { run("conv2d", {R({1, 3, 3, 1}, 1), R({2, 2, 1, 1}, 2)}, {{"pad", "full"}}); }, "conv2d");
  EXPECT_THROW(conv2d(R({1, 3, 3, 2}, 1), R({2, 2, 3, 1}, 2)), Error);
}

// ---------------------------------------------------------------- pools
TEST(Pool2D, MaxAvgValues) {
  Tensor x = seq({1, 4, 4, 1});
  expectValues(maxPool(x, {2}, {2}, Padding::valid()), {1, 2, 2, 1}, {6, 8, 14, 16});
  expectValues(avgPool(x, {2}, {2}, Padding::valid()), {1, 2, 2, 1}, {3.5f, 5.5f, 11.5f, 13.5f});
  // 'same' with a window partly outside x: averages over the valid elements only.
  Tensor x3 = seq({1, 3, 3, 1});
  expectValues(avgPool(x3, {2}, {2}, Padding::same()), {1, 2, 2, 1}, {3, 4.5f, 7.5f, 9});
  expectValues(maxPool(x3, {2}, {2}, Padding::same()), {1, 2, 2, 1}, {5, 6, 8, 9});
  expectValues(maxPool(seq({3, 3, 1}), {3, 1}, {1}, Padding::valid()), {1, 3, 1}, {7, 8, 9});
  auto out = run("maxPool", {x}, {{"filterSize", 2}, {"strides", 2}, {"pad", "valid"}});
  expectValues(out[0], {1, 2, 2, 1}, {6, 8, 14, 16});
  out = run("avgPool", {x3}, {{"filterSize", {2, 2}}, {"strides", {2, 2}}, {"pad", "same"}});
  expectValues(out[0], {1, 2, 2, 1}, {3, 4.5f, 7.5f, 9});
  // dimRoundingMode with a number pad: (3 - 2 + 0) / 2 + 1 = 1.5.
  EXPECT_EQ(maxPool(x3, {2}, {2}, Padding::number(0), "ceil").shape(), (Shape{1, 2, 2, 1}));
  EXPECT_EQ(maxPool(x3, {2}, {2}, Padding::number(0), "floor").shape(), (Shape{1, 1, 1, 1}));
}

TEST(Pool2D, MaxPoolGrad) {
  checkConvGradients([](auto& v) { return maxPool(v[0], {3}, {2}, Padding::same()); }, {distinct({2, 5, 5, 2}, 1)});
  checkConvGradients([](auto& v) { return maxPool(v[0], {2, 3}, {1, 2}, Padding::valid()); }, {distinct({1, 4, 5, 3}, 2)});
}
TEST(Pool2D, AvgPoolGrad) {
  checkConvGradients([](auto& v) { return avgPool(v[0], {3}, {2}, Padding::same()); }, {R({2, 5, 5, 2}, 3)});
  checkConvGradients([](auto& v) { return avgPool(v[0], {2, 3}, {1, 2}, Padding::valid()); }, {R({1, 4, 5, 3}, 4)});
}
TEST(Pool2D, MaxPoolGradRoutesToFirstMax) {
  Tensor x = Tensor::fromVector({1, 2, 2, 1}, {1, 3, 3, 2});
  GradientTape tape;
  Tensor y = maxPool(x, {2}, {2}, Padding::valid());
  auto g = tape.gradient(sum(y), {x});
  expectValues(g[0], {1, 2, 2, 1}, {0, 1, 0, 0});
}
TEST(Pool2D, Errors) {
  expectErrorNaming([] { maxPool(R({3, 3}, 1), {2}, {1}, Padding::valid()); }, "maxPool");
  expectErrorNaming([] { avgPool(R({1, 3, 3, 1}, 1), {2, 2, 2}, {1}, Padding::valid()); }, "avgPool");
  expectErrorNaming([] { maxPool(R({1, 3, 3, 1}, 1), {2}, {0}, Padding::valid()); }, "maxPool");
  expectErrorNaming([] { maxPool(R({1, 3, 3, 1}, 1), {2}, {1}, Padding::number(1), "nearest"); }, "maxPool");
}

// ---------------------------------------------------------------- depthwise
TEST(DepthwiseConv2D, Values) {
  Tensor x = Tensor::fromVector({1, 1, 1, 2}, {1, 2});
  Tensor w = Tensor::fromVector({1, 1, 2, 2}, {1, 2, 3, 4});
  expectValues(depthwiseConv2d(x, w), {1, 1, 1, 4}, {1, 2, 6, 8});
  // Per channel, a 2x2 filter of ones over a 3x3 'same' window.
  Tensor x2 = seq({1, 3, 3, 1});
  Tensor w2 = Tensor::full({2, 2, 1, 1}, 1.f);
  expectValues(depthwiseConv2d(x2, w2, {1}, Padding::same()), {1, 3, 3, 1}, {12, 16, 9, 24, 28, 15, 15, 17, 9});
  auto out = run("depthwiseConv2d", {x, w}, {{"strides", 1}, {"pad", "valid"}});
  expectValues(out[0], {1, 1, 1, 4}, {1, 2, 6, 8});
  Tensor xr = R({2, 4, 5, 3}, 5), wr = R({3, 2, 3, 2}, 6);
  Tensor nchw = depthwiseConv2d(transpose(xr, {0, 3, 1, 2}), wr, {2}, Padding::same(), "NCHW");
  expectClose(transpose(nchw, {0, 2, 3, 1}), depthwiseConv2d(xr, wr, {2}, Padding::same()));
}
TEST(DepthwiseConv2D, Grads) {
  checkConvGradients([](auto& v) { return depthwiseConv2d(v[0], v[1], {2}, Padding::same()); },
                     {R({2, 5, 5, 2}, 7), R({3, 3, 2, 2}, 8)});
  checkConvGradients([](auto& v) { return depthwiseConv2d(v[0], v[1], {1}, Padding::valid(), "NHWC", {2}); },
                     {R({1, 5, 6, 3}, 9), R({2, 2, 3, 1}, 10)});
  checkConvGradients([](auto& v) { return depthwiseConv2d(v[0], v[1], {1}, Padding::same(), "NCHW"); },
                     {R({1, 2, 3, 3}, 11), R({2, 2, 2, 2}, 12)});
}
TEST(DepthwiseConv2D, Errors) {
  expectErrorNaming([] { depthwiseConv2d(R({1, 3, 3, 2}, 1), R({2, 2, 3, 1}, 2)); }, "depthwiseConv2d");
  expectErrorNaming([] { depthwiseConv2d(R({1, 3, 3, 2}, 1), R({2, 2, 2}, 2)); }, "depthwiseConv2d");
}

// ---------------------------------------------------------------- conv1d
TEST(Conv1D, ValuesAndGrads) {
  Tensor x = Tensor::fromVector({1, 4, 1}, {1, 2, 3, 4});
  Tensor w = Tensor::fromVector({2, 1, 1}, {1, 1});
  expectValues(conv1d(x, w), {1, 3, 1}, {3, 5, 7});
  expectValues(conv1d(x, w, 2), {1, 2, 1}, {3, 7});
  expectValues(conv1d(x, w, 1, Padding::valid(), "NWC", 2), {1, 2, 1}, {4, 6});
  expectValues(conv1d(Tensor::fromVector({4, 1}, {1, 2, 3, 4}), w, 1, Padding::same()), {4, 1}, {3, 5, 7, 4});
  auto out = run("conv1d", {x, w}, {{"stride", 2}, {"pad", "valid"}});
  expectValues(out[0], {1, 2, 1}, {3, 7});
  checkConvGradients([](auto& v) { return conv1d(v[0], v[1], 2, Padding::same()); }, {R({2, 7, 2}, 1), R({3, 2, 3}, 2)});
  checkConvGradients([](auto& v) { return conv1d(v[0], v[1], 1, Padding::valid(), "NWC", 2); }, {R({2, 6, 1}, 3), R({2, 1, 2}, 4)});
  expectErrorNaming([] { conv1d(R({1, 4, 2}, 1), R({2, 1, 1}, 2)); }, "conv1d");
  expectErrorNaming([] { conv1d(R({1, 4, 1}, 1), R({2, 1, 1}, 2), 1, Padding::valid(), "NCW"); }, "conv1d");
}

// ---------------------------------------------------------------- batchNorm
TEST(BatchNorm, ValuesAndGrads) {
  Tensor x = Tensor::fromVector({2, 2}, {1, 2, 3, 4});
  Tensor mean = Tensor::fromVector({2}, {1, 1}), var = Tensor::fromVector({2}, {4, 1});
  expectValues(batchNorm(x, mean, var, Tensor(), Tensor(), 0.f), {2, 2}, {0, 1, 1, 3});
  Tensor offset = Tensor::fromVector({2}, {1, 1}), scale = Tensor::fromVector({2}, {2, 2});
  expectValues(batchNorm(x, mean, var, offset, scale, 0.f), {2, 2}, {1, 3, 3, 7});
  auto out = run("batchNorm", {x, mean, var, offset, scale}, {{"hasOffset", true}, {"hasScale", true}, {"varianceEpsilon", 0}});
  expectValues(out[0], {2, 2}, {1, 3, 3, 7});
  out = run("batchNorm", {x, mean, var, scale}, {{"hasScale", true}, {"varianceEpsilon", 0}});
  expectValues(out[0], {2, 2}, {0, 2, 2, 6});
  checkConvGradients([](auto& v) { return batchNorm(v[0], v[1], v[2], v[3], v[4]); },
                     {R({2, 3, 3}, 1), R({3}, 2), R({3}, 3, 0.5f, 2.f), R({3}, 4), R({3}, 5)});
  checkConvGradients([](auto& v) { return batchNorm(v[0], v[1], v[2]); },
                     {R({2, 2, 3}, 6), R({2, 2, 3}, 7), R({2, 2, 3}, 8, 0.5f, 2.f)});
  expectErrorNaming([] { batchNorm(R({2, 3}, 1), R({2}, 2), R({3}, 3)); }, "batchNorm");
  expectErrorNaming([] { run("batchNorm", {R({2, 3}, 1), R({3}, 2)}, nlohmann::json::object()); }, "batchNorm");
}

// Without a tape, per-channel parameters take the one-pass BatchNormInference kernel;
// it must agree with the composed ops (what runs under a tape) on every backend.
TEST(BatchNorm, FusedInferenceMatchesComposed) {
  for (const std::string& backend : BackendRegistry::instance().names()) {
    BackendScope scope(backend);  // restored even when an ASSERT returns early
    for (int64_t C : {1, 3, 4, 8, 13}) {
      const Tensor x = R({2, 3, C}, 20);
      const Tensor mean = R({C}, 21), var = R({C}, 22, 0.1f, 2.f), offset = R({1, 1, C}, 23), scale = R({C}, 24);
      const struct { Tensor m, v, o, s; } cases[] = {
          {mean, var, offset, scale}, {mean, var, Tensor(), Tensor()}, {R({1}, 25), var, Tensor(), scale},
          {mean, Tensor::scalar(0.5f), offset, Tensor()}};
      for (const auto& c : cases) {
        const Tensor fused = batchNorm(x, c.m, c.v, c.o, c.s, 1e-3f);
        Tensor composed;
        {
          GradientTape tape;
          composed = batchNorm(x, c.m, c.v, c.o, c.s, 1e-3f);
        }
        ASSERT_EQ(fused.shape(), composed.shape());
        const auto f = fused.toVector(), c2 = composed.toVector();  // host reads: any backend's memory
        for (int64_t i = 0; i < x.size(); ++i) EXPECT_NEAR(f[i], c2[i], 1e-5f) << backend << " C=" << C;
      }
    }
  }
}

// Predict folds weights' mean/variance/offset/scale into [C] vectors once per weight
// version (the kernel cache): the second call hits, a write to any of the four
// rebuilds the one entry in place, and the vectors are not counted as tensors.
TEST(BatchNorm, FoldedWeightsAreCachedPerVersionAndNeverStale) {
  KernelCache& cache = KernelCache::instance();
  const size_t entriesAtStart = cache.size();
  for (const std::string& backend : BackendRegistry::instance().names()) {
    BackendScope scope(backend);
    const int64_t C = 5;
    const Tensor x = R({2, 3, C}, 40);
    auto weight = [](const Tensor& t) {
      Tensor w = t.clone();
      w.storage().setPersistent();
      return w;
    };
    const Tensor mean = weight(R({C}, 41)), var = weight(R({C}, 42, 0.1f, 2.f)), offset = weight(R({1, 1, C}, 43)),
                 scale = weight(R({C}, 44));
    auto composed = [&] {
      GradientTape tape;  // the composed ops, which never cache
      return batchNorm(x, mean, var, offset, scale, 1e-3f).toVector();
    };
    auto expectNear = [&](const std::vector<float>& got, const std::vector<float>& want, const char* what) {
      ASSERT_EQ(got.size(), want.size());
      for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5f) << backend << " " << what << " " << i;
    };
    const int64_t tensors = memoryStats().numTensors, buffers = memoryStats().numDataBuffers;
    const size_t entries = cache.size();
    int64_t builds = cache.builds(), hits = cache.hits();
    {
      const Tensor y = batchNorm(x, mean, var, offset, scale, 1e-3f);
      EXPECT_EQ(memoryStats().numTensors, tensors + 1) << backend << ": the folded vectors are not user tensors";
      EXPECT_EQ(memoryStats().numDataBuffers, buffers + 1) << backend;
      expectNear(y.toVector(), composed(), "first");
    }
    EXPECT_EQ(cache.size(), entries + 1) << backend;
    EXPECT_EQ(cache.builds(), builds + 1) << backend;
    builds = cache.builds();
    hits = cache.hits();
    expectNear(batchNorm(x, mean, var, offset, scale, 1e-3f).toVector(), composed(), "second");
    EXPECT_EQ(cache.hits(), hits + 1) << backend << ": the second call hits";
    EXPECT_EQ(cache.builds(), builds) << backend;
    // A write to any parameter (setWeights, an optimizer step, assign) rebuilds the same entry.
    for (const Tensor* w : {&var, &mean, &offset, &scale}) {
      std::vector<float> v = w->toVector();
      for (float& e : v) e = std::fabs(e) + 0.25f;
      w->write(v.data());
      builds = cache.builds();
      expectNear(batchNorm(x, mean, var, offset, scale, 1e-3f).toVector(), composed(), "after a write");
      EXPECT_EQ(cache.builds(), builds + 1) << backend;
      EXPECT_EQ(cache.size(), entries + 1) << backend << ": one entry per weight set, not per version";
    }
    // Another epsilon is another entry; an activation (not persistent) is never cached.
    expectNear(batchNorm(x, mean, var, offset, scale, 0.5f).toVector(),
               [&] { GradientTape t; return batchNorm(x, mean, var, offset, scale, 0.5f).toVector(); }(), "eps");
    EXPECT_EQ(cache.size(), entries + 2) << backend;
    builds = cache.builds();
    hits = cache.hits();
    batchNorm(x, R({C}, 45), var, offset, scale, 1e-3f);
    EXPECT_EQ(cache.builds(), builds) << backend;
    EXPECT_EQ(cache.hits(), hits) << backend;
  }
  EXPECT_EQ(cache.size(), entriesAtStart) << "the entries die with the variance weight";
}

// The fused ops apply scale, bias and relu/relu6 in the kernel's epilogue when no tape
// records; under a tape they compose ordinary ops. Both must agree, on both backends,
// for per-channel and scalar vectors, and a bias that is not per channel composes.
TEST(FusedOps, EpilogueMatchesComposedOps) {
  for (const std::string& backend : BackendRegistry::instance().names()) {
    BackendScope scope(backend);  // restored even when an ASSERT returns early
    for (FusedActivation act : {FusedActivation::Linear, FusedActivation::Relu, FusedActivation::Relu6}) {
      for (int variant = 0; variant < 4; ++variant) {
        const int64_t C = 6;
        FusedEpilogue post;
        post.activation = act;
        if (variant == 1 || variant == 3) post.scale = R({C}, 30, 0.5f, 4.f);
        if (variant >= 2) post.bias = variant == 3 ? Tensor::scalar(0.75f) : R({1, C}, 31);
        auto both = [&](const std::function<Tensor()>& f, const char* what) {
          const Tensor fused = f();
          Tensor composed;
          {
            GradientTape tape;
            composed = f();
          }
          ASSERT_EQ(fused.shape(), composed.shape()) << what;
          const auto fv = fused.toVector(), cv = composed.toVector();
          for (int64_t i = 0; i < fused.size(); ++i) {
            ASSERT_NEAR(fv[i], cv[i], 1e-5f)
                << what << " " << backend << " act " << static_cast<int>(act) << " variant " << variant;
          }
        };
        const Tensor x = R({2, 5, 5, 3}, 32, -4.f, 4.f), w = R({3, 3, 3, C}, 33), dw = R({3, 3, 3, 2}, 34);
        both([&] { return fusedConv2d(x, w, {1}, Padding::same(), "NHWC", {1}, post); }, "conv2d");
        both([&] { return fusedConv2d(x, R({1, 1, 3, C}, 35), {1}, Padding::valid(), "NHWC", {1}, post); }, "1x1");
        both([&] { return fusedDepthwiseConv2d(x, dw, {2}, Padding::same(), "NHWC", {1}, post); }, "depthwise");
        both([&] { return fusedMatMul(R({7, 9}, 36), R({9, C}, 37), false, false, post); }, "matMul");
        both([&] { return fusedMatMul(R({1, 9}, 38), R({C, 9}, 39), false, true, post); }, "matVec");
      }
    }
    // A bias over every output element is not per channel: composed, same values.
    const Tensor a = R({3, 4}, 40), b = R({4, 5}, 41), full = R({3, 5}, 42);
    const Tensor y = fusedMatMul(a, b, false, false, {Tensor(), full, FusedActivation::Relu});
    const Tensor ref = relu(add(matMul(a, b), full));
    const auto yv = y.toVector(), rv = ref.toVector();
    for (int64_t i = 0; i < y.size(); ++i) EXPECT_NEAR(yv[i], rv[i], 1e-6f);
  }
}

// ---------------------------------------------------------------- conv2dTranspose
TEST(Conv2DTranspose, ValuesAndAdjoint) {
  Tensor x = Tensor::fromVector({1, 1, 1, 1}, {2});
  Tensor w = Tensor::fromVector({2, 2, 1, 1}, {1, 2, 3, 4});
  expectValues(conv2dTranspose(x, w, {1, 2, 2, 1}), {1, 2, 2, 1}, {2, 4, 6, 8});
  auto out = run("conv2dTranspose", {x, w}, {{"outputShape", {1, 2, 2, 1}}, {"strides", 1}, {"pad", "valid"}});
  expectValues(out[0], {1, 2, 2, 1}, {2, 4, 6, 8});
  // <conv2d(a, w), b> == <a, conv2dTranspose(b, w, a.shape)>.
  Tensor a = R({2, 5, 5, 3}, 1), wf = R({3, 3, 3, 2}, 2);
  Tensor y = conv2d(a, wf, {2}, Padding::same());
  Tensor b = R(y.shape(), 3);
  Tensor at = conv2dTranspose(b, wf, a.shape(), {2}, Padding::same());
  EXPECT_NEAR(weightedSum(y, b), weightedSum(a, at), 1e-3);
}
TEST(Conv2DTranspose, Grads) {
  checkConvGradients([](auto& v) { return conv2dTranspose(v[0], v[1], {2, 5, 5, 2}, {2}, Padding::same()); },
                     {R({2, 3, 3, 3}, 4), R({3, 3, 2, 3}, 5)});
  checkConvGradients([](auto& v) { return conv2dTranspose(v[0], v[1], {1, 6, 5, 1}, {2}, Padding::valid()); },
                     {R({1, 2, 2, 2}, 6), R({3, 2, 1, 2}, 7)});
}
TEST(Conv2DTranspose, Errors) {
  expectErrorNaming([] { conv2dTranspose(R({1, 2, 2, 3}, 1), R({2, 2, 1, 2}, 2), {1, 3, 3, 1}); }, "conv2dTranspose");
  expectErrorNaming([] { conv2dTranspose(R({1, 2, 2, 2}, 1), R({2, 2, 1, 2}, 2), {1, 4, 4, 1}); }, "conv2dTranspose");
}

// ---------------------------------------------------------------- separableConv2d
TEST(SeparableConv2D, ValuesAndGrads) {
  Tensor x = Tensor::fromVector({1, 1, 1, 2}, {1, 2});
  Tensor dw = Tensor::fromVector({1, 1, 2, 1}, {2, 3}), pw = Tensor::fromVector({1, 1, 2, 1}, {1, 1});
  expectValues(separableConv2d(x, dw, pw), {1, 1, 1, 1}, {8});
  auto out = run("separableConv2d", {x, dw, pw}, {{"strides", 1}, {"pad", "valid"}});
  expectValues(out[0], {1, 1, 1, 1}, {8});
  checkConvGradients([](auto& v) { return separableConv2d(v[0], v[1], v[2], {2}, Padding::same()); },
                     {R({2, 5, 5, 2}, 1), R({3, 3, 2, 2}, 2), R({1, 1, 4, 3}, 3)});
  checkConvGradients([](auto& v) { return separableConv2d(v[0], v[1], v[2], {1}, Padding::valid(), {2}); },
                     {R({1, 5, 5, 2}, 4), R({2, 2, 2, 1}, 5), R({1, 1, 2, 2}, 6)});
  expectErrorNaming([] { separableConv2d(R({1, 3, 3, 2}, 1), R({2, 2, 2, 1}, 2), R({1, 1, 3, 1}, 3)); },
                    "separableConv2d");
}

// ---------------------------------------------------------------- resize
TEST(ResizeBilinear, Values) {
  Tensor x = seq({1, 2, 2, 1});
  expectValues(resizeBilinear(x, {3, 3}, true), {1, 3, 3, 1}, {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4});
  expectValues(resizeBilinear(x, {4, 4}), {1, 4, 4, 1},
               {1, 1.5f, 2, 2, 2, 2.5f, 3, 3, 3, 3.5f, 4, 4, 3, 3.5f, 4, 4});
  // halfPixelCenters: sources -0.25, 0.25, 0.75, 1.25.
  expectValues(resizeBilinear(Tensor::fromVector({1, 1, 2, 1}, {1, 3}), {1, 4}, false, true), {1, 1, 4, 1},
               {1, 1.5f, 2.5f, 3});
  auto out = run("resizeBilinear", {seq({2, 2, 1})}, {{"size", {3, 3}}, {"alignCorners", true}});
  expectValues(out[0], {3, 3, 1}, {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4});
}
TEST(ResizeBilinear, Grads) {
  checkConvGradients([](auto& v) { return resizeBilinear(v[0], {5, 3}); }, {R({2, 3, 4, 2}, 1)});
  checkConvGradients([](auto& v) { return resizeBilinear(v[0], {5, 7}, true); }, {R({1, 3, 4, 1}, 2)});
  checkConvGradients([](auto& v) { return resizeBilinear(v[0], {2, 7}, false, true); }, {R({1, 3, 4, 2}, 3)});
  expectErrorNaming([] { resizeBilinear(R({1, 2, 2, 1}, 1), {3, 3}, true, true); }, "resizeBilinear");
  expectErrorNaming([] { resizeBilinear(R({2, 2}, 1), {3, 3}); }, "resizeBilinear");
}
TEST(ResizeNearestNeighbor, ValuesAndGrads) {
  Tensor x = seq({1, 2, 2, 1});
  expectValues(resizeNearestNeighbor(x, {4, 4}), {1, 4, 4, 1}, {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
  expectValues(resizeNearestNeighbor(x, {3, 3}, true), {1, 3, 3, 1}, {1, 2, 2, 3, 4, 4, 3, 4, 4});
  expectValues(resizeNearestNeighbor(Tensor::fromVector({1, 1, 3, 1}, {1, 2, 3}), {1, 2}, false, true), {1, 1, 2, 1},
               {1, 3});
  auto out = run("resizeNearestNeighbor", {x}, {{"size", {4, 4}}});
  EXPECT_EQ(out[0].shape(), (Shape{1, 4, 4, 1}));
  checkConvGradients([](auto& v) { return resizeNearestNeighbor(v[0], {5, 3}); }, {R({2, 3, 4, 2}, 4)});
  checkConvGradients([](auto& v) { return resizeNearestNeighbor(v[0], {5, 7}, true); }, {R({1, 3, 4, 1}, 5)});
  checkConvGradients([](auto& v) { return resizeNearestNeighbor(v[0], {2, 7}, false, true); }, {R({1, 3, 4, 2}, 6)});
  expectErrorNaming([] { resizeNearestNeighbor(R({1, 2, 2, 1}, 1), {3}); }, "resizeNearestNeighbor");
}

// ---------------------------------------------------------------- 3D
TEST(Conv3D, ValuesAndGrads) {
  Tensor x = seq({1, 2, 2, 2, 1});
  Tensor w = Tensor::full({2, 2, 2, 1, 1}, 1.f);
  expectValues(conv3d(x, w), {1, 1, 1, 1, 1}, {36});
  EXPECT_EQ(conv3d(x, w, {1}, Padding::same()).shape(), (Shape{1, 2, 2, 2, 1}));
  expectValues(conv3d(x, w, {1}, Padding::same()), {1, 2, 2, 2, 1}, {36, 20, 22, 12, 26, 14, 15, 8});
  auto out = run("conv3d", {x, w}, {{"strides", 1}, {"pad", "valid"}});
  expectValues(out[0], {1, 1, 1, 1, 1}, {36});
  checkConvGradients([](auto& v) { return conv3d(v[0], v[1], {2}, Padding::same()); },
                     {R({2, 3, 3, 3, 2}, 1), R({2, 2, 2, 2, 2}, 2)});
  checkConvGradients([](auto& v) { return conv3d(v[0], v[1], {1}, Padding::valid(), "NDHWC", {2}); },
                     {R({1, 4, 3, 3, 1}, 3), R({2, 1, 2, 1, 2}, 4)});
  expectErrorNaming([] { conv3d(R({1, 2, 2, 2, 2}, 1), R({1, 1, 1, 1, 1}, 2)); }, "conv3d");
  expectErrorNaming([] { conv3d(R({2, 2, 2}, 1), R({1, 1, 1, 1, 1}, 2)); }, "conv3d");
}
TEST(Conv3DTranspose, ValuesAndGrads) {
  Tensor a = R({2, 3, 4, 3, 2}, 1), wf = R({2, 2, 2, 2, 3}, 2);
  Tensor y = conv3d(a, wf, {2}, Padding::same());
  Tensor b = R(y.shape(), 3);
  Tensor at = conv3dTranspose(b, wf, a.shape(), {2}, Padding::same());
  EXPECT_NEAR(weightedSum(y, b), weightedSum(a, at), 1e-3);
  auto out = run("conv3dTranspose", {b, wf}, {{"outputShape", a.shape()}, {"strides", 2}, {"pad", "same"}});
  expectClose(out[0], at);
  checkConvGradients([](auto& v) { return conv3dTranspose(v[0], v[1], {1, 3, 3, 2, 1}, {2}, Padding::same()); },
                     {R({1, 2, 2, 1, 2}, 4), R({2, 2, 2, 1, 2}, 5)});
  expectErrorNaming([] { conv3dTranspose(R({1, 2, 2, 2, 2}, 1), R({1, 1, 1, 1, 3}, 2), {1, 2, 2, 2, 1}); },
                    "conv3dTranspose");
}
TEST(Pool3D, ValuesAndGrads) {
  Tensor x = seq({1, 2, 2, 2, 1});
  expectValues(maxPool3d(x, {2}, {1}), {1, 1, 1, 1, 1}, {8});
  expectValues(avgPool3d(x, {2}, {1}), {1, 1, 1, 1, 1}, {4.5f});
  expectValues(avgPool3d(x, {2}, {2}, Padding::same()), {1, 1, 1, 1, 1}, {4.5f});
  auto out = run("maxPool3d", {x}, {{"filterSize", 2}, {"strides", 1}, {"pad", "valid"}});
  expectValues(out[0], {1, 1, 1, 1, 1}, {8});
  checkConvGradients([](auto& v) { return maxPool3d(v[0], {2}, {2}, Padding::same()); }, {distinct({2, 3, 3, 3, 2}, 1)});
  checkConvGradients([](auto& v) { return avgPool3d(v[0], {2, 3, 2}, {1, 2, 1}, Padding::same()); }, {R({1, 3, 4, 3, 2}, 2)});
  checkConvGradients([](auto& v) { return avgPool3d(v[0], {2}, {1}, Padding::valid()); }, {R({1, 3, 3, 3, 1}, 3)});
  expectErrorNaming([] { maxPool3d(R({1, 2, 2, 1}, 1), {2}, {1}, Padding::valid(), "", "NCDHW"); }, "maxPool3d");
  expectErrorNaming([] { avgPool3d(R({2, 2, 1}, 1), {2}); }, "avgPool3d");
}

// ---------------------------------------------------------------- LRN
TEST(LRN, ValuesAndGrads) {
  Tensor x = Tensor::fromVector({1, 1, 1, 2}, {1, 2});
  float s = std::sqrt(6.f);
  expectValues(localResponseNormalization(x, 1), {1, 1, 1, 2}, {1 / s, 2 / s});
  // Radius 1 over 3 channels: channel 0 sums channels 0 and 1 only.
  Tensor x3 = Tensor::fromVector({1, 1, 1, 3}, {1, 2, 3});
  expectValues(localResponseNormalization(x3, 1, 2.f, 0.5f, 1.f), {1, 1, 1, 3},
               {1 / (2 + 0.5f * 5), 2 / (2 + 0.5f * 14), 3 / (2 + 0.5f * 13)});
  auto out = run("localResponseNormalization", {x}, {{"depthRadius", 1}});
  expectValues(out[0], {1, 1, 1, 2}, {1 / s, 2 / s});
  checkConvGradients([](auto& v) { return localResponseNormalization(v[0], 2, 1.f, 0.5f, 0.75f); }, {R({2, 2, 3, 5}, 1)});
  expectErrorNaming([] { localResponseNormalization(R({2, 3}, 1)); }, "localResponseNormalization");
}

}  // namespace
}  // namespace wl

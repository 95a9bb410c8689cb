// Backend "xnnpack" (built when Debian's libXNNPACK is installed; CMake WL_XNNPACK):
// the op harness runs every op on it against "cpu"; here, what the backend seam gives
// it: an operator created once per weight version from the kernel cache, and
// supports() passing a layout XNNPACK lacks down the chain.
#include <gtest/gtest.h>

#include <cmath>

#include "core/backend.h"
#include "core/dispatch.h"
#include "layers/dense.h"
#include "layers/variable.h"
#include "models/model.h"
#include "ops/conv.h"
#include "ops/ops.h"
#include "ops/shape_ops.h"

namespace wl {
namespace {

std::vector<float> seq(int64_t n, float scale) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = std::cos(static_cast<float>(i) * 0.7f) * scale;
  return v;
}

TEST(Xnnpack, IsRegisteredWithItsChain) {
  Backend* b = BackendRegistry::instance().find("xnnpack");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->fallback(), "wasm");
  EXPECT_EQ(&b->memory(), &hostMemory());
  BackendScope scope("xnnpack");
  EXPECT_EQ(KernelCall("MatMul", {DType::Float32, 2, 0}).backend().name(), "xnnpack");
  EXPECT_EQ(KernelCall("MatMul", {DType::Float32, 2, 1}).backend().name(), "wasm");  // transposeA: no XNNPACK layout
  EXPECT_EQ(KernelCall("Softmax").backend().name(), "wasm");                         // not registered here
}

TEST(Xnnpack, OperatorsAreCreatedOncePerWeightVersionAndAgreeWithCpu) {
  Variable w("w", Tensor::fromVector({37, 19}, seq(37 * 19, 0.3f)), true);
  Tensor a = Tensor::fromVector({5, 37}, seq(5 * 37, 1.f));
  std::vector<float> want, wantT;
  {
    BackendScope cpu("cpu");
    want = matMul(a, w.value()).toVector();
    wantT = matMul(a, transpose(w.value(), {1, 0}), false, true).toVector();
  }
  BackendScope scope("xnnpack");
  auto& cache = KernelCache::instance();
  const int64_t builds = cache.builds();
  for (int i = 0; i < 3; ++i) {
    std::vector<float> got = matMul(a, w.value()).toVector();
    ASSERT_EQ(got.size(), want.size());
    for (size_t j = 0; j < got.size(); ++j) EXPECT_NEAR(got[j], want[j], 1e-4f * std::max(1.f, std::fabs(want[j])));
  }
  EXPECT_EQ(cache.builds(), builds + 1);  // one operator for three calls
  // A transposed B (XNNPACK's own [out, in] layout), not a weight: an operator per call.
  Tensor wt = transpose(w.value(), {1, 0});
  std::vector<float> gotT = matMul(a, wt, false, true).toVector();
  for (size_t j = 0; j < gotT.size(); ++j) EXPECT_NEAR(gotT[j], wantT[j], 1e-4f * std::max(1.f, std::fabs(wantT[j])));
  // An in-place write (an optimizer step) makes a new version: a new operator, new values.
  axpyInPlace(-1.f, w.value(), w.mutableValue());  // w = 0
  const int64_t before = cache.builds();
  for (float v : matMul(a, w.value()).toVector()) EXPECT_EQ(v, 0.f);
  EXPECT_EQ(cache.builds(), before + 1);
}

// Conv2D: XNNPACK's convolution operator, made once per filter version and per padding
// ('same' on another input size pads differently: its own operator).
TEST(Xnnpack, ConvolutionOperatorsAreCachedPerFilterVersionAndPadding) {
  Variable f("f", Tensor::fromVector({3, 3, 4, 6}, seq(3 * 3 * 4 * 6, 0.3f)), true);
  Tensor x = Tensor::fromVector({2, 7, 6, 4}, seq(2 * 7 * 6 * 4, 1.f));
  Tensor x2 = Tensor::fromVector({1, 6, 9, 4}, seq(6 * 9 * 4, 1.f));
  auto conv = [&](const Tensor& in) { return conv2d(in, f.value(), {2, 1}, Padding::same()).toVector(); };
  std::vector<float> want, want2;
  {
    BackendScope cpu("cpu");
    want = conv(x);
    want2 = conv(x2);
  }
  BackendScope scope("xnnpack");
  EXPECT_EQ(KernelCall("Conv2D", {DType::Float32, 4, 0}).backend().name(), "xnnpack");
  auto& cache = KernelCache::instance();
  auto expectNear = [](const std::vector<float>& got, const std::vector<float>& w) {
    ASSERT_EQ(got.size(), w.size());
    for (size_t j = 0; j < got.size(); ++j) EXPECT_NEAR(got[j], w[j], 1e-4f * std::max(1.f, std::fabs(w[j]))) << j;
  };
  const int64_t builds = cache.builds();
  for (int i = 0; i < 3; ++i) expectNear(conv(x), want);
  EXPECT_EQ(cache.builds(), builds + 1);
  expectNear(conv(x2), want2);  // 6 rows at stride 2 pad 0 above, 1 below (7 rows: 1 and 1): its own operator
  EXPECT_EQ(cache.builds(), builds + 2);
  axpyInPlace(-1.f, f.value(), f.mutableValue());  // f = 0: a new version
  for (float v : conv(x)) EXPECT_EQ(v, 0.f);
  EXPECT_EQ(cache.builds(), builds + 3);
}

TEST(Xnnpack, ADenseModelTrainsTheSameAsOnCpu) {
  auto run = [](const std::string& backend) {
    BackendScope scope(backend);
    Sequential model;
    model.add(std::make_shared<Dense>(nlohmann::json{{"units", 7}, {"inputShape", {6}}, {"activation", "relu"}}));
    model.add(std::make_shared<Dense>(nlohmann::json{{"units", 2}}));
    model.compile({{"optimizer", "sgd"}, {"loss", "meanSquaredError"}});
    model.setWeights({Tensor::fromVector({6, 7}, seq(42, 0.2f)), Tensor::fromVector({7}, seq(7, 0.1f)),
                      Tensor::fromVector({7, 2}, seq(14, 0.3f)), Tensor::fromVector({2}, seq(2, 0.1f))});
    Tensor x = Tensor::fromVector({4, 6}, seq(24, 1.f)), y = Tensor::fromVector({4, 2}, seq(8, 0.5f));
    std::vector<float> losses;
    for (int i = 0; i < 5; ++i) losses.push_back(model.trainOnBatch({x}, {y})[0]);
    std::vector<float> out = model.predict({x})[0].toVector();
    losses.insert(losses.end(), out.begin(), out.end());
    return losses;
  };
  std::vector<float> want = run("cpu"), got = run("xnnpack");
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5f * std::max(1.f, std::fabs(want[i]))) << i;
}

}  // namespace
}  // namespace wl

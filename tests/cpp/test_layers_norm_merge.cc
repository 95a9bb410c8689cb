// Normalization, merge and preprocessing layers: shapes, weights, configs, values
// by hand, BatchNormalization's moving statistics, gradients, and bad options.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

#include "core/tape.h"
#include "layers/layer.h"
#include "models/model.h"
#include "ops/ops.h"
#include "ops/registry.h"

namespace wl {
namespace {

std::shared_ptr<Layer> make(const std::string& cls, const nlohmann::json& cfg = nlohmann::json::object()) {
  return LayerRegistry::instance().create(cls, cfg);
}

Tensor randomTensor(const Shape& shape, unsigned seed, float lo = -2.f, float hi = 2.f) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  Tensor t = Tensor::empty(shape);
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = d(gen);
  return t;
}

void expectNear(const Tensor& got, const std::vector<float>& want, float tol = 1e-5f) {
  auto v = got.toVector();
  ASSERT_EQ(v.size(), want.size());
  for (size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(v[i], want[i], tol * std::max(1.f, std::fabs(want[i]))) << i;
}

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// ---- BatchNormalization ------------------------------------------------------------

TEST(BatchNormalization, WeightsConfigAndShapes) {
  auto bn = make("BatchNormalization", {{"name", "bn"}});
  bn->ensureBuilt({-1, 3});
  auto w = bn->weights();
  ASSERT_EQ(w.size(), 4u);
  const char* names[] = {"bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance"};
  const bool trainable[] = {true, true, false, false};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(w[i]->name(), names[i]);
    EXPECT_EQ(w[i]->trainable(), trainable[i]);
    EXPECT_EQ(w[i]->value().shape(), (Shape{3}));
  }
  expectNear(w[0]->value(), {1, 1, 1});
  expectNear(w[3]->value(), {1, 1, 1});
  expectNear(w[2]->value(), {0, 0, 0});
  EXPECT_EQ(bn->trainableWeights().size(), 2u);
  EXPECT_EQ(bn->computeOutputShapes({{-1, 3}})[0], (Shape{-1, 3}));
  auto c = bn->getConfig();
  EXPECT_EQ(c["axis"], -1);
  EXPECT_DOUBLE_EQ(c["momentum"].get<double>(), 0.99);
  EXPECT_DOUBLE_EQ(c["epsilon"].get<double>(), 1e-3);
  EXPECT_EQ(c["center"], true);
  EXPECT_EQ(c["scale"], true);
  EXPECT_EQ(c["gammaInitializer"]["className"], "Ones");
  EXPECT_EQ(c["betaInitializer"]["className"], "Zeros");
  EXPECT_EQ(c["movingMeanInitializer"]["className"], "Zeros");
  EXPECT_EQ(c["movingVarianceInitializer"]["className"], "Ones");
  EXPECT_TRUE(c["gammaRegularizer"].is_null());
  EXPECT_TRUE(c["betaConstraint"].is_null());
  EXPECT_EQ(bn->name(), "bn");
  auto auto_ = make("BatchNormalization");
  EXPECT_EQ(auto_->name().rfind("batch_normalization_BatchNormalization", 0), 0u) << auto_->name();

  auto noScale = make("BatchNormalization", {{"scale", false}, {"center", false}, {"axis", 1}});
  noScale->ensureBuilt({-1, 2, 5});
  ASSERT_EQ(noScale->weights().size(), 2u);
  EXPECT_EQ(noScale->weights()[0]->value().shape(), (Shape{2}));
}

TEST(BatchNormalization, InferenceUsesMovingStatistics) {
  auto bn = make("BatchNormalization", {{"epsilon", 0.0}});
  bn->ensureBuilt({-1, 2});
  auto w = bn->weights();
  w[0]->assign(Tensor::fromVector({2}, {2, 3}));      // gamma
  w[1]->assign(Tensor::fromVector({2}, {1, -1}));     // beta
  w[2]->assign(Tensor::fromVector({2}, {0.5f, 1}));   // moving mean
  w[3]->assign(Tensor::fromVector({2}, {4, 0.25f}));  // moving variance
  Tensor x = Tensor::fromVector({2, 2}, {1.5f, 2, -0.5f, 0});
  // (x - m) / sqrt(v) * g + b
  expectNear(bn->apply(x, false), {(1.5f - 0.5f) / 2 * 2 + 1, (2 - 1) / 0.5f * 3 - 1, (-0.5f - 0.5f) / 2 * 2 + 1,
                                   (0 - 1) / 0.5f * 3 - 1});
  // Inference leaves the moving statistics alone.
  expectNear(w[2]->value(), {0.5f, 1});
}

TEST(BatchNormalization, TrainingUsesBatchMomentsAndUpdatesMovingAverages) {
  auto bn = make("BatchNormalization", {{"momentum", 0.9}});
  bn->ensureBuilt({-1, 2});
  auto w = bn->weights();
  w[2]->assign(Tensor::fromVector({2}, {1, 2}));
  w[3]->assign(Tensor::fromVector({2}, {3, 4}));
  Tensor movingMeanHandle = w[2]->value();  // a getWeights() tensor sees the update
  // Column 0: 1, 3, 5 -> mean 3, var 8/3. Column 1: 0, 0, 6 -> mean 2, var 8.
  Tensor x = Tensor::fromVector({3, 2}, {1, 0, 3, 0, 5, 6});
  Tensor y = bn->apply(x, true);
  const float eps = 1e-3f;
  float s0 = 1.f / std::sqrt(8.f / 3.f + eps), s1 = 1.f / std::sqrt(8.f + eps);
  expectNear(y, {-2 * s0, -2 * s1, 0, -2 * s1, 2 * s0, 4 * s1});
  // moving = moving - (moving - batch) * (1 - momentum)
  expectNear(w[2]->value(), {1 - (1 - 3) * 0.1f, 2 - (2 - 2) * 0.1f});
  expectNear(w[3]->value(), {3 - (3 - 8.f / 3.f) * 0.1f, 4 - (4 - 8) * 0.1f});
  expectNear(movingMeanHandle, {1.2f, 2});
  EXPECT_TRUE(w[2]->value().sharesStorageWith(movingMeanHandle));
}

TEST(BatchNormalization, OneFitStepUpdatesMovingStatsAndNotOnTape) {
  Sequential model;
  model.add(make("BatchNormalization", {{"inputShape", {2}}}));
  model.compile({{"optimizer", "sgd"}, {"loss", "meanSquaredError"}});
  Tensor x = Tensor::fromVector({2, 2}, {0, 1, 2, 5});
  Tensor y = Tensor::fromVector({2, 2}, {1, 1, 1, 1});
  MemoryStats before = memoryStats();
  model.trainOnBatch({x}, {y});
  auto w = model.getWeights();
  ASSERT_EQ(w.size(), 4u);
  // batch mean [1, 3], variance [1, 4]
  expectNear(w[2], {0.01f * 1, 0.01f * 3});
  expectNear(w[3], {1 - (1 - 1) * 0.01f, 1 - (1 - 4) * 0.01f});
  // normed = ±1/sqrt(v + eps) ~ ±1: gamma grad = mean over batch of 2/4*(n*g+b-1)*n ...
  // beta: d/dbeta = 2/4 * sum((n*g + b) - 1) = 0.5 * (-2) = -1 -> beta = 0.01
  expectNear(w[1], {0.01f, 0.01f}, 1e-4f);
  EXPECT_LE(memoryStats().numTensors, before.numTensors + 1);
}

TEST(BatchNormalization, AxisOneOnRank3) {
  auto bn = make("BatchNormalization", {{"axis", 1}, {"momentum", 0.5}});
  bn->ensureBuilt({-1, 2, 3});
  Tensor x = randomTensor({4, 2, 3}, 3);
  Tensor y = bn->apply(x, true);
  // Per channel (axis 1) the output has mean 0 and variance v/(v+eps).
  auto v = y.toVector();
  for (int c = 0; c < 2; ++c) {
    double s = 0;
    for (int n = 0; n < 4; ++n)
      for (int l = 0; l < 3; ++l) s += v[(n * 2 + c) * 3 + l];
    EXPECT_NEAR(s / 12, 0, 1e-5);
  }
  EXPECT_EQ(bn->weights()[2]->value().shape(), (Shape{2}));
}

// Central differences of sum(f() * r) w.r.t. each element of each tensor.
void checkGradients(const std::function<Tensor()>& f, std::vector<Tensor> xs) {
  Tensor probe = f();
  Tensor r = randomTensor(probe.shape(), 7, 0.5f, 1.5f);
  std::vector<Tensor> analytic;
  {
    GradientTape tape;
    Tensor loss = sum(mul(f(), r));
    analytic = tape.gradient(loss, xs);
  }
  auto weighted = [&]() {
    Tensor y = f();
    double s = 0;
    for (int64_t i = 0; i < y.size(); ++i) s += static_cast<double>(y.data<float>()[i]) * r.data<float>()[i];
    return s;
  };
  const float eps = 1e-2f;
  for (size_t k = 0; k < xs.size(); ++k) {
    ASSERT_EQ(analytic[k].shape(), xs[k].shape());
    // Each write through data() (it bumps the version: the folded batchNorm vectors
    // are cached per weight version), not through one pointer kept across calls.
    auto set = [&](int64_t i, float v) { xs[k].data<float>()[i] = v; };
    for (int64_t i = 0; i < xs[k].size(); ++i) {
      const float saved = xs[k].constData<float>()[i];
      set(i, saved + eps);
      double up = weighted();
      set(i, saved - eps);
      double down = weighted();
      set(i, saved);
      double numeric = (up - down) / (2.0 * eps);
      EXPECT_NEAR(analytic[k].data<float>()[i], numeric, 2e-2 * std::max(1.0, std::fabs(numeric)))
          << "tensor " << k << " element " << i;
    }
  }
}

TEST(BatchNormalization, GradientsWrtGammaBetaAndInput) {
  auto bn = make("BatchNormalization", {{"momentum", 0.9}});
  bn->ensureBuilt({-1, 3});
  bn->weights()[0]->assign(Tensor::fromVector({3}, {1.5f, -0.5f, 2}));
  bn->weights()[1]->assign(Tensor::fromVector({3}, {0.1f, 0.2f, -0.3f}));
  Tensor x = randomTensor({4, 3}, 11);
  checkGradients([&] { return bn->apply(x, true); }, {x, bn->weights()[0]->value(), bn->weights()[1]->value()});
  checkGradients([&] { return bn->apply(x, false); }, {x, bn->weights()[0]->value(), bn->weights()[1]->value()});
}

TEST(BatchNormalization, BadOptionsThrow) {
  EXPECT_EQ(errorOf([] { make("BatchNormalization", {{"momentum", "x"}}); }),
            "Expected momentum to be a number, but got \"x\"");
  EXPECT_THROW(make("BatchNormalization", {{"axis", 1.5}}), Error);
  EXPECT_THROW(make("BatchNormalization", {{"center", 3}}), Error);
  EXPECT_THROW(make("BatchNormalization", {{"gammaInitializer", "nope"}}), Error);
  EXPECT_THROW(make("BatchNormalization", {{"betaRegularizer", "nope"}}), Error);
  EXPECT_THROW(make("BatchNormalization", {{"gammaConstraint", "nope"}}), Error);
  auto bn = make("BatchNormalization", {{"axis", 3}});
  EXPECT_THROW(bn->ensureBuilt({-1, 2}), Error);
  auto bn2 = make("BatchNormalization");
  EXPECT_EQ(errorOf([&] { bn2->ensureBuilt({-1, 2, -1}); }),
            "Axis 2 of input tensor should have a defined dimension but the layer received an input with shape "
            "[null,2,null].");
}

// ---- LayerNormalization ------------------------------------------------------------

TEST(LayerNormalization, ValuesWeightsAndConfig) {
  auto ln = make("LayerNormalization", {{"name", "ln"}});
  EXPECT_EQ(ln->getConfig()["axis"], -1);
  Tensor x = Tensor::fromVector({2, 3}, {1, 2, 3, 0, 0, 6});
  Tensor y = ln->apply(x);
  auto w = ln->weights();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0]->name(), "ln/gamma");
  EXPECT_EQ(w[1]->name(), "ln/beta");
  EXPECT_TRUE(w[0]->trainable() && w[1]->trainable());
  float s0 = 1.f / std::sqrt(2.f / 3.f + 1e-3f), s1 = 1.f / std::sqrt(8.f + 1e-3f);
  expectNear(y, {-s0, 0, s0, -2 * s1, -2 * s1, 4 * s1});
  auto c = ln->getConfig();
  EXPECT_EQ(c["axis"], nlohmann::json::array({1}));  // resolved after build, as tfjs
  EXPECT_DOUBLE_EQ(c["epsilon"].get<double>(), 1e-3);
  EXPECT_EQ(c["gammaInitializer"]["className"], "Ones");
  auto multi = make("LayerNormalization", {{"axis", {1, 2}}, {"center", false}});
  multi->ensureBuilt({-1, 2, 3});
  ASSERT_EQ(multi->weights().size(), 1u);
  EXPECT_EQ(multi->weights()[0]->value().shape(), (Shape{2, 3}));
}

TEST(LayerNormalization, GradientsWrtGammaBetaAndInput) {
  auto ln = make("LayerNormalization");
  ln->ensureBuilt({-1, 4});
  ln->weights()[0]->assign(Tensor::fromVector({4}, {1.5f, -0.5f, 2, 1}));
  ln->weights()[1]->assign(Tensor::fromVector({4}, {0.1f, 0.2f, -0.3f, 0}));
  Tensor x = randomTensor({3, 4}, 12);
  checkGradients([&] { return ln->apply(x, true); }, {x, ln->weights()[0]->value(), ln->weights()[1]->value()});
}

// Keras 3's rms_scaling: x * rsqrt(var(x) + eps) * gamma (centred variance, uncentred x), gamma only.
TEST(LayerNormalization, RmsScalingValuesWeightsGradientsAndConfig) {
  auto ln = make("LayerNormalization", {{"name", "rms"}, {"rmsScaling", true}, {"epsilon", 0.01}});
  ln->ensureBuilt({-1, 3});
  auto w = ln->weights();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0]->name(), "rms/gamma");
  w[0]->assign(Tensor::fromVector({3}, {2, 1, -1}));
  Tensor x = Tensor::fromVector({2, 3}, {1, 2, 3, 0, 0, 6});
  float s0 = 1.f / std::sqrt(2.f / 3.f + 0.01f), s1 = 1.f / std::sqrt(8.f + 0.01f);
  expectNear(ln->apply(x), {2 * s0, 2 * s0, -3 * s0, 0, 0, -6 * s1});
  EXPECT_EQ(ln->getConfig()["rmsScaling"], true);
  EXPECT_FALSE(make("LayerNormalization")->getConfig().contains("rmsScaling"));  // tfjs's config unchanged
  Tensor x2 = randomTensor({3, 3}, 5);
  checkGradients([&] { return ln->apply(x2, true); }, {x2, ln->weights()[0]->value()});
  EXPECT_THROW(make("LayerNormalization", {{"rmsScaling", "yes"}}), Error);
}

TEST(LayerNormalization, BadOptionsThrow) {
  EXPECT_EQ(errorOf([] { make("LayerNormalization", {{"axis", 1.5}}); }),
            "Expected axis to be an integer, but received 1.5");
  EXPECT_THROW(make("LayerNormalization", {{"axis", "a"}}), Error);
  EXPECT_THROW(make("LayerNormalization", {{"axis", {1, "a"}}}), Error);
  auto dup = make("LayerNormalization", {{"axis", {1, -1}}});
  EXPECT_EQ(errorOf([&] { dup->ensureBuilt({-1, 3}); }), "Found duplicate axes in: 1,1");
  auto bad = make("LayerNormalization", {{"axis", 4}});
  EXPECT_EQ(errorOf([&] { bad->ensureBuilt({-1, 3}); }), "Invalid axis: 4");
}

// ---- Merge -------------------------------------------------------------------------

TEST(Merge, ElementwiseOnTwoAndThreeInputs) {
  Tensor a = Tensor::fromVector({2, 2}, {1, 2, 3, 4});
  Tensor b = Tensor::fromVector({2, 2}, {4, -1, 0, 5});
  Tensor c = Tensor::fromVector({2, 2}, {2, 2, 2, 2});
  expectNear(make("Add")->applyMany({a, b})[0], {5, 1, 3, 9});
  expectNear(make("Add")->applyMany({a, b, c})[0], {7, 3, 5, 11});
  expectNear(make("Multiply")->applyMany({a, b, c})[0], {8, -4, 0, 40});
  expectNear(make("Average")->applyMany({a, b, c})[0], {7.f / 3, 1, 5.f / 3, 11.f / 3});
  expectNear(make("Maximum")->applyMany({a, b, c})[0], {4, 2, 3, 5});
  expectNear(make("Minimum")->applyMany({a, b, c})[0], {1, -1, 0, 2});
  auto add = make("Add", {{"name", "plus"}});
  EXPECT_EQ(add->computeOutputShapes({{-1, 2}, {-1, 2}})[0], (Shape{-1, 2}));
  EXPECT_EQ(add->getConfig()["name"], "plus");
  EXPECT_TRUE(make("Add")->weights().empty());
}

TEST(Merge, BroadcastingAndDifferentRanks) {
  auto add = make("Add");
  EXPECT_EQ(add->computeOutputShapes({{-1, 1, 3}, {-1, 4, 3}})[0], (Shape{-1, 4, 3}));
  EXPECT_EQ(add->computeOutputShapes({{-1, 3}, {-1, 4, 3}})[0], (Shape{-1, 4, 3}));
  EXPECT_EQ(add->computeOutputShapes({{5, 3}, {5, 3}})[0], (Shape{5, 3}));
  // A rank-2 input gets a dim inserted at axis 1: [2,3] -> [2,1,3].
  Tensor a = Tensor::fromVector({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = Tensor::zeros({2, 2, 3});
  Tensor y = add->applyMany({a, b})[0];
  EXPECT_EQ(y.shape(), (Shape{2, 2, 3}));
  expectNear(y, {1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6});
  // Symbolic graph with inputs of different shapes.
  SymbolicTensor in1 = makeInput({{"shape", {1, 3}}});
  SymbolicTensor in2 = makeInput({{"shape", {4, 3}}});
  auto mx = make("Maximum");
  auto out = mx->applySymbolic({in1, in2});
  EXPECT_EQ(out[0].shape, (Shape{-1, 4, 3}));
  EXPECT_EQ(errorOf([] { make("Add")->computeOutputShapes({{-1, 2}, {-1, 3}}); }),
            "Operands could not be broadcast together with shapes [2] [3]");
}

TEST(Merge, OneInputAndMismatchesThrow) {
  EXPECT_EQ(errorOf([] { make("Add")->applyMany({Tensor::zeros({2, 2})}); }),
            "A merge layer should be called on an Array of at least 2 inputs. Got 1 input(s).");
  EXPECT_EQ(errorOf([] { make("Concatenate")->applyMany({Tensor::zeros({2, 2})}); }),
            "A `Concatenate` layer should be called on a list of at least 2 inputs");
  EXPECT_THROW(make("Multiply")->applyMany({Tensor::zeros({2, 2}), Tensor::zeros({2, 3})}), Error);
  EXPECT_THROW(make("Add")->applyMany({Tensor::zeros({2, 2}), Tensor::zeros({3, 2})}), Error);
  auto built = make("Add");
  built->applyMany({Tensor::zeros({2, 2}), Tensor::zeros({2, 2})});
  EXPECT_THROW(built->applyMany({Tensor::zeros({2, 2})}), Error);
}

TEST(Merge, Concatenate) {
  auto cat = make("Concatenate");
  EXPECT_EQ(cat->getConfig()["axis"], -1);
  Tensor a = Tensor::fromVector({2, 2}, {1, 2, 3, 4});
  Tensor b = Tensor::fromVector({2, 1}, {9, 8});
  Tensor c = Tensor::fromVector({2, 3}, {0, 0, 0, 1, 1, 1});
  Tensor y = cat->applyMany({a, b, c})[0];
  EXPECT_EQ(y.shape(), (Shape{2, 6}));
  expectNear(y, {1, 2, 9, 0, 0, 0, 3, 4, 8, 1, 1, 1});
  EXPECT_EQ(cat->computeOutputShapes({{-1, 2}, {-1, 1}, {-1, 3}})[0], (Shape{-1, 6}));
  auto cat1 = make("Concatenate", {{"axis", 1}});
  EXPECT_EQ(cat1->computeOutputShapes({{-1, 2, 3}, {-1, 4, 3}})[0], (Shape{-1, 6, 3}));
  EXPECT_EQ(cat1->applyMany({Tensor::zeros({1, 2, 3}), Tensor::zeros({1, 4, 3})})[0].shape(), (Shape{1, 6, 3}));
  EXPECT_EQ(errorOf([] { make("Concatenate")->applyMany({Tensor::zeros({2, 2, 3}), Tensor::zeros({2, 3, 3})}); }),
            "A `Concatenate` layer requires inputs with matching shapes except for the concat axis. Got input shapes: "
            "[[null,2,3],[null,3,3]]");
  EXPECT_THROW(make("Concatenate", {{"axis", "x"}}), Error);
}

TEST(Merge, Dot) {
  auto dot = make("Dot", {{"axes", 1}});
  Tensor a = Tensor::fromVector({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = Tensor::fromVector({2, 3}, {1, 0, 1, 2, 2, 2});
  Tensor y = dot->applyMany({a, b})[0];
  EXPECT_EQ(y.shape(), (Shape{2, 1}));
  expectNear(y, {4, 30});
  EXPECT_EQ(dot->computeOutputShapes({{-1, 3}, {-1, 3}})[0], (Shape{-1, 1}));
  auto c = dot->getConfig();
  EXPECT_EQ(c["axes"], 1);
  EXPECT_EQ(c["normalize"], false);
  // Normalized: cosine similarity.
  auto cosine = make("Dot", {{"axes", -1}, {"normalize", true}});
  Tensor z = cosine->applyMany({a, b})[0];
  expectNear(z, {4.f / (std::sqrt(14.f) * std::sqrt(2.f)), 30.f / (std::sqrt(77.f) * std::sqrt(12.f))});
  // Rank 3 x rank 3: [B,2,3] . [B,4,3] over axes [2,2] -> [B,2,4].
  auto d3 = make("Dot", {{"axes", {2, 2}}});
  EXPECT_EQ(d3->computeOutputShapes({{-1, 2, 3}, {-1, 4, 3}})[0], (Shape{-1, 2, 4}));
  Tensor p = randomTensor({2, 2, 3}, 1), q = randomTensor({2, 4, 3}, 2);
  Tensor r = d3->applyMany({p, q})[0];
  EXPECT_EQ(r.shape(), (Shape{2, 2, 4}));
  Tensor ref = matMul(p, q, false, true);
  expectNear(r, ref.toVector());
  // Rank 3 x rank 2: [B,2,3] . [B,3] over axes [2,1] -> [B,2].
  auto d32 = make("Dot", {{"axes", {2, 1}}});
  EXPECT_EQ(d32->computeOutputShapes({{-1, 2, 3}, {-1, 3}})[0], (Shape{-1, 2}));
  Tensor s = d32->applyMany({p, a})[0];
  EXPECT_EQ(s.shape(), (Shape{2, 2}));
  EXPECT_THROW(make("Dot"), Error);
  EXPECT_THROW(make("Dot", {{"axes", "x"}}), Error);
  EXPECT_EQ(errorOf([] { make("Dot", {{"axes", 1}})->applyMany({Tensor::zeros({2, 3}), Tensor::zeros({2, 4})}); }),
            "Dimension incompatibility: 3 !== 4");
  EXPECT_THROW(make("Dot", {{"axes", 1}})->applyMany({Tensor::zeros({2, 3}), Tensor::zeros({2, 3}),
                                                      Tensor::zeros({2, 3})}),
               Error);
}

TEST(Merge, GradientsFlowToAllInputs) {
  Tensor a = randomTensor({2, 3}, 21), b = randomTensor({2, 3}, 22);
  auto avg = make("Average");
  checkGradients([&] { return avg->applyMany({a, b})[0]; }, {a, b});
  auto dot = make("Dot", {{"axes", 1}, {"normalize", true}});
  checkGradients([&] { return dot->applyMany({a, b})[0]; }, {a, b});
}

// ---- Preprocessing -----------------------------------------------------------------

TEST(Preprocessing, Rescaling) {
  auto r = make("Rescaling", {{"scale", 0.5}, {"offset", -1}});
  expectNear(r->apply(Tensor::fromVector({2}, {2, 4})), {0, 1});
  auto c = r->getConfig();
  EXPECT_EQ(c["scale"], 0.5);
  EXPECT_EQ(c["offset"], -1);
  EXPECT_EQ(make("Rescaling", {{"scale", 2}})->getConfig()["offset"], 0);
  EXPECT_THROW(make("Rescaling"), Error);
  EXPECT_THROW(make("Rescaling", {{"scale", 1}, {"offset", "x"}}), Error);
}

TEST(Preprocessing, CenterCrop) {
  auto cc = make("CenterCrop", {{"height", 2}, {"width", 2}});
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i) v[i] = static_cast<float>(i);
  Tensor x = Tensor::fromVector({1, 4, 4, 1}, v);
  Tensor y = cc->apply(x);
  EXPECT_EQ(y.shape(), (Shape{1, 2, 2, 1}));
  expectNear(y, {5, 6, 9, 10});
  EXPECT_EQ(cc->computeOutputShapes({{-1, 4, 4, 1}})[0], (Shape{-1, 2, 2, 1}));
  EXPECT_EQ(cc->getConfig()["height"], 2);
  // Rank 3 input.
  auto cc3 = make("CenterCrop", {{"height", 1}, {"width", 3}});
  Tensor y3 = cc3->apply(Tensor::fromVector({3, 3, 1}, {0, 1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(y3.shape(), (Shape{1, 3, 1}));
  expectNear(y3, {3, 4, 5});
  EXPECT_THROW(make("CenterCrop", {{"height", 0}, {"width", 2}}), Error);
  EXPECT_THROW(make("CenterCrop", {{"height", 2}}), Error);
}

TEST(Preprocessing, CategoryEncoding) {
  auto multi = make("CategoryEncoding", {{"numTokens", 4}});
  EXPECT_EQ(multi->getConfig()["outputMode"], "multiHot");
  Tensor x = Tensor::fromVector({2, 3}, {0, 1, 1, 3, 3, 2});
  expectNear(multi->apply(x), {1, 1, 0, 0, 0, 0, 1, 1});
  auto count = make("CategoryEncoding", {{"numTokens", 4}, {"outputMode", "count"}});
  expectNear(count->apply(x), {1, 2, 0, 0, 0, 0, 1, 2});
  auto one = make("CategoryEncoding", {{"numTokens", 3}, {"outputMode", "oneHot"}});
  Tensor idx = Tensor::fromVector({3, 1}, {2, 0, 1});
  expectNear(one->apply(idx), {0, 0, 1, 1, 0, 0, 0, 1, 0});
  EXPECT_EQ(one->computeOutputShapes({{-1, 1}})[0], (Shape{-1, 3}));
  EXPECT_EQ(one->computeOutputShapes({{-1}})[0], (Shape{-1, 3}));
  EXPECT_EQ(multi->computeOutputShapes({{-1, 3}})[0], (Shape{-1, 4}));
  EXPECT_EQ(errorOf([&] { count->apply(Tensor::fromVector({1, 3}, {0, 4, 1})); }),
            "Input values must be between 0 < values <= numTokens with numTokens=4");
  EXPECT_THROW(make("CategoryEncoding"), Error);
  EXPECT_THROW(make("CategoryEncoding", {{"numTokens", 3}, {"outputMode", "tfIdf2"}}), Error);
}

TEST(Preprocessing, Resizing) {
  auto r = make("Resizing", {{"height", 2}, {"width", 3}});
  auto c = r->getConfig();
  EXPECT_EQ(c["interpolation"], "bilinear");
  EXPECT_EQ(c["cropToAspectRatio"], false);
  EXPECT_EQ(r->computeOutputShapes({{-1, 4, 4, 2}})[0], (Shape{-1, 2, 3, 2}));
  EXPECT_EQ(errorOf([] { make("Resizing", {{"height", 2}, {"width", 3}, {"interpolation", "area"}}); }),
            "Invalid interpolation parameter: area is not implemented");
  Tensor y = r->apply(Tensor::zeros({1, 4, 4, 2}));
  EXPECT_EQ(y.shape(), (Shape{1, 2, 3, 2}));
}

}  // namespace
}  // namespace wl

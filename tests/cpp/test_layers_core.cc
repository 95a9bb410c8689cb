// Core, embedding, advanced-activation and noise layers, and the activation table:
// shapes, weights, getConfig defaults, training vs inference, gradients, bad options.
#include <gtest/gtest.h>

#include "grad_check.h"

#include <cmath>
#include <string>

#include "core/tape.h"
#include "layers/activations.h"
#include "layers/layer.h"
#include "ops/ops.h"

namespace wl {
namespace {

std::shared_ptr<Layer> make(const std::string& cls, const nlohmann::json& cfg = nlohmann::json::object()) {
  return LayerRegistry::instance().create(cls, cfg);
}

void expectNear(const std::vector<float>& a, const std::vector<float>& b, float tol = 1e-5f) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], tol) << "at " << i;
}

using test::errorOf;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// ---------------------------------------------------------------- activations
TEST(ActivationTable, EveryTfjsNameMatchesItsFormula) {
  std::vector<float> xs = {-3.f, -1.f, -0.25f, 0.f, 0.5f, 2.f, 7.f};
  Tensor x = Tensor::fromVector({7}, xs);
  auto check = [&](const std::string& name, auto f) {
    auto y = applyActivation(name, x).toVector();
    for (size_t i = 0; i < xs.size(); ++i) EXPECT_NEAR(y[i], f(xs[i]), 1e-5) << name << " at " << xs[i];
  };
  auto sig = [](double v) { return 1 / (1 + std::exp(-v)); };
  auto sp = [](double v) { return std::log1p(std::exp(v)); };
  check("linear", [](double v) { return v; });
  check("relu", [](double v) { return v > 0 ? v : 0; });
  check("relu6", [](double v) { return std::min(6.0, std::max(0.0, v)); });
  check("elu", [](double v) { return v >= 0 ? v : std::expm1(v); });
  check("selu", [](double v) { return v >= 0 ? 1.0507009873554805 * v : 1.0507009873554805 * 1.6732632423543772 * std::expm1(v); });
  check("sigmoid", sig);
  check("hardSigmoid", [](double v) { return std::min(1.0, std::max(0.0, 0.2 * v + 0.5)); });
  check("softplus", sp);
  check("softsign", [](double v) { return v / (1 + std::fabs(v)); });
  check("tanh", [](double v) { return std::tanh(v); });
  check("swish", [&](double v) { return v * sig(v); });
  check("mish", [&](double v) { return v * std::tanh(sp(v)); });
  check("gelu", [](double v) { return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0))); });
  check("gelu_new", [](double v) {
    return 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
  });
  // softmax / logSoftmax over the last axis
  Tensor m = Tensor::fromVector({1, 3}, {1, 2, 3});
  double z = std::exp(1) + std::exp(2) + std::exp(3);
  expectNear(applyActivation("softmax", m).toVector(),
             {float(std::exp(1) / z), float(std::exp(2) / z), float(std::exp(3) / z)});
  expectNear(applyActivation("logSoftmax", m).toVector(),
             {float(1 - std::log(z)), float(2 - std::log(z)), float(3 - std::log(z))});
  EXPECT_EQ(activationNames().size(), 29u);  // tfjs's 16 and Keras's 13
}

// Keras's activations that tfjs lacks, by their camelCased names (keras/src/activations).
TEST(ActivationTable, KerasNamesMatchKerasFormulas) {
  std::vector<float> xs = {-3.f, -1.f, -0.25f, 0.f, 0.5f, 2.f, 7.f};
  Tensor x = Tensor::fromVector({7}, xs);
  auto check = [&](const std::string& name, auto f) {
    auto y = applyActivation(name, x).toVector();
    for (size_t i = 0; i < xs.size(); ++i) EXPECT_NEAR(y[i], f(xs[i]), 1e-5 * std::max(1.0, std::fabs(f(xs[i])))) << name << " at " << xs[i];
  };
  auto sig = [](double v) { return 1 / (1 + std::exp(-v)); };
  auto relu6 = [](double v) { return std::min(6.0, std::max(0.0, v)); };
  check("silu", [&](double v) { return v * sig(v); });
  check("exponential", [](double v) { return std::exp(v); });
  check("leakyRelu", [](double v) { return v >= 0 ? v : 0.2 * v; });
  check("hardSilu", [&](double v) { return v * relu6(v + 3) / 6; });
  check("hardSwish", [&](double v) { return v * relu6(v + 3) / 6; });
  check("hardSigmoidKeras3", [&](double v) { return relu6(v + 3) / 6; });
  check("logSigmoid", [&](double v) { return std::log(sig(v)); });
  check("celu", [](double v) { return v >= 0 ? v : std::expm1(v); });
  check("hardTanh", [](double v) { return std::min(1.0, std::max(-1.0, v)); });
  check("tanhShrink", [](double v) { return v - std::tanh(v); });
  check("softShrink", [](double v) { return v > 0.5 ? v - 0.5 : (v < -0.5 ? v + 0.5 : 0.0); });
  check("sparsePlus", [](double v) { return v <= -1 ? 0.0 : (v >= 1 ? v : 0.25 * (v + 1) * (v + 1)); });
  check("squareplus", [](double v) { return (v + std::sqrt(v * v + 4)) / 2; });
}

TEST(ActivationTable, UnknownNameListsTheAcceptedOnes) {
  std::string msg = errorOf([] { validateActivation("nope"); });
  EXPECT_TRUE(contains(msg, "Unknown activation: nope")) << msg;
  for (const char* n : {"linear", "relu", "relu6", "elu", "selu", "sigmoid", "hardSigmoid", "softmax", "softplus",
                        "softsign", "tanh", "swish", "mish", "gelu", "gelu_new"}) {
    EXPECT_TRUE(contains(msg, n)) << n << " missing from: " << msg;
  }
  EXPECT_THROW(make("Dense", {{"units", 2}, {"activation", "Relu"}}), Error);
  EXPECT_NO_THROW(make("Dense", {{"units", 2}, {"activation", "gelu_new"}}));
}

TEST(ActivationTable, GradientsFlowThroughComposedActivations) {
  for (const std::string name : {"gelu", "gelu_new", "mish", "swish", "hardSigmoid", "softsign"}) {
    Tensor x = Tensor::fromVector({3}, {-0.7f, 0.3f, 1.1f});
    GradientTape tape;
    Tensor y = sum(applyActivation(name, x));
    auto g = tape.gradient(y, {x})[0].toVector();
    const float h = 1e-2f;
    for (int i = 0; i < 3; ++i) {
      auto v = x.toVector();
      v[i] += h;
      float up = sum(applyActivation(name, Tensor::fromVector({3}, v))).item();
      v[i] -= 2 * h;
      float down = sum(applyActivation(name, Tensor::fromVector({3}, v))).item();
      EXPECT_NEAR(g[i], (up - down) / (2 * h), 2e-3) << name << " at " << i;
    }
  }
}

// ---------------------------------------------------------------- core layers
TEST(CoreActivationLayer, AppliesAndSerializes) {
  auto l = make("Activation", {{"activation", "relu6"}, {"name", "act1"}});
  EXPECT_EQ(l->className(), "Activation");
  expectNear(l->apply(Tensor::fromVector({1, 3}, {-1, 3, 9})).toVector(), {0, 3, 6});
  auto c = l->getConfig();
  EXPECT_EQ(c["activation"], "relu6");
  EXPECT_EQ(c["name"], "act1");
  EXPECT_EQ(make("Activation")->getConfig()["activation"], "linear");
  EXPECT_THROW(make("Activation", {{"activation", "bogus"}}), Error);
  EXPECT_TRUE(l->weights().empty());
}

TEST(CoreDropout, IdentityAtInferenceScaledInTraining) {
  auto l = make("Dropout", {{"rate", 0.25}});
  Tensor x = Tensor::full({200, 50}, 2.f);
  EXPECT_EQ(l->apply(x, false).toVector(), x.toVector());
  auto y = l->apply(x, true).toVector();
  int kept = 0;
  for (float v : y) {
    if (v != 0.f) {
      EXPECT_NEAR(v, 2.f / 0.75f, 1e-5);
      ++kept;
    }
  }
  EXPECT_NEAR(kept / 10000.0, 0.75, 0.03);
  auto c = l->getConfig();
  EXPECT_EQ(c["rate"], 0.25);
  EXPECT_FALSE(c.contains("noiseShape"));
  EXPECT_FALSE(c.contains("seed"));
  EXPECT_EQ(l->computeOutputShape({-1, 50}), (Shape{-1, 50}));
}

TEST(CoreDropout, NoiseShapeSeedAndBadRates) {
  auto l = make("Dropout", {{"rate", 0.5}, {"noiseShape", {nullptr, 1}}, {"seed", 7}});
  auto y = l->apply(Tensor::full({64, 5}, 1.f), true).toVector();
  for (int r = 0; r < 64; ++r) {
    for (int c = 1; c < 5; ++c) EXPECT_EQ(y[r * 5 + c], y[r * 5]);  // one mask value per row
  }
  auto y2 = l->apply(Tensor::full({64, 5}, 1.f), true).toVector();
  EXPECT_EQ(y, y2);  // seeded
  auto cfg = l->getConfig();
  EXPECT_EQ(cfg["noiseShape"], nlohmann::json({nullptr, 1}));
  EXPECT_EQ(cfg["seed"], 7);
  EXPECT_EQ(errorOf([] { make("Dropout", {{"rate", 1.5}}); }), "Expected rate to be a number in [0, 1), but got 1.5");
  EXPECT_THROW(make("Dropout", {{"rate", -0.1}}), Error);
  EXPECT_THROW(make("Dropout"), Error);
  EXPECT_THROW(make("Dropout", {{"rate", "0.5"}}), Error);
  // rate 0: identity even in training
  Tensor x = Tensor::full({3, 3}, 1.f);
  EXPECT_EQ(make("Dropout", {{"rate", 0}})->apply(x, true).toVector(), x.toVector());
}

TEST(CoreSpatialDropout1D, DropsWholeChannels) {
  auto l = make("SpatialDropout1D", {{"rate", 0.5}});
  EXPECT_EQ(l->className(), "SpatialDropout1D");
  Tensor x = Tensor::full({8, 6, 10}, 1.f);
  EXPECT_EQ(l->apply(x, false).toVector(), x.toVector());
  auto y = l->apply(x, true).toVector();
  for (int b = 0; b < 8; ++b) {
    for (int c = 0; c < 10; ++c) {
      for (int t = 1; t < 6; ++t) EXPECT_EQ(y[(b * 6 + t) * 10 + c], y[b * 60 + c]);
      EXPECT_TRUE(y[b * 60 + c] == 0.f || std::fabs(y[b * 60 + c] - 2.f) < 1e-6);
    }
  }
  EXPECT_EQ(l->getConfig()["rate"], 0.5);
  EXPECT_THROW(make("SpatialDropout1D", {{"rate", 0.5}})->apply(Tensor::full({2, 3}, 1.f)), Error);
}

TEST(CoreFlatten, ShapesAndChannelsFirst) {
  auto l = make("Flatten");
  Tensor x = Tensor::fromVector({2, 2, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  Tensor y = l->apply(x);
  EXPECT_EQ(y.shape(), (Shape{2, 6}));
  EXPECT_EQ(y.toVector(), x.toVector());
  EXPECT_EQ(l->computeOutputShape({-1, 4, 5, 2}), (Shape{-1, 40}));
  EXPECT_FALSE(l->getConfig().contains("dataFormat"));
  auto cf = make("Flatten", {{"dataFormat", "channelsFirst"}});
  // (2, 2, 3) channelsFirst -> transpose to (2, 3, 2) -> flatten
  EXPECT_EQ(cf->apply(x).toVector(), (std::vector<float>{0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11}));
  EXPECT_EQ(cf->getConfig()["dataFormat"], "channelsFirst");
  EXPECT_THROW(make("Flatten", {{"dataFormat", "nchw"}}), Error);
  EXPECT_THROW(make("Flatten")->apply(Tensor::full({2, 3}, 1.f)), Error);  // min ndim 3
  EXPECT_THROW(make("Flatten")->computeOutputShape({-1, -1, 3}), Error);
}

TEST(CoreReshape, TargetShapeWithOneUnknown) {
  auto l = make("Reshape", {{"targetShape", {-1, 2}}});
  Tensor y = l->apply(Tensor::fromVector({2, 6}, std::vector<float>(12, 1.f)));
  EXPECT_EQ(y.shape(), (Shape{2, 3, 2}));
  EXPECT_EQ(l->computeOutputShape({4, 6}), (Shape{4, 3, 2}));
  EXPECT_EQ(l->computeOutputShape({-1, 6}), (Shape{-1, -1, 2}));  // as tfjs: unknown batch -> unresolved
  EXPECT_EQ(l->getConfig()["targetShape"], nlohmann::json({nullptr, 2}));
  EXPECT_EQ(make("Reshape", {{"targetShape", {3, 2}}})->getConfig()["targetShape"], nlohmann::json({3, 2}));
  EXPECT_TRUE(contains(errorOf([] { make("Reshape", {{"targetShape", {-1, -1}}}); }), "one unknown dimension"));
  EXPECT_THROW(make("Reshape"), Error);
  EXPECT_TRUE(contains(errorOf([] { make("Reshape", {{"targetShape", {4}}})->apply(Tensor::full({2, 6}, 1.f)); }),
                       "Total size of new array must be unchanged"));
  EXPECT_THROW(make("Reshape", {{"targetShape", {-1, 5}}})->apply(Tensor::full({2, 6}, 1.f)), Error);
}

TEST(CorePermute, OneBasedDims) {
  auto l = make("Permute", {{"dims", {2, 1}}});
  Tensor x = Tensor::fromVector({1, 2, 3}, {0, 1, 2, 3, 4, 5});
  Tensor y = l->apply(x);
  EXPECT_EQ(y.shape(), (Shape{1, 3, 2}));
  EXPECT_EQ(y.toVector(), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  EXPECT_EQ(l->computeOutputShape({-1, 2, 3}), (Shape{-1, 3, 2}));
  EXPECT_EQ(l->getConfig()["dims"], nlohmann::json({2, 1}));
  EXPECT_THROW(make("Permute"), Error);
  EXPECT_THROW(make("Permute", {{"dims", 1}}), Error);
  EXPECT_TRUE(contains(errorOf([] { make("Permute", {{"dims", {0, 1}}}); }), "Invalid permutation `dims`: [0,1]"));
  EXPECT_THROW(make("Permute", {{"dims", {1, 1}}}), Error);
  EXPECT_THROW(make("Permute", {{"dims", {2, 1}}})->apply(Tensor::full({2, 2, 2, 2}, 1.f)), Error);
}

TEST(CoreRepeatVector, RepeatsAlongNewAxis) {
  auto l = make("RepeatVector", {{"n", 3}});
  Tensor y = l->apply(Tensor::fromVector({2, 2}, {1, 2, 3, 4}));
  EXPECT_EQ(y.shape(), (Shape{2, 3, 2}));
  EXPECT_EQ(y.toVector(), (std::vector<float>{1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}));
  EXPECT_EQ(l->computeOutputShape({-1, 5}), (Shape{-1, 3, 5}));
  EXPECT_EQ(l->getConfig()["n"], 3);
  EXPECT_EQ(errorOf([] { make("RepeatVector", {{"n", 0}}); }), "Expected n to be a positive integer, but got 0.");
  EXPECT_THROW(make("RepeatVector"), Error);
  EXPECT_THROW(make("RepeatVector", {{"n", 2}})->apply(Tensor::full({1, 2, 2}, 1.f)), Error);
}

TEST(CoreMasking, ZeroesMaskedTimesteps) {
  auto l = make("Masking", {{"maskValue", -1}});
  Tensor x = Tensor::fromVector({1, 3, 2}, {-1, -1, 1, -1, 2, 3});
  EXPECT_EQ(l->apply(x).toVector(), (std::vector<float>{0, 0, 1, -1, 2, 3}));
  EXPECT_EQ(l->getConfig()["maskValue"], -1);
  EXPECT_EQ(make("Masking")->getConfig()["maskValue"], 0);
  EXPECT_EQ(make("Masking")->apply(Tensor::fromVector({1, 2, 2}, {0, 0, 0, 5})).toVector(),
            (std::vector<float>{0, 0, 0, 5}));
  EXPECT_THROW(make("Masking", {{"maskValue", "x"}}), Error);
}

// ---------------------------------------------------------------- Embedding
TEST(Embedding, ShapesWeightsConfig) {
  auto l = make("Embedding", {{"inputDim", 10}, {"outputDim", 4}, {"name", "emb"}});
  EXPECT_EQ(l->className(), "Embedding");
  ASSERT_TRUE(l->batchInputShape().has_value());
  EXPECT_EQ(*l->batchInputShape(), (Shape{-1, -1}));
  Tensor y = l->apply(Tensor::fromVector({2, 3}, {0, 1, 2, 9, 8, 7}));
  EXPECT_EQ(y.shape(), (Shape{2, 3, 4}));
  ASSERT_EQ(l->weights().size(), 1u);
  EXPECT_EQ(l->weights()[0]->name(), "emb/embeddings");
  EXPECT_EQ(l->weights()[0]->value().shape(), (Shape{10, 4}));
  for (float v : l->weights()[0]->value().toVector()) EXPECT_LE(std::fabs(v), 0.05f);
  // rows are the embeddings at the (float) indices
  auto w = l->weights()[0]->value().toVector();
  auto yv = y.toVector();
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ(yv[3 * 4 + k], w[9 * 4 + k]);
    EXPECT_EQ(yv[1 * 4 + k], w[1 * 4 + k]);
  }
  // a different length also works (no inputLength)
  EXPECT_EQ(l->apply(Tensor::fromVector({1, 5}, {1, 1, 1, 1, 1})).shape(), (Shape{1, 5, 4}));
  auto c = l->getConfig();
  EXPECT_EQ(c["inputDim"], 10);
  EXPECT_EQ(c["outputDim"], 4);
  EXPECT_EQ(c["embeddingsInitializer"]["className"], "RandomUniform");
  EXPECT_EQ(c["embeddingsInitializer"]["config"]["minval"], -0.05);
  EXPECT_TRUE(c["embeddingsRegularizer"].is_null());
  EXPECT_TRUE(c["embeddingsConstraint"].is_null());
  EXPECT_FALSE(c.contains("maskZero"));
  EXPECT_FALSE(c.contains("inputLength"));
  EXPECT_EQ(c["batchInputShape"], nlohmann::json({nullptr, nullptr}));
  EXPECT_FALSE(c.contains("dtype"));  // as tfjs without inputShape
}

TEST(Embedding, InputLengthAndBadOptions) {
  auto l = make("Embedding", {{"inputDim", 5}, {"outputDim", 2}, {"inputLength", 3}, {"maskZero", true}});
  EXPECT_EQ(*l->batchInputShape(), (Shape{-1, 3}));
  EXPECT_EQ(l->computeOutputShape({-1, 3}), (Shape{-1, 3, 2}));
  EXPECT_THROW(l->computeOutputShape({-1, 4}), Error);
  auto c = l->getConfig();
  EXPECT_EQ(c["inputLength"], 3);
  EXPECT_EQ(c["maskZero"], true);
  EXPECT_EQ(errorOf([] { make("Embedding", {{"inputDim", 0}, {"outputDim", 2}}); }),
            "Expected inputDim to be a positive integer, but got 0.");
  EXPECT_THROW(make("Embedding", {{"inputDim", 3}}), Error);
  EXPECT_THROW(make("Embedding", {{"inputDim", 3}, {"outputDim", 2}, {"embeddingsInitializer", "nope"}}), Error);
  EXPECT_THROW(make("Embedding", {{"inputDim", 3}, {"outputDim", 2}})->apply(Tensor::fromVector({1, 1}, {3})),
               Error);  // index out of range
}

TEST(Embedding, GradientReachesTheGatheredRows) {
  auto l = make("Embedding", {{"inputDim", 4}, {"outputDim", 2}, {"inputShape", {3}}});
  l->ensureBuilt({-1, 3});
  l->weights()[0]->assign(Tensor::fromVector({4, 2}, {1, 2, 3, 4, 5, 6, 7, 8}));
  Tensor idx = Tensor::fromVector({1, 3}, {1, 3, 1});
  GradientTape tape;
  Tensor y = l->apply(idx);
  Tensor loss = sum(mul(y, Tensor::fromVector({1, 3, 2}, {1, 2, 3, 4, 5, 6})));
  auto g = tape.gradient(loss, {l->weights()[0]->value()})[0].toVector();
  // row 1 gets (1,2) + (5,6), row 3 gets (3,4), rows 0 and 2 nothing
  EXPECT_EQ(g, (std::vector<float>{0, 0, 6, 8, 0, 0, 3, 4}));
  EXPECT_FLOAT_EQ(loss.item(), 3 + 8 + 21 + 32 + 15 + 24);
}

// Keras 3's LoRA on Embedding: rows of embeddings + alpha/r A B; only A and B train.
TEST(Embedding, LoraGathersTheAdaptedTable) {
  auto l = make("Embedding", {{"inputDim", 4}, {"outputDim", 2}, {"loraRank", 1}, {"loraAlpha", 2}, {"name", "e"}});
  l->ensureBuilt({-1, 3});
  auto w = l->weights();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[1]->name(), "e/lora_embeddings_a");
  EXPECT_EQ(w[2]->name(), "e/lora_embeddings_b");
  EXPECT_FALSE(w[0]->trainable());
  EXPECT_EQ(l->trainableWeights().size(), 2u);
  w[0]->assign(Tensor::fromVector({4, 2}, {1, 2, 3, 4, 5, 6, 7, 8}));
  w[1]->assign(Tensor::fromVector({4, 1}, {1, 0, -1, 2}));
  w[2]->assign(Tensor::fromVector({1, 2}, {0.5f, -1}));
  // table + 2 A B: rows [2, 0], [3, 4], [4, 8], [9, 4]
  Tensor idx = Tensor::fromVector({1, 3}, {1, 3, 0});
  EXPECT_EQ(l->apply(idx).toVector(), (std::vector<float>{3, 4, 9, 4, 2, 0}));
  test::checkGradients([&](const std::vector<Tensor>&) { return l->apply(idx, true); }, {w[1]->value(), w[2]->value()});
  EXPECT_EQ(l->getConfig()["loraRank"], 1);
  EXPECT_THROW(make("Embedding", {{"inputDim", 4}, {"outputDim", 2}, {"loraRank", 1}, {"embeddingsConstraint", "nonNeg"}}),
               Error);
}

// ---------------------------------------------------------------- advanced activations
TEST(ActivationLayers, ReLUAndLeakyReLU) {
  Tensor x = Tensor::fromVector({1, 4}, {-2, 0.5f, 3, 10});
  expectNear(make("ReLU")->apply(x).toVector(), {0, 0.5f, 3, 10});
  auto r = make("ReLU", {{"maxValue", 2.5}});
  expectNear(r->apply(x).toVector(), {0, 0.5f, 2.5f, 2.5f});
  EXPECT_EQ(r->getConfig()["maxValue"], 2.5);
  EXPECT_FALSE(make("ReLU")->getConfig().contains("maxValue"));
  EXPECT_THROW(make("ReLU", {{"maxValue", "big"}}), Error);
  auto lr = make("LeakyReLU");
  expectNear(lr->apply(x).toVector(), {-0.6f, 0.5f, 3, 10});
  EXPECT_DOUBLE_EQ(lr->getConfig()["alpha"].get<double>(), 0.3);
  expectNear(make("LeakyReLU", {{"alpha", 0.1}})->apply(x).toVector(), {-0.2f, 0.5f, 3, 10});
  EXPECT_THROW(make("LeakyReLU", {{"alpha", "x"}}), Error);
}

TEST(ActivationLayers, PReLUWeightsSharedAxesAndGradient) {
  auto p = make("PReLU", {{"name", "pr"}});
  Tensor x = Tensor::fromVector({1, 2, 3}, {-1, 2, -3, 4, -5, 6});
  EXPECT_EQ(p->apply(x).toVector(), (std::vector<float>{0, 2, 0, 4, 0, 6}));  // alpha zeros
  ASSERT_EQ(p->weights().size(), 1u);
  EXPECT_EQ(p->weights()[0]->name(), "pr/alpha");
  EXPECT_EQ(p->weights()[0]->value().shape(), (Shape{2, 3}));
  auto c = p->getConfig();
  EXPECT_EQ(c["alphaInitializer"]["className"], "Zeros");
  EXPECT_TRUE(c["sharedAxes"].is_null());
  EXPECT_TRUE(c["alphaRegularizer"].is_null());
  EXPECT_TRUE(c["alphaConstraint"].is_null());

  auto s = make("PReLU", {{"sharedAxes", 1}, {"alphaInitializer", "ones"}});
  s->ensureBuilt({-1, 2, 3});
  EXPECT_EQ(s->weights()[0]->value().shape(), (Shape{1, 3}));
  EXPECT_EQ(s->getConfig()["sharedAxes"], nlohmann::json({1}));
  s->weights()[0]->assign(Tensor::fromVector({1, 3}, {0.1f, 0.2f, 0.3f}));
  expectNear(s->apply(x).toVector(), {-0.1f, 2, -0.9f, 4, -1.0f, 6});
  GradientTape tape;
  Tensor loss = sum(s->apply(x));
  auto g = tape.gradient(loss, {s->weights()[0]->value(), x});
  // d/dalpha_c = sum over the shared axis of x where x < 0: c0: -1, c1: -5, c2: -3
  expectNear(g[0].toVector(), {-1, -5, -3});
  expectNear(g[1].toVector(), {0.1f, 1, 0.3f, 1, 0.2f, 1});
  EXPECT_THROW(make("PReLU", {{"sharedAxes", "x"}}), Error);
  EXPECT_THROW(make("PReLU", {{"alphaInitializer", "nope"}}), Error);
  EXPECT_THROW(make("PReLU", {{"sharedAxes", {3}}})->apply(x), Error);
}

TEST(ActivationLayers, ELUThresholdedReLUSoftmax) {
  Tensor x = Tensor::fromVector({1, 3}, {-1, 0.5f, 2});
  expectNear(make("ELU")->apply(x).toVector(), {std::expm1f(-1.f), 0.5f, 2});
  EXPECT_EQ(make("ELU")->getConfig()["alpha"], 1.0);
  // tfjs 4.22 refuses alpha != 1; Keras computes alpha * (exp(x) - 1) below 0 (and its gradient).
  expectNear(make("ELU", {{"alpha", 0.5}})->apply(x).toVector(), {0.5f * std::expm1f(-1.f), 0.5f, 2});
  {
    Tensor v = Tensor::fromVector({1, 3}, {-1, 0.5f, 2});
    auto elu = make("ELU", {{"alpha", 0.5}});
    test::checkGradients([&](const std::vector<Tensor>& in) { return elu->apply(in[0]); }, {v});
  }
  // Keras's ReLU(max_value, negative_slope, threshold) and Keras 3's LeakyReLU(negative_slope).
  Tensor r = Tensor::fromVector({1, 6}, {-2, -0.5f, 0.2f, 0.7f, 3, 9});
  expectNear(make("ReLU", {{"negativeSlope", 0.1}, {"threshold", 0.5}, {"maxValue", 4}})->apply(r).toVector(),
             {-0.25f, -0.1f, -0.03f, 0.7f, 3, 4});
  expectNear(make("ReLU", {{"threshold", 0.5}})->apply(r).toVector(), {0, 0, 0, 0.7f, 3, 9});
  expectNear(make("ReLU", {{"negativeSlope", 0.2}})->apply(r).toVector(), {-0.4f, -0.1f, 0.2f, 0.7f, 3, 9});
  EXPECT_EQ(make("ReLU", {{"negativeSlope", 0.2}})->getConfig()["negativeSlope"], 0.2);
  EXPECT_FALSE(make("ReLU")->getConfig().contains("negativeSlope"));  // as tfjs writes it
  expectNear(make("LeakyReLU", {{"negativeSlope", 0.1}})->apply(r).toVector(), {-0.2f, -0.05f, 0.2f, 0.7f, 3, 9});
  auto t = make("ThresholdedReLU");
  expectNear(t->apply(Tensor::fromVector({1, 3}, {0.5f, 1, 1.5f})).toVector(), {0, 0, 1.5f});
  EXPECT_EQ(t->getConfig()["theta"], 1.0);
  expectNear(make("ThresholdedReLU", {{"theta", 0.2}})->apply(x).toVector(), {0, 0.5f, 2});
  auto sm = make("Softmax");
  EXPECT_EQ(sm->getConfig()["axis"], 1);  // tfjs 4.22's default
  Tensor m = Tensor::fromVector({2, 2}, {1, 2, 3, 5});
  auto y = sm->apply(m).toVector();
  EXPECT_NEAR(y[0] + y[1], 1.f, 1e-6);
  EXPECT_NEAR(y[1] / y[0], std::exp(1.f), 1e-4);
  // a non-last single axis is refused as by tfjs; several axes at once work
  Tensor r3 = Tensor::fromVector({1, 2, 2}, {1, 2, 3, 5});
  EXPECT_EQ(errorOf([&] { make("Softmax", {{"axis", 1}})->apply(r3); }),
            "Softmax along a non-last dimension is not yet supported. Logits was rank 3 and dim was 1");
  auto last = make("Softmax", {{"axis", 2}})->apply(r3).toVector();
  EXPECT_NEAR(last[0] + last[1], 1.f, 1e-6);
  auto all = make("Softmax", {{"axis", {1, 2}}})->apply(r3).toVector();
  EXPECT_NEAR(all[0] + all[1] + all[2] + all[3], 1.f, 1e-6);
  EXPECT_THROW(make("Softmax", {{"axis", "last"}}), Error);
  EXPECT_THROW(make("Softmax", {{"axis", 3}})->apply(m), Error);
}

// ---------------------------------------------------------------- noise
TEST(Noise, GaussianNoiseOnlyInTraining) {
  auto l = make("GaussianNoise", {{"stddev", 0.5}});
  Tensor x = Tensor::full({100, 100}, 1.f);
  EXPECT_EQ(l->apply(x, false).toVector(), x.toVector());
  auto y = l->apply(x, true).toVector();
  double m = 0, v = 0;
  for (float e : y) m += e;
  m /= y.size();
  for (float e : y) v += (e - m) * (e - m);
  v /= y.size();
  EXPECT_NEAR(m, 1.0, 0.03);
  EXPECT_NEAR(std::sqrt(v), 0.5, 0.03);
  EXPECT_EQ(l->getConfig()["stddev"], 0.5);
  EXPECT_THROW(make("GaussianNoise"), Error);
  EXPECT_THROW(make("GaussianNoise", {{"stddev", -1}}), Error);
}

TEST(Noise, GaussianDropoutOnlyInTraining) {
  auto l = make("GaussianDropout", {{"rate", 0.2}});
  Tensor x = Tensor::full({100, 100}, 2.f);
  EXPECT_EQ(l->apply(x, false).toVector(), x.toVector());
  auto y = l->apply(x, true).toVector();
  double m = 0, v = 0;
  for (float e : y) m += e;
  m /= y.size();
  for (float e : y) v += (e - m) * (e - m);
  v /= y.size();
  EXPECT_NEAR(m, 2.0, 0.05);
  EXPECT_NEAR(std::sqrt(v), 2.0 * std::sqrt(0.2 / 0.8), 0.05);
  EXPECT_EQ(l->getConfig()["rate"], 0.2);
  EXPECT_EQ(errorOf([] { make("GaussianDropout", {{"rate", 1.5}}); }),
            "Expected rate to be a number in [0, 1), but got 1.5");
}

TEST(Noise, AlphaDropoutFollowsTfjsFormula) {
  auto l = make("AlphaDropout", {{"rate", 0.3}, {"noiseShape", {200, 200}}});
  Tensor x = Tensor::full({200, 200}, 0.5f);
  EXPECT_EQ(l->apply(x, false).toVector(), x.toVector());
  // tfjs 4.22: x' = x * kept + (kept - 1) * alphaP; y = a * x' + b, with
  // alphaP = -alpha * scale, a = ((1 - rate) * (1 + rate * alphaP^2))^-0.5, b = -a * alphaP * rate.
  const double alphaP = -1.6732632423543772 * 1.0507009873554805, rate = 0.3;
  const double a = std::pow((1 - rate) * (1 + rate * alphaP * alphaP), -0.5), b = -a * alphaP * rate;
  const float keptValue = static_cast<float>(a * 0.5 + b), droppedValue = static_cast<float>(a * -alphaP + b);
  auto y = l->apply(x, true).toVector();
  int kept = 0;
  for (float e : y) {
    bool isKept = std::fabs(e - keptValue) < 1e-5, isDropped = std::fabs(e - droppedValue) < 1e-5;
    EXPECT_TRUE(isKept || isDropped) << e;
    kept += isKept;
  }
  EXPECT_NEAR(kept / 40000.0, 0.7, 0.02);
  auto c = l->getConfig();
  EXPECT_EQ(c["rate"], 0.3);
  EXPECT_FALSE(c.contains("noiseShape"));  // as tfjs 4.22
  EXPECT_THROW(make("AlphaDropout", {{"rate", 2}}), Error);
  EXPECT_THROW(make("AlphaDropout", {{"rate", 0.2}, {"noiseShape", "x"}}), Error);
}

TEST(CoreLayersRegistry, AllClassNamesRegistered) {
  for (const char* n : {"Activation", "Dropout", "SpatialDropout1D", "Flatten", "Reshape", "Permute", "RepeatVector",
                        "Masking", "Embedding", "ReLU", "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU", "Softmax",
                        "GaussianNoise", "GaussianDropout", "AlphaDropout"}) {
    auto names = LayerRegistry::instance().classNames();
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  }
  EXPECT_EQ(make("ReLU")->name().rfind("re_lu_ReLU", 0), 0u) << make("ReLU")->name();
}

}  // namespace
}  // namespace wl

namespace wl {
namespace {

// Keras options the engine does not implement are refused by name, not dropped.
TEST(KerasOptions, UnimplementedOnesThrowOffValuesPass) {
  EXPECT_TRUE(contains(errorOf([] { make("Conv2D", {{"filters", 2}, {"kernelSize", 1}, {"loraRank", 4}}); }),
                       "Conv2D: Keras's loraRank (LoRA) = 4 is not supported"));
  EXPECT_TRUE(contains(errorOf([] { make("GRU", {{"units", 2}, {"loraRank", 4}}); }), "loraRank"));
  EXPECT_TRUE(contains(errorOf([] { make("BatchNormalization", {{"renorm", true}}); }), "renorm (batch renormalization) = true is not supported"));
  EXPECT_TRUE(contains(errorOf([] { make("BatchNormalization", {{"virtualBatchSize", 8}}); }), "virtualBatchSize"));
  EXPECT_TRUE(contains(errorOf([] { make("BatchNormalization", {{"rmsScaling", true}}); }), "rmsScaling (RMS normalization) = true"));
  EXPECT_NO_THROW(make("LayerNormalization", {{"rmsScaling", true}}));  // it computes it (test_layers_norm_merge.cc)
  // What a Keras model.json writes when they are off.
  EXPECT_NO_THROW(make("Dense", {{"units", 2}, {"loraRank", nullptr}}));
  EXPECT_NO_THROW(make("BatchNormalization", {{"renorm", false}, {"virtualBatchSize", nullptr}}));
  EXPECT_NO_THROW(make("LayerNormalization", {{"rmsScaling", false}}));
}

}  // namespace
}  // namespace wl

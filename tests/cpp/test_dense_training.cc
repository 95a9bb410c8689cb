// Dense forward/backward by hand, one SGD step by hand, and the seed model.
#include <gtest/gtest.h>

#include "core/tape.h"
#include "grad_check.h"
#include "layers/dense.h"
#include "models/model.h"
#include "ops/ops.h"

namespace wl {
namespace {

std::shared_ptr<Dense> makeDense(const nlohmann::json& cfg) { return std::make_shared<Dense>(cfg); }

TEST(Dense, ForwardMatchesHandComputation) {
  auto d = makeDense({{"units", 2}, {"inputShape", {3}}, {"activation", "relu"}});
  d->ensureBuilt({-1, 3});
  ASSERT_EQ(d->weights().size(), 2u);
  EXPECT_EQ(d->weights()[0]->value().shape(), (Shape{3, 2}));
  EXPECT_EQ(d->weights()[1]->value().shape(), (Shape{2}));
  d->weights()[0]->assign(Tensor::fromVector({3, 2}, {1, -1, 2, -2, 3, -3}));
  d->weights()[1]->assign(Tensor::fromVector({2}, {0.5f, 0.25f}));
  Tensor x = Tensor::fromVector({2, 3}, {1, 1, 1, -1, 0, 0});
  Tensor y = d->apply(x);
  // row 0: [6.5, relu(-5.75)=0]; row 1: [relu(-0.5)=0, 1.25]
  EXPECT_EQ(y.toVector(), (std::vector<float>{6.5f, 0.f, 0.f, 1.25f}));
  EXPECT_EQ(d->countParams(), 8);
}

TEST(Dense, BackwardMatchesHandComputation) {
  auto d = makeDense({{"units", 1}, {"inputShape", {2}}});
  d->ensureBuilt({-1, 2});
  d->weights()[0]->assign(Tensor::fromVector({2, 1}, {2, 3}));
  d->weights()[1]->assign(Tensor::fromVector({1}, {1}));
  Tensor x = Tensor::fromVector({2, 2}, {1, 2, 3, 4});
  GradientTape tape;
  Tensor loss = sum(d->apply(x));  // d(sum)/dW = column sums of x, d/db = batch
  auto g = tape.gradient(loss, {d->weights()[0]->value(), d->weights()[1]->value(), x});
  EXPECT_EQ(g[0].toVector(), (std::vector<float>{4, 6}));
  EXPECT_EQ(g[1].toVector(), (std::vector<float>{2}));
  EXPECT_EQ(g[2].toVector(), (std::vector<float>{2, 3, 2, 3}));
}

// Keras 3's LoRA: kernel frozen, y = x (kernel + alpha/r A B) + bias; A, B and bias train.
TEST(Dense, LoraComputesTheAdaptedKernelAndTrainsOnlyItsFactors) {
  auto d = makeDense({{"units", 2}, {"name", "d"}, {"loraRank", 1}, {"loraAlpha", 4}});
  d->ensureBuilt({-1, 3});
  auto w = d->weights();
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[0]->name(), "d/kernel");
  EXPECT_EQ(w[2]->name(), "d/lora_kernel_a");
  EXPECT_EQ(w[3]->name(), "d/lora_kernel_b");
  EXPECT_EQ(w[2]->value().shape(), (Shape{3, 1}));
  EXPECT_EQ(w[3]->value().shape(), (Shape{1, 2}));
  EXPECT_FALSE(w[0]->trainable());
  EXPECT_TRUE(w[1]->trainable() && w[2]->trainable() && w[3]->trainable());
  EXPECT_EQ(d->trainableWeights().size(), 3u);
  // B starts at zero (Keras's zeros), so a fresh layer computes its kernel alone.
  EXPECT_EQ(w[3]->value().toVector(), (std::vector<float>{0, 0}));
  w[0]->assign(Tensor::fromVector({3, 2}, {1, -1, 2, -2, 3, -3}));
  w[1]->assign(Tensor::fromVector({2}, {0.5f, 0.25f}));
  w[2]->assign(Tensor::fromVector({3, 1}, {1, 0, -1}));
  w[3]->assign(Tensor::fromVector({1, 2}, {0.5f, 2}));
  // kernel + 4 * A B = [[3, 7], [2, -2], [1, -11]]
  Tensor x = Tensor::fromVector({1, 3}, {1, 1, 1});
  EXPECT_EQ(d->apply(x).toVector(), (std::vector<float>{6.5f, -5.75f}));
  Tensor x2 = Tensor::fromVector({2, 3}, {0.3f, -0.7f, 1.1f, 0.9f, 0.2f, -0.4f});
  test::checkGradients([&](const std::vector<Tensor>&) { return d->apply(x2, true); }, {x2, w[1]->value(), w[2]->value(), w[3]->value()});
  auto c = d->getConfig();
  EXPECT_EQ(c["loraRank"], 1);
  EXPECT_DOUBLE_EQ(c["loraAlpha"].get<double>(), 4);
  EXPECT_FALSE(makeDense({{"units", 2}})->getConfig().contains("loraRank"));  // tfjs's config unchanged
  EXPECT_EQ(makeDense({{"units", 2}, {"loraRank", 3}})->getConfig()["loraAlpha"], 3.0);  // alpha defaults to r
  EXPECT_THROW(makeDense({{"units", 2}, {"loraRank", 0}}), Error);
  EXPECT_THROW(makeDense({{"units", 2}, {"loraAlpha", 2}}), Error);
  EXPECT_THROW(makeDense({{"units", 2}, {"loraRank", 2}, {"kernelConstraint", "nonNeg"}}), Error);
}

TEST(Dense, NamesDefaultsAndBadOptions) {
  auto d = makeDense({{"units", 4}});
  EXPECT_EQ(d->className(), "Dense");
  EXPECT_EQ(d->name().rfind("dense_Dense", 0), 0u) << d->name();
  auto cfg = d->getConfig();
  EXPECT_EQ(cfg["useBias"], true);
  EXPECT_EQ(cfg["activation"], "linear");
  EXPECT_EQ(cfg["kernelInitializer"]["className"], "VarianceScaling");
  EXPECT_EQ(cfg["kernelInitializer"]["config"]["mode"], "fanAvg");
  try {
    makeDense({{"units", 0}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "Expected units to be a positive integer, but got 0.");
  }
  EXPECT_THROW(makeDense({{"units", 2}, {"activation", "nope"}}), Error);
  EXPECT_THROW(makeDense({{"units", 2}, {"kernelInitializer", "nope"}}), Error);
  EXPECT_EQ(toSnakeCase("Conv2D"), "conv2d");
  EXPECT_EQ(toSnakeCase("BatchNormalization"), "batch_normalization");
}

TEST(Sequential, OneSgdStepByHand) {
  Sequential model;
  model.add(makeDense({{"units", 1}, {"inputShape", {1}}}));
  model.compile({{"optimizer", "sgd"}, {"loss", "meanSquaredError"}});
  model.setWeights({Tensor::fromVector({1, 1}, {0.5f}), Tensor::fromVector({1}, {0.f})});
  Tensor x = Tensor::fromVector({4, 1}, {1, 2, 3, 4});
  Tensor y = Tensor::fromVector({4, 1}, {1, 3, 5, 7});
  // pred = 0.5x, err = pred - y = [-0.5, -2, -3.5, -5]; loss = mean(err^2)
  float expectedLoss = (0.25f + 4.f + 12.25f + 25.f) / 4.f;
  // dL/dw = 2/4 * sum(err * x) = 0.5 * (-0.5 - 4 - 10.5 - 20) = -17.5; dL/db = 0.5 * sum(err) = -5.5
  float loss = model.trainOnBatch({x}, {y})[0];
  EXPECT_FLOAT_EQ(loss, expectedLoss);
  auto w = model.getWeights();
  EXPECT_NEAR(w[0].item(), 0.5f + 0.01f * 17.5f, 1e-6);
  EXPECT_NEAR(w[1].item(), 0.01f * 5.5f, 1e-6);
}

TEST(Sequential, SeedExampleConverges) {
  Sequential model;
  model.add(makeDense({{"units", 1}, {"inputShape", {1}}}));
  model.compile({{"optimizer", "sgd"}, {"loss", "meanSquaredError"}});
  Tensor x = Tensor::fromVector({4, 1}, {1, 2, 3, 4});
  Tensor y = Tensor::fromVector({4, 1}, {1, 3, 5, 7});
  MemoryStats before = memoryStats();
  for (int epoch = 0; epoch < 1000; ++epoch) model.trainOnBatch({x}, {y});
  EXPECT_EQ(memoryStats().numTensors, before.numTensors) << "training leaked tensors";
  EXPECT_NEAR(model.predict({Tensor::fromVector({1, 1}, {5})})[0].item(), 9.f, 0.25f);
}

TEST(Sequential, ErrorsNameTheProblemAndChangeNothing) {
  Sequential model;
  EXPECT_THROW(model.add(makeDense({{"units", 1}})), Error);  // first layer needs inputShape
  EXPECT_TRUE(model.stack().empty());
  model.add(makeDense({{"units", 2}, {"inputShape", {3}}}));
  model.add(makeDense({{"units", 1}}));
  EXPECT_EQ(model.countParams(), 3 * 2 + 2 + 2 + 1);
  Tensor x = Tensor::fromVector({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_THROW(model.trainOnBatch({x}, {Tensor::zeros({2, 1})}), Error);  // not compiled
  model.compile({{"optimizer", "sgd"}, {"loss", "mse"}});
  try {
    model.trainOnBatch({x}, {Tensor::zeros({3, 1})});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Found 2 input sample(s) and 3 target sample(s)"), std::string::npos);
  }
  EXPECT_THROW(model.predict({Tensor::zeros({1, 2})}), Error);
  auto before = model.getWeights()[0].toVector();
  EXPECT_THROW(model.setWeights({Tensor::zeros({3, 2}), Tensor::zeros({2}), Tensor::zeros({2, 2}), Tensor::zeros({1})}),
               Error);
  EXPECT_EQ(model.getWeights()[0].toVector(), before);
  EXPECT_THROW(model.compile({{"optimizer", "nope"}, {"loss", "mse"}}), Error);
  EXPECT_THROW(model.compile({{"optimizer", "sgd"}, {"loss", "nope"}}), Error);
  EXPECT_EQ(model.predict({x})[0].shape(), (Shape{2, 1}));
}

}  // namespace
}  // namespace wl

namespace wl {
namespace {

TEST(Functional, TwoInputsTwoOutputsSharedLayerAndNestedModel) {
  SymbolicTensor a = makeInput({{"shape", {3}}, {"name", "a"}});
  SymbolicTensor b = makeInput({{"shape", {3}}, {"name", "b"}});
  auto shared = makeDense({{"units", 2}, {"name", "shared"}});
  SymbolicTensor ha = shared->applySymbolic({a})[0];
  SymbolicTensor hb = shared->applySymbolic({b})[0];
  auto outA = makeDense({{"units", 1}, {"name", "outA"}});
  auto outB = makeDense({{"units", 1}, {"name", "outB"}});
  auto model = std::make_shared<Model>(std::vector<SymbolicTensor>{a, b},
                                       std::vector<SymbolicTensor>{outA->applySymbolic({ha})[0], outB->applySymbolic({hb})[0]},
                                       nlohmann::json{{"name", "two"}});
  EXPECT_EQ(model->layers().size(), 5u);  // a, b, shared, outA, outB
  EXPECT_EQ(model->weights().size(), 6u);  // the shared layer's weights count once
  Tensor xa = Tensor::fromVector({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor xb = Tensor::fromVector({2, 3}, {0, 1, 0, 1, 0, 1});
  auto outs = model->predict({xa, xb});
  ASSERT_EQ(outs.size(), 2u);
  // outA(shared(xa)) computed by hand through the layers' eager apply.
  Tensor manual = outA->apply(shared->apply(xa));
  EXPECT_EQ(outs[0].toVector(), manual.toVector());
  model->compile({{"optimizer", "sgd"}, {"loss", {"meanSquaredError", "meanAbsoluteError"}}});
  EXPECT_EQ(model->metricsNames(), (std::vector<std::string>{"loss", "outA_loss", "outB_loss"}));
  auto logs = model->trainOnBatch({xa, xb}, {Tensor::zeros({2, 1}), Tensor::zeros({2, 1})});
  EXPECT_NEAR(logs[0], logs[1] + logs[2], 1e-5);
  // Nested: the model used as a layer inside another.
  SymbolicTensor c = makeInput({{"shape", {3}}});
  SymbolicTensor d = makeInput({{"shape", {3}}});
  auto wrapped = model->applySymbolic({c, d});
  auto outer = std::make_shared<Model>(std::vector<SymbolicTensor>{c, d}, std::vector<SymbolicTensor>{wrapped[1]},
                                       nlohmann::json::object());
  EXPECT_EQ(outer->predict({xa, xb})[0].toVector(), model->predict({xa, xb})[1].toVector());
  EXPECT_EQ(outer->weights().size(), 6u);
}

TEST(Functional, DisconnectedGraphAndRegularizersAndConstraints) {
  SymbolicTensor a = makeInput({{"shape", {2}}});
  SymbolicTensor other = makeInput({{"shape", {2}}});
  auto dense = makeDense({{"units", 1}});
  auto out = dense->applySymbolic({other})[0];
  EXPECT_THROW(Model({a}, {out}, nlohmann::json::object()), Error);
  Sequential model;
  model.add(makeDense({{"units", 1}, {"inputShape", {1}}, {"kernelRegularizer", {{"className", "L1L2"}, {"config", {{"l1", 0.0}, {"l2", 0.5}}}}},
                       {"kernelConstraint", "nonNeg"}}));
  model.compile({{"optimizer", "sgd"}, {"loss", "mse"}});
  // As tfjs (LayerVariable.write): setWeights constrains a constrained weight.
  model.setWeights({Tensor::fromVector({1, 1}, {-1.f}), Tensor::fromVector({1}, {0.f})});
  EXPECT_EQ(model.getWeights()[0].item(), 0.f);
  model.setWeights({Tensor::fromVector({1, 1}, {1.f}), Tensor::fromVector({1}, {0.f})});
  Tensor x = Tensor::fromVector({1, 1}, {0.f});
  // loss = mse(0, 0) + 0.5 * w^2 = 0.5; its gradient w = 1 moves w by sgd's 0.01
  auto logs = model.trainOnBatch({x}, {Tensor::zeros({1, 1})});
  EXPECT_FLOAT_EQ(logs[0], 0.5f);
  EXPECT_FLOAT_EQ(model.getWeights()[0].item(), 0.99f);
}

// tfjs's Container.trainable: freezing a model flips its layers' weights; a frozen
// model nested in another contributes no trainable weights there and is not trained.
TEST(Functional, FrozenNestedModelIsNotTrained) {
  auto d = std::make_shared<Sequential>();
  d->add(makeDense({{"units", 1}, {"inputShape", {2}}, {"name", "fz_d"}}));
  auto g = std::make_shared<Sequential>();
  g->add(makeDense({{"units", 2}, {"inputShape", {3}}, {"name", "fz_g"}}));
  d->setTrainable(false);
  SymbolicTensor z = makeInput({{"shape", {3}}});
  auto combined = std::make_shared<Model>(std::vector<SymbolicTensor>{z},
                                          d->applySymbolic(g->applySymbolic({z})), nlohmann::json::object());
  EXPECT_EQ(combined->trainableWeights().size(), 2u);
  EXPECT_EQ(combined->nonTrainableWeights().size(), 2u);
  EXPECT_EQ(combined->weights()[0]->name(), "fz_g/kernel");
  EXPECT_TRUE(d->layers().back()->trainable());  // the layer's own flag stays (as tfjs)
  combined->compile({{"optimizer", "sgd"}, {"loss", "mse"}});
  std::vector<float> before = d->getWeights()[0].toVector();
  std::vector<float> gBefore = g->getWeights()[0].toVector();
  combined->trainOnBatch({Tensor::full({4, 3}, 1.f)}, {Tensor::full({4, 1}, 1.f)});
  EXPECT_EQ(d->getWeights()[0].toVector(), before);
  EXPECT_NE(g->getWeights()[0].toVector(), gBefore);
  // Training a model with nothing trainable is an error, not a silent no-op.
  d->compile({{"optimizer", "sgd"}, {"loss", "mse"}});
  EXPECT_THROW(d->trainOnBatch({Tensor::full({4, 2}, 1.f)}, {Tensor::full({4, 1}, 1.f)}), Error);
  d->setTrainable(true);
  EXPECT_EQ(combined->trainableWeights().size(), 4u);
  d->trainOnBatch({Tensor::full({4, 2}, 1.f)}, {Tensor::full({4, 1}, 1.f)});
  EXPECT_NE(d->getWeights()[0].toVector(), before);
}

}  // namespace
}  // namespace wl

// HostLayer (layers written in the host language, here with C++ lambdas standing
// in for JS): weights through addHostWeight, forward and gradients through its
// call hook, training, config and weight order, and hook errors.
#include <gtest/gtest.h>

#include "core/tape.h"
#include "layers/host_layer.h"
#include "models/model.h"
#include "ops/ops.h"

namespace wl {
namespace {

// y = x * w (w: [d], trainable ones) + c (c: [1], non-trainable, 0.5).
std::shared_ptr<HostLayer> makeScale(const nlohmann::json& config = {{"name", "scale"}}) {
  auto holder = std::make_shared<std::weak_ptr<HostLayer>>();
  HostLayerHooks hooks;
  hooks.build = [holder](const std::vector<Shape>& shapes) {
    auto self = holder->lock();
    self->addHostWeight("c", {1}, {{"className", "Constant"}, {"config", {{"value", 0.5}}}}, false, nullptr, nullptr);
    self->addHostWeight("w", {shapes[0].back()}, "ones", true, nullptr, nullptr);
  };
  hooks.call = [holder](const std::vector<Tensor>& xs, bool) {
    auto w = holder->lock()->weights();  // trainable first: [w, c]
    return std::vector<Tensor>{add(mul(xs[0], w[0]->value()), w[1]->value())};
  };
  hooks.computeOutputShapes = [](const std::vector<Shape>& shapes) { return shapes; };
  hooks.getConfig = [holder]() {
    nlohmann::json c = holder->lock()->baseConfig();
    c["extra"] = 7;
    return c;
  };
  auto layer = std::make_shared<HostLayer>("Scale", config, hooks);
  *holder = layer;
  return layer;
}

TEST(HostLayer, BuildsCallsAndOrdersWeightsAsTfjs) {
  auto layer = makeScale();
  EXPECT_EQ(layer->className(), "Scale");
  Tensor y = layer->apply(Tensor::fromVector({2, 2}, {1, 2, 3, 4}));
  EXPECT_EQ(y.toVector(), (std::vector<float>{1.5f, 2.5f, 3.5f, 4.5f}));
  auto ws = layer->weights();
  ASSERT_EQ(ws.size(), 2u);
  EXPECT_EQ(ws[0]->name(), "scale/w");  // trainable first, though added second
  EXPECT_EQ(ws[1]->name(), "scale/c");
  EXPECT_FALSE(ws[1]->trainable());
  auto config = layer->getConfig();
  EXPECT_EQ(config["name"], "scale");
  EXPECT_EQ(config["extra"], 7);
  EXPECT_THROW(layer->addHostWeight("bad", {-1}, "ones", true, nullptr, nullptr), Error);
  EXPECT_THROW(layer->addHostWeight("bad", {1}, "nope", true, nullptr, nullptr), Error);
}

TEST(HostLayer, GradientsFlowThroughTheHookAndTrainingUpdatesOnlyTrainableWeights) {
  Sequential model;
  auto withShape = makeScale({{"name", "scale_in"}, {"inputShape", {2}}});
  model.add(withShape);
  model.compile({{"optimizer", "sgd"}, {"loss", "meanSquaredError"}});
  Tensor x = Tensor::fromVector({2, 2}, {1, 2, 3, 4});
  Tensor target = Tensor::fromVector({2, 2}, {0, 0, 0, 0});
  float first = model.trainOnBatch({x}, {target})[0];
  float second = model.trainOnBatch({x}, {target})[0];
  EXPECT_LT(second, first);
  auto ws = withShape->weights();
  EXPECT_NE(ws[0]->value().toVector(), (std::vector<float>{1, 1}));
  EXPECT_EQ(ws[1]->value().toVector(), (std::vector<float>{0.5f}));
}

TEST(HostLayer, HookErrorsUnwindAndLeaveTheLayerUsable) {
  bool fail = true;
  HostLayerHooks hooks;
  hooks.build = [](const std::vector<Shape>&) {};
  hooks.call = [&fail](const std::vector<Tensor>& xs, bool) {
    if (fail) throw Error("call failed");
    return xs;
  };
  hooks.computeOutputShapes = [](const std::vector<Shape>& s) { return s; };
  hooks.getConfig = [] { return nlohmann::json::object(); };
  auto layer = std::make_shared<HostLayer>("Flaky", nlohmann::json::object(), hooks);
  {
    GradientTape tape;
    EXPECT_THROW(layer->apply(Tensor::fromVector({1}, {1})), Error);
  }
  fail = false;
  EXPECT_EQ(layer->apply(Tensor::fromVector({1}, {2})).toVector(), (std::vector<float>{2}));
}

}  // namespace
}  // namespace wl

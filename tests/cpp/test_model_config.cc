// What saving and loading need from models: node indices in a model's config
// (as tfjs and Keras number them) and fast weight init while a model is loaded.
#include <gtest/gtest.h>

#include "layers/dense.h"
#include "models/model.h"

namespace wl {
namespace {

// A nested model's applications count from 1 in the outer config (tfjs and Keras
// keep node 0 for the model's own node); a layer's nodes outside the saved model
// do not count.
TEST(ModelConfig, NodeIndicesOfNestedModelsAndSharedLayers) {
  auto inner = std::make_shared<Sequential>(nlohmann::json{{"name", "inner"}});
  inner->add(std::make_shared<Dense>(nlohmann::json{{"units", 2}, {"inputShape", {3}}, {"name", "inner_dense"}}));
  auto shared = std::make_shared<Dense>(nlohmann::json{{"units", 3}, {"name", "shared"}});
  SymbolicTensor unused = makeInput({{"shape", {3}}, {"name", "unused"}});
  shared->applySymbolic({unused});  // node 0, in no saved model
  SymbolicTensor x = makeInput({{"shape", {3}}, {"name", "x"}});
  SymbolicTensor h = shared->applySymbolic({x})[0];
  SymbolicTensor y = inner->applySymbolic({h})[0];
  Model outer({x}, {y}, {{"name", "outer"}});
  auto config = outer.getConfig();
  EXPECT_EQ(config["outputLayers"], nlohmann::json::parse(R"([["inner", 1, 0]])"));
  for (const auto& l : config["layers"]) {
    if (l["name"] == "shared") EXPECT_EQ(l["inboundNodes"], nlohmann::json::parse(R"([[["x", 0, 0, {}]]])"));
    if (l["name"] == "inner") EXPECT_EQ(l["inboundNodes"], nlohmann::json::parse(R"([[["shared", 0, 0, {}]]])"));
  }
}

TEST(FastWeightInit, SkipsInitializersWhileOn) {
  setFastWeightInit(true);
  auto d = std::make_shared<Dense>(nlohmann::json{{"units", 2}, {"inputShape", {2}}, {"kernelInitializer", "ones"}});
  d->ensureBuilt({-1, 2});
  EXPECT_EQ(d->weights()[0]->value().shape(), (Shape{2, 2}));
  // The initializer does not run at all (a load overwrites every value): identity on a
  // kernel that is not square builds here, and throws once fast init is off.
  auto f = std::make_shared<Dense>(nlohmann::json{{"units", 3}, {"inputShape", {2}}, {"kernelInitializer", "identity"}});
  f->ensureBuilt({-1, 2});
  EXPECT_EQ(f->weights()[0]->value().shape(), (Shape{2, 3}));
  setFastWeightInit(false);
  auto g = std::make_shared<Dense>(nlohmann::json{{"units", 3}, {"inputShape", {2}}, {"kernelInitializer", "identity"}});
  EXPECT_THROW(g->ensureBuilt({-1, 2}), Error);
  auto e = std::make_shared<Dense>(nlohmann::json{{"units", 2}, {"inputShape", {2}}, {"kernelInitializer", "ones"}});
  e->ensureBuilt({-1, 2});
  EXPECT_EQ(e->weights()[0]->value().toVector(), (std::vector<float>{1, 1, 1, 1}));
}

}  // namespace
}  // namespace wl

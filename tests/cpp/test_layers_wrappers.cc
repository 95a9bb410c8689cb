// Layer wrappers: TimeDistributed's shapes, weight names (in the wrapper's scope,
// as tfjs), the per-step result against the inner layer applied step by step,
// gradients (tape vs finite differences, for the input and the inner weights),
// masks passing through, config round trip and bad inputs.
#include <gtest/gtest.h>

#include "grad_check.h"
#include "layers/layer.h"
#include "layers/wrappers.h"
#include "ops/ops.h"
#include "ops/shape_ops.h"

namespace wl {
namespace {

using nlohmann::json;

using test::errorOf;

std::shared_ptr<Layer> timeDistributedDense(int units) {
  auto dense = LayerRegistry::instance().create("Dense", {{"units", units}, {"activation", "tanh"},
                                                          {"biasInitializer", "randomNormal"}});
  return createWrapperLayer("TimeDistributed", {{"name", "td"}}, dense);
}

TEST(TimeDistributed, ShapesNamesAndPerStepValues) {
  auto td = timeDistributedDense(3);
  Tensor x = test::randomTensor({2, 4, 5}, -1, 1, 1);
  Tensor y = td->apply(x);
  EXPECT_EQ(y.shape(), (Shape{2, 4, 3}));
  EXPECT_EQ(td->computeOutputShape({-1, 4, 5}), (Shape{-1, 4, 3}));
  auto w = td->weights();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0]->name(), "td/kernel");
  EXPECT_EQ(w[1]->name(), "td/bias");
  EXPECT_EQ(td->trainableWeights().size(), 2u);
  // Each step is the inner computation on that step alone.
  Tensor kernel = w[0]->value(), bias = w[1]->value();
  for (int64_t t = 0; t < 4; ++t) {
    Tensor xt = reshape(slice(x, {0, t, 0}, {2, 1, 5}), {2, 5});
    Tensor expect = unary(UnaryOp::Tanh, add(matMul(xt, kernel), bias));
    std::vector<float> got = reshape(slice(y, {0, t, 0}, {2, 1, 3}), {2, 3}).toVector();
    std::vector<float> want = expect.toVector();
    for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-6) << "step " << t;
  }
  // Rank-4 input: the inner layer sees [batch*steps, a, b].
  auto td4 = timeDistributedDense(2);
  EXPECT_EQ(td4->apply(test::randomTensor({2, 3, 4, 5}, -1, 1, 2)).shape(), (Shape{2, 3, 4, 2}));
}

TEST(TimeDistributed, GradientsMatchFiniteDifferences) {
  auto td = timeDistributedDense(2);
  Tensor x = test::randomTensor({2, 3, 4}, -1, 1, 5);
  td->ensureBuilt(x.shape());
  std::vector<Tensor> inputs{x};
  for (auto& v : td->weights()) inputs.push_back(v->mutableValue());  // shares storage
  test::checkGradients([&](const std::vector<Tensor>& in) { return td->apply(in[0], true); }, inputs);
}

TEST(TimeDistributed, MaskPassesThroughAndConfigRoundTrips) {
  auto td = timeDistributedDense(2);
  Tensor x = test::randomTensor({2, 3, 4}, -1, 1, 3);
  Tensor mask = cast(unary(UnaryOp::Floor, test::randomTensor({2, 3}, 0, 2, 4)), DType::Bool);
  std::vector<Tensor> outMasks;
  std::vector<Tensor> ys = td->applyWithMasks({x}, {mask}, false, &outMasks);
  ASSERT_EQ(outMasks.size(), 1u);
  EXPECT_EQ(cast(outMasks[0], DType::Float32).toVector(), cast(mask, DType::Float32).toVector());
  EXPECT_EQ(ys[0].toVector(), td->apply(x).toVector());  // the mask does not change the values (tfjs)

  json c = td->getConfig();
  EXPECT_EQ(c["layer"]["className"], "Dense");
  EXPECT_EQ(c["layer"]["config"]["units"], 2);
  auto again = LayerRegistry::instance().create("TimeDistributed", c);
  EXPECT_EQ(again->className(), "TimeDistributed");
  EXPECT_EQ(again->getConfig(), c);
}

TEST(TimeDistributed, BadInputsAndOptions) {
  auto td = timeDistributedDense(2);
  EXPECT_NE(errorOf([&] { td->apply(test::randomTensor({2, 3}, -1, 1, 1)); }).find("expects an input shape >= 3D"),
            std::string::npos);
  td->apply(test::randomTensor({2, 3, 4}, -1, 1, 1));
  EXPECT_NE(errorOf([&] { td->apply(test::randomTensor({2, 3, 5}, -1, 1, 1)); }).find("incompatible"),
            std::string::npos);
  EXPECT_NE(errorOf([] { LayerRegistry::instance().create("TimeDistributed", json::object()); }).find("layer option"),
            std::string::npos);
  EXPECT_NE(errorOf([] { createWrapperLayer("TimeDistributed", json::object(), nullptr); }).find("required"),
            std::string::npos);
}

std::shared_ptr<Layer> bidirectional(const std::string& rnn, const json& mergeMode, bool returnSequences) {
  json inner = {{"units", 2}, {"returnSequences", returnSequences}, {"name", "r"}};
  if (rnn != "SimpleRNN") inner["recurrentActivation"] = "sigmoid";  // hardSigmoid has kinks
  inner["biasInitializer"] = "randomNormal";
  return LayerRegistry::instance().create("Bidirectional",
                                          {{"name", "bd"}, {"mergeMode", mergeMode}, {"layer", {{"className", rnn}, {"config", inner}}}});
}

TEST(Bidirectional, NamesShapesAndBothDirections) {
  auto bd = bidirectional("LSTM", "concat", true);
  Tensor x = test::randomTensor({2, 4, 3}, -1, 1, 8);
  Tensor y = bd->apply(x);
  EXPECT_EQ(y.shape(), (Shape{2, 4, 4}));
  auto w = bd->weights();
  ASSERT_EQ(w.size(), 6u);
  EXPECT_EQ(w[0]->name(), "bd/forward_r/kernel");
  EXPECT_EQ(w[5]->name(), "bd/backward_r/bias");
  EXPECT_EQ(bd->getConfig()["layer"]["config"]["name"], "r");
  EXPECT_EQ(bd->getConfig()["layer"]["config"]["goBackwards"], false);
  // The forward half is an LSTM with the forward weights; the backward half one
  // running backwards, its sequence reversed back into input order.
  for (bool back : {false, true}) {
    json cfg = bd->getConfig()["layer"]["config"];
    cfg["name"] = back ? "ref_b" : "ref_f";
    cfg["goBackwards"] = back;
    auto ref = LayerRegistry::instance().create("LSTM", cfg);
    ref->ensureBuilt(x.shape());
    std::vector<Tensor> values;
    for (size_t i = 0; i < 3; ++i) values.push_back(w[(back ? 3 : 0) + i]->value());
    assignWeights(ref->weights(), values, "ref");
    Tensor r = ref->apply(x);
    if (back) r = reverse(r, {1});
    EXPECT_EQ(r.toVector(), slice(y, {0, 0, back ? 2 : 0}, {2, 4, 2}).toVector()) << "backward " << back;
  }
  std::vector<Shape> none = bidirectional("GRU", nullptr, false)->computeOutputShapes({{-1, 4, 3}});
  EXPECT_EQ(none, (std::vector<Shape>{{-1, 2}, {-1, 2}}));
}

TEST(Bidirectional, GradientsMatchFiniteDifferencesWithAMask) {
  for (const std::string mode : {"concat", "sum", "mul", "ave"}) {
    auto bd = bidirectional(mode == "sum" ? "GRU" : "LSTM", mode, mode != "ave");
    Tensor x = test::randomTensor({2, 3, 2}, -1, 1, 9);
    Tensor mask = cast(Tensor::fromVector({2, 3}, {1, 1, 0, 1, 0, 0}), DType::Bool);
    bd->ensureBuilt(x.shape());
    std::vector<Tensor> inputs{x};
    for (auto& v : bd->weights()) inputs.push_back(v->mutableValue());  // shares storage
    SCOPED_TRACE(mode);
    test::checkGradients([&](const std::vector<Tensor>& in) { return bd->applyMany({in[0]}, true, {mask}).at(0); },
                         inputs);
  }
}

TEST(Bidirectional, BadOptions) {
  EXPECT_NE(errorOf([] { bidirectional("LSTM", "max", false); }).find("not a valid BidirectionalMergeMode"),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              LayerRegistry::instance().create("Bidirectional", {{"layer", {{"className", "Dense"}, {"config", {{"units", 2}}}}}});
            }).find("must be a recurrent layer"),
            std::string::npos);
}

TEST(Bidirectional, ABackwardLayerRunsTheBackwardDirectionAndRoundTripsThroughItsConfig) {
  json fwd = {{"units", 2}, {"name", "f"}, {"returnSequences", true}};
  json bwd = {{"units", 2}, {"name", "b"}, {"returnSequences", true}, {"goBackwards", true}, {"activation", "relu"}};
  json config = {{"name", "bdc"},
                 {"layer", {{"className", "GRU"}, {"config", fwd}}},
                 {"backwardLayer", {{"className", "SimpleRNN"}, {"config", bwd}}}};
  auto bd = LayerRegistry::instance().create("Bidirectional", config);
  Tensor x = test::randomTensor({2, 3, 4}, -1, 1, 21);
  Tensor y = bd->apply(x);
  EXPECT_EQ(y.shape(), (Shape{2, 3, 4}));
  auto w = bd->weights();
  ASSERT_EQ(w.size(), 6u);
  EXPECT_EQ(w[3]->name(), "bdc/b/kernel");
  EXPECT_EQ(w[3]->value().shape(), (Shape{4, 2}));
  // The backward half is that SimpleRNN (relu), reversed back into input order.
  auto ref = LayerRegistry::instance().create("SimpleRNN", bwd);
  ref->ensureBuilt(x.shape());
  assignWeights(ref->weights(), {w[3]->value(), w[4]->value(), w[5]->value()}, "ref");
  EXPECT_EQ(reverse(ref->apply(x), {1}).toVector(), slice(y, {0, 0, 2}, {2, 3, 2}).toVector());
  json c = bd->getConfig();
  EXPECT_EQ(c["backwardLayer"]["className"], "SimpleRNN");
  EXPECT_EQ(c["backwardLayer"]["config"]["activation"], "relu");
  auto again = LayerRegistry::instance().create("Bidirectional", c);
  EXPECT_EQ(again->getConfig()["backwardLayer"], c["backwardLayer"]);
  // The default copy writes no backwardLayer (as tfjs).
  EXPECT_FALSE(bidirectional("LSTM", "concat", false)->getConfig().contains("backwardLayer"));
  // Keras's checks.
  config["backwardLayer"]["config"]["goBackwards"] = false;
  EXPECT_NE(errorOf([&] { LayerRegistry::instance().create("Bidirectional", config); }).find("different goBackwards"),
            std::string::npos);
  config["backwardLayer"]["config"]["goBackwards"] = true;
  config["backwardLayer"]["config"]["returnState"] = true;
  EXPECT_NE(errorOf([&] { LayerRegistry::instance().create("Bidirectional", config); }).find("same value for returnState"),
            std::string::npos);
}

TEST(Bidirectional, InitialStatesSplitAndStatefulReset) {
  // [x, forward h, forward c, backward h, backward c]: each direction starts from its own.
  auto bd = bidirectional("LSTM", nullptr, false);
  Tensor x = test::randomTensor({2, 3, 4}, -1, 1, 3);
  std::vector<Tensor> states;
  for (unsigned i = 0; i < 4; ++i) states.push_back(test::randomTensor({2, 2}, -1, 1, 10 + i));
  std::vector<Tensor> in{x};
  in.insert(in.end(), states.begin(), states.end());
  std::vector<Tensor> ys = bd->applyMany(in);
  ASSERT_EQ(ys.size(), 2u);
  auto w = bd->weights();
  json cfg = {{"units", 2}, {"recurrentActivation", "sigmoid"}};
  auto fwd = LayerRegistry::instance().create("LSTM", cfg);
  cfg["goBackwards"] = true;
  auto bwd = LayerRegistry::instance().create("LSTM", cfg);
  fwd->ensureBuilt(Shape{-1, 3, 4});
  bwd->ensureBuilt(Shape{-1, 3, 4});
  for (size_t i = 0; i < 3; ++i) {
    fwd->weights()[i]->assign(w[i]->value());
    bwd->weights()[i]->assign(w[3 + i]->value());
  }
  EXPECT_EQ(ys[0].toVector(), fwd->applyMany({x, states[0], states[1]}).at(0).toVector());
  EXPECT_EQ(ys[1].toVector(), bwd->applyMany({x, states[2], states[3]}).at(0).toVector());
  EXPECT_NE(test::errorOf([&] { bd->applyMany({x, states[0]}); }).find("initial states"), std::string::npos);

  // Stateful directions: resetStates() resets both; a plain Bidirectional has none to reset.
  json inner = {{"units", 2}, {"stateful", true}, {"name", "s"}};
  auto sbd = LayerRegistry::instance().create("Bidirectional", {{"name", "sbd"}, {"layer", {{"className", "GRU"}, {"config", inner}}}});
  std::vector<float> first = sbd->apply(x).toVector();
  EXPECT_NE(sbd->apply(x).toVector(), first);
  sbd->resetStates({});
  EXPECT_EQ(sbd->apply(x).toVector(), first);
  EXPECT_EQ(sbd->currentStates().size(), 2u);
  EXPECT_NE(test::errorOf([&] { bd->resetStates({}); }).find("not stateful"), std::string::npos);
}

}  // namespace
}  // namespace wl

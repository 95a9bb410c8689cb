// Recurrent layers (SimpleRNN, LSTM, GRU, ConvLSTM2D): output shapes with returnSequences /
// returnState, weight shapes in Keras's gate layout, a SimpleRNN step by hand,
// goBackwards, the orthogonal initializer, gradients through time (tape vs
// finite differences, for the input and every weight), masks (skipped steps, their
// gradients, the output mask) and bad options.
#include <gtest/gtest.h>

#include <cmath>

#include "core/tape.h"
#include "grad_check.h"
#include "layers/initializers.h"
#include "layers/layer.h"
#include "layers/recurrent.h"
#include "ops/ops.h"
#include "ops/shape_ops.h"

namespace wl {
namespace {

using nlohmann::json;

std::shared_ptr<Layer> make(const std::string& cls, const json& cfg) {
  return LayerRegistry::instance().create(cls, cfg);
}

using test::errorOf;

TEST(RecurrentLayers, OutputAndWeightShapes) {
  struct Case {
    std::string cls;
    int gates, states;
  };
  for (const Case& c : {Case{"SimpleRNN", 1, 1}, Case{"LSTM", 4, 2}, Case{"GRU", 3, 1}}) {
    auto last = make(c.cls, {{"units", 5}});
    Tensor y = last->apply(test::randomTensor({2, 4, 3}, -1, 1, 1));
    EXPECT_EQ(y.shape(), (Shape{2, 5})) << c.cls;
    auto w = last->weights();
    ASSERT_EQ(w.size(), 3u);
    EXPECT_EQ(w[0]->value().shape(), (Shape{3, 5 * c.gates})) << c.cls;
    EXPECT_EQ(w[1]->value().shape(), (Shape{5, 5 * c.gates})) << c.cls;
    EXPECT_EQ(w[2]->value().shape(), (Shape{5 * c.gates})) << c.cls;
    EXPECT_EQ(w[1]->name(), last->name() + "/recurrent_kernel");

    auto all = make(c.cls, {{"units", 5}, {"returnSequences", true}, {"returnState", true}, {"useBias", false}});
    std::vector<Tensor> ys = all->applyMany({test::randomTensor({2, 4, 3}, -1, 1, 2)});
    ASSERT_EQ(ys.size(), static_cast<size_t>(1 + c.states)) << c.cls;
    EXPECT_EQ(ys[0].shape(), (Shape{2, 4, 5}));
    for (int s = 1; s <= c.states; ++s) EXPECT_EQ(ys[s].shape(), (Shape{2, 5}));
    EXPECT_EQ(all->weights().size(), 2u);
    // The last step of the sequence is the final h.
    EXPECT_EQ(slice(ys[0], {0, 3, 0}, {2, 1, 5}).toVector(), ys[1].toVector()) << c.cls;
    auto shapes = all->computeOutputShapes({{-1, -1, 3}});
    ASSERT_EQ(shapes.size(), static_cast<size_t>(1 + c.states));
    EXPECT_EQ(shapes[0], (Shape{-1, -1, 5}));
  }
}

TEST(RecurrentLayers, SimpleRNNByHandAndGoBackwards) {
  auto forward = make("SimpleRNN", {{"units", 1}, {"activation", "linear"}, {"returnSequences", true}});
  forward->ensureBuilt(Shape{-1, 3, 1});
  auto w = forward->weights();
  w[0]->assign(Tensor::fromVector({1, 1}, {2.f}));
  w[1]->assign(Tensor::fromVector({1, 1}, {0.5f}));
  w[2]->assign(Tensor::fromVector({1}, {1.f}));
  Tensor x = Tensor::fromVector({1, 3, 1}, {1.f, 2.f, 3.f});
  // h1 = 2*1 + 1 = 3; h2 = 2*2 + 1 + 1.5 = 6.5; h3 = 2*3 + 1 + 3.25 = 10.25.
  EXPECT_EQ(forward->apply(x).toVector(), (std::vector<float>{3.f, 6.5f, 10.25f}));
  auto backward = make("SimpleRNN", {{"units", 1}, {"activation", "linear"}, {"returnSequences", true},
                                     {"goBackwards", true}});
  backward->ensureBuilt(Shape{-1, 3, 1});
  for (size_t i = 0; i < 3; ++i) backward->weights()[i]->assign(w[i]->value());
  // Steps run over 3, 2, 1 and are returned in that order: 7, 5+3.5 = 8.5, 3+4.25 = 7.25.
  EXPECT_EQ(backward->apply(x).toVector(), (std::vector<float>{7.f, 8.5f, 7.25f}));
}

TEST(RecurrentLayers, UnitForgetBiasAndOrthogonalInit) {
  auto lstm = make("LSTM", {{"units", 3}, {"unitForgetBias", true}});
  lstm->ensureBuilt(Shape{-1, 2, 4});
  EXPECT_EQ(lstm->weights()[2]->value().toVector(),
            (std::vector<float>{0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0}));
  // The default recurrent kernel (3 x 12) has orthonormal rows.
  std::vector<float> rk = lstm->weights()[1]->value().toVector();
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      double dot = 0;
      for (int k = 0; k < 12; ++k) dot += rk[i * 12 + k] * rk[j * 12 + k];
      EXPECT_NEAR(dot, i == j ? 1.0 : 0.0, 1e-5);
    }
  }
  EXPECT_EQ(serializeInitializer("orthogonal"), (json{{"className", "Orthogonal"}, {"config", {{"gain", 1.0}}}}));
}

TEST(RecurrentLayers, GradientsThroughTimeMatchFiniteDifferences) {
  for (const std::string cls : {"SimpleRNN", "LSTM", "GRU"}) {
    json cfg = {{"units", 2}, {"returnSequences", true}, {"goBackwards", cls == "GRU"}};
    if (cls != "SimpleRNN") cfg["recurrentActivation"] = "sigmoid";  // hardSigmoid has kinks
    if (cls == "LSTM") cfg["biasInitializer"] = "randomNormal";
    auto layer = make(cls, cfg);
    Tensor x = test::randomTensor({2, 3, 2}, -1, 1, 5);
    layer->ensureBuilt(x.shape());
    std::vector<Tensor> inputs{x};
    for (auto& v : layer->weights()) inputs.push_back(v->mutableValue());  // shares storage
    SCOPED_TRACE(cls);
    test::checkGradients([&](const std::vector<Tensor>& in) { return layer->apply(in[0], true); }, inputs);
  }
}

TEST(RecurrentLayers, ConvLSTM2DShapesWeightsAndGradients) {
  auto layer = make("ConvLSTM2D", {{"filters", 2}, {"kernelSize", json::array({2, 3})}, {"strides", 2},
                                   {"returnSequences", true}, {"returnState", true}});
  std::vector<Tensor> ys = layer->applyMany({test::randomTensor({2, 3, 5, 6, 3}, -1, 1, 1)});
  ASSERT_EQ(ys.size(), 3u);
  EXPECT_EQ(ys[0].shape(), (Shape{2, 3, 2, 2, 2}));  // valid: floor((5 - 2) / 2) + 1, floor((6 - 3) / 2) + 1
  EXPECT_EQ(ys[1].shape(), (Shape{2, 2, 2, 2}));
  EXPECT_EQ(ys[2].shape(), (Shape{2, 2, 2, 2}));
  auto w = layer->weights();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0]->value().shape(), (Shape{2, 3, 3, 8}));
  EXPECT_EQ(w[1]->value().shape(), (Shape{2, 3, 2, 8}));
  EXPECT_EQ(w[2]->value().shape(), (Shape{8}));
  EXPECT_EQ(w[0]->name(), layer->name() + "/kernel");
  EXPECT_EQ(layer->computeOutputShapes({{-1, -1, 5, 6, 3}}).at(0), (Shape{-1, -1, 2, 2, 2}));
  auto c = layer->getConfig();
  EXPECT_EQ(c["filters"], 2);
  EXPECT_FALSE(c.contains("units"));
  EXPECT_EQ(c["padding"], "valid");
  EXPECT_NE(errorOf([&] { layer->apply(test::randomTensor({2, 3, 4}, -1, 1, 2)); }).find("expected ndim=5"),
            std::string::npos);
  EXPECT_NE(errorOf([&] { make("ConvLSTM2D", {{"filters", 2}, {"kernelSize", 2}, {"unroll", true}}); })
                .find("Unrolling is not possible"),
            std::string::npos);

  // Gradients through time and through both convolutions, for the input and every weight.
  auto small = make("ConvLSTM2D", {{"filters", 1}, {"kernelSize", 2}, {"padding", "same"},
                                   {"recurrentActivation", "sigmoid"}, {"biasInitializer", "randomNormal"},
                                   {"returnSequences", true}});
  Tensor x = test::randomTensor({1, 2, 3, 3, 2}, -1, 1, 3);
  small->ensureBuilt(x.shape());
  std::vector<Tensor> inputs{x};
  for (auto& v : small->weights()) inputs.push_back(v->mutableValue());
  test::checkGradients([&](const std::vector<Tensor>& in) { return small->apply(in[0], true); }, inputs);
}

// A mask [batch, steps] as Embedding(maskZero) makes it (bool).
Tensor boolMask(const std::vector<float>& values, const Shape& shape) {
  Tensor m = Tensor::empty(shape);
  std::copy(values.begin(), values.end(), m.data<float>());
  return cast(m, DType::Bool);
}

TEST(RecurrentLayers, MaskedStepsAreSkipped) {
  // Masking the last steps of a sample gives what the unpadded sample gives; a masked
  // step inside repeats the previous output (returnSequences) and keeps the states.
  for (const std::string cls : {"SimpleRNN", "LSTM", "GRU"}) {
    SCOPED_TRACE(cls);
    auto layer = make(cls, {{"units", 3}, {"returnSequences", true}});
    Tensor x = test::randomTensor({1, 4, 2}, -1, 1, 11);
    layer->ensureBuilt(x.shape());
    Tensor masked = layer->applyMany({x}, false, {boolMask({1, 0, 1, 0}, {1, 4})}).at(0);
    Tensor kept = layer->apply(concat({slice(x, {0, 0, 0}, {1, 1, 2}), slice(x, {0, 2, 0}, {1, 1, 2})}, 1));
    const float* m = masked.data<float>();
    const float* k = kept.data<float>();
    for (int u = 0; u < 3; ++u) {
      EXPECT_NEAR(m[0 * 3 + u], k[0 * 3 + u], 1e-6);
      EXPECT_FLOAT_EQ(m[1 * 3 + u], m[0 * 3 + u]);  // a masked step repeats the output
      EXPECT_NEAR(m[2 * 3 + u], k[1 * 3 + u], 1e-6);
      EXPECT_FLOAT_EQ(m[3 * 3 + u], m[2 * 3 + u]);
    }
    // The output mask: the input's with returnSequences, none for a last output.
    Tensor inMask = boolMask({1, 0, 1, 0}, {1, 4});
    EXPECT_TRUE(layer->computeMask({x}, {inMask}).at(0).sharesStorageWith(inMask));
    auto last = make(cls, {{"units", 3}, {"returnState", true}});
    auto lastMasks = last->computeMask({x}, {inMask});
    EXPECT_EQ(lastMasks.size(), cls == "LSTM" ? 3u : 2u);
    for (const Tensor& t : lastMasks) EXPECT_FALSE(t.defined());
  }
}

TEST(RecurrentLayers, MaskedGradientsMatchFiniteDifferences) {
  for (const std::string cls : {"SimpleRNN", "LSTM", "GRU"}) {
    json cfg = {{"units", 2}, {"returnSequences", cls != "LSTM"}, {"goBackwards", cls == "GRU"}};
    if (cls != "SimpleRNN") cfg["recurrentActivation"] = "sigmoid";  // hardSigmoid has kinks
    if (cls == "LSTM") cfg["biasInitializer"] = "randomNormal";
    auto layer = make(cls, cfg);
    Tensor x = test::randomTensor({2, 4, 2}, -1, 1, 5);
    Tensor mask = boolMask({1, 0, 1, 1, 0, 1, 1, 0}, {2, 4});
    layer->ensureBuilt(x.shape());
    std::vector<Tensor> inputs{x};
    for (auto& v : layer->weights()) inputs.push_back(v->mutableValue());  // shares storage
    SCOPED_TRACE(cls);
    test::checkGradients([&](const std::vector<Tensor>& in) { return layer->applyMany({in[0]}, true, {mask}).at(0); },
                         inputs);
  }
}

TEST(RecurrentLayers, BadOptionsAndInputs) {
  EXPECT_NE(errorOf([] { make("LSTM", json::object()); }).find("Expected units to be a positive integer"),
            std::string::npos);
  EXPECT_NE(errorOf([] { make("LSTM", {{"units", 2}, {"activityRegularizer", "l2"}}); }).find("activityRegularizer"),
            std::string::npos);
  EXPECT_NE(errorOf([] { make("RNN", {{"cell", {{"className", "Dense"}, {"config", {{"units", 2}}}}}}); })
                .find("not an RNN cell"),
            std::string::npos);
  EXPECT_NE(errorOf([] { make("LSTMCell", {{"units", 2}})->apply(Tensor::zeros({2, 3})); }).find("is a cell"),
            std::string::npos);
  EXPECT_NE(errorOf([] { make("LSTM", {{"units", 2}, {"implementation", 5}}); }).find("implementation"),
            std::string::npos);
  auto l = make("SimpleRNN", {{"units", 2}});
  EXPECT_NE(errorOf([&] { l->apply(Tensor::zeros({2, 3})); }).find("expected ndim=3, found ndim=2"), std::string::npos);
  l->apply(Tensor::zeros({2, 3, 4}));
  EXPECT_EQ(l->apply(Tensor::zeros({1, 7, 4})).shape(), (Shape{1, 2}));  // other timesteps are fine
  EXPECT_NE(errorOf([&] { l->apply(Tensor::zeros({1, 3, 5})); }).find("incompatible"), std::string::npos);
}

// Keras's GRU with reset_after=True (keras/src/layers/rnn/gru.py), by plain loops.
std::vector<float> gruResetAfterReference(const std::vector<float>& x, int64_t B, int64_t T, int64_t F, int64_t U,
                                          const std::vector<float>& k, const std::vector<float>& rk,
                                          const std::vector<float>& b) {
  auto sigmoid = [](float v) { return 1.f / (1.f + std::exp(-v)); };
  std::vector<float> out(B * T * U);
  for (int64_t n = 0; n < B; ++n) {
    std::vector<float> h(U, 0.f);
    for (int64_t t = 0; t < T; ++t) {
      std::vector<float> xz(3 * U), inner(3 * U);
      for (int64_t j = 0; j < 3 * U; ++j) {
        float a = b[j], r = b[3 * U + j];
        for (int64_t f = 0; f < F; ++f) a += x[(n * T + t) * F + f] * k[f * 3 * U + j];
        for (int64_t i = 0; i < U; ++i) r += h[i] * rk[i * 3 * U + j];
        xz[j] = a;
        inner[j] = r;
      }
      std::vector<float> next(U);
      for (int64_t u = 0; u < U; ++u) {
        float z = sigmoid(xz[u] + inner[u]);
        float r = sigmoid(xz[U + u] + inner[U + u]);
        float hh = std::tanh(xz[2 * U + u] + r * inner[2 * U + u]);
        next[u] = z * h[u] + (1 - z) * hh;
      }
      h = next;
      for (int64_t u = 0; u < U; ++u) out[(n * T + t) * U + u] = h[u];
    }
  }
  return out;
}

TEST(RecurrentLayers, GRUResetAfterMatchesKerasEquations) {
  const int64_t B = 2, T = 4, F = 3, U = 3;
  auto gru = make("GRU", {{"units", U}, {"resetAfter", true}, {"recurrentActivation", "sigmoid"},
                          {"returnSequences", true}, {"biasInitializer", "randomNormal"}});
  gru->ensureBuilt(Shape{-1, T, F});
  auto w = gru->weights();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[2]->value().shape(), (Shape{2, 3 * U}));
  EXPECT_EQ(gru->getConfig()["resetAfter"], true);
  Tensor x = test::randomTensor({B, T, F}, -1, 1, 5);
  std::vector<float> ref = gruResetAfterReference(x.toVector(), B, T, F, U, w[0]->value().toVector(),
                                                  w[1]->value().toVector(), w[2]->value().toVector());
  std::vector<float> got = gru->apply(x).toVector();
  ASSERT_EQ(got.size(), ref.size());
  for (size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(got[i], ref[i], 1e-5) << i;
  // Gradients through time, for the input and every weight (the two biases included).
  std::vector<Tensor> inputs{x};
  for (auto& v : gru->weights()) inputs.push_back(v->mutableValue());
  test::checkGradients([&](const std::vector<Tensor>& in) { return gru->applyMany({in[0]}, true).at(0); }, inputs);
}

TEST(RecurrentLayers, RNNWithCellsMatchesTheLayers) {
  // RNN({cell: LSTMCell}) computes what LSTM does with the same weights, named in the RNN's scope.
  auto lstm = make("LSTM", {{"units", 3}, {"returnSequences", true}});
  auto rnn = make("RNN", {{"name", "my_rnn"}, {"returnSequences", true},
                          {"cell", {{"className", "LSTMCell"}, {"config", {{"units", 3}}}}}});
  Tensor x = test::randomTensor({2, 5, 2}, -1, 1, 9);
  Tensor y = lstm->apply(x);
  rnn->ensureBuilt(Shape{-1, 5, 2});
  EXPECT_EQ(rnn->weights()[0]->name(), "my_rnn/kernel");
  for (size_t i = 0; i < 3; ++i) rnn->weights()[i]->assign(lstm->weights()[i]->value());
  EXPECT_EQ(rnn->apply(x).toVector(), y.toVector());
  EXPECT_EQ(rnn->getConfig()["cell"]["className"], "LSTMCell");

  // A stack: states in reverse cell order, weights in RNNCell_i scopes, gradients through both cells.
  json stack = {{"className", "StackedRNNCells"},
                {"config", {{"cells", {{{"className", "GRUCell"}, {"config", {{"units", 2}, {"resetAfter", true}}}},
                                       {{"className", "LSTMCell"}, {"config", {{"units", 3}}}}}}}}};
  auto stacked = make("RNN", {{"name", "st"}, {"returnState", true}, {"cell", stack}});
  std::vector<Tensor> ys = stacked->applyMany({x});
  ASSERT_EQ(ys.size(), 4u);  // output, h2, c2, h1
  EXPECT_EQ(ys[0].shape(), (Shape{2, 3}));
  EXPECT_EQ(ys[3].shape(), (Shape{2, 2}));
  EXPECT_EQ(ys[0].toVector(), ys[1].toVector());
  EXPECT_EQ(stacked->weights()[0]->name(), "st/RNNCell_0/kernel");
  EXPECT_EQ(stacked->weights()[3]->name(), "st/RNNCell_1/kernel");
  std::vector<Tensor> inputs{x};
  for (auto& v : stacked->weights()) inputs.push_back(v->mutableValue());
  test::checkGradients([&](const std::vector<Tensor>& in) { return stacked->applyMany({in[0]}, true).at(0); }, inputs);
}

TEST(RecurrentLayers, InitialStatesAndStatefulCarry) {
  auto rnn = make("SimpleRNN", {{"units", 2}});
  Tensor x = test::randomTensor({3, 6, 2}, -1, 1, 4);
  Tensor whole = rnn->apply(x);
  // Running the first 3 steps, then the last 3 from the states reached, is the whole run.
  Tensor h = rnn->apply(slice(x, {0, 0, 0}, {3, 3, 2}));
  Tensor rest = rnn->applyMany({slice(x, {0, 3, 0}, {3, 3, 2}), h}).at(0);
  std::vector<float> a = rest.toVector(), b = whole.toVector();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-6);
  EXPECT_NE(errorOf([&] { rnn->applyMany({x, Tensor::zeros({3, 5})}); }).find("initialState"), std::string::npos);

  auto stateful = make("SimpleRNN", {{"units", 2}, {"stateful", true}, {"batchInputShape", {3, 3, 2}}});
  stateful->ensureBuilt(Shape{3, 3, 2});
  for (size_t i = 0; i < 3; ++i) stateful->weights()[i]->assign(rnn->weights()[i]->value());
  stateful->apply(slice(x, {0, 0, 0}, {3, 3, 2}));
  std::vector<float> carried = stateful->apply(slice(x, {0, 3, 0}, {3, 3, 2})).toVector();
  for (size_t i = 0; i < carried.size(); ++i) EXPECT_NEAR(carried[i], b[i], 1e-6);
  resetLayerStates(*stateful, {});
  std::vector<float> fresh = stateful->apply(slice(x, {0, 0, 0}, {3, 3, 2})).toVector();
  std::vector<float> hv = h.toVector();
  for (size_t i = 0; i < fresh.size(); ++i) EXPECT_NEAR(fresh[i], hv[i], 1e-6);
  EXPECT_NE(errorOf([&] { stateful->apply(Tensor::zeros({2, 3, 2})); }).find("stateful with batch size 3"),
            std::string::npos);
}

}  // namespace
}  // namespace wl

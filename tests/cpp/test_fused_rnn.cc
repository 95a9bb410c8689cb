// Fused recurrent gate ops (ops/recurrent_ops.h) against the composed steps they
// replace (the ops layers/recurrent.cc composes for other activations): values and
// tape gradients for every activation a gate kernel has, LSTM and both GRU forms, at
// sizes with SIMD tails, on every CPU backend; the layers' gradients through the
// fused steps against finite differences; unstack's one-node gradient.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "core/backend.h"
#include "core/tape.h"
#include "grad_check.h"
#include "layers/activations.h"
#include "layers/layer.h"
#include "ops/ops.h"
#include "ops/recurrent_ops.h"
#include "ops/shape_ops.h"

namespace wl {
namespace {

using nlohmann::json;

struct Acts {
  const char* act;
  const char* recAct;
};
const Acts kActs[] = {{"tanh", "hardSigmoid"}, {"tanh", "sigmoid"}, {"relu", "linear"},
                      {"sigmoid", "tanh"},    {"linear", "relu"},   {"hardSigmoid", "sigmoid"}};

GateActivation gate(const char* name) {
  GateActivation a;
  EXPECT_TRUE(gateActivationOf(name, &a)) << name;
  return a;
}

// The composed LSTM step of layers/recurrent.cc: {h, c}.
std::vector<Tensor> composedLstm(const Tensor& xz, const Tensor& hz, const Tensor& c, const Acts& a) {
  std::vector<Tensor> z = split(add(xz, hz), {4}, 1);
  Tensor i = applyActivation(a.recAct, z[0]);
  Tensor f = applyActivation(a.recAct, z[1]);
  Tensor c2 = add(mul(f, c), mul(i, applyActivation(a.act, z[2])));
  Tensor o = applyActivation(a.recAct, z[3]);
  return {mul(o, applyActivation(a.act, c2)), c2};
}

// The composed GRU steps: resetAfter (extra = recurrent bias) and tfjs's (extra = U_h).
Tensor composedGru(const Tensor& xz, const Tensor& hz, const Tensor& h, const Tensor& extra, const Acts& a,
                   bool resetAfter) {
  std::vector<Tensor> x = split(xz, {3}, 1);
  Tensor one = Tensor::scalar(1.f);
  if (resetAfter) {
    std::vector<Tensor> inner = split(extra.defined() ? add(hz, extra) : hz, {3}, 1);
    Tensor z = applyActivation(a.recAct, add(x[0], inner[0]));
    Tensor r = applyActivation(a.recAct, add(x[1], inner[1]));
    Tensor hh = applyActivation(a.act, add(x[2], mul(r, inner[2])));
    return add(mul(z, h), mul(sub(one, z), hh));
  }
  std::vector<Tensor> inner = split(hz, {2}, 1);
  Tensor z = applyActivation(a.recAct, add(x[0], inner[0]));
  Tensor r = applyActivation(a.recAct, add(x[1], inner[1]));
  Tensor hh = applyActivation(a.act, add(x[2], matMul(mul(r, h), extra)));
  return add(mul(z, h), mul(sub(one, z), hh));
}

using StepFn = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;

// Values and the gradients of sum(outputs * r) of both forms agree on every CPU backend.
void expectSameStep(const StepFn& fused, const StepFn& composed, const std::vector<Tensor>& inputs,
                    const std::string& what) {
  for (const char* backend : {"cpu", "wasm"}) {
    SCOPED_TRACE(what + " on " + backend);
    BackendScope scope(backend);
    std::vector<Tensor> rs;
    std::vector<std::vector<Tensor>> grads(2);
    std::vector<std::vector<float>> values(2);
    for (int form = 0; form < 2; ++form) {
      GradientTape tape;
      std::vector<Tensor> ys = (form == 0 ? fused : composed)(inputs);
      Tensor loss = Tensor::scalar(0.f);
      for (size_t k = 0; k < ys.size(); ++k) {
        if (form == 0) rs.push_back(test::randomTensor(ys[k].shape(), 0.5f, 1.5f, 40 + static_cast<unsigned>(k)));
        loss = add(loss, sum(mul(ys[k], rs[k])));
        std::vector<float> v = ys[k].toVector();
        values[form].insert(values[form].end(), v.begin(), v.end());
      }
      grads[form] = tape.gradient(loss, inputs);
    }
    ASSERT_EQ(values[0].size(), values[1].size());
    double maxDiff = 0;
    for (size_t i = 0; i < values[0].size(); ++i) {
      maxDiff = std::max(maxDiff, static_cast<double>(std::fabs(values[0][i] - values[1][i])));
      EXPECT_NEAR(values[0][i], values[1][i], 2e-6 * std::max(1.f, std::fabs(values[1][i]))) << "value " << i;
    }
    for (size_t k = 0; k < inputs.size(); ++k) {
      std::vector<float> g = grads[0][k].toVector(), want = grads[1][k].toVector();
      ASSERT_EQ(g.size(), want.size());
      for (size_t i = 0; i < g.size(); ++i) {
        maxDiff = std::max(maxDiff, static_cast<double>(std::fabs(g[i] - want[i])));
        EXPECT_NEAR(g[i], want[i], 1e-5 * std::max(1.f, std::fabs(want[i]))) << "gradient of input " << k << " element " << i;
      }
    }
    std::ostringstream diff;
    diff << std::scientific << maxDiff;
    ::testing::Test::RecordProperty(what + "_" + backend + "_maxDiff", diff.str());
  }
}

TEST(FusedRecurrent, LstmGatesMatchTheComposedStep) {
  const int64_t batch = 3, u = 7;  // 7 units: one SIMD vector and a tail of 3
  for (const Acts& a : kActs) {
    // Pre-activations in [-2, 2] (hardSigmoid's kinks are at -2.5 and 2.5; relu's at 0 is
    // not hit by the uniform draws).
    std::vector<Tensor> in{test::randomTensor({batch, 4 * u}, -1, 1, 1), test::randomTensor({batch, 4 * u}, -1, 1, 2),
                           test::randomTensor({batch, u}, -1, 1, 3)};
    expectSameStep([&](const std::vector<Tensor>& x) { return lstmGates(x[0], x[1], x[2], gate(a.act), gate(a.recAct)); },
                   [&](const std::vector<Tensor>& x) { return composedLstm(x[0], x[1], x[2], a); }, in,
                   std::string("lstm ") + a.act + "/" + a.recAct);
  }
}

TEST(FusedRecurrent, GruGatesMatchTheComposedStepInBothForms) {
  const int64_t batch = 2, u = 9;
  for (const Acts& a : kActs) {
    for (int form = 0; form < 3; ++form) {  // tfjs's; Keras's with a recurrent bias; Keras's without
      const bool resetAfter = form > 0;
      std::vector<Tensor> in{test::randomTensor({batch, 3 * u}, -1, 1, 4),
                             test::randomTensor({batch, (resetAfter ? 3 : 2) * u}, -1, 1, 5),
                             test::randomTensor({batch, u}, -1, 1, 6)};
      if (form == 0) in.push_back(test::randomTensor({u, u}, -0.3f, 0.3f, 7));
      if (form == 1) in.push_back(test::randomTensor({3 * u}, -0.5f, 0.5f, 8));
      auto extra = [](const std::vector<Tensor>& x) { return x.size() > 3 ? x[3] : Tensor(); };
      expectSameStep(
          [&](const std::vector<Tensor>& x) {
            return std::vector<Tensor>{gruGates(x[0], x[1], x[2], extra(x), gate(a.act), gate(a.recAct), resetAfter)};
          },
          [&](const std::vector<Tensor>& x) {
            return std::vector<Tensor>{composedGru(x[0], x[1], x[2], extra(x), a, resetAfter)};
          },
          in, std::string("gru form ") + std::to_string(form) + " " + a.act + "/" + a.recAct);
    }
  }
}

TEST(FusedRecurrent, InferenceAndTrainingFormsAgree) {
  // Without a tape the kernels keep no saved gates (and the GRU's tfjs form a temporary one).
  Tensor xz = test::randomTensor({2, 20}, -1, 1, 9), hz = test::randomTensor({2, 20}, -1, 1, 10);
  Tensor c = test::randomTensor({2, 5}, -1, 1, 11);
  std::vector<Tensor> inference = lstmGates(xz, hz, c, GateActivation::Tanh, GateActivation::HardSigmoid);
  GradientTape tape;
  std::vector<Tensor> training = lstmGates(xz, hz, c, GateActivation::Tanh, GateActivation::HardSigmoid);
  EXPECT_EQ(inference[0].toVector(), training[0].toVector());
  EXPECT_EQ(inference[1].toVector(), training[1].toVector());
  // Only c used: h's gradient is absent (zeros in the kernel).
  std::vector<Tensor> g = tape.gradient(sum(training[1]), {xz, c});
  std::vector<float> dxz = g[0].toVector();
  for (int64_t b = 0; b < 2; ++b) {
    for (int64_t j = 15; j < 20; ++j) EXPECT_EQ(dxz[static_cast<size_t>(b * 20 + j)], 0.f) << "o gate";
  }
}

TEST(FusedRecurrent, SecondOrderThroughAGateOpThrows) {
  Tensor xz = test::randomTensor({1, 8}, -1, 1, 12), hz = test::randomTensor({1, 8}, -1, 1, 13);
  Tensor c = test::randomTensor({1, 2}, -1, 1, 14);
  GradientTape outer;
  Tensor dxz;
  {
    GradientTape inner;
    std::vector<Tensor> hc = lstmGates(xz, hz, c, GateActivation::Tanh, GateActivation::Sigmoid);
    dxz = inner.gradient(sum(hc[0]), {xz})[0];
  }
  EXPECT_NE(test::errorOf([&] { outer.gradient(sum(dxz), {xz}); }).find("second-order"), std::string::npos);
}

TEST(FusedRecurrent, SecondOrderThroughALayerComposes) {
  // Under nested tapes the layers compose ops, so a gradient of a gradient works:
  // d/dx sum(d/dx sum(lstm(x))) against finite differences of the inner gradient.
  auto layer = LayerRegistry::instance().create("LSTM", {{"units", 3}, {"recurrentActivation", "sigmoid"}});
  Tensor x = test::randomTensor({2, 3, 2}, -1, 1, 17);
  layer->ensureBuilt(x.shape());
  auto innerGrad = [&](const Tensor& in) {
    GradientTape tape;
    return tape.gradient(sum(layer->apply(in, true)), {in})[0];
  };
  Tensor second;
  {
    GradientTape outer;
    Tensor dx = innerGrad(x);
    second = outer.gradient(sum(dx), {x})[0];
  }
  std::vector<float> s = second.toVector();
  float* xv = x.data<float>();
  const float eps = 1e-2f;
  for (int64_t i = 0; i < x.size(); ++i) {
    const float keep = xv[i];
    xv[i] = keep + eps;
    std::vector<float> up = innerGrad(x).toVector();
    xv[i] = keep - eps;
    std::vector<float> down = innerGrad(x).toVector();
    xv[i] = keep;
    double numeric = 0;
    for (size_t k = 0; k < up.size(); ++k) numeric += (up[k] - down[k]) / (2.0 * eps);
    EXPECT_NEAR(s[static_cast<size_t>(i)], numeric, 2e-2 * std::max(1.0, std::fabs(numeric))) << i;
  }
}

TEST(FusedRecurrent, LayerGradientsThroughFusedStepsMatchFiniteDifferences) {
  struct Case {
    std::string cls;
    json cfg;
  };
  const Case cases[] = {
      {"LSTM", {{"units", 5}, {"returnSequences", true}, {"recurrentActivation", "sigmoid"},
                {"biasInitializer", "randomNormal"}}},
      {"LSTM", {{"units", 3}, {"activation", "sigmoid"}, {"recurrentActivation", "tanh"}, {"goBackwards", true}}},
      {"GRU", {{"units", 5}, {"returnSequences", true}, {"recurrentActivation", "sigmoid"}, {"resetAfter", true},
               {"biasInitializer", "randomNormal"}}},
      {"GRU", {{"units", 5}, {"recurrentActivation", "sigmoid"}, {"biasInitializer", "randomNormal"}}},
  };
  for (const Case& c : cases) {
    auto layer = LayerRegistry::instance().create(c.cls, c.cfg);
    Tensor x = test::randomTensor({2, 4, 3}, -1, 1, 15);
    layer->ensureBuilt(x.shape());
    std::vector<Tensor> inputs{x};
    for (auto& v : layer->weights()) inputs.push_back(v->mutableValue());
    SCOPED_TRACE(c.cls + " " + c.cfg.dump());
    test::checkGradients([&](const std::vector<Tensor>& in) { return layer->apply(in[0], true); }, inputs);
  }
}

TEST(FusedRecurrent, UnstackRecordsOneGradientNode) {
  Tensor x = test::randomTensor({4, 2, 3}, -1, 1, 16);
  GradientTape tape;
  std::vector<Tensor> parts = unstack(x, 0);
  ASSERT_EQ(parts.size(), 4u);
  // Pieces 0 and 2 used (2 twice), 1 and 3 not: their gradient is zeros.
  Tensor loss = add(sum(parts[0]), sum(mul(parts[2], Tensor::scalar(3.f))));
  std::vector<float> g = tape.gradient(loss, {x})[0].toVector();
  for (size_t i = 0; i < g.size(); ++i) {
    const size_t piece = i / 6;
    EXPECT_EQ(g[i], piece == 0 ? 1.f : piece == 2 ? 3.f : 0.f) << i;
  }
  EXPECT_EQ(parts[1].toVector(), slice(x, {1, 0, 0}, {1, 2, 3}).toVector());
}

TEST(FusedRecurrent, ActivationsWithoutAGateKernelAreNamed) {
  GateActivation a;
  for (const char* name : {"softsign", "elu", "selu", "softplus", "relu6", "gelu", "swish", "mish"}) {
    EXPECT_FALSE(gateActivationOf(name, &a)) << name;
  }
}

}  // namespace
}  // namespace wl

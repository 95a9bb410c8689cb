// The attention family (layers/attention.cc): gradients through EinsumDense,
// MultiHeadAttention (with a causal mask) and the Luong/Bahdanau layers against
// finite differences; attention scores that are distributions with the causal
// zeros; keyword call arguments recorded with graph nodes and written in a
// model's config; layers that take none refuse them.
#include <gtest/gtest.h>

#include "grad_check.h"
#include "layers/layer.h"
#include "models/model.h"
#include "ops/ops.h"

namespace wl {
namespace {

using nlohmann::json;
using test::errorOf;

std::shared_ptr<Layer> make(const std::string& cls, const json& config) {
  return LayerRegistry::instance().create(cls, config);
}

TEST(EinsumDense, WeightShapesAndInputGradient) {
  auto l = make("EinsumDense", {{"equation", "abc,cde->abde"}, {"outputShape", {nullptr, 2, 3}}, {"biasAxes", "de"},
                                {"activation", "tanh"}, {"name", "ed"}});
  Tensor x = test::randomTensor({2, 3, 4}, -1, 1, 1);
  EXPECT_EQ(l->apply(x).shape(), (Shape{2, 3, 2, 3}));
  ASSERT_EQ(l->weights().size(), 2u);
  EXPECT_EQ(l->weights()[0]->name(), "ed/kernel");
  EXPECT_EQ(l->weights()[0]->value().shape(), (Shape{4, 2, 3}));
  EXPECT_EQ(l->weights()[1]->value().shape(), (Shape{2, 3}));
  test::checkGradients([&](const std::vector<Tensor>& in) { return l->apply(in[0]); }, {x});
  EXPECT_NE(errorOf([] { make("EinsumDense", {{"equation", "ab,bc,cd->ad"}, {"outputShape", 3}}); })
                .find("unsupported einsum equation"),
            std::string::npos);
}

// Keras 3's LoRA on EinsumDense: the kernel [4, 2, 3] plus alpha/r A [4, 2, r] B [r, 3].
TEST(EinsumDense, LoraComputesWithTheAdaptedKernel) {
  const nlohmann::json cfg = {{"equation", "abc,cde->abde"}, {"outputShape", {nullptr, 2, 3}}, {"biasAxes", "de"},
                              {"name", "ed"}};
  nlohmann::json loraCfg = cfg;
  loraCfg["loraRank"] = 2;
  loraCfg["loraAlpha"] = 3;
  auto l = make("EinsumDense", loraCfg), plain = make("EinsumDense", cfg);
  Tensor x = test::randomTensor({2, 3, 4}, -1, 1, 1);
  l->ensureBuilt({-1, 3, 4});
  plain->ensureBuilt({-1, 3, 4});
  auto w = l->weights();
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[2]->name(), "ed/lora_kernel_a");
  EXPECT_EQ(w[2]->value().shape(), (Shape{4, 2, 2}));
  EXPECT_EQ(w[3]->value().shape(), (Shape{2, 3}));
  EXPECT_FALSE(w[0]->trainable());
  Tensor k = test::randomTensor({4, 2, 3}, -1, 1, 2), b = test::randomTensor({2, 3}, -1, 1, 3);
  Tensor a = test::randomTensor({4, 2, 2}, -1, 1, 4), bb = test::randomTensor({2, 3}, -1, 1, 5);
  assignWeights(l->weights(), {k, b, a, bb}, "ed");
  // The plain layer with the merged kernel computed by hand (a row of A times B per (c, d)).
  std::vector<float> kv = k.toVector(), av = a.toVector(), bv = bb.toVector(), merged(kv.size());
  for (int cd = 0; cd < 8; ++cd) {
    for (int e = 0; e < 3; ++e) {
      float s = 0;
      for (int r = 0; r < 2; ++r) s += av[cd * 2 + r] * bv[r * 3 + e];
      merged[cd * 3 + e] = kv[cd * 3 + e] + 1.5f * s;
    }
  }
  assignWeights(plain->weights(), {Tensor::fromVector({4, 2, 3}, merged), b}, "ed");
  std::vector<float> got = l->apply(x).toVector(), want = plain->apply(x).toVector();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5f) << i;
  test::checkGradients([&](const std::vector<Tensor>& in) { return l->apply(in[0], true); },
                       {x, w[1]->value(), w[2]->value(), w[3]->value()});
  EXPECT_EQ(l->getConfig()["loraAlpha"], 3.0);
}

TEST(MultiHeadAttention, CausalGradientsAndScores) {
  auto l = make("MultiHeadAttention", {{"numHeads", 2}, {"keyDim", 3}, {"valueDim", 2}, {"name", "mha"}});
  Tensor q = test::randomTensor({2, 4, 5}, -1, 1, 2), v = test::randomTensor({2, 4, 3}, -1, 1, 3);
  l->setCallArgs({{"useCausalMask", true}, {"returnAttentionScores", true}});
  std::vector<Tensor> out = l->applyMany({q, v});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].shape(), (Shape{2, 4, 5}));
  EXPECT_EQ(out[1].shape(), (Shape{2, 2, 4, 4}));
  std::vector<float> s = out[1].toVector();
  for (int64_t row = 0; row < 2 * 2 * 4; ++row) {
    const int64_t t = row % 4;
    float total = 0;
    for (int64_t j = 0; j < 4; ++j) {
      float p = s[static_cast<size_t>(row * 4 + j)];
      total += p;
      if (j > t) EXPECT_LT(p, 1e-7) << "row " << row << " key " << j;
    }
    EXPECT_NEAR(total, 1.f, 1e-5);
  }
  std::vector<std::string> names;
  for (const auto& w : l->weights()) names.push_back(w->name());
  EXPECT_EQ(names, (std::vector<std::string>{"mha/query/kernel", "mha/query/bias", "mha/key/kernel", "mha/key/bias",
                                             "mha/value/kernel", "mha/value/bias", "mha/attention_output/kernel",
                                             "mha/attention_output/bias"}));
  l->setCallArgs({{"useCausalMask", true}});
  test::checkGradients([&](const std::vector<Tensor>& in) { return l->applyMany(in).at(0); },
                       {test::randomTensor({1, 3, 5}, -1, 1, 4), test::randomTensor({1, 3, 3}, -1, 1, 5)});
}

TEST(Attention, LuongAndBahdanauGradients) {
  for (const char* cls : {"Attention", "AdditiveAttention"}) {
    auto l = make(cls, {{"useScale", true}});
    Tensor q = test::randomTensor({1, 2, 3}, -1, 1, 6), v = test::randomTensor({1, 3, 3}, -1, 1, 7);
    l->applyMany({q, v});
    l->setCallArgs({{"useCausalMask", true}});
    test::checkGradients([&](const std::vector<Tensor>& in) { return l->applyMany(in).at(0); }, {q, v});
  }
}

TEST(CallArgs, RecordedWithNodesAndWrittenInTheConfig) {
  SymbolicTensor x = makeInput({{"shape", {4, 6}}, {"name", "x"}});
  auto mha = make("MultiHeadAttention", {{"numHeads", 2}, {"keyDim", 2}, {"name", "self"}});
  auto outs = mha->applySymbolic({x, x}, {{"useCausalMask", true}, {"returnAttentionScores", true}});
  ASSERT_EQ(outs.size(), 2u);
  EXPECT_EQ(outs[1].shape, (Shape{-1, 2, 4, 4}));
  EXPECT_EQ(outs[0].node->callArgs, (json{{"useCausalMask", true}, {"returnAttentionScores", true}}));
  Model m({x}, {outs[0]}, {{"name", "m"}});
  const json config = m.getConfig();  // a range-for over a temporary's member would dangle
  for (const auto& l : config["layers"]) {
    if (l["name"] == "self") {
      EXPECT_EQ(l["inboundNodes"][0][0][3], (json{{"useCausalMask", true}, {"returnAttentionScores", true}}));
    }
  }
  // A plain call resets them; layers that take none throw.
  mha->setCallArgs(nullptr);
  EXPECT_EQ(mha->computeOutputShapes({{-1, 4, 6}, {-1, 4, 6}}).size(), 1u);
  EXPECT_NE(errorOf([&] { mha->setCallArgs({{"useCasualMask", true}}); }).find("unknown call argument 'useCasualMask'"),
            std::string::npos);
  auto dense = make("Dense", {{"units", 2}});
  EXPECT_NE(errorOf([&] { dense->setCallArgs({{"useCausalMask", true}}); }).find("takes no call arguments"),
            std::string::npos);
}

}  // namespace
}  // namespace wl

// Masks through models (layers/layer.h, models/model.cc): Embedding(maskZero) and
// Masking make them, the graph carries them to an RNN (padding changes nothing),
// merge layers combine them, a nested model passes them on, a layer that cannot
// take one throws naming itself, and nothing is left allocated afterwards.
#include <gtest/gtest.h>

#include "core/error.h"
#include "layers/layer.h"
#include "models/model.h"
#include "ops/ops.h"

namespace wl {
namespace {

using nlohmann::json;

std::shared_ptr<Layer> make(const std::string& cls, const json& cfg) {
  return LayerRegistry::instance().create(cls, cfg);
}

Tensor ids(const std::vector<float>& values, const Shape& shape) {
  Tensor t = Tensor::empty(shape);
  std::copy(values.begin(), values.end(), t.data<float>());
  return t;
}

void expectNear(const Tensor& a, const Tensor& b, float tol = 1e-6f) {
  ASSERT_EQ(a.shape(), b.shape());
  for (int64_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a.data<float>()[i], b.data<float>()[i], tol) << i;
}

TEST(Masking, PaddedSequencesGiveTheUnpaddedResultInSequentialAndFunctionalModels) {
  int64_t before = memoryStats().numTensors;
  {
    auto seq = std::make_shared<Sequential>();
    seq->add(make("Embedding", {{"inputDim", 6}, {"outputDim", 3}, {"maskZero", true}}));
    seq->add(make("LSTM", {{"units", 4}}));
    expectNear(seq->predict({ids({1, 2, 0, 0}, {1, 4})})[0], seq->predict({ids({1, 2}, {1, 2})})[0]);

    // Functional: Masking -> GRU(returnSequences) -> Dense -> SimpleRNN; the mask
    // passes through Dense to the second RNN.
    SymbolicTensor in = makeInput({{"shape", {nullptr, 2}}});
    SymbolicTensor h = make("Masking", {{"maskValue", -1}})->applySymbolic({in})[0];
    h = make("GRU", {{"units", 3}, {"returnSequences", true}})->applySymbolic({h})[0];
    h = make("Dense", {{"units", 2}})->applySymbolic({h})[0];
    h = make("SimpleRNN", {{"units", 2}})->applySymbolic({h})[0];
    Model model({in}, {h}, json::object());
    Tensor padded = ids({0.5f, 1, -1, -1, 0.25f, -2, -1, -1}, {1, 4, 2});
    Tensor unpadded = ids({0.5f, 1, 0.25f, -2}, {1, 2, 2});
    expectNear(model.predict({padded})[0], model.predict({unpadded})[0]);
    // Training runs the same masked graph.
    expectNear(model.execute({padded}, true)[0], model.predict({unpadded})[0]);

    // A nested model receives the mask and passes its output's on.
    auto outer = std::make_shared<Sequential>();
    outer->add(make("Masking", {{"maskValue", -1}, {"inputShape", {nullptr, 2}}}));
    auto inner = std::make_shared<Sequential>();
    inner->add(make("LSTM", {{"units", 2}, {"returnSequences", true}, {"inputShape", {nullptr, 2}}}));
    outer->add(inner);
    outer->add(make("GRU", {{"units", 2}}));
    expectNear(outer->predict({padded})[0], outer->predict({unpadded})[0]);
    std::vector<Tensor> outMasks;
    inner->executeMasked({padded}, {cast(ids({1, 0, 1, 1}, {1, 4}), DType::Bool)}, false, &outMasks);
    ASSERT_EQ(outMasks.size(), 1u);
    EXPECT_EQ(cast(outMasks[0], DType::Float32).toVector(), (std::vector<float>{1, 0, 1, 1}));
  }
  EXPECT_EQ(memoryStats().numTensors, before);
}

TEST(Masking, MergeLayersCombineMasks) {
  Tensor a = ids({1, 0, 1, 0}, {2, 2}), b = ids({1, 1, 0, 0}, {2, 2});
  Tensor ma = cast(a, DType::Bool), mb = cast(b, DType::Bool);
  Tensor xa = zeros({2, 2, 3}), xb = zeros({2, 2, 1});
  // Add and the other elementwise merges: valid where every masked input is.
  auto add = make("Add", json::object());
  auto masks = add->computeMask({xa, xa}, {ma, mb});
  EXPECT_EQ(cast(masks.at(0), DType::Float32).toVector(), (std::vector<float>{1, 0, 0, 0}));
  EXPECT_EQ(cast(add->computeMask({xa, xa}, {Tensor(), mb}).at(0), DType::Float32).toVector(),
            (std::vector<float>{1, 1, 0, 0}));
  EXPECT_TRUE(add->computeMask({xa, xa}, {}).empty());
  // Concatenate: an unmasked input counts as all valid.
  auto concat = make("Concatenate", json::object());
  EXPECT_EQ(cast(concat->computeMask({xa, xb}, {ma, Tensor()}).at(0), DType::Float32).toVector(),
            (std::vector<float>{1, 0, 1, 0}));
  EXPECT_EQ(cast(concat->computeMask({xa, xb}, {ma, mb}).at(0), DType::Float32).toVector(),
            (std::vector<float>{1, 0, 0, 0}));
  // Dot takes masks and gives none.
  auto dot = make("Dot", {{"axes", -1}});
  for (const Tensor& m : dot->computeMask({xa, xa}, {ma, mb})) EXPECT_FALSE(m.defined());
}

TEST(Masking, ALayerThatCannotTakeAMaskThrowsNamingItself) {
  int64_t before = memoryStats().numTensors;
  {
    auto seq = std::make_shared<Sequential>();
    seq->add(make("Embedding", {{"inputDim", 6}, {"outputDim", 3}, {"maskZero", true}, {"inputLength", 4}}));
    seq->add(make("Flatten", {{"name", "flat"}}));
    try {
      seq->predict({ids({1, 2, 0, 0}, {1, 4})});
      ADD_FAILURE() << "expected an error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("Layer flat (Flatten) does not support masking"), std::string::npos)
          << e.what();
    }
    // Without maskZero the same stack runs.
    auto plain = std::make_shared<Sequential>();
    plain->add(make("Embedding", {{"inputDim", 6}, {"outputDim", 3}, {"inputLength", 4}}));
    plain->add(make("Flatten", json::object()));
    EXPECT_EQ(plain->predict({ids({1, 2, 0, 0}, {1, 4})})[0].shape(), (Shape{1, 12}));
  }
  EXPECT_EQ(memoryStats().numTensors, before);
}

}  // namespace
}  // namespace wl

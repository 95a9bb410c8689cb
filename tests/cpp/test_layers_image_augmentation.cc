// Image augmentation layers (layers/image_augmentation.cc): the identity at
// inference; in training a half-turn RandomRotation with nearest sampling is the
// image reversed on both axes, RandomFlip gives the original or the mirror,
// RandomContrast keeps the channel means; gradients reach the input through the
// affine sampling (tape vs finite differences); bad options throw.
#include <gtest/gtest.h>

#include "grad_check.h"
#include "layers/layer.h"
#include "ops/ops.h"
#include "ops/shape_ops.h"

namespace wl {
namespace {

using nlohmann::json;

std::shared_ptr<Layer> make(const std::string& cls, const json& cfg) {
  return LayerRegistry::instance().create(cls, cfg);
}

TEST(ImageAugmentation, IdentityAtInference) {
  Tensor x = test::randomTensor({2, 4, 5, 3}, -1, 1, 1);
  for (const auto& [cls, cfg] : std::vector<std::pair<std::string, json>>{
           {"RandomFlip", json::object()},
           {"RandomRotation", {{"factor", 0.3}}},
           {"RandomTranslation", {{"heightFactor", 0.2}, {"widthFactor", 0.2}}},
           {"RandomZoom", {{"heightFactor", 0.2}}},
           {"RandomContrast", {{"factor", 0.5}}},
           {"RandomWidth", {{"factor", 0.5}}},
           {"RandomHeight", {{"factor", 0.5}}}}) {
    EXPECT_EQ(make(cls, cfg)->apply(x, false).toVector(), x.toVector()) << cls;
  }
}

TEST(ImageAugmentation, TrainingTransforms) {
  Tensor x = test::randomTensor({3, 4, 5, 2}, -1, 1, 2);
  auto half = make("RandomRotation", {{"factor", json::array({0.5, 0.5})}, {"interpolation", "nearest"}});
  std::vector<float> got = half->apply(x, true).toVector(), want = reverse(x, {1, 2}).toVector();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-6) << i;

  auto flip = make("RandomFlip", {{"mode", "horizontal"}, {"seed", 3}});
  Tensor y = flip->apply(x, true), mirrored = reverse(x, {2});
  for (int64_t b = 0; b < 3; ++b) {
    auto yb = slice(y, {b, 0, 0, 0}, {1, 4, 5, 2}).toVector();
    bool same = yb == slice(x, {b, 0, 0, 0}, {1, 4, 5, 2}).toVector();
    bool mirror = yb == slice(mirrored, {b, 0, 0, 0}, {1, 4, 5, 2}).toVector();
    EXPECT_TRUE(same || mirror) << b;
  }

  auto contrast = make("RandomContrast", {{"factor", 0.5}, {"valueRange", json::array({-10, 10})}});
  std::vector<float> m0 = mean(x, {1, 2}).toVector(), m1 = mean(contrast->apply(x, true), {1, 2}).toVector();
  for (size_t i = 0; i < m0.size(); ++i) EXPECT_NEAR(m0[i], m1[i], 1e-5) << i;

  auto width = make("RandomWidth", {{"factor", json::array({0.4, 0.4})}});
  EXPECT_EQ(width->apply(x, true).shape(), (Shape{3, 4, 7, 2}));
  EXPECT_EQ(width->computeOutputShape({-1, 4, 5, 2}), (Shape{-1, 4, -1, 2}));
}

TEST(ImageAugmentation, GradientsReachTheInput) {
  Tensor x = test::randomTensor({2, 3, 4, 1}, -1, 1, 4);
  for (const auto& [cls, cfg] : std::vector<std::pair<std::string, json>>{
           {"RandomRotation", {{"factor", json::array({0.1, 0.1})}, {"fillMode", "constant"}}},
           {"RandomZoom", {{"heightFactor", json::array({-0.3, -0.3})}}},
           {"RandomTranslation", {{"heightFactor", json::array({0.3, 0.3})}, {"widthFactor", json::array({-0.2, -0.2})}}}}) {
    // (fixed factors: every call draws the same transform, as finite differences need)
    auto layer = make(cls, cfg);
    SCOPED_TRACE(cls);
    test::checkGradients([&](const std::vector<Tensor>& in) { return layer->apply(in[0], true); }, {x});
  }
}

TEST(ImageAugmentation, BadOptionsThrow) {
  EXPECT_THROW(make("RandomRotation", {{"factor", 0.1}, {"fillMode", "mirror"}}), Error);
  EXPECT_THROW(make("RandomZoom", {{"heightFactor", 0.1}, {"interpolation", "bicubic"}}), Error);
  EXPECT_THROW(make("RandomFlip", {{"dataFormat", "channelsFirst"}}), Error);
  EXPECT_THROW(make("RandomWidth", {{"factor", -1}}), Error);
  EXPECT_THROW(make("RandomContrast", {{"factor", 1.5}}), Error);
}

}  // namespace
}  // namespace wl

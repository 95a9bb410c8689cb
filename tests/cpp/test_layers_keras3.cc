// Keras 3 layers tfjs 4.22 lacks (convolutional.cc, pooling.cc, core_layers.cc,
// merge.cc, normalization.cc): output shapes against computeOutputShape, Keras's
// weight shapes and order, the 1D convolutions against the 2D ops on a unit height,
// GroupNormalization against loops, input gradients against finite differences,
// and Keras's option errors.
#include <gtest/gtest.h>

#include <cmath>

#include "grad_check.h"
#include "layers/layer.h"
#include "ops/conv.h"
#include "ops/ops.h"
#include "ops/shape_ops.h"

namespace wl {
namespace {

using nlohmann::json;
using test::checkGradients;
using test::errorOf;
using test::randomTensor;

std::shared_ptr<Layer> make(const std::string& cls, const json& cfg = json::object()) {
  return LayerRegistry::instance().create(cls, cfg);
}

// Runs the layer on `in` and checks the result against computeOutputShape of the symbolic shape.
Shape runShape(const std::string& cls, const json& cfg, const Shape& in) {
  auto l = make(cls, cfg);
  Tensor y = l->apply(randomTensor(in, -1, 1, 3));
  Shape sym = in;
  sym[0] = -1;
  Shape expect = l->computeOutputShape(sym);
  expect[0] = in[0];
  EXPECT_EQ(y.shape(), expect) << cls << " " << cfg.dump();
  return y.shape();
}

void expectClose(const Tensor& a, const Tensor& b, float tol = 1e-5f) {
  ASSERT_EQ(a.shape(), b.shape());
  auto av = a.toVector(), bv = b.toVector();
  for (size_t i = 0; i < av.size(); ++i) EXPECT_NEAR(av[i], bv[i], tol * std::max(1.f, std::fabs(bv[i]))) << i;
}

std::vector<std::string> weightNames(const Layer& l) {
  std::vector<std::string> out;
  for (const auto& w : l.weights()) out.push_back(w->name().substr(w->name().rfind('/') + 1));
  return out;
}

TEST(Keras3Layers, ShapesOfTheWeightlessLayers) {
  EXPECT_EQ(runShape("Cropping1D", {{"cropping", json::array({1, 2})}}, {2, 6, 3}), (Shape{2, 3, 3}));
  EXPECT_EQ(runShape("Cropping1D", json::object(), {2, 6, 3}), (Shape{2, 4, 3}));  // Keras's default (1, 1)
  EXPECT_EQ(runShape("Cropping3D", {{"cropping", json::array({1, json::array({0, 2}), 0})}}, {2, 4, 5, 3, 2}),
            (Shape{2, 2, 3, 3, 2}));
  EXPECT_EQ(runShape("Cropping3D", {{"dataFormat", "channelsFirst"}}, {1, 2, 4, 4, 3}), (Shape{1, 2, 2, 2, 1}));
  EXPECT_EQ(runShape("ZeroPadding1D", json::object(), {2, 3, 4}), (Shape{2, 5, 4}));
  EXPECT_EQ(runShape("ZeroPadding3D", {{"padding", json::array({1, 2, json::array({0, 3})})}}, {1, 2, 2, 2, 1}),
            (Shape{1, 4, 6, 5, 1}));
  EXPECT_EQ(runShape("UpSampling1D", json::object(), {2, 3, 4}), (Shape{2, 6, 4}));
  EXPECT_EQ(runShape("UpSampling3D", {{"size", json::array({1, 2, 3})}}, {1, 2, 2, 2, 3}), (Shape{1, 2, 4, 6, 3}));
  EXPECT_EQ(runShape("UpSampling3D", {{"dataFormat", "channelsFirst"}}, {1, 3, 1, 2, 1}), (Shape{1, 3, 2, 4, 2}));
  EXPECT_EQ(runShape("GlobalAveragePooling3D", json::object(), {2, 2, 3, 4, 5}), (Shape{2, 5}));
  EXPECT_EQ(runShape("GlobalMaxPooling3D", {{"keepdims", true}, {"dataFormat", "channelsFirst"}}, {2, 5, 2, 3, 4}),
            (Shape{2, 5, 1, 1, 1}));
  EXPECT_EQ(runShape("GlobalAveragePooling2D", {{"keepdims", true}}, {2, 3, 4, 5}), (Shape{2, 1, 1, 5}));
  EXPECT_EQ(runShape("SpatialDropout2D", {{"rate", 0.5}}, {2, 3, 3, 2}), (Shape{2, 3, 3, 2}));
  EXPECT_EQ(runShape("Identity", json::object(), {2, 7}), (Shape{2, 7}));
  EXPECT_EQ(runShape("UnitNormalization", {{"axis", json::array({1, 2})}}, {2, 3, 4}), (Shape{2, 3, 4}));
}

TEST(Keras3Layers, UpSamplingRepeatsAndCroppingSlices) {
  auto up = make("UpSampling1D", {{"size", 2}});
  Tensor y = up->apply(Tensor::fromVector({1, 2, 1}, {1, 2}));
  EXPECT_EQ(y.toVector(), (std::vector<float>{1, 1, 2, 2}));
  auto pad = make("ZeroPadding1D", {{"padding", json::array({2, 1})}});
  EXPECT_EQ(pad->apply(Tensor::fromVector({1, 2, 1}, {1, 2})).toVector(), (std::vector<float>{0, 0, 1, 2, 0}));
  auto crop = make("Cropping1D", {{"cropping", json::array({0, 2})}});
  EXPECT_EQ(crop->apply(Tensor::fromVector({1, 4, 1}, {1, 2, 3, 4})).toVector(), (std::vector<float>{1, 2}));
}

TEST(Keras3Layers, SubtractTakesExactlyTwoInputs) {
  auto s = make("Subtract");
  Tensor a = Tensor::fromVector({1, 2}, {5, 7}), b = Tensor::fromVector({1, 2}, {2, 10});
  EXPECT_EQ(s->applyMany({a, b}).at(0).toVector(), (std::vector<float>{3, -3}));
  EXPECT_NE(errorOf([&] { make("Subtract")->applyMany({a, b, a}); }).find("exactly 2 inputs"), std::string::npos);
}

TEST(Keras3Layers, OneDConvolutionsEqualTheTwoDOpsOnAUnitHeight) {
  Tensor x = randomTensor({2, 7, 3}, -1, 1, 1);
  // SeparableConv1D: depthwise_kernel [k, inC, dm], pointwise_kernel [1, inC * dm, filters], bias.
  auto sep = make("SeparableConv1D", {{"filters", 4}, {"kernelSize", 3}, {"depthMultiplier", 2}, {"dilationRate", 2}});
  sep->ensureBuilt(Shape{-1, 7, 3});
  EXPECT_EQ(weightNames(*sep), (std::vector<std::string>{"depthwise_kernel", "pointwise_kernel", "bias"}));
  EXPECT_EQ(sep->weights()[0]->value().shape(), (Shape{3, 3, 2}));
  EXPECT_EQ(sep->weights()[1]->value().shape(), (Shape{1, 6, 4}));
  sep->weights()[2]->assign(randomTensor({4}, -1, 1, 9));
  Tensor want = squeeze(separableConv2d(expandDims(x, 1), expandDims(sep->weights()[0]->value(), 0),
                                        expandDims(sep->weights()[1]->value(), 0), {1, 1}, Padding::valid(), {1, 2}),
                        {1});
  expectClose(sep->apply(x), add(want, sep->weights()[2]->value()));

  // DepthwiseConv1D: Keras 3 names its kernel 'kernel'.
  auto dw = make("DepthwiseConv1D", {{"kernelSize", 2}, {"depthMultiplier", 3}, {"strides", 2}, {"padding", "same"}});
  dw->ensureBuilt(Shape{-1, 7, 3});
  EXPECT_EQ(weightNames(*dw), (std::vector<std::string>{"kernel", "bias"}));
  EXPECT_EQ(dw->weights()[1]->value().shape(), (Shape{9}));
  dw->weights()[1]->assign(randomTensor({9}, -1, 1, 8));
  want = squeeze(depthwiseConv2d(expandDims(x, 1), expandDims(dw->weights()[0]->value(), 0), {1, 2}, Padding::same()),
                 {1});
  expectClose(dw->apply(x), add(want, dw->weights()[1]->value()));

  // Conv1DTranspose: kernel [k, filters, inC].
  auto tr = make("Conv1DTranspose", {{"filters", 2}, {"kernelSize", 3}, {"strides", 2}});
  tr->ensureBuilt(Shape{-1, 7, 3});
  EXPECT_EQ(weightNames(*tr), (std::vector<std::string>{"kernel", "bias"}));
  EXPECT_EQ(tr->weights()[0]->value().shape(), (Shape{3, 2, 3}));
  want = squeeze(conv2dTranspose(expandDims(x, 1), expandDims(tr->weights()[0]->value(), 0), {2, 1, 15, 2}, {1, 2},
                                 Padding::valid()),
                 {1});
  expectClose(tr->apply(x), want);
  // Keras's default initializers (glorotUniform) where tfjs's Conv2D uses glorotNormal.
  EXPECT_EQ(tr->getConfig()["kernelInitializer"]["config"]["distribution"], "uniform");
  EXPECT_EQ(sep->getConfig()["pointwiseInitializer"]["config"]["distribution"], "uniform");
}

TEST(Keras3Layers, GroupNormalizationMatchesLoops) {
  auto gn = make("GroupNormalization", {{"groups", 2}, {"epsilon", 0.01}});
  Tensor x = randomTensor({2, 3, 4}, -2, 2, 4);
  gn->ensureBuilt(Shape{-1, 3, 4});
  EXPECT_EQ(weightNames(*gn), (std::vector<std::string>{"gamma", "beta"}));
  gn->weights()[0]->assign(Tensor::fromVector({4}, {1, 2, -1, 0.5f}));
  gn->weights()[1]->assign(Tensor::fromVector({4}, {0, 1, 2, -3}));
  auto xv = x.toVector();
  std::vector<float> gamma{1, 2, -1, 0.5f}, beta{0, 1, 2, -3}, want(xv.size());
  for (int b = 0; b < 2; ++b) {
    for (int g = 0; g < 2; ++g) {
      double s = 0, s2 = 0;
      for (int t = 0; t < 3; ++t) {
        for (int c = 2 * g; c < 2 * g + 2; ++c) s += xv[(b * 3 + t) * 4 + c];
      }
      double mean = s / 6;
      for (int t = 0; t < 3; ++t) {
        for (int c = 2 * g; c < 2 * g + 2; ++c) s2 += std::pow(xv[(b * 3 + t) * 4 + c] - mean, 2);
      }
      double inv = 1 / std::sqrt(s2 / 6 + 0.01);
      for (int t = 0; t < 3; ++t) {
        for (int c = 2 * g; c < 2 * g + 2; ++c) {
          int i = (b * 3 + t) * 4 + c;
          want[i] = static_cast<float>((xv[i] - mean) * inv * gamma[c] + beta[c]);
        }
      }
    }
  }
  expectClose(gn->apply(x), Tensor::fromVector({2, 3, 4}, want), 1e-4f);
  {  // inference (the fused batchNorm pass) and under a tape agree
    GradientTape tape;
    expectClose(gn->apply(x), Tensor::fromVector({2, 3, 4}, want), 1e-4f);
  }
  auto g1 = make("GroupNormalization", {{"groups", -1}});
  g1->ensureBuilt(Shape{-1, 5, 3});
  EXPECT_EQ(g1->getConfig()["groups"], 3);  // as Keras: -1 becomes the channel count
}

TEST(Keras3Layers, InputGradientsEqualFiniteDifferences) {
  auto gn = make("GroupNormalization", {{"groups", 2}, {"axis", 1}});
  auto un = make("UnitNormalization", {{"axis", json::array({1, 2})}});
  auto tr = make("Conv1DTranspose", {{"filters", 2}, {"kernelSize", 2}, {"dilationRate", 2}, {"padding", "same"}});
  auto sep = make("SeparableConv1D", {{"filters", 2}, {"kernelSize", 2}, {"strides", 2}, {"dataFormat", "channelsFirst"}});
  auto up = make("UpSampling3D", {{"size", json::array({2, 1, 2})}});
  auto crop = make("Cropping3D", {{"cropping", 1}});
  auto pool = make("GlobalAveragePooling3D", {{"keepdims", true}});
  auto apply = [](std::shared_ptr<Layer> l) { return [l](const std::vector<Tensor>& in) { return l->apply(in[0]); }; };
  checkGradients(apply(gn), {randomTensor({2, 4, 3}, -1, 1, 11)});
  checkGradients(apply(un), {randomTensor({2, 3, 2}, 0.2f, 1, 12)});
  checkGradients(apply(tr), {randomTensor({2, 4, 3}, -1, 1, 13)});
  checkGradients(apply(sep), {randomTensor({1, 3, 6}, -1, 1, 14)});
  checkGradients(apply(up), {randomTensor({1, 2, 2, 1, 2}, -1, 1, 15)});
  checkGradients(apply(crop), {randomTensor({1, 3, 4, 3, 1}, -1, 1, 16)});
  checkGradients(apply(pool), {randomTensor({1, 2, 2, 2, 2}, -1, 1, 17)});
}

TEST(Keras3Layers, BadOptionsThrowNamingTheValue) {
  EXPECT_NE(errorOf([] { make("Cropping3D", {{"cropping", json::array({1, 2})}}); }).find("3 entries"), std::string::npos);
  EXPECT_NE(errorOf([] { make("ZeroPadding1D", {{"padding", -2}}); }).find("non-negative"), std::string::npos);
  EXPECT_NE(errorOf([] { make("Cropping1D", {{"cropping", 3}})->ensureBuilt(Shape{-1, 6, 1}); })
                .find("must be smaller than the input length"),
            std::string::npos);
  EXPECT_NE(errorOf([] { make("GroupNormalization", {{"groups", 3}})->ensureBuilt(Shape{-1, 4}); }).find("multiple"),
            std::string::npos);
  EXPECT_NE(errorOf([] { make("GroupNormalization", {{"axis", 0}})->ensureBuilt(Shape{-1, 4}); }).find("batch axis"),
            std::string::npos);
  EXPECT_NE(errorOf([] { make("UnitNormalization", {{"axis", "x"}}); }).find("Received: axis=\"x\""),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              make("DepthwiseConv1D", {{"kernelSize", 2}, {"strides", 2}, {"dilationRate", 2}});
            }).find("not supported in conjunction"),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              make("Conv1DTranspose", {{"filters", 1}, {"kernelSize", 2}, {"strides", 2}, {"outputPadding", 3}});
            }).find("must be < `strides`"),
            std::string::npos);
  EXPECT_NE(errorOf([] { make("SpatialDropout3D", {{"rate", 0.1}, {"dataFormat", "x"}}); }).find("Invalid dataFormat"),
            std::string::npos);
  EXPECT_NE(errorOf([] { make("GlobalMaxPooling3D", {{"keepdims", 1}}); }).find("keepdims"), std::string::npos);
  EXPECT_NE(errorOf([] { make("ZeroPadding1D", {{"dataFormat", "channelsFirst"}}); }).find("has no dataFormat"),
            std::string::npos);
  EXPECT_NO_THROW(make("UpSampling1D", {{"dataFormat", "channelsLast"}}));
}

}  // namespace
}  // namespace wl

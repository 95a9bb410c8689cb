// Convolutional and pooling layers: output shapes, weights, getConfig defaults,
// gradients (tape vs finite differences) and bad options.
#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

#include "core/tape.h"
#include "layers/layer.h"
#include "ops/ops.h"
#include "ops/shape_ops.h"

namespace wl {
namespace {

using nlohmann::json;

std::shared_ptr<Layer> make(const std::string& cls, const json& cfg) {
  return LayerRegistry::instance().create(cls, cfg);
}

Shape outShape(const std::string& cls, const json& cfg, const Shape& in) {
  auto l = make(cls, cfg);
  l->ensureBuilt(in);
  return l->computeOutputShape(in);
}

std::vector<float> seq(size_t n, float scale = 0.1f) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = scale * static_cast<float>((i * 7919) % 23) - 1.f;
  return v;
}

size_t numel(const Shape& s) {
  size_t n = 1;
  for (auto d : s) n *= d;
  return n;
}

// Runs the layer on a real tensor and checks it agrees with computeOutputShape.
Shape runShape(const std::string& cls, const json& cfg, const Shape& in) {
  auto l = make(cls, cfg);
  Tensor y = l->apply(Tensor::fromVector(in, seq(numel(in))));
  Shape sym = in;
  sym[0] = -1;
  Shape expect = l->computeOutputShape(sym);
  expect[0] = in[0];
  EXPECT_EQ(y.shape(), expect) << cls << " " << cfg.dump();
  return y.shape();
}

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(ConvLayerShapes, Conv2DStridesPaddingDilationDataFormat) {
  EXPECT_EQ(runShape("Conv2D", {{"filters", 4}, {"kernelSize", 3}}, {2, 7, 6, 3}), (Shape{2, 5, 4, 4}));
  EXPECT_EQ(runShape("Conv2D", {{"filters", 4}, {"kernelSize", 3}, {"padding", "same"}}, {2, 7, 6, 3}),
            (Shape{2, 7, 6, 4}));
  EXPECT_EQ(runShape("Conv2D", {{"filters", 2}, {"kernelSize", {3, 2}}, {"strides", 2}}, {1, 7, 6, 3}),
            (Shape{1, 3, 3, 2}));
  EXPECT_EQ(runShape("Conv2D", {{"filters", 2}, {"kernelSize", 3}, {"strides", {2, 3}}, {"padding", "same"}},
                     {1, 7, 8, 3}),
            (Shape{1, 4, 3, 2}));
  EXPECT_EQ(runShape("Conv2D", {{"filters", 2}, {"kernelSize", 3}, {"dilationRate", 2}}, {1, 7, 8, 1}),
            (Shape{1, 3, 4, 2}));
  EXPECT_EQ(runShape("Conv2D", {{"filters", 5}, {"kernelSize", 2}, {"dataFormat", "channelsFirst"}}, {2, 3, 6, 4}),
            (Shape{2, 5, 5, 3}));
  EXPECT_EQ(outShape("Conv2D", {{"filters", 5}, {"kernelSize", 3}}, {-1, -1, -1, 3}), (Shape{-1, -1, -1, 5}));
}

TEST(ConvLayerShapes, Conv1DConv3DAndTransposes) {
  EXPECT_EQ(runShape("Conv1D", {{"filters", 3}, {"kernelSize", 3}}, {2, 9, 2}), (Shape{2, 7, 3}));
  EXPECT_EQ(runShape("Conv1D", {{"filters", 3}, {"kernelSize", 3}, {"strides", 2}, {"padding", "same"}}, {2, 9, 2}),
            (Shape{2, 5, 3}));
  EXPECT_EQ(runShape("Conv1D", {{"filters", 3}, {"kernelSize", 3}, {"padding", "causal"}, {"dilationRate", 2}},
                     {2, 9, 2}),
            (Shape{2, 9, 3}));
  EXPECT_EQ(runShape("Conv3D", {{"filters", 2}, {"kernelSize", 2}}, {1, 4, 5, 6, 3}), (Shape{1, 3, 4, 5, 2}));
  EXPECT_EQ(runShape("Conv3D", {{"filters", 2}, {"kernelSize", {1, 2, 3}}, {"padding", "same"}, {"strides", 2}},
                     {1, 4, 5, 6, 3}),
            (Shape{1, 2, 3, 3, 2}));
  EXPECT_EQ(runShape("Conv3D", {{"filters", 2}, {"kernelSize", 2}, {"dataFormat", "channelsFirst"}}, {1, 3, 4, 5, 6}),
            (Shape{1, 2, 3, 4, 5}));
  EXPECT_EQ(runShape("Conv2DTranspose", {{"filters", 2}, {"kernelSize", 3}, {"strides", 2}}, {1, 4, 5, 3}),
            (Shape{1, 9, 11, 2}));
  EXPECT_EQ(runShape("Conv2DTranspose", {{"filters", 2}, {"kernelSize", 3}, {"strides", 2}, {"padding", "same"}},
                     {1, 4, 5, 3}),
            (Shape{1, 8, 10, 2}));
  EXPECT_EQ(runShape("Conv2DTranspose", {{"filters", 2}, {"kernelSize", 2}, {"dataFormat", "channelsFirst"}},
                     {1, 3, 4, 5}),
            (Shape{1, 2, 5, 6}));
  EXPECT_EQ(runShape("Conv3DTranspose", {{"filters", 2}, {"kernelSize", 2}, {"strides", 2}}, {1, 2, 3, 4, 3}),
            (Shape{1, 4, 6, 8, 2}));
}

TEST(ConvLayerShapes, DepthwiseSeparableAndResampling) {
  EXPECT_EQ(runShape("DepthwiseConv2D", {{"kernelSize", 3}, {"depthMultiplier", 2}}, {2, 5, 6, 3}),
            (Shape{2, 3, 4, 6}));
  EXPECT_EQ(runShape("DepthwiseConv2D", {{"kernelSize", 3}, {"dataFormat", "channelsFirst"}, {"padding", "same"}},
                     {2, 3, 5, 6}),
            (Shape{2, 3, 5, 6}));
  EXPECT_EQ(runShape("SeparableConv2D", {{"filters", 4}, {"kernelSize", 3}, {"depthMultiplier", 2}}, {2, 5, 6, 3}),
            (Shape{2, 3, 4, 4}));
  EXPECT_EQ(runShape("SeparableConv2D", {{"filters", 4}, {"kernelSize", 3}, {"strides", 2}, {"padding", "same"}},
                     {2, 5, 6, 3}),
            (Shape{2, 3, 3, 4}));
  EXPECT_EQ(runShape("ZeroPadding2D", json::object(), {1, 3, 4, 2}), (Shape{1, 5, 6, 2}));
  EXPECT_EQ(runShape("ZeroPadding2D", {{"padding", {{1, 2}, {0, 3}}}, {"dataFormat", "channelsFirst"}}, {1, 2, 3, 4}),
            (Shape{1, 2, 6, 7}));
  EXPECT_EQ(runShape("Cropping2D", {{"cropping", {1, 2}}}, {1, 5, 6, 2}), (Shape{1, 3, 2, 2}));
  EXPECT_EQ(runShape("Cropping2D", {{"cropping", {{1, 0}, {2, 1}}}, {"dataFormat", "channelsFirst"}}, {1, 2, 5, 6}),
            (Shape{1, 2, 4, 3}));
  EXPECT_EQ(runShape("UpSampling2D", json::object(), {1, 3, 4, 2}), (Shape{1, 6, 8, 2}));
  EXPECT_EQ(runShape("UpSampling2D", {{"size", {3, 1}}, {"interpolation", "bilinear"}, {"dataFormat", "channelsFirst"}},
                     {1, 2, 3, 4}),
            (Shape{1, 2, 9, 4}));
}

TEST(ConvLayerValues, ZeroPaddingCroppingUpSamplingByHand) {
  Tensor x = Tensor::fromVector({1, 2, 2, 1}, {1, 2, 3, 4});
  auto zp = make("ZeroPadding2D", {{"padding", {{0, 1}, {1, 0}}}});
  EXPECT_EQ(zp->apply(x).toVector(), (std::vector<float>{0, 1, 2, 0, 3, 4, 0, 0, 0}));
  auto up = make("UpSampling2D", {{"size", {1, 2}}});
  EXPECT_EQ(up->apply(x).toVector(), (std::vector<float>{1, 1, 2, 2, 3, 3, 4, 4}));
  auto cr = make("Cropping2D", {{"cropping", {{1, 0}, {0, 1}}}});
  EXPECT_EQ(cr->apply(x).toVector(), (std::vector<float>{3}));
}

TEST(ConvLayerValues, Conv2DByHandWithBiasAndChannelsFirst) {
  // 1x1 input channel, 2x2 kernel of ones: each output = sum of a 2x2 window + bias.
  auto l = make("Conv2D", {{"filters", 1}, {"kernelSize", 2}, {"activation", "relu"}});
  Tensor x = Tensor::fromVector({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  l->ensureBuilt(x.shape());
  l->weights()[0]->assign(Tensor::fromVector({2, 2, 1, 1}, {1, 1, 1, 1}));
  l->weights()[1]->assign(Tensor::fromVector({1}, {-13}));
  EXPECT_EQ(l->apply(x).toVector(), (std::vector<float>{0, 3, 11, 15}));
  // The same in channelsFirst with 2 filters: [1, 2, 2, 2].
  auto cf = make("Conv2D", {{"filters", 2}, {"kernelSize", 2}, {"dataFormat", "channelsFirst"}});
  cf->ensureBuilt({1, 1, 3, 3});
  cf->weights()[0]->assign(Tensor::fromVector({2, 2, 1, 2}, {1, 0, 1, 0, 1, 0, 1, 1}));
  cf->weights()[1]->assign(Tensor::fromVector({2}, {0, 100}));
  Tensor y = cf->apply(Tensor::fromVector({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(y.shape(), (Shape{1, 2, 2, 2}));
  EXPECT_EQ(y.toVector(), (std::vector<float>{12, 16, 24, 28, 105, 106, 108, 109}));
}

TEST(ConvLayerWeights, NamesShapesAndOrder) {
  struct Case {
    std::string cls;
    json cfg;
    Shape in;
    std::vector<std::string> names;
    std::vector<Shape> shapes;
  };
  std::vector<Case> cases = {
      {"Conv1D", {{"filters", 4}, {"kernelSize", 3}}, {-1, 8, 2}, {"kernel", "bias"}, {{3, 2, 4}, {4}}},
      {"Conv2D", {{"filters", 4}, {"kernelSize", {3, 2}}}, {-1, 8, 8, 2}, {"kernel", "bias"}, {{3, 2, 2, 4}, {4}}},
      {"Conv2D", {{"filters", 4}, {"kernelSize", 3}, {"useBias", false}, {"dataFormat", "channelsFirst"}},
       {-1, 5, 8, 8}, {"kernel"}, {{3, 3, 5, 4}}},
      {"Conv3D", {{"filters", 4}, {"kernelSize", 2}}, {-1, 4, 4, 4, 3}, {"kernel", "bias"}, {{2, 2, 2, 3, 4}, {4}}},
      {"Conv2DTranspose", {{"filters", 4}, {"kernelSize", 3}}, {-1, 4, 4, 3}, {"kernel", "bias"}, {{3, 3, 4, 3}, {4}}},
      {"Conv3DTranspose", {{"filters", 4}, {"kernelSize", 2}}, {-1, 4, 4, 4, 3}, {"kernel", "bias"},
       {{2, 2, 2, 4, 3}, {4}}},
      {"SeparableConv2D", {{"filters", 4}, {"kernelSize", 3}, {"depthMultiplier", 2}}, {-1, 6, 6, 3},
       {"depthwise_kernel", "pointwise_kernel", "bias"}, {{3, 3, 3, 2}, {1, 1, 6, 4}, {4}}},
      {"DepthwiseConv2D", {{"kernelSize", 3}, {"depthMultiplier", 2}}, {-1, 6, 6, 3}, {"depthwise_kernel", "bias"},
       {{3, 3, 3, 2}, {6}}},
  };
  for (const auto& c : cases) {
    auto l = make(c.cls, c.cfg);
    l->ensureBuilt(c.in);
    auto w = l->weights();
    ASSERT_EQ(w.size(), c.names.size()) << c.cls;
    for (size_t i = 0; i < w.size(); ++i) {
      EXPECT_NE(w[i]->name().find(c.names[i]), std::string::npos) << c.cls << ": " << w[i]->name();
      EXPECT_EQ(w[i]->value().shape(), c.shapes[i]) << c.cls << " weight " << i;
    }
  }
  for (const char* cls : {"MaxPooling2D", "AveragePooling2D", "GlobalMaxPooling2D", "GlobalAveragePooling2D"}) {
    auto l = make(cls, json::object());
    l->ensureBuilt({-1, 4, 4, 2});
    EXPECT_TRUE(l->weights().empty()) << cls;
  }
}

TEST(ConvLayerConfig, Defaults) {
  auto c = make("Conv2D", {{"filters", 8}, {"kernelSize", 3}, {"name", "c"}})->getConfig();
  EXPECT_EQ(c["filters"], 8);
  EXPECT_EQ(c["kernelSize"], json({3, 3}));
  EXPECT_EQ(c["strides"], json({1, 1}));
  EXPECT_EQ(c["dilationRate"], json({1, 1}));
  EXPECT_EQ(c["padding"], "valid");
  EXPECT_EQ(c["dataFormat"], "channelsLast");
  EXPECT_EQ(c["activation"], "linear");
  EXPECT_EQ(c["useBias"], true);
  EXPECT_EQ(c["kernelInitializer"]["className"], "VarianceScaling");
  EXPECT_EQ(c["kernelInitializer"]["config"]["distribution"], "normal");
  EXPECT_EQ(c["biasInitializer"]["className"], "Zeros");
  for (const char* k : {"kernelRegularizer", "biasRegularizer", "activityRegularizer", "kernelConstraint",
                        "biasConstraint"}) {
    EXPECT_TRUE(c.contains(k) && c[k].is_null()) << k;
  }
  EXPECT_EQ(c["name"], "c");
  auto c1 = make("Conv1D", {{"filters", 2}, {"kernelSize", 5}})->getConfig();
  EXPECT_FALSE(c1.contains("dataFormat"));
  EXPECT_EQ(c1["kernelSize"], json({5}));
  EXPECT_EQ(c1["dilationRate"], json({1}));
  auto ct = make("Conv2DTranspose", {{"filters", 2}, {"kernelSize", 3}})->getConfig();
  EXPECT_FALSE(ct.contains("dilationRate"));
  auto sc = make("SeparableConv2D", {{"filters", 2}, {"kernelSize", 3}})->getConfig();
  EXPECT_FALSE(sc.contains("kernelInitializer"));
  // tfjs 4.22 drops depthMultiplier (its own save/load then builds the wrong kernels); Keras writes it.
  EXPECT_EQ(sc["depthMultiplier"], 1);
  EXPECT_EQ(sc["depthwiseInitializer"]["config"]["distribution"], "uniform");
  EXPECT_EQ(sc["pointwiseInitializer"]["config"]["distribution"], "uniform");
  auto dc = make("DepthwiseConv2D", {{"kernelSize", 3}})->getConfig();
  EXPECT_EQ(dc["depthMultiplier"], 1);
  EXPECT_FALSE(dc.contains("filters"));
  EXPECT_EQ(dc["depthwiseInitializer"]["config"]["distribution"], "normal");
  auto mp = make("MaxPooling2D", json::object())->getConfig();
  EXPECT_EQ(mp["poolSize"], json({2, 2}));
  EXPECT_EQ(mp["strides"], json({2, 2}));
  EXPECT_EQ(mp["padding"], "valid");
  EXPECT_EQ(mp["dataFormat"], "channelsLast");
  auto mp1 = make("AveragePooling1D", {{"poolSize", 3}})->getConfig();
  EXPECT_EQ(mp1["poolSize"], json({3}));
  EXPECT_EQ(mp1["strides"], json({3}));
  EXPECT_FALSE(mp1.contains("dataFormat"));
  EXPECT_EQ(make("MaxPooling3D", {{"strides", 1}})->getConfig()["strides"], json({1, 1, 1}));
  EXPECT_EQ(make("GlobalAveragePooling2D", json::object())->getConfig()["dataFormat"], "channelsLast");
  EXPECT_FALSE(make("GlobalMaxPooling1D", json::object())->getConfig().contains("dataFormat"));
  auto up = make("UpSampling2D", json::object())->getConfig();
  EXPECT_EQ(up["size"], json({2, 2}));
  EXPECT_EQ(up["interpolation"], "nearest");
  EXPECT_EQ(make("ZeroPadding2D", json::object())->getConfig()["padding"], json({{1, 1}, {1, 1}}));
  EXPECT_EQ(make("Cropping2D", {{"cropping", 2}})->getConfig()["cropping"], json({{2, 2}, {2, 2}}));
}

TEST(PoolingShapes, OneTwoThreeDAndGlobal) {
  EXPECT_EQ(runShape("MaxPooling1D", json::object(), {2, 7, 3}), (Shape{2, 3, 3}));
  EXPECT_EQ(runShape("AveragePooling1D", {{"poolSize", 3}, {"strides", 1}, {"padding", "same"}}, {2, 7, 3}),
            (Shape{2, 7, 3}));
  EXPECT_EQ(runShape("MaxPooling2D", json::object(), {2, 7, 6, 3}), (Shape{2, 3, 3, 3}));
  EXPECT_EQ(runShape("MaxPooling2D", {{"poolSize", 3}, {"strides", 2}, {"padding", "same"}}, {2, 7, 6, 3}),
            (Shape{2, 4, 3, 3}));
  EXPECT_EQ(runShape("AveragePooling2D", {{"poolSize", {2, 3}}, {"dataFormat", "channelsFirst"}}, {2, 3, 7, 6}),
            (Shape{2, 3, 3, 2}));
  EXPECT_EQ(runShape("MaxPooling3D", json::object(), {1, 4, 5, 6, 2}), (Shape{1, 2, 2, 3, 2}));
  EXPECT_EQ(runShape("AveragePooling3D", {{"poolSize", 2}, {"dataFormat", "channelsFirst"}, {"padding", "same"}},
                     {1, 2, 4, 5, 6}),
            (Shape{1, 2, 2, 3, 3}));
  EXPECT_EQ(runShape("GlobalAveragePooling1D", json::object(), {2, 7, 3}), (Shape{2, 3}));
  EXPECT_EQ(runShape("GlobalMaxPooling1D", json::object(), {2, 7, 3}), (Shape{2, 3}));
  EXPECT_EQ(runShape("GlobalAveragePooling2D", json::object(), {2, 4, 5, 3}), (Shape{2, 3}));
  EXPECT_EQ(runShape("GlobalMaxPooling2D", {{"dataFormat", "channelsFirst"}}, {2, 4, 5, 3}), (Shape{2, 4}));
  EXPECT_EQ(outShape("MaxPooling2D", json::object(), {-1, -1, 8, 3}), (Shape{-1, -1, 4, 3}));
}

TEST(PoolingValues, ByHand) {
  Tensor x = Tensor::fromVector({1, 2, 4, 1}, {1, 5, 2, 0, 3, 4, 8, 6});
  EXPECT_EQ(make("MaxPooling2D", json::object())->apply(x).toVector(), (std::vector<float>{5, 8}));
  EXPECT_EQ(make("AveragePooling2D", json::object())->apply(x).toVector(), (std::vector<float>{3.25f, 4}));
  EXPECT_EQ(make("GlobalMaxPooling2D", json::object())->apply(x).toVector(), (std::vector<float>{8}));
  EXPECT_EQ(make("GlobalAveragePooling2D", json::object())->apply(x).toVector(), (std::vector<float>{3.625f}));
  Tensor s = Tensor::fromVector({1, 5, 1}, {1, 3, 2, 7, 4});
  EXPECT_EQ(make("MaxPooling1D", json::object())->apply(s).toVector(), (std::vector<float>{3, 7}));
  EXPECT_EQ(make("AveragePooling1D", {{"strides", 1}})->apply(s).toVector(), (std::vector<float>{2, 2.5f, 4.5f, 5.5f}));
}

// Tape gradient of sum(layer(x) * w) against central finite differences.
void checkGradients(const std::shared_ptr<Layer>& l, const Shape& in) {
  Tensor x = Tensor::fromVector(in, seq(numel(in), 0.13f));
  l->ensureBuilt(in);
  Shape outS = l->computeOutputShape(in);
  outS[0] = in[0];
  Tensor wOut = Tensor::fromVector(outS, seq(numel(outS), 0.07f));
  auto f = [&](const Tensor& xx) { return sum(mul(l->apply(xx), wOut)); };
  std::vector<Tensor> vars{x};
  for (auto& w : l->weights()) vars.push_back(w->value());
  GradientTape tape;
  Tensor loss = f(x);
  auto grads = tape.gradient(loss, vars);
  ASSERT_EQ(grads.size(), vars.size());
  const float eps = 1e-2f;
  // input
  std::vector<float> xv = x.toVector(), gx = grads[0].toVector();
  for (size_t i = 0; i < xv.size(); i += 3) {
    std::vector<float> p = xv, m = xv;
    p[i] += eps;
    m[i] -= eps;
    float num = (f(Tensor::fromVector(in, p)).item() - f(Tensor::fromVector(in, m)).item()) / (2 * eps);
    EXPECT_NEAR(gx[i], num, 2e-2f * std::max(1.f, std::fabs(num))) << l->className() << " dx[" << i << "]";
  }
  // weights
  auto ws = l->weights();
  for (size_t k = 0; k < ws.size(); ++k) {
    std::vector<float> wv = ws[k]->value().toVector(), gw = grads[k + 1].toVector();
    Shape ws0 = ws[k]->value().shape();
    for (size_t i = 0; i < wv.size(); i += 2) {
      std::vector<float> p = wv, m = wv;
      p[i] += eps;
      m[i] -= eps;
      ws[k]->assign(Tensor::fromVector(ws0, p));
      float fp = f(x).item();
      ws[k]->assign(Tensor::fromVector(ws0, m));
      float fm = f(x).item();
      ws[k]->assign(Tensor::fromVector(ws0, wv));
      float num = (fp - fm) / (2 * eps);
      EXPECT_NEAR(gw[i], num, 2e-2f * std::max(1.f, std::fabs(num))) << l->className() << " dw" << k << "[" << i << "]";
    }
  }
}

TEST(ConvLayerGradients, Conv2DMatchesFiniteDifferences) {
  checkGradients(make("Conv2D", {{"filters", 2}, {"kernelSize", 2}, {"strides", {1, 2}}, {"padding", "same"},
                                 {"activation", "tanh"}, {"biasInitializer", "ones"}}),
                 {2, 4, 5, 3});
  checkGradients(make("Conv2D", {{"filters", 2}, {"kernelSize", 2}, {"dataFormat", "channelsFirst"}}), {1, 2, 4, 4});
  checkGradients(make("DepthwiseConv2D", {{"kernelSize", 2}, {"depthMultiplier", 2}}), {1, 4, 4, 2});
  checkGradients(make("Conv2DTranspose", {{"filters", 2}, {"kernelSize", 3}, {"strides", 2}}), {1, 3, 3, 2});
  checkGradients(make("Conv1D", {{"filters", 2}, {"kernelSize", 3}, {"padding", "causal"}}), {2, 6, 2});
  // The cases tfjs cannot differentiate (its parity test compares their values only).
  checkGradients(make("Conv2D", {{"filters", 2}, {"kernelSize", 2}, {"dilationRate", 2}}), {1, 5, 5, 2});
  checkGradients(make("Conv1D", {{"filters", 2}, {"kernelSize", 2}, {"dilationRate", 2}}), {1, 6, 2});
  checkGradients(make("SeparableConv2D", {{"filters", 2}, {"kernelSize", 2}, {"dilationRate", 2}}), {1, 5, 5, 2});
  checkGradients(make("Conv3DTranspose", {{"filters", 2}, {"kernelSize", 2}, {"strides", 2}}), {1, 2, 2, 2, 2});
}

TEST(PoolingGradients, MaxAndAverageMatchFiniteDifferences) {
  checkGradients(make("AveragePooling2D", {{"poolSize", 3}, {"strides", 2}, {"padding", "same"}}), {2, 5, 5, 2});
  checkGradients(make("MaxPooling2D", {{"poolSize", 2}}), {2, 4, 4, 2});
  checkGradients(make("MaxPooling1D", {{"poolSize", 2}, {"strides", 1}}), {2, 5, 2});
  checkGradients(make("GlobalAveragePooling2D", {{"dataFormat", "channelsFirst"}}), {2, 3, 4, 2});
}

TEST(ConvLayerErrors, BadOptionsThrow) {
  EXPECT_EQ(errorOf([] { make("Conv2D", {{"filters", 2}, {"kernelSize", 3}, {"padding", "foo"}}); }),
            "Invalid PaddingMode 'foo': accepted values are 'valid', 'same', 'causal'");
  EXPECT_EQ(errorOf([] { make("Conv2D", {{"filters", 2}, {"kernelSize", 3}, {"dataFormat", "NHWC"}}); }),
            "Invalid DataFormat 'NHWC': accepted values are 'channelsFirst', 'channelsLast'");
  EXPECT_EQ(errorOf([] { make("UpSampling2D", {{"interpolation", "cubic"}}); }),
            "Invalid InterpolationFormat 'cubic': accepted values are 'nearest', 'bilinear'");
  EXPECT_EQ(errorOf([] { make("Conv2D", {{"filters", 0}, {"kernelSize", 3}}); }),
            "Convolution layer expected config.filters to be a 'number' > 0 but got 0");
  EXPECT_EQ(errorOf([] { make("Conv2D", {{"kernelSize", 3}}); }),
            "Convolution layer expected config.filters to be a 'number' > 0 but got undefined");
  EXPECT_EQ(errorOf([] { make("Conv2D", {{"filters", 2}}); }), "required key 'kernelSize' not in config");
  EXPECT_EQ(errorOf([] { make("Conv2D", {{"filters", 2}, {"kernelSize", {1, 2, 3}}}); }),
            "Conv2D expects config.kernelSize to be number or number[] with length 1 or 2, but received [1,2,3].");
  EXPECT_NE(errorOf([] { make("Conv2D", {{"filters", 2}, {"kernelSize", {3, 0}}}); }).find("[3,0]"),
            std::string::npos);
  EXPECT_NE(errorOf([] { make("Conv1D", {{"filters", 2}, {"kernelSize", {3, 3}}}); }).find("[3,3]"),
            std::string::npos);
  EXPECT_NE(errorOf([] { make("Conv2D", {{"filters", 2}, {"kernelSize", 3}, {"padding", "causal"}}); })
                .find("Conv1D only"),
            std::string::npos);
  EXPECT_NE(errorOf([] { make("Conv2DTranspose", {{"filters", 2}, {"kernelSize", 3}, {"padding", "causal"}}); })
                .find("only padding modes 'same' and 'valid'"),
            std::string::npos);
  EXPECT_NE(errorOf([] { make("SeparableConv2D", {{"filters", 2}, {"kernelSize", 3}, {"kernelInitializer", "ones"}}); })
                .find("depthwiseInitializer"),
            std::string::npos);
  EXPECT_THROW(make("Conv2D", {{"filters", 2}, {"kernelSize", 3}, {"activation", "nope"}}), Error);
  EXPECT_THROW(make("Conv2D", {{"filters", 2}, {"kernelSize", 3}, {"dilationRate", {1, 2, 3}}}), Error);
  EXPECT_EQ(errorOf([] { make("MaxPooling2D", {{"padding", "full"}}); }),
            "Invalid PaddingMode 'full': accepted values are 'valid', 'same', 'causal'");
  EXPECT_EQ(errorOf([] { make("MaxPooling2D", {{"strides", {1, 2, 3}}}); }),
            "If the strides property of a 2D pooling layer is an Array, it is expected to have a length of 2, but "
            "received length 3.");
  EXPECT_NE(errorOf([] { make("MaxPooling1D", {{"poolSize", {2, 2}}}); }).find("[2,2]"), std::string::npos);
  EXPECT_NE(errorOf([] { make("AveragePooling2D", {{"poolSize", 0}}); }).find("positive integer"), std::string::npos);
  EXPECT_THROW(make("GlobalAveragePooling2D", {{"dataFormat", "channels_last"}}), Error);
  // Wrong input ranks.
  EXPECT_NE(errorOf([] { make("Conv2D", {{"filters", 2}, {"kernelSize", 3}})->ensureBuilt({-1, 5, 5}); })
                .find("expected ndim=4, found ndim=3"),
            std::string::npos);
  EXPECT_NE(errorOf([] { make("MaxPooling2D", json::object())->ensureBuilt({-1, 5, 5}); }).find("ndim=4"),
            std::string::npos);
  // Channel count fixed after build.
  auto l = make("Conv2D", {{"filters", 2}, {"kernelSize", 1}});
  l->apply(Tensor::zeros({1, 3, 3, 2}));
  EXPECT_EQ(l->apply(Tensor::zeros({1, 5, 4, 2})).shape(), (Shape{1, 5, 4, 2}));  // other spatial sizes are fine
  EXPECT_THROW(l->apply(Tensor::zeros({1, 3, 3, 3})), Error);
}

}  // namespace
}  // namespace wl

namespace wl {
namespace {

// Keras's groups: each group of filters sees its own slice of the input channels, i.e.
// the concatenation of per-group convolutions with the kernel's matching slices.
TEST(ConvLayerGroups, GroupedConvIsPerGroupConvolutionsConcatenated) {
  for (const auto& [cls, in, ks] : std::vector<std::tuple<std::string, Shape, int64_t>>{
           {"Conv2D", {2, 5, 4, 6}, 3}, {"Conv1D", {2, 7, 6}, 2}, {"Conv3D", {1, 3, 3, 3, 6}, 2}}) {
    auto l = make(cls, {{"filters", 4}, {"kernelSize", ks}, {"groups", 2}, {"padding", "same"}, {"biasInitializer", "ones"}});
    Tensor x = Tensor::fromVector(in, seq(numel(in), 0.11f));
    Tensor y = l->apply(x);
    Tensor k = l->weights()[0]->value();
    EXPECT_EQ(k.shape().back(), 4);
    EXPECT_EQ(k.shape()[k.rank() - 2], 3);  // 6 input channels / 2 groups
    json plain = {{"filters", 2}, {"kernelSize", ks}, {"padding", "same"}, {"biasInitializer", "ones"}};
    std::vector<Tensor> parts;
    for (int g = 0; g < 2; ++g) {
      auto p = make(cls, plain);
      Shape gin = in;
      gin.back() = 3;
      p->ensureBuilt(gin);
      Shape begin(k.rank(), 0), size = k.shape();
      begin.back() = 2 * g;
      size.back() = 2;
      p->weights()[0]->assign(slice(k, begin, size));
      Shape xb(in.size(), 0), xs = in;
      xb.back() = 3 * g;
      xs.back() = 3;
      parts.push_back(p->apply(slice(x, xb, xs)));
    }
    Tensor want = concat(parts, static_cast<int>(in.size()) - 1);
    auto a = y.toVector(), b = want.toVector();
    ASSERT_EQ(a.size(), b.size()) << cls;
    for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-5) << cls << " at " << i;
    EXPECT_EQ(l->getConfig()["groups"], 2);
  }
  checkGradients(make("Conv2D", {{"filters", 4}, {"kernelSize", 2}, {"groups", 2}}), {1, 4, 4, 4});
  EXPECT_THROW(make("Conv2D", {{"filters", 3}, {"kernelSize", 1}, {"groups", 2}}), Error);
  EXPECT_THROW(make("Conv2D", {{"filters", 4}, {"kernelSize", 1}, {"groups", 2}})->apply(Tensor::zeros({1, 2, 2, 3})), Error);
  EXPECT_FALSE(make("Conv2D", {{"filters", 4}, {"kernelSize", 1}})->getConfig().contains("groups"));  // as tfjs writes it
}

}  // namespace
}  // namespace wl

// Noise layers, active only in training (tfjs-layers/src/layers/noise.ts):
// GaussianNoise, GaussianDropout, AlphaDropout; and Keras's ActivityRegularization,
// of the same (regularization) family there.
#include <cmath>

#include "kernels/elementwise_ops.h"
#include "layers/core_layers.h"
#include "layers/layer.h"
#include "ops/ops.h"
#include "ops/registry.h"

namespace wl {

namespace {
namespace lo = layer_opts;

Tensor randomNormal(const Shape& shape, double mean, double stddev) {
  return OpRegistry::instance().run("randomNormal", {}, {{"shape", shape}, {"mean", mean}, {"stdDev", stddev}}).at(0);
}
}  // namespace

// GaussianNoise: x + N(0, stddev) in training.
class GaussianNoise : public Layer {
 public:
  explicit GaussianNoise(const nlohmann::json& config) : Layer(config, "GaussianNoise") {
    supportsMasking_ = true;  // as tfjs: the mask passes through
    nlohmann::json s = lo::get(config, "stddev");
    WL_CHECK(s.is_number() && s.get<double>() >= 0,
             "Expected stddev to be a non-negative number, but got " << lo::describe(s));
    stddev_ = s.get<double>();
  }
  std::string className() const override { return "GaussianNoise"; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["stddev"] = stddev_;
    return c;
  }

 protected:
  Tensor call(const Tensor& x, bool training) override {
    if (!training) return x;
    return add(randomNormal(x.shape(), 0.0, stddev_), x);
  }

 private:
  double stddev_;
};

// GaussianDropout: x * N(1, sqrt(rate / (1 - rate))) in training.
class GaussianDropout : public Layer {
 public:
  explicit GaussianDropout(const nlohmann::json& config) : Layer(config, "GaussianDropout") {
    supportsMasking_ = true;  // as tfjs: the mask passes through
    rate_ = lo::rate(config);
  }
  std::string className() const override { return "GaussianDropout"; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["rate"] = rate_;
    return c;
  }

 protected:
  Tensor call(const Tensor& x, bool training) override {
    if (!training || !(rate_ > 0 && rate_ < 1)) return x;
    return mul(x, randomNormal(x.shape(), 1.0, std::sqrt(rate_ / (1 - rate_))));
  }

 private:
  double rate_;
};

// AlphaDropout: keeps SELU's self-normalization: dropped units are set to
// alpha' = -selu_alpha * selu_scale, then the output is scaled by a and shifted by b.
class AlphaDropout : public Layer {
 public:
  explicit AlphaDropout(const nlohmann::json& config) : Layer(config, "AlphaDropout") {
    supportsMasking_ = true;  // as tfjs: the mask passes through
    rate_ = lo::rate(config);
    noiseShape_ = lo::get(config, "noiseShape");
    if (!noiseShape_.is_null()) {
      WL_CHECK(noiseShape_.is_array(), "Expected noiseShape to be an array of dimensions, but got "
                                           << noiseShape_.dump());
      for (const auto& d : noiseShape_) {
        WL_CHECK(d.is_number_integer() && d.get<int64_t>() > 0,
                 "Expected noiseShape to contain positive integers, but got " << noiseShape_.dump());
      }
    }
  }
  std::string className() const override { return "AlphaDropout"; }
  // As tfjs 4.22, the config holds only the rate (noiseShape is not serialized).
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["rate"] = rate_;
    return c;
  }

 protected:
  Tensor call(const Tensor& x, bool training) override {
    if (!training || !(rate_ > 0 && rate_ < 1)) return x;
    Shape ns = noiseShape_.is_null() ? x.shape() : noiseShape_.get<Shape>();
    const double alphaP = -static_cast<double>(kSeluAlpha) * static_cast<double>(kSeluScale);
    Tensor u = OpRegistry::instance().run("randomUniform", {}, {{"shape", ns}}).at(0);
    Tensor kept = cast(binary(BinaryOp::GreaterEqual, u, Tensor::scalar(static_cast<float>(rate_))), DType::Float32);
    const double a = std::pow((1 - rate_) * (1 + rate_ * alphaP * alphaP), -0.5);
    const double b = -a * alphaP * rate_;
    Tensor y = add(mul(x, kept), mul(add(kept, Tensor::scalar(-1.f)), Tensor::scalar(static_cast<float>(alphaP))));
    return add(mul(y, Tensor::scalar(static_cast<float>(a))), Tensor::scalar(static_cast<float>(b)));
  }

 private:
  double rate_;
  nlohmann::json noiseShape_;
};

// ActivityRegularization (Keras): the identity, with an L1L2(l1, l2) activity regularizer
// (the penalty's form, per batch or not, as Layer::applyMany and the loader set it).
class ActivityRegularization : public Layer {
 public:
  explicit ActivityRegularization(const nlohmann::json& config) : Layer(config, "ActivityRegularization") {
    supportsMasking_ = true;
    auto factor = [&](const char* key) {
      const nlohmann::json v = lo::get(config, key);
      WL_CHECK(v.is_null() || (v.is_number() && v.get<double>() >= 0),
               "ActivityRegularization: " << key << " must be a non-negative number, got " << v.dump());
      return v.is_null() ? 0.0 : v.get<double>();
    };
    l1_ = factor("l1");
    l2_ = factor("l2");
    WL_CHECK(lo::get(config, "activityRegularizer").is_null(),
             "ActivityRegularization takes l1 and l2, not an activityRegularizer");
    readActivityRegularizer(config);  // activityRegularizerBatchMean
    activityRegularizer_ = {{"className", "L1L2"}, {"config", {{"l1", l1_}, {"l2", l2_}}}};
  }
  std::string className() const override { return "ActivityRegularization"; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["l1"] = l1_;
    c["l2"] = l2_;
    return c;
  }

 protected:
  Tensor call(const Tensor& x, bool) override { return x; }

 private:
  double l1_, l2_;
};

WL_REGISTER_LAYER(GaussianNoise);
WL_REGISTER_LAYER(ActivityRegularization);
WL_REGISTER_LAYER(GaussianDropout);
WL_REGISTER_LAYER(AlphaDropout);

}  // namespace wl

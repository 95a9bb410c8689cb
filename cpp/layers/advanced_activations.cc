// Advanced activation layers (tfjs-layers/src/layers/advanced_activations.ts):
// ReLU, LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax.
#include <algorithm>

#include "layers/core_layers.h"
#include "layers/initializers.h"
#include "layers/layer.h"
#include "layers/regularizers.h"
#include "ops/ops.h"
#include "ops/registry.h"
#include "ops/shape_ops.h"

namespace wl {

namespace {
namespace lo = layer_opts;
}  // namespace

// ReLU: relu(x), clipped to [0, maxValue] when maxValue is given.
class ReLU : public Layer {
 public:
  explicit ReLU(const nlohmann::json& config) : Layer(config, "ReLU") {
    supportsMasking_ = true;  // as tfjs: the mask passes through
    maxValue_ = lo::get(config, "maxValue");
    WL_CHECK(maxValue_.is_null() || (maxValue_.is_number() && maxValue_.get<double>() >= 0),
             "Expected maxValue to be a non-negative number, but got " << maxValue_.dump());
    // Keras's other two options (tfjs has maxValue only): a converted model writes them.
    negativeSlope_ = lo::number(config, "negativeSlope", 0.0);
    threshold_ = lo::number(config, "threshold", 0.0);
    WL_CHECK(negativeSlope_ >= 0, "ReLU: negativeSlope must be >= 0, got " << negativeSlope_);
  }
  std::string className() const override { return "ReLU"; }
  bool inferenceEpilogue(const Shape&, FusedEpilogue* post) const override {
    if (negativeSlope_ != 0 || threshold_ != 0) return false;
    if (maxValue_.is_null()) post->activation = FusedActivation::Relu;
    else if (maxValue_.get<double>() == 6.0) post->activation = FusedActivation::Relu6;
    else return false;
    return true;
  }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    if (!maxValue_.is_null()) c["maxValue"] = maxValue_;
    if (negativeSlope_ != 0) c["negativeSlope"] = negativeSlope_;
    if (threshold_ != 0) c["threshold"] = threshold_;
    return c;
  }

 protected:
  Tensor call(const Tensor& x, bool) override {
    if (negativeSlope_ != 0 || threshold_ != 0) {
      // Keras's relu(x, negative_slope, max_value, threshold): x from the threshold up (clipped
      // at maxValue), negative_slope * (x - threshold) below it.
      Tensor t = Tensor::scalar(static_cast<float>(threshold_));
      Tensor pos = threshold_ != 0 ? mul(x, cast(binary(BinaryOp::Greater, x, t), DType::Float32)) : relu(x);
      if (!maxValue_.is_null()) pos = clipByValue(pos, 0.f, maxValue_.get<float>());
      if (negativeSlope_ == 0) return pos;
      return sub(pos, mul(Tensor::scalar(static_cast<float>(negativeSlope_)), relu(sub(t, x))));
    }
    if (maxValue_.is_null()) return relu(x);
    // One pass for MobileNet's ReLU(6); the same values and gradient as relu then clip.
    if (maxValue_.get<double>() == 6.0) return unary(UnaryOp::Relu6, x);
    return clipByValue(relu(x), 0.f, maxValue_.get<float>());
  }

 private:
  nlohmann::json maxValue_;
  double negativeSlope_ = 0, threshold_ = 0;
};

// LeakyReLU: x < 0 ? alpha * x : x (alpha 0.3).
class LeakyReLU : public Layer {
 public:
  explicit LeakyReLU(const nlohmann::json& config) : Layer(config, "LeakyReLU") {
    // Keras 3 names it negative_slope.
    alpha_ = lo::number(config, "negativeSlope", lo::number(config, "alpha", 0.3));
  }
  std::string className() const override { return "LeakyReLU"; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["alpha"] = alpha_;
    return c;
  }

 protected:
  Tensor call(const Tensor& x, bool) override { return unary(UnaryOp::LeakyRelu, x, static_cast<float>(alpha_)); }

 private:
  double alpha_;
};

// PReLU: x < 0 ? alpha * x : x with a learned alpha of shape inputShape[1:]
// (1 along sharedAxes).
class PReLU : public Layer {
 public:
  explicit PReLU(const nlohmann::json& config) : Layer(config, "PReLU") {
    supportsMasking_ = true;  // as tfjs: the mask passes through
    init_ = lo::get(config, "alphaInitializer");
    if (init_.is_null()) init_ = "zeros";
    validateInitializer(init_, "alphaInitializer");
    regularizer_ = lo::get(config, "alphaRegularizer");
    validateRegularizer(regularizer_, "alphaRegularizer");
    constraint_ = lo::get(config, "alphaConstraint");
    validateConstraint(constraint_, "alphaConstraint");
    nlohmann::json s = lo::get(config, "sharedAxes");
    if (s.is_number()) s = nlohmann::json::array({s});
    WL_CHECK(s.is_null() || s.is_array(),
             "Expected sharedAxes to be a number or an array of numbers, but got " << s.dump());
    if (s.is_array()) {
      for (const auto& a : s) {
        WL_CHECK(a.is_number_integer() && a.get<int64_t>() >= 1,
                 "Expected sharedAxes to contain positive integers (non-batch axes), but got " << s.dump());
      }
    }
    sharedAxes_ = s;
  }
  std::string className() const override { return "PReLU"; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["alphaInitializer"] = lo::serializeInitializer(init_);
    c["alphaRegularizer"] = serializeRegularizer(regularizer_);
    c["alphaConstraint"] = constraint_;
    c["sharedAxes"] = sharedAxes_;
    return c;
  }

 protected:
  void build(const Shape& in) override {
    Shape param(in.begin() + 1, in.end());
    if (sharedAxes_.is_array()) {
      for (const auto& a : sharedAxes_) {
        int64_t i = a.get<int64_t>();
        WL_CHECK(i >= 1 && i < static_cast<int64_t>(in.size()),
                 "PReLU " << name() << ": sharedAxes " << sharedAxes_.dump() << " is out of range for input shape "
                          << shapeStr(in));
        param[i - 1] = 1;
      }
    }
    for (int64_t d : param) {
      WL_CHECK(d >= 0, "PReLU " << name() << " needs fully known non-batch input dimensions (apart from sharedAxes), got "
                                << shapeStr(in));
    }
    alpha_ = addWeight("alpha", param, init_, true, regularizer_, constraint_);
  }
  Tensor call(const Tensor& x, bool) override { return prelu(x, alpha_->value()); }

 private:
  nlohmann::json init_, regularizer_, constraint_, sharedAxes_;
  std::shared_ptr<Variable> alpha_;
};

// ELU: x < 0 ? exp(x) - 1 : x (tfjs supports only alpha = 1).
class ELU : public Layer {
 public:
  explicit ELU(const nlohmann::json& config) : Layer(config, "ELU") {
    // tfjs 4.22 refuses alpha != 1 ("not supported by the ELU layer yet"); Keras models have it.
    alpha_ = lo::number(config, "alpha", 1.0);
  }
  std::string className() const override { return "ELU"; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["alpha"] = alpha_;
    return c;
  }

 protected:
  Tensor call(const Tensor& x, bool) override {
    if (alpha_ == 1.0) return unary(UnaryOp::Elu, x);
    // Keras: x for x > 0, alpha * (exp(x) - 1) below: relu(x) + alpha * min(elu(x), 0).
    Tensor e = unary(UnaryOp::Elu, x);
    return add(relu(x), mul(Tensor::scalar(static_cast<float>(alpha_)), binary(BinaryOp::Minimum, e, Tensor::scalar(0.f))));
  }

 private:
  double alpha_;
};

// ThresholdedReLU: x * (x > theta) (theta 1).
class ThresholdedReLU : public Layer {
 public:
  explicit ThresholdedReLU(const nlohmann::json& config) : Layer(config, "ThresholdedReLU") {
    theta_ = lo::number(config, "theta", 1.0);
  }
  std::string className() const override { return "ThresholdedReLU"; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["theta"] = theta_;
    return c;
  }

 protected:
  Tensor call(const Tensor& x, bool) override {
    Tensor above = binary(BinaryOp::Greater, x, Tensor::scalar(static_cast<float>(theta_)));
    return mul(x, cast(above, DType::Float32));
  }

 private:
  double theta_;
};

// Softmax over `axis` (tfjs's default is 1; a single axis must be the last one, as
// tfc.softmax) or, for several axes,
// exp(x - logSumExp(x, axes, keepDims)).
class Softmax : public Layer {
 public:
  explicit Softmax(const nlohmann::json& config) : Layer(config, "Softmax") {
    axis_ = lo::get(config, "axis");
    if (axis_.is_null()) axis_ = 1;
    bool ok = axis_.is_number_integer();
    if (axis_.is_array()) {
      ok = !axis_.empty();
      for (const auto& a : axis_) ok = ok && a.is_number_integer();
    }
    WL_CHECK(ok, "Expected axis to be an integer or an array of integers, but got " << axis_.dump());
  }
  std::string className() const override { return "Softmax"; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["axis"] = axis_;
    return c;
  }

 protected:
  void build(const Shape& in) override {
    std::vector<int64_t> axes = axis_.is_array() ? axis_.get<std::vector<int64_t>>()
                                                 : std::vector<int64_t>{axis_.get<int64_t>()};
    int64_t r = static_cast<int64_t>(in.size());
    for (int64_t a : axes) {
      WL_CHECK(a >= -r && a < r, "Softmax " << name() << ": axis " << axis_.dump() << " is out of range for input shape "
                                            << shapeStr(in));
    }
  }
  Tensor call(const Tensor& x, bool) override {
    if (axis_.is_array() && axis_.size() > 1) {
      Tensor lse = OpRegistry::instance().run("logSumExp", {x}, {{"axis", axis_}, {"keepDims", true}}).at(0);
      return exp(sub(x, lse));
    }
    int64_t a = axis_.is_array() ? axis_[0].get<int64_t>() : axis_.get<int64_t>();
    int r = x.rank();
    // As tfc.softmax (so the default axis 1 works for rank-2 inputs only).
    WL_CHECK(a == -1 || a == r - 1, "Softmax along a non-last dimension is not yet supported. Logits was rank "
                                        << r << " and dim was " << a);
    return softmax(x);
  }

 private:
  nlohmann::json axis_;
};

WL_REGISTER_LAYER(ReLU);
WL_REGISTER_LAYER(LeakyReLU);
WL_REGISTER_LAYER(PReLU);
WL_REGISTER_LAYER(ELU);
WL_REGISTER_LAYER(ThresholdedReLU);
WL_REGISTER_LAYER(Softmax);

}  // namespace wl

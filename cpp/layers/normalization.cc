// Normalization layers (tfjs-layers/src/layers/normalization.ts):
//   BatchNormalization: axis (-1), momentum (0.99), epsilon (1e-3), center/scale (true),
//     beta/gamma/movingMean/movingVariance initializers (zeros/ones/zeros/ones),
//     beta/gamma regularizers and constraints. Weights, in tfjs's order: gamma, beta
//     (trainable), moving_mean, moving_variance (non-trainable).
//     Training: normalize with the batch moments (population variance, as
//     tf.moments) and update the moving statistics in place as tfjs does:
//       moving = moving - (moving - batch) * (1 - momentum)
//     (not recorded on the gradient tape). Inference: the moving statistics.
//   LayerNormalization: axis (-1, a number or an array), epsilon (1e-3), center/scale,
//     beta/gamma initializers and regularizers (and Keras's beta/gamma constraints). Weights: gamma, beta.
// Both normalize as tf.batchNorm: (x - mean) * rsqrt(variance + epsilon) * gamma + beta.
// Keras 3's UnitNormalization (axis) and GroupNormalization (groups, axis, epsilon,
// center/scale, beta/gamma initializers, regularizers, constraints; weights gamma, beta),
// which tfjs 4.22 lacks, are here too.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <set>

#include "core/tape.h"
#include "core/json_numbers.h"
#include "layers/initializers.h"
#include "layers/layer.h"
#include "layers/regularizers.h"
#include "ops/conv.h"
#include "ops/ops.h"
#include "ops/registry.h"
#include "layers/core_layers.h"

namespace wl {

namespace {


double numberOpt(const nlohmann::json& config, const char* key, double dflt) {
  nlohmann::json v = layer_opts::get(config, key);
  if (v.is_null()) return dflt;
  WL_CHECK(v.is_number(), "Expected " << key << " to be a number, but got " << v.dump());
  return v.get<double>();
}

bool boolOpt(const nlohmann::json& config, const char* key, bool dflt) {
  nlohmann::json v = layer_opts::get(config, key);
  if (v.is_null()) return dflt;
  WL_CHECK(v.is_boolean(), "Expected " << key << " to be a boolean, but got " << v.dump());
  return v.get<bool>();
}

// `args.xInitializer || 'dflt'` then validated.
nlohmann::json initializerOpt(const nlohmann::json& config, const char* key, const char* dflt) {
  nlohmann::json v = layer_opts::get(config, key);
  if (v.is_null() || (v.is_string() && v.get<std::string>().empty())) v = dflt;
  validateInitializer(v, key);
  return v;
}

nlohmann::json regularizerOpt(const nlohmann::json& config, const char* key) {
  nlohmann::json v = layer_opts::get(config, key);
  validateRegularizer(v, key);
  return v;
}

nlohmann::json constraintOpt(const nlohmann::json& config, const char* key) {
  nlohmann::json v = layer_opts::get(config, key);
  validateConstraint(v, key);
  return v;
}

// tfjs's serializeInitializer of a name: {"className": "Zeros", "config": {}}.
nlohmann::json serializeInit(const nlohmann::json& spec) {
  if (!spec.is_string()) return spec;
  std::string n = spec.get<std::string>();
  nlohmann::json cfg = nlohmann::json::object();
  if (n == "randomUniform") cfg = {{"minval", -0.05}, {"maxval", 0.05}};
  if (n == "randomNormal" || n == "truncatedNormal") cfg = {{"mean", 0.0}, {"stddev", 0.05}};
  if (n == "constant") cfg = {{"value", 0.0}};
  if (!n.empty()) n[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(n[0])));
  return {{"className", n}, {"config", cfg}};
}

// tf.batchNorm: (x - mean) * rsqrt(variance + epsilon) * scale + offset (all broadcast).
// center/scale and the beta/gamma options of BatchNormalization, LayerNormalization
// and GroupNormalization. tfjs's LayerNormalization has no beta/gamma constraints
// (Keras's has): there they apply when given and appear in the config only then.
struct AffineOptions {
  bool center, scale, constraintsInConfig;
  nlohmann::json betaInitializer, gammaInitializer, betaRegularizer, gammaRegularizer, betaConstraint, gammaConstraint;

  AffineOptions(const nlohmann::json& config, bool alwaysWriteConstraints)
      : center(boolOpt(config, "center", true)),
        scale(boolOpt(config, "scale", true)),
        constraintsInConfig(alwaysWriteConstraints),
        betaInitializer(initializerOpt(config, "betaInitializer", "zeros")),
        gammaInitializer(initializerOpt(config, "gammaInitializer", "ones")),
        betaRegularizer(regularizerOpt(config, "betaRegularizer")),
        gammaRegularizer(regularizerOpt(config, "gammaRegularizer")),
        betaConstraint(constraintOpt(config, "betaConstraint")),
        gammaConstraint(constraintOpt(config, "gammaConstraint")) {}

  void write(nlohmann::json& c) const {
    c["center"] = center;
    c["scale"] = scale;
    c["betaInitializer"] = serializeInit(betaInitializer);
    c["gammaInitializer"] = serializeInit(gammaInitializer);
    c["betaRegularizer"] = serializeRegularizer(betaRegularizer);
    c["gammaRegularizer"] = serializeRegularizer(gammaRegularizer);
    if (constraintsInConfig || !betaConstraint.is_null()) c["betaConstraint"] = betaConstraint;
    if (constraintsInConfig || !gammaConstraint.is_null()) c["gammaConstraint"] = gammaConstraint;
  }
};

Tensor batchNormCompose(const Tensor& x, const Tensor& mean, const Tensor& variance, const Tensor& offset,
                        const Tensor& scale, float epsilon) {
  // No gradient to record (predict): the op's one-pass kernel.
  if (inferenceMode()) return batchNorm(x, mean, variance, offset, scale, epsilon);
  Tensor inv = unary(UnaryOp::Rsqrt, add(variance, Tensor::scalar(epsilon)));
  Tensor y = mul(sub(x, mean), inv);
  if (scale.defined()) y = mul(y, scale);
  if (offset.defined()) y = add(y, offset);
  return y;
}

}  // namespace

// ---- BatchNormalization ------------------------------------------------------------

class BatchNormalization : public Layer {
 public:
  explicit BatchNormalization(const nlohmann::json& config)
      : Layer(config, "BatchNormalization"), a_(config, /*alwaysWriteConstraints=*/true) {
    supportsMasking_ = true;  // as tfjs: the mask passes through
    nlohmann::json axis = layer_opts::get(config, "axis");
    if (!axis.is_null()) {
      WL_CHECK(isIntNumber(axis), "Expected axis to be an integer, but got " << axis.dump());
      axis_ = static_cast<int>(axis.get<double>());
    }
    momentum_ = numberOpt(config, "momentum", 0.99);
    epsilon_ = numberOpt(config, "epsilon", 1e-3);
    WL_CHECK(epsilon_ >= 0, "Expected epsilon to be a non-negative number, but got " << epsilon_);
    movingMeanInitializer_ = initializerOpt(config, "movingMeanInitializer", "zeros");
    movingVarianceInitializer_ = initializerOpt(config, "movingVarianceInitializer", "ones");
  }

  std::string className() const override { return "BatchNormalization"; }

  Shape computeOutputShape(const Shape& inputShape) const override { return inputShape; }

  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["axis"] = axis_;
    c["momentum"] = momentum_;
    c["epsilon"] = epsilon_;
    a_.write(c);
    c["movingMeanInitializer"] = serializeInit(movingMeanInitializer_);
    c["movingVarianceInitializer"] = serializeInit(movingVarianceInitializer_);
    return c;
  }

 protected:
  int resolveAxis(int rank) const {
    int a = axis_ >= 0 ? axis_ : axis_ + rank;
    WL_CHECK(a >= 0 && a < rank, "BatchNormalization: axis " << axis_ << " is out of range for an input of rank "
                                                             << rank);
    return a;
  }

  void build(const Shape& inputShape) override {
    int rank = static_cast<int>(inputShape.size());
    int axis = resolveAxis(rank);
    int64_t dim = inputShape[axis];
    WL_CHECK(dim >= 0, "Axis " << axis << " of input tensor should have a defined dimension but the layer received "
                                  "an input with shape "
                               << shapeToJson(inputShape).dump() << ".");
    Shape shape = {dim};
    if (a_.scale) gamma_ = addWeight("gamma", shape, a_.gammaInitializer, true, a_.gammaRegularizer, a_.gammaConstraint);
    if (a_.center) beta_ = addWeight("beta", shape, a_.betaInitializer, true, a_.betaRegularizer, a_.betaConstraint);
    movingMean_ = addWeight("moving_mean", shape, movingMeanInitializer_, false);
    movingVariance_ = addWeight("moving_variance", shape, movingVarianceInitializer_, false);
  }

  // At inference over the last axis: x * s + (beta - movingMean * s), with
  // s = gamma / sqrt(movingVariance + epsilon), for the producer's epilogue.
  bool inferenceEpilogue(const Shape& in, FusedEpilogue* post) const override {
    const int ndim = static_cast<int>(in.size());
    if (ndim < 2 || resolveAxis(ndim) != ndim - 1 || !movingMean_) return false;
    // Folded once per weight version (predict after predict reuses them).
    const BatchNormAffine f = batchNormAffine(movingMean_->value(), movingVariance_->value(),
                                              beta_ ? beta_->value() : Tensor(), gamma_ ? gamma_->value() : Tensor(),
                                              static_cast<float>(epsilon_));
    post->scale = f.scale;
    post->bias = f.bias;
    post->activation = FusedActivation::Linear;
    return true;
  }

  Tensor call(const Tensor& input, bool training) override {
    int ndim = input.rank();
    int axis = resolveAxis(ndim);
    Shape broadcastShape(ndim, 1);
    broadcastShape[axis] = input.shape()[axis];
    auto bc = [&](const std::shared_ptr<Variable>& v) {
      return v ? reshape(v->value(), broadcastShape) : Tensor();
    };
    const float eps = static_cast<float>(epsilon_);
    Tensor x = cast(input, DType::Float32);
    if (!training) {
      return batchNormCompose(x, bc(movingMean_), bc(movingVariance_), bc(beta_), bc(gamma_), eps);
    }
    std::vector<int> reductionAxes;
    for (int i = 0; i < ndim; ++i) {
      if (i != axis) reductionAxes.push_back(i);
    }
    nlohmann::json axesJson = reductionAxes;
    std::vector<Tensor> mv = OpRegistry::instance().run("moments", {x}, {{"axes", axesJson}, {"keepDims", true}});
    Tensor normed = batchNormCompose(x, mv[0], mv[1], bc(beta_), bc(gamma_), eps);
    {
      // The moving-average update is a side effect: never on the tape.
      PausedTape paused;
      const Shape paramShape = {broadcastShape[axis]};
      Tensor decay = Tensor::scalar(static_cast<float>(1.0 - momentum_));
      auto update = [&](const std::shared_ptr<Variable>& var, const Tensor& batchValue) {
        Tensor orig = var->value();
        Tensor delta = mul(sub(orig, reshape(batchValue, paramShape)), decay);
        var->assign(sub(orig, delta));
      };
      update(movingMean_, mv[0]);
      update(movingVariance_, mv[1]);
    }
    return normed;
  }

 private:
  int axis_ = -1;
  double momentum_, epsilon_;
  AffineOptions a_;
  nlohmann::json movingMeanInitializer_, movingVarianceInitializer_;
  std::shared_ptr<Variable> gamma_, beta_, movingMean_, movingVariance_;
};

// ---- LayerNormalization ------------------------------------------------------------

class LayerNormalization : public Layer {
 public:
  explicit LayerNormalization(const nlohmann::json& config)
      : Layer(config, "LayerNormalization"), a_(config, /*alwaysWriteConstraints=*/false) {
    supportsMasking_ = true;  // as tfjs: the mask passes through
    nlohmann::json axis = layer_opts::get(config, "axis");
    auto isInt = [](const nlohmann::json& v) { return isIntNumber(v); };
    if (axis.is_null()) {
      axisJson_ = -1;
      axes_ = {-1};
    } else if (axis.is_number()) {
      WL_CHECK(isInt(axis), "Expected axis to be an integer, but received " << axis.dump());
      axisJson_ = static_cast<int>(axis.get<double>());
      axes_ = {static_cast<int>(axis.get<double>())};
    } else if (axis.is_array()) {
      for (const auto& a : axis) {
        WL_CHECK(isInt(a), "Expected axis to be an array of integers, but received " << axis.dump());
        axes_.push_back(static_cast<int>(a.get<double>()));
      }
      axisJson_ = axes_;
    } else {
      throw Error("Expected axis to be an integer or an array of integers, but received " + axis.dump());
    }
    epsilon_ = numberOpt(config, "epsilon", 1e-3);
    // Keras 3's rms_scaling: x * rsqrt(var(x) + epsilon) * gamma, no beta (Keras takes the
    // centred variance but leaves x uncentred; its layer_normalization op computes that).
    const nlohmann::json rms = layer_opts::get(config, "rmsScaling");
    WL_CHECK(rms.is_null() || rms.is_boolean(), "LayerNormalization: rmsScaling must be a boolean, got " << rms.dump());
    rmsScaling_ = rms.is_boolean() && rms.get<bool>();
  }

  std::string className() const override { return "LayerNormalization"; }
  Shape computeOutputShape(const Shape& inputShape) const override { return inputShape; }

  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["axis"] = axisJson_;  // as tfjs: the option before build, the resolved array after
    c["epsilon"] = epsilon_;
    a_.write(c);
    if (rmsScaling_) c["rmsScaling"] = true;  // tfjs has no such option: written only when on
    return c;
  }

 protected:
  void build(const Shape& inputShape) override {
    int nDims = static_cast<int>(inputShape.size());
    std::vector<int> resolved = axes_;
    for (int& a : resolved) {
      if (a < 0) a += nDims;
    }
    for (int a : resolved) WL_CHECK(a >= 0 && a < nDims, "Invalid axis: " << a);
    std::set<int> unique(resolved.begin(), resolved.end());
    if (unique.size() != resolved.size()) {
      std::ostringstream os;
      for (size_t i = 0; i < resolved.size(); ++i) os << (i ? "," : "") << resolved[i];
      throw Error("Found duplicate axes in: " + os.str());
    }
    Shape paramShape;
    for (int a : resolved) {
      WL_CHECK(inputShape[a] >= 0, "LayerNormalization: axis " << a << " of the input shape "
                                                               << shapeToJson(inputShape).dump()
                                                               << " must be defined");
      paramShape.push_back(inputShape[a]);
    }
    axes_ = resolved;
    axisJson_ = resolved;
    if (a_.scale || rmsScaling_) {
      gamma_ = addWeight("gamma", paramShape, a_.gammaInitializer, true, a_.gammaRegularizer, a_.gammaConstraint);
    }
    if (a_.center && !rmsScaling_) {
      beta_ = addWeight("beta", paramShape, a_.betaInitializer, true, a_.betaRegularizer, a_.betaConstraint);
    }
  }

  Tensor call(const Tensor& input, bool /*training*/) override {
    Tensor x = cast(input, DType::Float32);
    int nDims = x.rank();
    nlohmann::json axesJson = axes_;
    std::vector<Tensor> mv = OpRegistry::instance().run("moments", {x}, {{"axes", axesJson}, {"keepDims", true}});
    Shape broadcastShape(nDims, 1);
    for (int a : axes_) broadcastShape[a] = x.shape()[a];
    auto bc = [&](const std::shared_ptr<Variable>& v) {
      if (!v) return Tensor();
      return v->value().rank() != nDims ? reshape(v->value(), broadcastShape) : v->value();
    };
    if (rmsScaling_) {
      Tensor eps = Tensor::scalar(static_cast<float>(epsilon_));
      return mul(div(x, sqrt(add(mv[1], eps))), bc(gamma_));
    }
    return batchNormCompose(x, mv[0], mv[1], bc(beta_), bc(gamma_), static_cast<float>(epsilon_));
  }

 private:
  nlohmann::json axisJson_;
  std::vector<int> axes_;
  double epsilon_;
  bool rmsScaling_ = false;
  AffineOptions a_;
  std::shared_ptr<Variable> gamma_, beta_;
};

// ---- UnitNormalization (Keras 3) ---------------------------------------------------
// x / sqrt(max(sum(x^2 over axis), 1e-12)); axis -1, an integer or a list.

namespace {
// An axis option given as an integer or a list of integers (whole numbers, any JSON
// number type); nullopt for anything else. Null is the caller's (its default).
std::optional<std::vector<int>> intOrIntList(const nlohmann::json& v) {
  auto isInt = [](const nlohmann::json& x) {
    return x.is_number() && std::fabs(x.get<double>()) < 1e9 && x.get<double>() == std::floor(x.get<double>());
  };
  if (isInt(v)) return std::vector<int>{static_cast<int>(v.get<double>())};
  if (!v.is_array()) return std::nullopt;
  std::vector<int> out;
  for (const auto& a : v) {
    if (!isInt(a)) return std::nullopt;
    out.push_back(static_cast<int>(a.get<double>()));
  }
  return out;
}
}  // namespace

class UnitNormalization : public Layer {
 public:
  explicit UnitNormalization(const nlohmann::json& config) : Layer(config, "UnitNormalization") {
    supportsMasking_ = true;
    nlohmann::json axis = layer_opts::get(config, "axis");
    if (axis.is_null()) {
      axisJson_ = -1;
    } else {
      const auto axes = intOrIntList(axis);
      WL_CHECK(axes, "Invalid value for `axis` argument: expected an int or a list/tuple of ints. Received: axis="
                         << axis.dump());
      axisJson_ = axis.is_array() ? nlohmann::json(*axes) : nlohmann::json((*axes)[0]);
    }
  }
  std::string className() const override { return "UnitNormalization"; }
  Shape computeOutputShape(const Shape& in) const override {
    resolve(static_cast<int>(in.size()));
    return in;
  }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["axis"] = axisJson_;
    return c;
  }

 protected:
  void build(const Shape& in) override { resolve(static_cast<int>(in.size())); }
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, "Layer " << name() << " expects 1 input, but it received " << shapes.size()
                                          << " input tensors.");
    resolve(static_cast<int>(shapes[0].size()));
  }
  Tensor call(const Tensor& input, bool) override {
    Tensor x = cast(input, DType::Float32);
    Tensor squares = sum(mul(x, x), resolve(x.rank()), true);
    return mul(x, unary(UnaryOp::Rsqrt, maximum(squares, Tensor::scalar(1e-12f))));
  }

 private:
  std::vector<int> resolve(int rank) const {
    std::vector<int> axes = axisJson_.is_array() ? axisJson_.get<std::vector<int>>()
                                                 : std::vector<int>{axisJson_.get<int>()};
    std::set<int> seen;
    for (int& a : axes) {
      WL_CHECK(a >= -rank && a < rank, "UnitNormalization " << name() << ": axis " << a
                                                            << " is out of bounds for an input of rank " << rank);
      if (a < 0) a += rank;
      WL_CHECK(seen.insert(a).second, "UnitNormalization " << name() << ": duplicate axis " << a);
    }
    return axes;
  }
  nlohmann::json axisJson_;
};

// ---- RMSNormalization (Keras 3) ----------------------------------------------------
// x / sqrt(mean(x^2 over axis) + epsilon) * scale; axis -1 (an integer or a list of the
// trailing axes, so that `scale`, shaped as those dims, broadcasts as Keras multiplies
// it), epsilon 1e-6. Weight: scale (ones), Keras's name.

class RMSNormalization : public Layer {
 public:
  explicit RMSNormalization(const nlohmann::json& config) : Layer(config, "RMSNormalization") {
    supportsMasking_ = true;
    nlohmann::json axis = layer_opts::get(config, "axis");
    if (axis.is_null()) {
      axes_ = {-1};
    } else {
      const auto axes = intOrIntList(axis);
      WL_CHECK(axes && !axes->empty(), "RMSNormalization: axis must be an integer or a list of integers, got "
                                           << axis.dump());
      axes_ = *axes;
    }
    axisJson_ = axis.is_array() ? nlohmann::json(axes_) : nlohmann::json(axes_[0]);
    epsilon_ = numberOpt(config, "epsilon", 1e-6);
  }
  std::string className() const override { return "RMSNormalization"; }
  Shape computeOutputShape(const Shape& in) const override {
    resolve(static_cast<int>(in.size()));
    return in;
  }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["axis"] = axisJson_;  // as Keras: the resolved, sorted list after build
    c["epsilon"] = epsilon_;
    return c;
  }

 protected:
  void build(const Shape& in) override {
    std::vector<int> axes = resolve(static_cast<int>(in.size()));
    Shape shape;
    for (int a : axes) {
      WL_CHECK(in[a] > 0, "RMSNormalization " << name() << ": axis " << a << " of the input shape " << shapeStr(in)
                                               << " must be defined");
      shape.push_back(in[a]);
    }
    axisJson_ = axes;
    scale_ = addWeight("scale", shape, "ones");
  }
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, "Layer " << name() << " expects 1 input, but it received " << shapes.size()
                                          << " input tensors.");
    resolve(static_cast<int>(shapes[0].size()));
  }
  Tensor call(const Tensor& input, bool) override {
    Tensor x = cast(input, DType::Float32);
    std::vector<int> axes = resolve(x.rank());
    Tensor ms = mean(mul(x, x), axes, true);
    return mul(div(x, sqrt(add(ms, Tensor::scalar(static_cast<float>(epsilon_))))), scale_->value());
  }

 private:
  // The axes, non-negative and sorted; they must be the input's last ones.
  std::vector<int> resolve(int rank) const {
    std::vector<int> axes = axes_;
    for (int& a : axes) {
      WL_CHECK(a >= -rank && a < rank, "RMSNormalization " << name() << ": axis " << a
                                                           << " is out of bounds for an input of rank " << rank);
      if (a < 0) a += rank;
    }
    std::sort(axes.begin(), axes.end());
    axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
    for (size_t i = 0; i < axes.size(); ++i) {
      WL_CHECK(axes[i] == rank - static_cast<int>(axes.size()) + static_cast<int>(i) && axes[i] > 0,
               "RMSNormalization " << name() << ": axis " << nlohmann::json(axes_).dump()
                                   << " must be the input's last axes (Keras multiplies by scale, shaped as "
                                      "those dims, by broadcasting)");
    }
    return axes;
  }
  std::vector<int> axes_;
  nlohmann::json axisJson_;
  double epsilon_;
  std::shared_ptr<Variable> scale_;
};

// ---- GroupNormalization (Keras 3) --------------------------------------------------
// The channels of `axis` (-1) split into `groups` (32; -1 = one per channel); each
// sample is normalized over each group's channels and every other non-batch axis:
// (x - mean) * rsqrt(variance + epsilon) * gamma + beta, the population variance (as
// Keras's ops.moments). Weights, in Keras's order: gamma, beta (shape [channels]).

class GroupNormalization : public Layer {
 public:
  explicit GroupNormalization(const nlohmann::json& config)
      : Layer(config, "GroupNormalization"), a_(config, /*alwaysWriteConstraints=*/true) {
    supportsMasking_ = true;  // as Keras: the mask passes through
    auto intOpt = [&](const char* key, int dflt) {
      nlohmann::json v = layer_opts::get(config, key);
      if (v.is_null()) return dflt;
      WL_CHECK(v.is_number() && std::fabs(v.get<double>()) < 1e9 && v.get<double>() == std::floor(v.get<double>()),
               "Expected " << key << " to be an integer, but got " << v.dump());
      return static_cast<int>(v.get<double>());
    };
    groups_ = intOpt("groups", 32);
    WL_CHECK(groups_ >= 1 || groups_ == -1,
             "Expected groups to be a positive integer or -1 (one group per channel), but got " << groups_);
    axis_ = intOpt("axis", -1);
    epsilon_ = numberOpt(config, "epsilon", 1e-3);
  }

  std::string className() const override { return "GroupNormalization"; }
  Shape computeOutputShape(const Shape& in) const override {
    resolve(static_cast<int>(in.size()));
    return in;
  }

  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["groups"] = groups_;  // as Keras: -1 becomes the channel count once built
    c["axis"] = axis_;
    c["epsilon"] = epsilon_;
    a_.write(c);
    return c;
  }

 protected:
  void build(const Shape& in) override {
    const int a = resolve(static_cast<int>(in.size()));
    const int64_t dim = in[a];
    WL_CHECK(dim >= 0, "Axis " << axis_ << " of input tensor should have a defined dimension but the layer received "
                                  "an input with shape "
                               << shapeToJson(in).dump() << ".");
    const int64_t groups = groups_ == -1 ? dim : groups_;
    WL_CHECK(dim >= groups,
             "Number of groups (" << groups << ") cannot be more than the number of channels (" << dim << ").");
    WL_CHECK(dim % groups == 0,
             "Number of groups (" << groups << ") must be a multiple of the number of channels (" << dim << ").");
    groups_ = static_cast<int>(groups);
    if (a_.scale) gamma_ = addWeight("gamma", {dim}, a_.gammaInitializer, true, a_.gammaRegularizer, a_.gammaConstraint);
    if (a_.center) beta_ = addWeight("beta", {dim}, a_.betaInitializer, true, a_.betaRegularizer, a_.betaConstraint);
  }
  // Keras's InputSpec(ndim, axes={axis: dim}).
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, "Layer " << name() << " expects 1 input, but it received " << shapes.size()
                                          << " input tensors.");
    const Shape& s = shapes[0];
    WL_CHECK(s.size() == builtInputShape().size(), "Input 0 is incompatible with layer "
                                                       << name() << ": expected ndim=" << builtInputShape().size()
                                                       << ", found ndim=" << s.size());
    const int a = resolve(static_cast<int>(s.size()));
    WL_CHECK(s[a] < 0 || s[a] == builtInputShape()[a], "Input 0 is incompatible with layer "
                                                           << name() << ": expected axis " << a
                                                           << " of input shape to have value "
                                                           << builtInputShape()[a] << " but got shape "
                                                           << shapeStr(s) << ".");
  }

  Tensor call(const Tensor& input, bool /*training*/) override {
    Tensor x = cast(input, DType::Float32);
    const int rank = x.rank(), a = resolve(rank);
    const int64_t dim = x.dim(a);
    // [.., dim, ..] -> [.., groups, dim / groups, ..]
    Shape grouped = x.shape();
    grouped[a] = dim / groups_;
    grouped.insert(grouped.begin() + a, groups_);
    Tensor g = reshape(x, grouped);
    std::vector<int> reduce;
    for (int i = 1; i <= rank; ++i) {
      if (i != a) reduce.push_back(i);
    }
    nlohmann::json axesJson = reduce;
    std::vector<Tensor> mv = OpRegistry::instance().run("moments", {g}, {{"axes", axesJson}, {"keepDims", true}});
    Shape paramShape(rank + 1, 1);
    paramShape[a] = groups_;
    paramShape[a + 1] = dim / groups_;
    auto bc = [&](const std::shared_ptr<Variable>& v) { return v ? reshape(v->value(), paramShape) : Tensor(); };
    Tensor y = batchNormCompose(g, mv[0], mv[1], bc(beta_), bc(gamma_), static_cast<float>(epsilon_));
    return reshape(y, x.shape());
  }

 private:
  // The channel axis, resolved against the input rank (not the batch axis).
  int resolve(int rank) const {
    WL_CHECK(axis_ >= -rank && axis_ < rank,
             "Axis " << axis_ << " is out of bounds for input shape of rank " << rank
                     << ". Ensure axis is within the range of input dimensions.");
    const int a = axis_ < 0 ? axis_ + rank : axis_;
    WL_CHECK(a >= 1, "GroupNormalization " << name() << ": axis " << axis_ << " is the batch axis");
    return a;
  }
  int groups_, axis_;
  double epsilon_;
  AffineOptions a_;
  std::shared_ptr<Variable> gamma_, beta_;
};

WL_REGISTER_LAYER(BatchNormalization);
WL_REGISTER_LAYER(LayerNormalization);
WL_REGISTER_LAYER(UnitNormalization);
WL_REGISTER_LAYER(RMSNormalization);
WL_REGISTER_LAYER(GroupNormalization);

}  // namespace wl

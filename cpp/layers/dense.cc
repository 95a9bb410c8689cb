#include "layers/dense.h"

#include "layers/activations.h"
#include "layers/initializers.h"
#include "layers/regularizers.h"
#include "ops/ops.h"

namespace wl {

Dense::Dense(const nlohmann::json& config) : Layer(config, "Dense") {
    supportsMasking_ = true;  // as tfjs: the mask passes through
  const nlohmann::json& units = config.contains("units") ? config["units"] : nlohmann::json();
  WL_CHECK(units.is_number_integer() && units.get<int64_t>() > 0,
           "Expected units to be a positive integer, but got " << (units.is_null() ? "undefined" : units.dump())
                                                                << ".");
  units_ = units.get<int64_t>();
  activation_ = "linear";
  if (config.contains("activation") && !config["activation"].is_null()) {
    WL_CHECK(config["activation"].is_string(), "activation must be a string, got " << config["activation"].dump());
    activation_ = config["activation"].get<std::string>();
  }
  validateActivation(activation_);
  useBias_ = config.contains("useBias") && config["useBias"].is_boolean() ? config["useBias"].get<bool>() : true;
  kernelOptions_ = WeightOptions(config, "kernel", "glorotNormal");
  biasOptions_ = WeightOptions(config, "bias", "zeros");
  readActivityRegularizer(config);
  const nlohmann::json rank = config.contains("loraRank") ? config["loraRank"] : nlohmann::json();
  if (!rank.is_null()) {
    WL_CHECK(rank.is_number_integer() && rank.get<int64_t>() > 0,
             "Dense: loraRank must be a positive integer, got " << rank.dump());
    loraRank_ = rank.get<int64_t>();
    WL_CHECK(kernelOptions_.constraint.is_null(),
             "Lora is incompatible with kernel constraints. In order to enable lora on this layer, remove the "
             "`kernelConstraint` argument.");
  }
  const nlohmann::json alpha = config.contains("loraAlpha") ? config["loraAlpha"] : nlohmann::json();
  WL_CHECK(alpha.is_null() || alpha.is_number(), "Dense: loraAlpha must be a number, got " << alpha.dump());
  WL_CHECK(alpha.is_null() || loraRank_ > 0, "Dense: loraAlpha is given without loraRank");
  loraAlpha_ = alpha.is_number() ? alpha.get<double>() : static_cast<double>(loraRank_);
}

Shape Dense::computeOutputShape(const Shape& inputShape) const {
  Shape out = inputShape;
  out.back() = units_;
  return out;
}

void Dense::checkInputShapes(const std::vector<Shape>& shapes) const {
  WL_CHECK(shapes.size() == 1, "Layer " << name() << " expects 1 input, but it received " << shapes.size()
                                        << " input tensors.");
  const Shape& in = shapes[0];
  const int64_t inputDim = builtInputShapes().at(0).back();
  WL_CHECK(in.size() >= 2, "Input 0 is incompatible with layer " << name() << ": expected min_ndim=2, found ndim="
                                                                 << in.size());
  WL_CHECK(in.back() < 0 || in.back() == inputDim,
           "Input 0 is incompatible with layer " << name() << ": expected axis -1 of input shape to have value "
                                                 << inputDim << " but got shape " << shapeStr(in) << ".");
}

void Dense::build(const Shape& inputShape) {
  WL_CHECK(inputShape.size() >= 2 && inputShape.back() > 0,
           "Dense layer " << name() << " needs an input of rank >= 2 with a known last dimension, got "
                          << shapeStr(inputShape));
  kernel_ = addWeight("kernel", {inputShape.back(), units_}, kernelOptions_.initializer, loraRank_ == 0,
                      kernelOptions_.regularizer, kernelOptions_.constraint);
  if (useBias_) {
    bias_ = addWeight("bias", {units_}, biasOptions_);
  }
  if (loraRank_ > 0) {
    loraA_ = addWeight("lora_kernel_a", {inputShape.back(), loraRank_}, "heUniform", true, kernelOptions_.regularizer);
    loraB_ = addWeight("lora_kernel_b", {loraRank_, units_}, "zeros", true, kernelOptions_.regularizer);
  }
}

Tensor Dense::product(const Tensor& x, const FusedEpilogue& post) {
  // x is (B, ..., in): flatten the leading dims, multiply, restore them.
  Tensor x2 = x.rank() == 2 ? x : reshape(x, {-1, x.dim(-1)});
  Tensor kernel = kernel_->value();
  if (loraRank_ > 0) {
    Tensor scale = Tensor::scalar(static_cast<float>(loraAlpha_ / static_cast<double>(loraRank_)));
    kernel = add(kernel, mul(scale, matMul(loraA_->value(), loraB_->value())));
  }
  Tensor y = fusedMatMul(x2, kernel, false, false, post);
  return x.rank() == 2 ? y : reshape(y, computeOutputShape(x.shape()));
}

Tensor Dense::call(const Tensor& x, bool /*training*/) {
  FusedEpilogue own;
  if (ownEpilogue(useBias_ ? bias_->value() : Tensor(), activation_, &own)) return product(x, own);
  return applyActivation(activation_, product(x, own));
}

Tensor Dense::applyFused(const Tensor& x, const FusedEpilogue& post) {
  FusedEpilogue own;
  if (!ownEpilogue(useBias_ ? bias_->value() : Tensor(), activation_, &own) ||
      own.activation != FusedActivation::Linear) {
    return Tensor();
  }
  return product(x, composeEpilogues(own, post));
}

nlohmann::json Dense::getConfig() const {
  nlohmann::json c = Layer::getConfig();
  c["units"] = units_;
  c["activation"] = activation_;
  c["useBias"] = useBias_;
  kernelOptions_.write(c, "kernel");
  biasOptions_.write(c, "bias");
  c["activityRegularizer"] = serializeRegularizer(activityRegularizer_);
  if (loraRank_ > 0) {  // as Keras: written only when on (tfjs has no LoRA)
    c["loraRank"] = loraRank_;
    c["loraAlpha"] = loraAlpha_;
  }
  return c;
}

WL_REGISTER_LAYER(Dense);

}  // namespace wl

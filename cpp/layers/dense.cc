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
  lora_.read(config, "Dense", kernelOptions_.constraint, "kernelConstraint");
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
  const Shape k = {inputShape.back(), units_};
  kernel_ = addWeight("kernel", k, kernelOptions_.initializer, !lora_.on(), kernelOptions_.regularizer,
                      kernelOptions_.constraint);
  if (useBias_) {
    bias_ = addWeight("bias", {units_}, biasOptions_);
  }
  if (lora_.on()) {
    lora_.a = addWeight("lora_kernel_a", lora_.aShape(k), "heUniform", true, kernelOptions_.regularizer);
    lora_.b = addWeight("lora_kernel_b", lora_.bShape(k), "zeros", true, kernelOptions_.regularizer);
  }
}

Tensor Dense::product(const Tensor& x, const FusedEpilogue& post) {
  // x is (B, ..., in): flatten the leading dims, multiply, restore them.
  Tensor x2 = x.rank() == 2 ? x : reshape(x, {-1, x.dim(-1)});
  Tensor y = fusedMatMul(x2, lora_.adapt(kernel_->value()), false, false, post);
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
  lora_.write(c);
  return c;
}

WL_REGISTER_LAYER(Dense);

}  // namespace wl

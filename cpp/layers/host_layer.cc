#include "layers/host_layer.h"

#include "core/error.h"
#include "layers/initializers.h"
#include "layers/regularizers.h"

namespace wl {

HostLayer::HostLayer(std::string className, const nlohmann::json& config, HostLayerHooks hooks)
    : Layer(config, className), className_(std::move(className)), hooks_(std::move(hooks)) {
  WL_CHECK(!className_.empty(), "A custom layer needs a class name (static get className())");
  WL_CHECK(hooks_.build && hooks_.call && hooks_.computeOutputShapes && hooks_.getConfig,
           "HostLayer " << className_ << ": every hook must be set");
}

std::vector<Shape> HostLayer::computeOutputShapes(const std::vector<Shape>& inputShapes) const {
  return hooks_.computeOutputShapes(inputShapes);
}

std::vector<std::shared_ptr<Variable>> HostLayer::weights() const {
  std::vector<std::shared_ptr<Variable>> out, frozen;
  for (const auto& w : Layer::weights()) (w->trainable() ? out : frozen).push_back(w);
  out.insert(out.end(), frozen.begin(), frozen.end());
  return out;
}

std::shared_ptr<Variable> HostLayer::addHostWeight(const std::string& weightName, const Shape& shape,
                                                   const nlohmann::json& initializer, bool trainable,
                                                   const nlohmann::json& regularizer, const nlohmann::json& constraint) {
  for (int64_t d : shape) WL_CHECK(d >= 0, "addWeight " << weightName << ": the shape must be fully defined, got " << shapeStr(shape));
  validateInitializer(initializer, "addWeight initializer");
  if (!regularizer.is_null()) validateRegularizer(regularizer, "addWeight regularizer");
  if (!constraint.is_null()) validateConstraint(constraint, "addWeight constraint");
  return addWeight(weightName, shape, initializer, trainable, regularizer, constraint);
}

std::vector<Tensor> HostLayer::callMany(const std::vector<Tensor>& xs, bool training) {
  std::vector<Tensor> out = hooks_.call(xs, training);
  WL_CHECK(!out.empty(), className_ << ".call() returned no tensors");
  return out;
}

std::vector<Tensor> HostLayer::computeMask(const std::vector<Tensor>&, const std::vector<Tensor>& masks) const {
  WL_CHECK(!anyMask(masks), "Layer " << name() << " (" << className_
                                     << ") was passed an inputMask, but custom layers do not receive masks in "
                                        "wasm-layers yet; put the layer before the Embedding(maskZero)/Masking layer "
                                        "or after the layer that consumes the mask (an RNN).");
  return {};
}

}  // namespace wl

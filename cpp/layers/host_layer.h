// HostLayer: a layer whose build(), call(), computeOutputShape() and getConfig()
// are written in the host language: JavaScript subclasses of tf.layers.Layer
// (js/src/layers.js), wired in by bindings/. The engine treats it as any other
// layer: applying it records a Node, its weights are engine Variables created
// through addWeight(), and its call() composes engine ops, so the gradient tape
// sees every op and training updates its weights.
//
// The hooks report failure by throwing wl::Error (the binding turns a host
// exception into one), so C++ unwinds normally and the engine stays usable.
// Not in the LayerRegistry: the host creates these from its own class registry.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "layers/layer.h"

namespace wl {

struct HostLayerHooks {
  std::function<void(const std::vector<Shape>& inputShapes)> build;
  std::function<std::vector<Tensor>(const std::vector<Tensor>& inputs, bool training)> call;
  std::function<std::vector<Shape>(const std::vector<Shape>& inputShapes)> computeOutputShapes;
  std::function<nlohmann::json()> getConfig;  // the whole config (the host adds baseConfig())
};

class HostLayer : public Layer {
 public:
  // config: the options every layer shares (name, inputShape, trainable, dtype...).
  HostLayer(std::string className, const nlohmann::json& config, HostLayerHooks hooks);

  std::string className() const override { return className_; }
  nlohmann::json getConfig() const override { return hooks_.getConfig(); }
  // Layer::getConfig(): what the host's base class getConfig() returns.
  nlohmann::json baseConfig() const { return Layer::getConfig(); }
  std::vector<Shape> computeOutputShapes(const std::vector<Shape>& inputShapes) const override;
  // tfjs's order: trainable weights first, whatever order addWeight() saw.
  std::vector<std::shared_ptr<Variable>> weights() const override;

  // The host's build() creates its weights through this (Layer::addWeight).
  std::shared_ptr<Variable> addHostWeight(const std::string& weightName, const Shape& shape,
                                          const nlohmann::json& initializer, bool trainable,
                                          const nlohmann::json& regularizer, const nlohmann::json& constraint);

  // Masks do not reach custom layers yet: one handed a mask throws (even with
  // supportsMasking set in JS) rather than computing over the padding.
  std::vector<Tensor> computeMask(const std::vector<Tensor>& inputs, const std::vector<Tensor>& masks) const override;

  // The host's call() itself, without the build and shape checks of apply(): an RNN
  // runs a custom cell built for [batch, features] on [x, ...states] each step.
  std::vector<Tensor> callHost(const std::vector<Tensor>& xs, bool training) { return callMany(xs, training); }

 protected:
  void buildMany(const std::vector<Shape>& inputShapes) override { hooks_.build(inputShapes); }
  std::vector<Tensor> callMany(const std::vector<Tensor>& xs, bool training) override;

 private:
  std::string className_;
  HostLayerHooks hooks_;
};

}  // namespace wl

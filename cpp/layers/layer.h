// Layer: the base of every tf.layers.* class (tfjs-layers/src/engine/topology.ts).
//
// A layer is created from its tfjs config (lowerCamelCase JSON), builds its weights
// on first use from the input shape, and computes its output by composing ops; it
// never holds gradient code. Layers register by class name (the key model.json
// uses) with WL_REGISTER_LAYER at the bottom of their file.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "layers/variable.h"

namespace wl {

class Layer {
 public:
  // Reads the options every layer shares: name, inputShape, batchInputShape,
  // batchSize, trainable, dtype. `className` names the auto-generated name.
  Layer(const nlohmann::json& config, const std::string& className);
  virtual ~Layer() = default;

  virtual std::string className() const = 0;
  // Output shape for an input shape; -1 for unknown (batch) dims.
  virtual Shape computeOutputShape(const Shape& inputShape) const = 0;
  // tfjs's getConfig(): lowerCamelCase keys with tfjs's defaults filled in.
  virtual nlohmann::json getConfig() const;

  // Builds on first call (checking the input shape), then runs call().
  Tensor apply(const Tensor& x, bool training = false);
  void ensureBuilt(const Shape& inputShape);

  const std::string& name() const { return name_; }
  bool built() const { return built_; }
  bool trainable() const { return trainable_; }
  const std::optional<Shape>& batchInputShape() const { return batchInputShape_; }
  const std::vector<std::shared_ptr<Variable>>& weights() const { return weights_; }
  int64_t countParams() const;

 protected:
  virtual void build(const Shape& inputShape) = 0;
  virtual Tensor call(const Tensor& x, bool training) = 0;
  std::shared_ptr<Variable> addWeight(const std::string& weightName, const Shape& shape,
                                      const nlohmann::json& initializer, bool trainable = true);
  // The input shape the layer was built with (batch dim -1).
  const Shape& builtInputShape() const { return builtInputShape_; }

 private:
  std::string name_;
  bool trainable_ = true;
  bool built_ = false;
  std::optional<Shape> batchInputShape_;
  Shape builtInputShape_;
  std::vector<std::shared_ptr<Variable>> weights_;
};

using LayerFactory = std::function<std::shared_ptr<Layer>(const nlohmann::json& config)>;

// Layer classes by className ("Dense"), as tfjs's serialization registry.
class LayerRegistry {
 public:
  static LayerRegistry& instance();
  void add(const std::string& className, LayerFactory factory);  // duplicate = Error
  std::shared_ptr<Layer> create(const std::string& className, const nlohmann::json& config) const;

 private:
  std::map<std::string, LayerFactory> factories_;
};

// tfjs's auto names: "dense_Dense1" = snake_case(className) + "_" + className + counter.
std::string autoLayerName(const std::string& className);
std::string toSnakeCase(const std::string& name);

}  // namespace wl

#define WL_REGISTER_LAYER(ClassName)                                                            \
  static const bool wl_layer_registered_##ClassName = (::wl::LayerRegistry::instance().add(    \
      #ClassName, [](const nlohmann::json& c) { return std::make_shared<ClassName>(c); }),     \
                                                       true)

// Layer: the base of every tf.layers.* class (tfjs-layers/src/engine/topology.ts).
//
// A layer is created from its tfjs config (lowerCamelCase JSON), builds its
// weights on first use from the input shape(s), and computes its output by
// composing ops; it never holds gradient code. Layers register by class name
// (the key model.json uses) with WL_REGISTER_LAYER at the bottom of their file.
//
// Most layers take one input and give one output: they override build(),
// call() and computeOutputShape(). Multi-input layers (merge) override the
// *Many variants instead. Applying a layer to SymbolicTensors records a Node:
// the graph functional models are made of (models/model.h).
//
// Masks (tfjs/Keras): a mask marks the valid timesteps of a sequence, a bool
// tensor [batch, steps] (undefined = no mask). Embedding(maskZero) and Masking
// make one (computeMask); layers with supportsMasking pass it on (or combine,
// as merge layers); RNNs receive it in callMasked and skip the masked steps. A
// layer without supportsMasking that is handed a mask throws instead of
// silently computing over the padding.
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
#include "ops/ops.h"

namespace wl {

struct WeightOptions;  // layers/weight_options.h

class Layer;
struct Node;

// An output of a Node: a placeholder with a shape (batch dim -1), no values.
struct SymbolicTensor {
  std::shared_ptr<Node> node;
  int index = 0;
  Shape shape;
  std::string name;  // e.g. "dense_Dense1/dense_Dense1:0" style names are not needed; tfjs-like "input1"
};

// One application of a layer to symbolic inputs (tfjs's Node).
struct Node {
  std::shared_ptr<Layer> layer;
  std::vector<SymbolicTensor> inputs;
  std::vector<Shape> outputShapes;
  // Keyword call arguments besides the inputs (Keras's mha(q, v, use_causal_mask=True)),
  // as the layer accepted them (Layer::setCallArgs); null = none.
  nlohmann::json callArgs;
};

class Layer : public std::enable_shared_from_this<Layer> {
 public:
  // Reads the options every layer shares: name, inputShape, batchInputShape,
  // batchSize, trainable, dtype. `className` names the auto-generated name.
  Layer(const nlohmann::json& config, const std::string& className);
  virtual ~Layer() = default;

  virtual std::string className() const = 0;
  // tfjs's getConfig(): lowerCamelCase keys with tfjs's defaults filled in.
  virtual nlohmann::json getConfig() const;

  // Single input/output layers override these three...
  virtual Shape computeOutputShape(const Shape& inputShape) const;
  // ...multi-input/output layers these (the defaults forward to the above).
  virtual std::vector<Shape> computeOutputShapes(const std::vector<Shape>& inputShapes) const;

  // Builds on first call (checking the input shapes), then runs call() (callMasked
  // when some input has a mask: one entry per input, undefined = none).
  Tensor apply(const Tensor& x, bool training = false);
  std::vector<Tensor> applyMany(const std::vector<Tensor>& xs, bool training = false,
                                const std::vector<Tensor>& masks = {});
  // What a graph runs for a node: the outputs, and in *outMasks the output masks
  // (computeMask's, checked before the call so an unsupported mask fails fast).
  // A Model overrides it to run its graph once for both.
  virtual std::vector<Tensor> applyWithMasks(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                             bool training, std::vector<Tensor>* outMasks);
  // tfjs's computeMask(inputs, mask): the output masks (one per output; an empty
  // list or undefined entries = none). The default: a layer with supportsMasking
  // carries its first input's mask; one without throws if any mask is defined.
  virtual std::vector<Tensor> computeMask(const std::vector<Tensor>& inputs, const std::vector<Tensor>& masks) const;
  bool supportsMasking() const { return supportsMasking_; }
  // Records a Node and returns its symbolic outputs (building the layer if needed).
  std::vector<SymbolicTensor> applySymbolic(const std::vector<SymbolicTensor>& xs,
                                            const nlohmann::json& callArgs = nullptr);
  // Keyword call arguments (lowerCamelCase) for the calls and shape inference that
  // follow (a graph sets its node's before running it; null or {} = the defaults).
  // Layers that take none (all but the attention family) throw on any.
  void setCallArgs(const nlohmann::json& args);
  const nlohmann::json& callArgs() const { return callArgs_; }
  // Keras's activity_regularizer (a regularizer spec, null = none): while an ActivityLosses
  // collects, each call adds penalty(output) / batch size per output (tf.keras's form), or
  // penalty(output) itself with activityRegularizerBatchMean false (Keras 3's form: the
  // loader sets it for Keras 3 models).
  const nlohmann::json& activityRegularizer() const { return activityRegularizer_; }
  void ensureBuilt(const std::vector<Shape>& inputShapes);
  // Throws when a built layer cannot take inputs of these shapes (a model inferring
  // shapes through its layers for other input shapes).
  void checkCompatible(const std::vector<Shape>& inputShapes) const {
    if (built_) checkInputShapes(inputShapes);
  }
  void ensureBuilt(const Shape& inputShape) { ensureBuilt(std::vector<Shape>{inputShape}); }

  const std::string& name() const { return name_; }
  // The dtype option (tfjs: given, or float32 where an input shape is given; empty otherwise).
  const std::string& dtype() const { return dtype_; }
  bool built() const { return built_; }
  bool trainable() const { return trainable_; }
  // As tfjs's `layer.trainable = t`: sets the flag and the trainable flag of the
  // weights the layer declared trainable (a model: those of its direct layers).
  virtual void setTrainable(bool trainable);
  // Flips the weights this layer declared trainable, leaving its own flag (a
  // containing model's setTrainable, as tfjs's Container does).
  void setDeclaredWeightsTrainable(bool trainable);
  const std::optional<Shape>& batchInputShape() const { return batchInputShape_; }
  // Weights in tfjs's order; a model returns those of all its layers.
  virtual std::vector<std::shared_ptr<Variable>> weights() const { return weights_; }
  // As tfjs: none while the layer is not trainable; else the weights flagged trainable.
  virtual std::vector<std::shared_ptr<Variable>> trainableWeights() const;
  virtual std::vector<std::shared_ptr<Variable>> nonTrainableWeights() const;
  int64_t countParams() const;
  // Sum of the regularization penalties of this layer's weights (undefined if none).
  virtual Tensor regularizationLoss() const;
  // Applies weight constraints after an optimizer step.
  virtual void applyConstraints();
  // tfjs's resetStates(states?) of a stateful layer (recurrent layers and their
  // Bidirectional); `states` empty = zeros. Other layers throw.
  virtual void resetStates(const std::vector<Tensor>& states);
  // Its current states (undefined entries before the first call); others throw.
  virtual std::vector<Tensor> currentStates() const;
  const std::vector<Shape>& builtInputShapes() const { return builtInputShapes_; }

  // Inference fusion (a Model run without a tape, as in predict): a producer layer
  // takes the per-channel maps of the layers right after it (a BatchNormalization, a
  // ReLU) into its kernel's epilogue, so their passes over the output disappear.
  // applyFused: this layer's output followed by `post`, or undefined if it cannot.
  virtual Tensor applyFused(const Tensor& x, const FusedEpilogue& post);
  // A follower: its inference on an input of shape `in` as a per-channel map, or false.
  virtual bool inferenceEpilogue(const Shape& in, FusedEpilogue* post) const;
  // Nodes created by applySymbolic, in order (a shared layer has several); a
  // node's index here is the node index model.json's inbound_nodes refer to.
  size_t numInboundNodes() const { return inboundNodes_.size(); }
  int nodeIndex(const Node* node) const;
  // Records `node` as this layer's (InputLayer's own node).
  void addInboundNode(const std::shared_ptr<Node>& node) { inboundNodes_.push_back(node); }
  // The graph as tfjs exposes it (layer.output, inboundNodes, outboundNodes): node
  // k's outputs (empty if that node is gone), and the live nodes that read this
  // layer's outputs.
  std::vector<SymbolicTensor> nodeOutputs(size_t k) const;
  std::vector<std::shared_ptr<Node>> outboundNodes() const;
  // The name of output i of this layer's node k ("dense_1/dense_1:0", as tfjs).
  std::string symbolicName(size_t nodeIndex, int i) const;

 protected:
  virtual void build(const Shape& inputShape);
  virtual void buildMany(const std::vector<Shape>& inputShapes);
  virtual Tensor call(const Tensor& x, bool training);
  virtual std::vector<Tensor> callMany(const std::vector<Tensor>& xs, bool training);
  // call() with input masks (some defined). The default: layers that support masking
  // compute as without (the mask only flows on through computeMask); others throw.
  virtual std::vector<Tensor> callMasked(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                         bool training);
  // Throws tfjs's/Keras's error if any mask is defined.
  void rejectMasks(const std::vector<Tensor>& masks) const;
  // Input shapes must match exactly (apart from the batch dim) unless overridden.
  virtual void checkInputShapes(const std::vector<Shape>& shapes) const;
  std::shared_ptr<Variable> addWeight(const std::string& weightName, const Shape& shape,
                                      const nlohmann::json& initializer, bool trainable = true,
                                      const nlohmann::json& regularizer = nullptr,
                                      const nlohmann::json& constraint = nullptr);
  // A trainable weight with a layer option's initializer, regularizer and constraint.
  std::shared_ptr<Variable> addWeight(const std::string& weightName, const Shape& shape, const WeightOptions& options);
  const Shape& builtInputShape() const { return builtInputShapes_.at(0); }
  // Checks keyword call arguments (a non-empty object); the default throws.
  virtual void checkCallArgs(const nlohmann::json& args) const;
  nlohmann::json callArgs_;  // the current ones (setCallArgs); null = none
  bool supportsMasking_ = false;  // set by the classes tfjs marks supportsMasking
  // Reads and validates config's activityRegularizer (the layers that take one call it).
  void readActivityRegularizer(const nlohmann::json& config);
  nlohmann::json activityRegularizer_;
  bool activityBatchMean_ = true;

 private:
  struct WeightExtras {
    nlohmann::json regularizer, constraint;
    bool declaredTrainable;  // tfjs's _trainableWeights membership: what setTrainable flips
  };
  std::string name_;
  bool trainable_ = true;
  bool built_ = false;
  std::optional<Shape> batchInputShape_;
  std::string dtype_;  // as tfjs: set when given, or 'float32' when an input shape is given
  std::vector<Shape> builtInputShapes_;
  std::vector<std::shared_ptr<Variable>> weights_;
  std::vector<WeightExtras> extras_;
  std::vector<std::weak_ptr<Node>> inboundNodes_;
  std::vector<std::weak_ptr<Node>> outboundNodes_;
};

// True if any of the masks is defined.
bool anyMask(const std::vector<Tensor>& masks);

// The activity regularizers' penalties of the calls made while one is alive (a model's
// training and evaluation steps open one); nested scopes stack, the innermost collects.
class ActivityLosses {
 public:
  ActivityLosses();
  ~ActivityLosses();
  ActivityLosses(const ActivityLosses&) = delete;
  ActivityLosses& operator=(const ActivityLosses&) = delete;
  static ActivityLosses* current();
  void add(const Tensor& penalty) { losses_.push_back(penalty); }
  Tensor total() const;  // undefined when none was added

 private:
  std::vector<Tensor> losses_;
  ActivityLosses* outer_;
};

using LayerFactory = std::function<std::shared_ptr<Layer>(const nlohmann::json& config)>;

// Layer classes by className ("Dense"), as tfjs's serialization registry.
class LayerRegistry {
 public:
  static LayerRegistry& instance();
  void add(const std::string& className, LayerFactory factory);  // duplicate = Error
  std::shared_ptr<Layer> create(const std::string& className, const nlohmann::json& config) const;
  std::vector<std::string> classNames() const;

 private:
  std::map<std::string, LayerFactory> factories_;
};

// While on, addWeight() leaves new weights' values unset instead of running their
// initializers (tfjs's fastWeightInitDuringBuild): a model being loaded gets every
// value from the weight files right after (a strict load, else it is disposed), and
// random draws, then zero fills, were most of the load time.
void setFastWeightInit(bool on);
bool fastWeightInit();

// setWeights for a layer or a model: checks the count and every shape before
// assigning any, so a bad list changes nothing. `owner` names it in errors.
void assignWeights(const std::vector<std::shared_ptr<Variable>>& vars, const std::vector<Tensor>& values,
                   const std::string& owner);

// tfjs's auto names: "dense_Dense1" = snake_case(className) + "_" + className + counter.
std::string autoLayerName(const std::string& className);
std::string toSnakeCase(const std::string& name);
// Parses a shape option (numbers or null) from a config.
Shape parseShapeOption(const nlohmann::json& j, const char* option);
nlohmann::json shapeToJson(const Shape& s);

}  // namespace wl

#define WL_REGISTER_LAYER(ClassName)                                                            \
  static const bool wl_layer_registered_##ClassName = (::wl::LayerRegistry::instance().add(    \
      #ClassName, [](const nlohmann::json& c) { return std::make_shared<ClassName>(c); }),     \
                                                       true)

// Models: InputLayer, the functional Model (a graph of layer applications,
// tfjs-layers/src/engine/container.ts + training.ts) and Sequential (a Model
// built as a chain by add()). A Model is a Layer, so models nest.
//
// One class, two files, as tfjs splits container.ts from training.ts: model.cc is
// the graph (build, run, weights, topology, Sequential); training.cc the trainer:
// compile() resolves optimizer, losses and metrics; trainOnBatch() runs one step
// entirely in C++ (forward, loss, backward, update, constraints). The epoch/batch
// loop is in JS (js/src/training.js) so the page breathes between batches.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "layers/layer.h"
#include "training/losses.h"
#include "training/metrics.h"
#include "training/optimizer.h"

namespace wl {

// tf.layers.inputLayer / the layer behind tf.input(): passes its input through.
class InputLayer : public Layer {
 public:
  explicit InputLayer(const nlohmann::json& config);
  std::string className() const override { return "InputLayer"; }
  nlohmann::json getConfig() const override;
  // Its node: no inputs, one output of batchInputShape. The node holds the layer,
  // so the layer only observes it (weak): no ownership cycle.
  SymbolicTensor output();
  // tf.input's dtype (Layer::dtype()): what the model says it takes (getConfig, model.json,
  // SymbolicTensor.dtype); values are fed as given, as tfjs feeds them.

 private:
  std::weak_ptr<Node> node_;
};

// tf.input({shape, batchShape, name, dtype}).
SymbolicTensor makeInput(const nlohmann::json& config);

class Model : public Layer {
 public:
  Model(const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& outputs,
        const nlohmann::json& config);
  std::string className() const override { return "Model"; }
  nlohmann::json getConfig() const override;

  const std::vector<std::shared_ptr<Layer>>& layers() const { return layers_; }
  const std::vector<SymbolicTensor>& inputs() const { return inputs_; }
  const std::vector<SymbolicTensor>& outputs() const { return outputs_; }
  std::vector<std::string> inputNames() const;
  std::vector<std::string> outputNames() const;
  std::vector<std::shared_ptr<Variable>> weights() const override;
  // tfjs's Container: the layers' trainable weights (none while the model is not
  // trainable), then the rest.
  std::vector<std::shared_ptr<Variable>> trainableWeights() const override;
  std::vector<std::shared_ptr<Variable>> nonTrainableWeights() const override;
  void setTrainable(bool trainable) override;
  Tensor regularizationLoss() const override;
  void applyConstraints() override;
  std::vector<Shape> computeOutputShapes(const std::vector<Shape>& inputShapes) const override;

  // Runs the graph on concrete inputs (one per model input, in order).
  std::vector<Tensor> execute(const std::vector<Tensor>& inputs, bool training);
  // As execute, with input masks (one per input, undefined = none); *outMasks, if
  // given, receives the output masks (undefined where an output has none).
  std::vector<Tensor> executeMasked(const std::vector<Tensor>& inputs, const std::vector<Tensor>& masks,
                                    bool training, std::vector<Tensor>* outMasks);
  // Masks flow through the graph (tfjs's runInternalGraph): a nested model hands
  // its inner layers the masks it receives and passes its outputs' masks on.
  std::vector<Tensor> applyWithMasks(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks, bool training,
                                     std::vector<Tensor>* outMasks) override;
  std::vector<Tensor> computeMask(const std::vector<Tensor>& inputs, const std::vector<Tensor>& masks) const override;
  std::vector<Tensor> predict(const std::vector<Tensor>& inputs);
  // Intermediate outputs by layer name ("dense_1", or "dense_1:1" for a second output).
  std::vector<Tensor> executeTo(const std::vector<Tensor>& inputs, const std::vector<std::string>& outputNames);

  // config: {"optimizer", "loss": name | [names] | {outputName: name}, "metrics": [..] | {..}}
  void compile(const nlohmann::json& config);
  // As compile(), training with an optimizer the caller shares (tf.train.* objects keep their state).
  void compile(const nlohmann::json& config, std::shared_ptr<Optimizer> optimizer);
  bool compiled() const { return optimizer_ != nullptr; }
  // The user's loss and metric functions (JS, tfjs's custom losses/metrics) that the
  // next compile() refers to as {"hostFn": index, "name": name} in place of a name.
  void setHostFunctions(std::vector<LossFn> fns) { hostFns_ = std::move(fns); }
  Optimizer* optimizer() const { return optimizer_.get(); }
  std::shared_ptr<Optimizer> optimizerShared() const { return optimizer_; }
  // Names of the values trainOnBatch/evaluateBatch return, as tfjs names its logs:
  // "loss", then "<output>_loss" per output when there are several, then metrics.
  const std::vector<std::string>& metricsNames() const { return metricsNames_; }
  // One training step on a batch; returns the values named by metricsNames().
  // sampleWeights: empty, or one [batch] tensor per output (undefined = unweighted);
  // an output's loss becomes mean(perSampleLoss * weight), as tfjs's classWeight.
  std::vector<float> trainOnBatch(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys,
                                  const std::vector<Tensor>& sampleWeights = {});
  std::vector<float> evaluateBatch(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys,
                                   const std::vector<Tensor>& sampleWeights = {});
  // trainOnBatch's step, its logs left on the backend as one float32 tensor [n]
  // (the fit loop reads it once per batch, asynchronously where the backend is).
  Tensor trainStep(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys,
                   const std::vector<Tensor>& sampleWeights = {});

  // Checks inputs (and targets) against the model; errors read like tfjs's.
  void checkInputs(const std::vector<Tensor>& xs) const;
  void checkTargets(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys) const;

  std::vector<Tensor> getWeights() const;
  void setWeights(const std::vector<Tensor>& values);

 protected:
  Model(const nlohmann::json& config, const std::string& className);  // graph set later (Sequential)
  void setGraph(const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& outputs);
  std::vector<Tensor> callMany(const std::vector<Tensor>& xs, bool training) override;
  std::vector<Tensor> callMasked(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                 bool training) override;
  void buildMany(const std::vector<Shape>&) override {}
  void checkInputShapes(const std::vector<Shape>& shapes) const override;

 private:
  // Runs the graph. keepAll keeps every node's outputs (executeTo); otherwise a
  // node's outputs are dropped after their last use and, at inference, producers
  // fuse the per-channel layers that follow them (Layer::applyFused).
  // masks: one per input (or none); nodeMasks, if given, receives the output masks
  // of the nodes whose outputs are returned (masks live as long as their values).
  using NodeValues = std::unordered_map<const Node*, std::vector<Tensor>>;
  // The graph by slot (inputs_, then order_), computed when the graph is set, so that
  // runGraph, once per predict, indexes vectors rather than hashing nodes.
  struct GraphSlots {
    std::unordered_map<const Node*, int> slotOf;
    std::vector<std::vector<std::pair<int, int>>> inputsOf;  // per order_ node: (slot, output index)
    std::vector<int> uses;                                   // per slot: consumers (+ 1<<20 for outputs)
  };
  void indexGraph();
  GraphSlots slots_;
  std::vector<std::pair<int, int>> outputSlots_;  // per output: (slot, output index)
  // One run's values and masks by slot. A predict reuses the model's own (its vectors
  // keep their capacity): per-call allocations were a sixth of a small model's predict.
  struct RunState {
    std::vector<int> uses;
    std::vector<std::vector<Tensor>> values, maskOf;
    std::vector<Tensor> ins, inMasks;
    bool busy = false;
  };
  RunState runState_;
  void runSlots(const std::vector<Tensor>& xs, bool training, bool keepAll, const std::vector<Tensor>& masks,
                RunState& s);
  NodeValues runGraph(const std::vector<Tensor>& xs, bool training, bool keepAll = false,
                      const std::vector<Tensor>& masks = {}, NodeValues* nodeMasks = nullptr);
  // The total loss (with regularization), and the per-output losses.
  Tensor totalLoss(const std::vector<Tensor>& ys, const std::vector<Tensor>& outs, std::vector<Tensor>* perOutput,
                   const std::vector<Tensor>& sampleWeights = {});
  Tensor logValues(const Tensor& total, const std::vector<Tensor>& perOutput,
                               const std::vector<Tensor>& ys, const std::vector<Tensor>& outs) const;

  std::vector<SymbolicTensor> inputs_, outputs_;
  std::vector<std::shared_ptr<Node>> order_;  // non-input nodes, topologically sorted
  std::vector<std::shared_ptr<Layer>> layers_;
  std::shared_ptr<Optimizer> optimizer_;
  std::vector<LossFn> hostFns_;
  std::vector<LossFn> losses_;
  std::vector<std::string> lossNames_;  // canonical names (a JS function: its name)
  std::vector<float> lossWeights_;      // per output: its loss's share of the total (Keras loss_weights)
  std::vector<std::vector<MetricFn>> metrics_;  // per output
  std::vector<std::string> metricsNames_;
};

class Sequential : public Model {
 public:
  explicit Sequential(const nlohmann::json& config = nlohmann::json::object());
  std::string className() const override { return "Sequential"; }
  nlohmann::json getConfig() const override;
  // The first layer must carry inputShape/batchInputShape (or be an InputLayer);
  // each added layer is built at once, so its weights exist after add().
  void add(std::shared_ptr<Layer> layer);
  void pop();
  const std::vector<std::shared_ptr<Layer>>& stack() const { return stack_; }

 private:
  void rebuild();
  std::vector<std::shared_ptr<Layer>> stack_;
};

}  // namespace wl

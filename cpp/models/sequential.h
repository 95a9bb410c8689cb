// Sequential: a linear stack of layers (tfjs-layers/src/models.ts), with
// compile() and the per-batch training step that runs entirely in C++.
//
// The epoch/batch loop lives in JS (js/src/training.js) so the page can breathe
// between batches; each trainOnBatch() is one call: forward, loss, backward, update.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "layers/layer.h"
#include "training/losses.h"
#include "training/optimizer.h"

namespace wl {

class Sequential {
 public:
  explicit Sequential(const nlohmann::json& config = nlohmann::json::object());

  const std::string& name() const { return name_; }
  // The first layer must carry inputShape/batchInputShape; each added layer is
  // built at once from the previous output shape, so weights exist after add().
  void add(std::shared_ptr<Layer> layer);
  const std::vector<std::shared_ptr<Layer>>& layers() const { return layers_; }
  Shape inputShape() const;   // with -1 batch
  Shape outputShape() const;  // with -1 batch

  // config: {"optimizer": name | {className, config}, "loss": name}
  void compile(const nlohmann::json& config);
  bool compiled() const { return optimizer_ != nullptr; }
  std::string lossName() const { return lossName_; }

  Tensor predict(const Tensor& x);
  // Returns the mean loss over the batch, after updating the weights.
  float trainOnBatch(const Tensor& x, const Tensor& y);
  float evaluateBatch(const Tensor& x, const Tensor& y);

  // Checks x (and y) against the model's shapes; errors read like tfjs's.
  void checkInput(const Tensor& x) const;
  void checkTarget(const Tensor& x, const Tensor& y) const;

  std::vector<std::shared_ptr<Variable>> weights() const;
  std::vector<std::shared_ptr<Variable>> trainableWeights() const;
  std::vector<Tensor> getWeights() const;
  void setWeights(const std::vector<Tensor>& values);
  int64_t countParams() const;

 private:
  Tensor forward(const Tensor& x, bool training);
  Tensor computeLoss(const Tensor& y, const Tensor& yPred);

  std::string name_;
  std::vector<std::shared_ptr<Layer>> layers_;
  Shape outputShape_;
  std::unique_ptr<Optimizer> optimizer_;
  std::string lossName_;
  LossFn loss_ = nullptr;
};

}  // namespace wl

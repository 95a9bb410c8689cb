// Optimizers (tf.train.*): update parameters in place from their gradients, with
// tfjs's formulas, defaults and epsilon (1e-7). Per-parameter state (moments,
// accumulators) is keyed by the parameter tensor's id, which stays fixed
// because variables are updated in place.
// To add one: subclass Optimizer, implement update(), add it to makeOptimizer().
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "layers/variable.h"

namespace wl {

// A learning rate: a constant, or a schedule of the step (beyond tfjs):
// {"className": "ExponentialDecay"|"CosineDecay"|"PiecewiseConstant", "config": {...}}.
class LearningRate {
 public:
  LearningRate(const nlohmann::json& spec, double dflt);
  double at(int64_t step) const;
  nlohmann::json toJson() const { return spec_; }

 private:
  nlohmann::json spec_;
  double constant_ = 0;
};

class Optimizer : public std::enable_shared_from_this<Optimizer> {
 public:
  virtual ~Optimizer() = default;
  virtual std::string className() const = 0;
  virtual nlohmann::json getConfig() const = 0;
  // params[i] is updated in place from grads[i]; names label state for getWeights.
  void applyGradients(std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                      const std::vector<std::string>& names = {});
  void applyGradients(const std::vector<std::shared_ptr<Variable>>& vars, const std::vector<Tensor>& grads);
  int64_t iterations() const { return iterations_; }
  // The rate of the next step; setting one replaces a schedule (reduceLROnPlateau).
  double learningRate() const { return learningRate_.at(iterations_); }
  void setLearningRate(double lr) { learningRate_ = LearningRate(lr, lr); }
  // tfjs's getWeights(): iterations, then each state slot of each parameter.
  std::vector<std::pair<std::string, Tensor>> getWeights() const;
  void setWeights(const std::vector<Tensor>& values);
  // A saved optimizer's weights, matched by name ("iter", "<variable>/<slot>") to `vars`:
  // each variable whose slots are all there gets that state (a fresh model's optimizer
  // has none yet, so setWeights' order cannot apply). A name matching no slot throws.
  void setWeightsByName(const std::vector<std::shared_ptr<Variable>>& vars, const std::vector<std::string>& names,
                        const std::vector<Tensor>& values);

 protected:
  // One parameter's update; `slots` are its state tensors (created on first use
  // by initialSlots()), `lr` the learning rate of this step.
  virtual void update(Tensor& param, const Tensor& grad, std::vector<Tensor>& slots, double lr) = 0;
  virtual std::vector<std::pair<std::string, float>> slotSpecs() const { return {}; }  // (suffix, initial value)
  virtual void afterStep() {}
  // After iterations_ was set from saved weights: state derived from the step count follows.
  virtual void onIterationsSet() {}
  explicit Optimizer(const nlohmann::json& lr, double dflt) : learningRate_(lr, dflt) {}
  LearningRate learningRate_;
  int64_t iterations_ = 0;

 private:
  struct State {
    std::string name;
    std::vector<Tensor> slots;
  };
  std::map<int64_t, State> state_;  // by parameter tensor id
  std::vector<int64_t> order_;      // first-seen order, for getWeights
};

// spec: a name as tfjs's compile accepts ("sgd", "adam", ...) with tfjs's
// defaults, or {"className": "Adam", "config": {"learningRate": 0.1, ...}}.
std::unique_ptr<Optimizer> makeOptimizer(const nlohmann::json& spec);

}  // namespace wl

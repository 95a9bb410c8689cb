// Optimizers: apply gradients to variables in place (tfjs's tf.train.*).
// Created by name ("sgd") or by config; to add one, subclass Optimizer and add it
// to makeOptimizer().
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "layers/variable.h"

namespace wl {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual std::string className() const = 0;
  // grads[i] is d(loss)/d(vars[i]).
  virtual void applyGradients(const std::vector<std::shared_ptr<Variable>>& vars,
                              const std::vector<Tensor>& grads) = 0;
  virtual nlohmann::json getConfig() const = 0;
};

// w -= learningRate * g
class SGD : public Optimizer {
 public:
  explicit SGD(float learningRate) : learningRate_(learningRate) {}
  std::string className() const override { return "SGD"; }
  void applyGradients(const std::vector<std::shared_ptr<Variable>>& vars,
                      const std::vector<Tensor>& grads) override;
  nlohmann::json getConfig() const override { return {{"learningRate", learningRate_}}; }

 private:
  float learningRate_;
};

// spec: a name as tfjs's compile accepts ("sgd", "SGD") with tfjs's default
// learning rate, or {"className": "SGD", "config": {"learningRate": 0.1}}.
std::unique_ptr<Optimizer> makeOptimizer(const nlohmann::json& spec);

}  // namespace wl

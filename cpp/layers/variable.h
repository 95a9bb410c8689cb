// Variable: a named, mutable tensor owned by a layer (tfjs's LayerVariable).
//
// assign() writes into the existing storage, so tensors handed out by
// getWeights() see later updates, as tfjs's variables do.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace wl {

class Variable : public std::enable_shared_from_this<Variable> {
 public:
  Variable(std::string name, Tensor value, bool trainable);
  ~Variable();
  Variable(const Variable&) = delete;
  Variable& operator=(const Variable&) = delete;
  // Every live layer weight, oldest first: what tf.variableGrads(f) differentiates
  // by default and where optimizer.applyGradients finds a weight by name (tfjs
  // registers layer variables with its engine the same way).
  static std::vector<Variable*> live();
  const std::string& name() const { return name_; }
  // A wrapper (TimeDistributed) renames the weights of the layer it builds: tfjs
  // names them in the wrapper's scope ("time_distributed_TimeDistributed1/kernel").
  void setName(std::string name) { name_ = std::move(name); }
  const Tensor& value() const { return value_; }
  Tensor& mutableValue() { return value_; }
  bool trainable() const { return trainable_; }
  void setTrainable(bool t) { trainable_ = t; }
  // Copies values in; the shape must match (the error names the variable).
  void assign(const Tensor& values);

 private:
  std::string name_;
  Tensor value_;
  bool trainable_;
  int64_t serial_;  // creation order, the key in the live list
};

}  // namespace wl

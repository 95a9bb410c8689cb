// Variable: a named, mutable tensor owned by a layer (tfjs's LayerVariable).
//
// assign() writes into the existing storage, so tensors handed out by
// getWeights() see later updates, as tfjs's variables do.
#pragma once

#include <string>

#include "core/tensor.h"

namespace wl {

class Variable {
 public:
  Variable(std::string name, Tensor value, bool trainable)
      : name_(std::move(name)), value_(std::move(value)), trainable_(trainable) {}
  const std::string& name() const { return name_; }
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
};

}  // namespace wl

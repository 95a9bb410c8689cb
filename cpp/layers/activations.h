// Activation functions by tfjs name, for layers that take `activation`.
// To add one: an entry in the table in activations.cc (compose ops; no gradients).
#pragma once

#include <string>

#include "core/tensor.h"

namespace wl {

// Throws an Error naming an unknown activation.
void validateActivation(const std::string& name);
Tensor applyActivation(const std::string& name, const Tensor& x);

}  // namespace wl

// Activation functions by tfjs name, for layers that take `activation`:
// linear, relu, relu6, elu, selu, sigmoid, hardSigmoid, softplus, softsign, tanh,
// softmax, logSoftmax, gelu, gelu_new, mish, swish (tfjs-layers activations.ts).
// To add one: an entry in the table in activations.cc (compose ops; no gradients).
#pragma once

#include <string>
#include <vector>

#include "core/tensor.h"

namespace wl {

// Throws an Error naming an unknown activation and listing the accepted names.
void validateActivation(const std::string& name);
Tensor applyActivation(const std::string& name, const Tensor& x);
// The accepted names, in tfjs's order.
std::vector<std::string> activationNames();

}  // namespace wl

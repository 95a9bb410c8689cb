// Losses by tfjs name (tfjs-layers/src/losses.ts): each returns the per-sample
// loss (mean over the last axis); training takes the mean over the batch.
// To add one: a function composing ops and an entry in the table in losses.cc.
#pragma once

#include <string>

#include "core/tensor.h"

namespace wl {

using LossFn = Tensor (*)(const Tensor& yTrue, const Tensor& yPred);

// Accepts tfjs's names and aliases ("meanSquaredError", "mse", "MSE", ...).
LossFn lossByName(const std::string& name);
std::string canonicalLossName(const std::string& name);

Tensor meanSquaredError(const Tensor& yTrue, const Tensor& yPred);

}  // namespace wl

// Losses by tfjs name (tfjs-layers/src/losses.ts): each returns the per-sample
// loss (reduced over the last axis); training takes the mean over the batch.
// To add one: a function composing ops and an entry in the table in losses.cc.
#pragma once

#include <functional>
#include <string>

#include "core/tensor.h"

namespace wl {

// A per-sample loss; a std::function so that compile() can take the user's JS
// functions (tfjs's custom losses) as well as the named ones.
using LossFn = std::function<Tensor(const Tensor& yTrue, const Tensor& yPred)>;

// Accepts tfjs's names and aliases ("meanSquaredError", "mse", "MSE", ...);
// an unknown name is an Error listing the accepted ones.
LossFn lossByName(const std::string& name);
std::string canonicalLossName(const std::string& name);

Tensor meanSquaredError(const Tensor& yTrue, const Tensor& yPred);
Tensor meanAbsoluteError(const Tensor& yTrue, const Tensor& yPred);
Tensor meanAbsolutePercentageError(const Tensor& yTrue, const Tensor& yPred);
Tensor meanSquaredLogarithmicError(const Tensor& yTrue, const Tensor& yPred);
Tensor squaredHinge(const Tensor& yTrue, const Tensor& yPred);
Tensor hinge(const Tensor& yTrue, const Tensor& yPred);
Tensor categoricalHinge(const Tensor& yTrue, const Tensor& yPred);
Tensor logcosh(const Tensor& yTrue, const Tensor& yPred);
Tensor categoricalCrossentropy(const Tensor& yTrue, const Tensor& yPred);
Tensor sparseCategoricalCrossentropy(const Tensor& yTrue, const Tensor& yPred);
Tensor binaryCrossentropy(const Tensor& yTrue, const Tensor& yPred);
Tensor kullbackLeiblerDivergence(const Tensor& yTrue, const Tensor& yPred);
Tensor poisson(const Tensor& yTrue, const Tensor& yPred);
Tensor cosineProximity(const Tensor& yTrue, const Tensor& yPred);

}  // namespace wl

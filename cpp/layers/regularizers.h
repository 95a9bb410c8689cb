// Weight regularizers (tf.regularizers: L1L2 via l1, l2, l1l2) and constraints
// (tf.constraints: maxNorm, minMaxNorm, nonNeg, unitNorm), as tfjs computes them.
// Specs are tfjs's serialized form {"className": "L1L2", "config": {...}} or a name.
#pragma once

#include <nlohmann/json.hpp>

#include "core/tensor.h"
#include "layers/variable.h"

namespace wl {

void validateRegularizer(const nlohmann::json& spec, const char* option);
Tensor regularizerPenalty(const nlohmann::json& spec, const Tensor& w);
// As tfjs writes one in a config: {className: 'L1L2', config: {l1, l2}} (null stays null).
nlohmann::json serializeRegularizer(const nlohmann::json& spec);

void validateConstraint(const nlohmann::json& spec, const char* option);
void applyConstraint(const nlohmann::json& spec, Variable& v);

}  // namespace wl

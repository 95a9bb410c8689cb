// Weight initializers by tfjs name ("glorotNormal", "zeros", ...), as in
// tfjs-layers/src/initializers.ts (orthogonal included, for recurrent kernels).
// To add one: a case in initializers.cc.
#pragma once

#include <nlohmann/json.hpp>

#include "core/tensor.h"

namespace wl {

// spec: a name string or {"className": "...", "config": {...}} (seed, mean, ...).
Tensor initialize(const nlohmann::json& spec, const Shape& shape);
// Throws an Error naming an unknown initializer; used when a layer is created.
void validateInitializer(const nlohmann::json& spec, const char* option);
// tfjs's serialized form: {"className": "VarianceScaling", "config": {...}} for glorotNormal etc.
nlohmann::json serializeInitializer(const nlohmann::json& spec);

}  // namespace wl

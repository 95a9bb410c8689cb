// Layer wrappers (tfjs-layers/src/layers/wrappers.ts): layers that own another
// layer and apply it in their own way. See wrappers.cc.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "layers/layer.h"

namespace wl {

// A wrapper of class `className` around an existing layer (the very layer the
// user passed, as tfjs keeps it), with the wrapper's own options in `config`.
// `backward`: Bidirectional's backwardLayer (Keras's backward_layer), or null for
// the default (a copy of `inner` run the other way).
std::shared_ptr<Layer> createWrapperLayer(const std::string& className, const nlohmann::json& config,
                                          std::shared_ptr<Layer> inner, std::shared_ptr<Layer> backward = nullptr);

}  // namespace wl

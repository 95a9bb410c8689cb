// One weight's options as a layer config spells them: `<name>Initializer`,
// `<name>Regularizer` and `<name>Constraint` (name: kernel, bias, recurrent,
// depthwise, pointwise). Read and validated in one place, written back as tfjs
// writes them (the initializer as {className, config}).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "layers/initializers.h"
#include "layers/regularizers.h"

namespace wl {

struct WeightOptions {
  nlohmann::json initializer, regularizer, constraint;

  WeightOptions() = default;
  // `initDefault` when the config gives no initializer (or null).
  WeightOptions(const nlohmann::json& config, const std::string& name, const char* initDefault) {
    const std::string i = name + "Initializer", r = name + "Regularizer", c = name + "Constraint";
    initializer = value(config, i);
    if (initializer.is_null()) initializer = initDefault;
    regularizer = value(config, r);
    constraint = value(config, c);
    validateInitializer(initializer, i.c_str());
    validateRegularizer(regularizer, r.c_str());
    validateConstraint(constraint, c.c_str());
  }

  void write(nlohmann::json& config, const std::string& name) const {
    config[name + "Initializer"] = serializeInitializer(initializer);
    config[name + "Regularizer"] = serializeRegularizer(regularizer);
    config[name + "Constraint"] = constraint;
  }

 private:
  static nlohmann::json value(const nlohmann::json& config, const std::string& key) {
    return config.is_object() && config.contains(key) ? config[key] : nlohmann::json();
  }
};

}  // namespace wl

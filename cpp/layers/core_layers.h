// Small helpers shared by the core, embedding, advanced-activation and noise
// layers (core_layers.cc, embedding.cc, advanced_activations.cc, noise.cc).
// The layer classes themselves live in their .cc files and are created through
// LayerRegistry by their tfjs className ("Dropout", "PReLU", ...).
#pragma once

#include <cmath>

#include <cctype>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"
#include "core/json_numbers.h"
#include "core/tensor.h"

namespace wl {
namespace layer_opts {

// config[key], or null when absent.
inline nlohmann::json get(const nlohmann::json& config, const char* key) {
  return config.contains(key) ? config[key] : nlohmann::json();
}

inline std::string describe(const nlohmann::json& v) { return v.is_null() ? "undefined" : v.dump(); }

// A number option (null/absent -> dflt); anything else but a number throws.
inline double number(const nlohmann::json& config, const char* key, double dflt) {
  nlohmann::json v = get(config, key);
  if (v.is_null()) return dflt;
  WL_CHECK(v.is_number(), "Expected " << key << " to be a number, but got " << v.dump());
  return v.get<double>();
}

// A rate in [0, 1) (required).
inline double rate(const nlohmann::json& config, const char* key = "rate") {
  nlohmann::json v = get(config, key);
  WL_CHECK(v.is_number() && v.get<double>() >= 0 && v.get<double>() < 1,
           "Expected " << key << " to be a number in [0, 1), but got " << describe(v));
  return v.get<double>();
}

inline int64_t positiveInt(const nlohmann::json& config, const char* key) {
  nlohmann::json v = get(config, key);
  // Range first: casting a double beyond int64 to int64 is undefined.
  WL_CHECK(isWholeNumber(v, 9.0e15) && v.get<double>() > 0,
           "Expected " << key << " to be a positive integer, but got " << describe(v) << ".");
  return static_cast<int64_t>(v.get<double>());
}

// tfjs's serializeInitializer for a name: {"className": "RandomUniform", "config": {...}}
// with tfjs's defaults (the glorot/he/leCun names serialize as VarianceScaling).
inline nlohmann::json serializeInitializer(const nlohmann::json& spec) {
  if (!spec.is_string()) return spec;
  std::string n = spec.get<std::string>();
  auto vs = [](double scale, const char* mode, const char* dist) {
    return nlohmann::json{{"className", "VarianceScaling"},
                          {"config", {{"scale", scale}, {"mode", mode}, {"distribution", dist}, {"seed", nullptr}}}};
  };
  if (n == "glorotNormal") return vs(1, "fanAvg", "normal");
  if (n == "glorotUniform") return vs(1, "fanAvg", "uniform");
  if (n == "heNormal") return vs(2, "fanIn", "normal");
  if (n == "heUniform") return vs(2, "fanIn", "uniform");
  if (n == "leCunNormal") return vs(1, "fanIn", "normal");
  if (n == "leCunUniform") return vs(1, "fanIn", "uniform");
  nlohmann::json cfg = nlohmann::json::object();
  if (n == "randomUniform") cfg = {{"minval", -0.05}, {"maxval", 0.05}};
  if (n == "randomNormal" || n == "truncatedNormal") cfg = {{"mean", 0}, {"stddev", 0.05}};
  if (n == "identity" || n == "orthogonal") cfg = {{"gain", 1}};
  if (!n.empty()) n[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(n[0])));
  return {{"className", n}, {"config", cfg}};
}

}  // namespace layer_opts
}  // namespace wl

#include "layers/regularizers.h"

#include <cctype>
#include <string>

#include "core/tape.h"
#include "ops/ops.h"

namespace wl {

namespace {

struct Parsed {
  std::string name;
  nlohmann::json config = nlohmann::json::object();
};

Parsed parse(const nlohmann::json& spec, const char* option, const char* kind) {
  Parsed p;
  if (spec.is_string()) {
    p.name = spec.get<std::string>();
  } else if (spec.is_object() && spec.contains("className") && spec["className"].is_string()) {
    p.name = spec["className"].get<std::string>();
    if (spec.contains("config") && spec["config"].is_object()) p.config = spec["config"];
  } else {
    throw Error(std::string(option) + ": expected a " + kind + " name or {className, config}, got " + spec.dump());
  }
  return p;
}

double num(const nlohmann::json& c, const char* key, double dflt) {
  return c.contains(key) && c[key].is_number() ? c[key].get<double>() : dflt;
}

constexpr float kEpsilon = 1e-7f;  // tfjs's backend epsilon()

}  // namespace

namespace {

// The factors of a regularizer spec: tfjs's 'l1l2' / L1L2 (0.01 for each factor not given),
// tf.regularizers.l1/l2's names and Keras's L1 / L2 classes (the other factor 0).
void factors(const nlohmann::json& spec, const char* option, double& l1, double& l2) {
  Parsed p = parse(spec, option, "regularizer");
  std::string key;
  for (char c : p.name) {
    if (c != '_') key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  WL_CHECK(key == "l1l2" || key == "l1" || key == "l2",
           "Unknown regularizer: " << p.name << " (option " << option << "). Accepted: l1, l2, l1l2, L1L2, L1, L2");
  l1 = key == "l2" ? 0 : num(p.config, "l1", 0.01);
  l2 = key == "l1" ? 0 : num(p.config, "l2", 0.01);
}

}  // namespace

void validateRegularizer(const nlohmann::json& spec, const char* option) {
  if (spec.is_null()) return;
  double l1, l2;
  factors(spec, option, l1, l2);
}

nlohmann::json serializeRegularizer(const nlohmann::json& spec) {
  if (spec.is_null()) return spec;
  double l1, l2;
  factors(spec, "regularizer", l1, l2);
  return {{"className", "L1L2"}, {"config", {{"l1", l1}, {"l2", l2}}}};
}

Tensor regularizerPenalty(const nlohmann::json& spec, const Tensor& w) {
  double l1, l2;
  factors(spec, "regularizer", l1, l2);
  Tensor penalty = Tensor::scalar(0.f);
  if (l1 != 0) penalty = add(penalty, mul(Tensor::scalar(static_cast<float>(l1)), sum(abs(w))));
  if (l2 != 0) penalty = add(penalty, mul(Tensor::scalar(static_cast<float>(l2)), sum(square(w))));
  return penalty;
}

void validateConstraint(const nlohmann::json& spec, const char* option) {
  if (spec.is_null()) return;
  Parsed p = parse(spec, option, "constraint");
  static const char* known[] = {"maxNorm", "MaxNorm", "minMaxNorm", "MinMaxNorm", "nonNeg", "NonNeg",
                                "unitNorm", "UnitNorm"};
  for (const char* k : known) {
    if (p.name == k) return;
  }
  throw Error("Unknown constraint: " + p.name + " (option " + option + "). Accepted: maxNorm, minMaxNorm, nonNeg, unitNorm");
}

void applyConstraint(const nlohmann::json& spec, Variable& v) {
  Parsed p = parse(spec, "constraint", "constraint");
  PausedTape paused;  // constraints are not differentiated
  const Tensor& w = v.value();
  std::vector<int> axes;
  if (p.config.contains("axis")) {
    const auto& a = p.config["axis"];
    if (a.is_array()) {
      for (const auto& e : a) axes.push_back(e.get<int>());
    } else {
      axes.push_back(a.get<int>());
    }
  } else {
    axes.push_back(0);
  }
  Tensor out;
  const std::string& n = p.name;
  if (n == "nonNeg" || n == "NonNeg") {
    out = relu(w);  // as tfjs: a negative weight becomes +0, not -0
  } else {
    Tensor norms = sqrt(sum(square(w), axes, true));
    if (n == "unitNorm" || n == "UnitNorm") {
      out = div(w, add(Tensor::scalar(kEpsilon), norms));
    } else if (n == "maxNorm" || n == "MaxNorm") {
      float maxValue = static_cast<float>(num(p.config, "maxValue", 2.0));
      Tensor desired = clipByValue(norms, 0.f, maxValue);
      out = mul(w, div(desired, add(Tensor::scalar(kEpsilon), norms)));
    } else {
      float lo = static_cast<float>(num(p.config, "minValue", 0.0)), hi = static_cast<float>(num(p.config, "maxValue", 1.0));
      float rate = static_cast<float>(num(p.config, "rate", 1.0));
      Tensor desired = add(mul(Tensor::scalar(rate), clipByValue(norms, lo, hi)),
                           mul(Tensor::scalar(1.f - rate), norms));
      out = mul(w, div(desired, add(Tensor::scalar(kEpsilon), norms)));
    }
  }
  v.assign(out);
}

}  // namespace wl

#include "layers/initializers.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "core/error.h"
#include "core/js_random.h"

namespace wl {

namespace {

struct Spec {
  std::string name;  // lowerCamelCase, e.g. "glorotNormal"
  nlohmann::json config = nlohmann::json::object();
};

// Accepts tfjs's names, their class names ("GlorotNormal") and Keras's ("glorot_normal").
std::string canonicalName(std::string name) {
  std::string out;
  bool upper = false;
  for (char c : name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(c)) : c;
    upper = false;
  }
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(out[0]));
  if (out == "leCunNormal" || out == "lecunNormal") return "leCunNormal";
  if (out == "leCunUniform" || out == "lecunUniform") return "leCunUniform";
  if (out == "orthogonalInitializer") return "orthogonal";  // Keras 3's class name
  return out;
}

// A config value that would be drawn from wrongly, or never, throws here (at layer creation and
// load) rather than at the first draw: tfjs's checks, plus the ones whose absence hangs tfjs.
void checkConfig(Spec& s, const char* option) {
  auto& c = s.config;
  auto where = [&] { return std::string(" (") + option + ": " + s.name + ")"; };
  if (s.name == "varianceScaling") {
    // Keras's snake_case values, as tfjs's convertPythonicToTs camelCases them on load.
    for (const char* key : {"mode", "distribution"}) {
      if (c.contains(key) && c[key].is_string()) c[key] = canonicalName(c[key].get<std::string>());
    }
    if (c.contains("mode") && !c["mode"].is_null()) {
      const auto& m = c["mode"];
      WL_CHECK(m.is_string() && (m == "fanIn" || m == "fanOut" || m == "fanAvg"),
               m.dump() + " is not a valid FanMode. Valid values are fanIn,fanOut,fanAvg or null/undefined" + where());
    }
    if (c.contains("distribution") && !c["distribution"].is_null()) {
      const auto& d = c["distribution"];
      WL_CHECK(d.is_string() && (d == "normal" || d == "uniform" || d == "truncatedNormal" || d == "untruncatedNormal"),
               d.dump() + " is not a valid Distribution. Valid values are normal,uniform,truncatedNormal,"
                          "untruncatedNormal or null/undefined" + where());
    }
    if (c.contains("scale") && !c["scale"].is_null()) {
      WL_CHECK(c["scale"].is_number() && c["scale"].get<double>() >= 0,
               "scale must be a positive float. Got: " + c["scale"].dump() + where());
    }
  }
  if (s.name == "truncatedNormal" && c.contains("stddev") && c["stddev"].is_number()) {
    // Redrawn until within 2 stddev of the mean: a negative stddev never is (tfjs loops forever).
    WL_CHECK(c["stddev"].get<double>() >= 0, "stddev must be >= 0. Got: " + c["stddev"].dump() + where());
  }
}

Spec parse(const nlohmann::json& spec, const char* option) {
  Spec s;
  if (spec.is_string()) {
    s.name = canonicalName(spec.get<std::string>());
  } else if (spec.is_object() && spec.contains("className")) {
    s.name = canonicalName(spec["className"].get<std::string>());
    if (spec.contains("config") && spec["config"].is_object()) s.config = spec["config"];
  } else {
    throw Error(std::string(option) + ": expected an initializer name or {className, config}, got " + spec.dump());
  }
  static const char* known[] = {"zeros",        "ones",        "constant",     "randomNormal", "randomUniform",
                                "truncatedNormal", "glorotNormal", "glorotUniform", "heNormal",    "heUniform",
                                "leCunNormal",  "leCunUniform", "varianceScaling", "orthogonal",    "identity"};
  for (const char* k : known) {
    if (s.name == k) {
      checkConfig(s, option);
      return s;
    }
  }
  throw Error(std::string("Unknown initializer: ") + spec.dump() + " (option " + option +
              "). Accepted: zeros, ones, constant, randomNormal, randomUniform, truncatedNormal, varianceScaling, "
              "glorotNormal, glorotUniform, heNormal, heUniform, leCunNormal, leCunUniform, orthogonal, identity");
}

// The config's seed as tfjs's initializers pass it on to their random ops (null: none).
std::optional<double> seedOf(const nlohmann::json& config) {
  if (config.contains("seed") && config["seed"].is_number()) return config["seed"].get<double>();
  return std::nullopt;
}

// tfjs's randomNormal / truncatedNormal(shape, mean, stddev, dtype, seed): values drawn in
// double and stored as float32, so a seeded initializer gives tfjs's weights.
void fillNormal(Tensor& t, double mean, double stddev, bool truncated, std::optional<double> seed) {
  jsrand::Gauss g(mean, stddev, truncated, seed);
  float* p = t.data<float>();
  for (int64_t i = 0, n = t.size(); i < n; ++i) p[i] = static_cast<float>(g.next());
}

void fillUniform(Tensor& t, double lo, double hi, std::optional<double> seed) {
  jsrand::Uniform u(lo, hi, seed);
  float* p = t.data<float>();
  for (int64_t i = 0, n = t.size(); i < n; ++i) p[i] = static_cast<float>(u.next());
}

// Keras's computeFans: the last two dims are (fanIn, fanOut) times the receptive field.
void fans(const Shape& shape, double& fanIn, double& fanOut) {
  if (shape.size() == 0) {
    fanIn = fanOut = 1;
  } else if (shape.size() == 1) {
    fanIn = fanOut = static_cast<double>(shape[0]);
  } else if (shape.size() == 2) {
    fanIn = static_cast<double>(shape[0]);
    fanOut = static_cast<double>(shape[1]);
  } else {
    double receptive = 1;
    for (size_t i = 0; i + 2 < shape.size(); ++i) receptive *= static_cast<double>(shape[i]);
    fanIn = static_cast<double>(shape[shape.size() - 2]) * receptive;
    fanOut = static_cast<double>(shape[shape.size() - 1]) * receptive;
  }
}

float num(const nlohmann::json& c, const char* key, float dflt) {
  return c.contains(key) && c[key].is_number() ? c[key].get<float>() : dflt;
}

// A config number as given (for serialization: 0.05 stays 0.05).
double numExact(const nlohmann::json& c, const char* key, double dflt) {
  return c.contains(key) && c[key].is_number() ? c[key].get<double>() : dflt;
}

// tfjs's Orthogonal: the Q of a QR factorization of a standard normal matrix of
// (max(rows, cols), min(rows, cols)) with rows = product of all but the last dim,
// made unique by the signs of R's diagonal (modified Gram-Schmidt gives a positive
// diagonal), transposed when rows < cols, times `gain`.
void fillOrthogonal(Tensor& t, double gain, std::optional<double> seed) {
  const Shape& shape = t.shape();
  WL_CHECK(shape.size() >= 2, "Orthogonal initializer: the shape must be at least 2D, got " << shapeStr(shape));
  int64_t cols = shape.back(), rows = t.size() / std::max<int64_t>(cols, 1);
  int64_t m = std::max(rows, cols), n = std::min(rows, cols);
  // tfjs's randomNormal([m, n], 0, 1, 'float32', seed), row-major float32 values.
  jsrand::Gauss g(0.0, 1.0, false, seed);
  std::vector<double> a(static_cast<size_t>(m * n));  // column-major: column j at a[j*m]
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) a[static_cast<size_t>(j * m + i)] = static_cast<float>(g.next());
  }
  for (int64_t j = 0; j < n; ++j) {
    double* cj = &a[j * m];
    for (int64_t k = 0; k < j; ++k) {
      const double* ck = &a[k * m];
      double dot = 0;
      for (int64_t i = 0; i < m; ++i) dot += ck[i] * cj[i];
      for (int64_t i = 0; i < m; ++i) cj[i] -= dot * ck[i];
    }
    double norm = 0;
    for (int64_t i = 0; i < m; ++i) norm += cj[i] * cj[i];
    norm = std::sqrt(norm);
    for (int64_t i = 0; i < m; ++i) cj[i] = norm > 0 ? cj[i] / norm : 0;
  }
  // Q is (m, n); the result is (rows, cols): Q itself when rows >= cols, else Q^T.
  float* p = t.data<float>();
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      double q = rows >= cols ? a[c * m + r] : a[r * m + c];
      p[r * cols + c] = static_cast<float>(gain * q);
    }
  }
}

}  // namespace

void validateInitializer(const nlohmann::json& spec, const char* option) { parse(spec, option); }

nlohmann::json serializeInitializer(const nlohmann::json& spec) {
  Spec s = parse(spec, "initializer");
  const auto& c = s.config;
  auto seed = c.contains("seed") ? c["seed"] : nlohmann::json(nullptr);
  auto vs = [&](double scale, const char* mode, const char* distribution) {
    return nlohmann::json{{"className", "VarianceScaling"},
                          {"config", {{"scale", scale}, {"mode", mode}, {"distribution", distribution}, {"seed", seed}}}};
  };
  if (s.name == "glorotNormal") return vs(1.0, "fanAvg", "normal");
  if (s.name == "glorotUniform") return vs(1.0, "fanAvg", "uniform");
  if (s.name == "heNormal") return vs(2.0, "fanIn", "normal");
  if (s.name == "heUniform") return vs(2.0, "fanIn", "uniform");
  if (s.name == "leCunNormal") return vs(1.0, "fanIn", "normal");
  if (s.name == "leCunUniform") return vs(1.0, "fanIn", "uniform");
  if (s.name == "varianceScaling") {
    return vs(numExact(c, "scale", 1.0), c.value("mode", "fanIn").c_str(), c.value("distribution", "normal").c_str());
  }
  if (s.name == "zeros") return {{"className", "Zeros"}, {"config", nlohmann::json::object()}};
  if (s.name == "orthogonal") {
    // As tfjs: the seed appears only when one was given.
    nlohmann::json cfg = {{"gain", numExact(c, "gain", 1.0)}};
    if (!seed.is_null()) cfg["seed"] = seed;
    return {{"className", "Orthogonal"}, {"config", cfg}};
  }
  if (s.name == "identity") return {{"className", "Identity"}, {"config", {{"gain", numExact(c, "gain", 1.0)}}}};
  if (s.name == "ones") return {{"className", "Ones"}, {"config", nlohmann::json::object()}};
  if (s.name == "constant") return {{"className", "Constant"}, {"config", {{"value", numExact(c, "value", 0.0)}}}};
  // tfjs keeps these initializers' seed as given: absent by name ('randomUniform'), null
  // from a factory called without one (tf.initializers.randomUniform({})).
  nlohmann::json out;
  if (s.name == "randomUniform") {
    out = {{"className", "RandomUniform"}, {"config", {{"minval", numExact(c, "minval", -0.05)}, {"maxval", numExact(c, "maxval", 0.05)}}}};
  } else {
    const char* cls = s.name == "randomNormal" ? "RandomNormal" : "TruncatedNormal";
    out = {{"className", cls}, {"config", {{"mean", numExact(c, "mean", 0.0)}, {"stddev", numExact(c, "stddev", 0.05)}}}};
  }
  if (c.contains("seed")) out["config"]["seed"] = seed;
  return out;
}

// Random draws run on the host (a documented host fallback: the same values on
// every backend for a seed), then upload to the active backend.
Tensor initialize(const nlohmann::json& specJson, const Shape& shape) {
  Spec s = parse(specJson, "initializer");
  const std::optional<double> seed = seedOf(s.config);
  if (s.name == "zeros") return Tensor::zeros(shape);
  if (s.name == "ones") return Tensor::full(shape, 1.f);
  if (s.name == "constant") return Tensor::full(shape, num(s.config, "value", 0.f));
  if (s.name == "identity") {
    // tfjs: gain * eye(n), for 2D square shapes only.
    WL_CHECK(shape.size() == 2 && shape[0] == shape[1],
             "Identity matrix initializer can only be used for 2D square matrices.");
    const int64_t n = shape[0];
    std::vector<float> values(static_cast<size_t>(checkedMul(n, n)), 0.f);
    const float gain = num(s.config, "gain", 1.f);
    for (int64_t i = 0; i < n; ++i) values[static_cast<size_t>(i * n + i)] = gain;
    return Tensor::fromVector(shape, values);
  }
  checkedTensorBytes(shape);
  Tensor t = hostEmpty(shape);
  if (s.name == "orthogonal") {
    fillOrthogonal(t, numExact(s.config, "gain", 1.0), seed);
    return upload(t);
  }
  if (s.name == "randomNormal" || s.name == "truncatedNormal") {
    fillNormal(t, numExact(s.config, "mean", 0.0), numExact(s.config, "stddev", 0.05), s.name == "truncatedNormal",
               seed);
    return upload(t);
  }
  if (s.name == "randomUniform") {
    fillUniform(t, numExact(s.config, "minval", -0.05), numExact(s.config, "maxval", 0.05), seed);
    return upload(t);
  }
  // Variance scaling family (tfjs: scale / mode / distribution).
  nlohmann::json vs = serializeInitializer(specJson)["config"];
  double fanIn, fanOut;
  fans(shape, fanIn, fanOut);
  std::string mode = vs.value("mode", "fanIn"), distribution = vs.value("distribution", "normal");
  double n = mode == "fanIn" ? fanIn : (mode == "fanOut" ? fanOut : (fanIn + fanOut) / 2.0);
  double scale = numExact(vs, "scale", 1.0) / std::max(1.0, n);
  if (distribution == "normal" || distribution == "untruncatedNormal") {
    // tfjs draws 'normal' from a truncated normal of stddev sqrt(scale).
    fillNormal(t, 0.0, std::sqrt(scale), distribution == "normal", seed);
  } else if (distribution == "truncatedNormal") {
    // Keras's truncated_normal: the stddev of a normal cut at 2 sigma is 0.8796 sigma, so
    // sigma = sqrt(scale) / 0.8796 keeps the variance at scale. (tfjs 4.22 accepts the
    // name and draws a uniform: its apply() has only 'normal' and an else.)
    fillNormal(t, 0.0, std::sqrt(scale) / 0.87962566103423978, true, seed);
  } else {
    double limit = std::sqrt(3.0 * scale);
    fillUniform(t, -limit, limit, seed);
  }
  return upload(t);
}

}  // namespace wl

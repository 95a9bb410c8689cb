#include "training/optimizer.h"

#include <cmath>

#include "core/tape.h"
#include "ops/ops.h"

namespace wl {

namespace {
constexpr float kEpsilon = 1e-7f;  // tfjs's backend epsilon()
Tensor S(double v) { return Tensor::scalar(static_cast<float>(v)); }
double num(const nlohmann::json& c, const char* key, double dflt) {
  return c.contains(key) && c[key].is_number() ? c[key].get<double>() : dflt;
}
// Writes `value` into `target`'s storage (state and parameters are updated in place).
void store(Tensor& target, const Tensor& value) { assignInPlace(target, value); }
}  // namespace

// ---- learning rates ----------------------------------------------------------------

LearningRate::LearningRate(const nlohmann::json& spec, double dflt) : spec_(spec) {
  if (spec.is_null()) {
    constant_ = dflt;
    spec_ = dflt;
  } else if (spec.is_number()) {
    constant_ = spec.get<double>();
  } else {
    WL_CHECK(spec.is_object() && spec.contains("className"),
             "learningRate must be a number or a schedule {className, config}, got " << spec.dump());
    std::string n = spec["className"];
    WL_CHECK(n == "ExponentialDecay" || n == "CosineDecay" || n == "PiecewiseConstant",
             "Unknown learning rate schedule " << n << ". Accepted: ExponentialDecay, CosineDecay, PiecewiseConstant");
  }
  WL_CHECK(!spec_.is_number() || constant_ >= 0, "learningRate must be >= 0, got " << constant_);
}

double LearningRate::at(int64_t step) const {
  if (spec_.is_number()) return constant_;
  const auto& c = spec_["config"];
  std::string n = spec_["className"];
  double s = static_cast<double>(step);
  if (n == "ExponentialDecay") {
    double p = s / num(c, "decaySteps", 1);
    if (c.value("staircase", false)) p = std::floor(p);
    return num(c, "initialLearningRate", 0.01) * std::pow(num(c, "decayRate", 0.96), p);
  }
  if (n == "CosineDecay") {
    double steps = num(c, "decaySteps", 1), alpha = num(c, "alpha", 0);
    double progress = std::min(s, steps) / steps;
    double cosine = 0.5 * (1 + std::cos(M_PI * progress));
    return num(c, "initialLearningRate", 0.01) * ((1 - alpha) * cosine + alpha);
  }
  const auto& b = c["boundaries"];
  const auto& v = c["values"];
  size_t i = 0;
  while (i < b.size() && s > b[i].get<double>()) ++i;
  return v.at(i).get<double>();
}

// ---- the shared step -----------------------------------------------------------------

void Optimizer::applyGradients(std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                               const std::vector<std::string>& names) {
  WL_CHECK(params.size() == grads.size(), "applyGradients: " << params.size() << " parameters but " << grads.size()
                                                             << " gradients");
  PausedTape paused;  // updates are never differentiated
  double lr = learningRate_.at(iterations_);
  for (size_t i = 0; i < params.size(); ++i) {
    if (!grads[i].defined()) continue;
    WL_CHECK(params[i].dtype() == DType::Float32, "Optimizers update float32 variables only");
    auto it = state_.find(params[i].id());
    if (it == state_.end()) {
      State st;
      st.name = i < names.size() ? names[i] : "param" + std::to_string(params[i].id());
      for (const auto& [suffix, init] : slotSpecs()) st.slots.push_back(Tensor::full(params[i].shape(), init));
      it = state_.emplace(params[i].id(), std::move(st)).first;
      order_.push_back(params[i].id());
    }
    update(params[i], grads[i], it->second.slots, lr);
  }
  afterStep();
  ++iterations_;
}

void Optimizer::applyGradients(const std::vector<std::shared_ptr<Variable>>& vars, const std::vector<Tensor>& grads) {
  std::vector<Tensor> params;
  std::vector<std::string> names;
  for (const auto& v : vars) {
    params.push_back(v->value());
    names.push_back(v->name());
  }
  applyGradients(params, grads, names);
}

std::vector<std::pair<std::string, Tensor>> Optimizer::getWeights() const {
  std::vector<std::pair<std::string, Tensor>> out = {{"iter", S(static_cast<double>(iterations_))}};
  auto specs = slotSpecs();
  for (int64_t id : order_) {
    const State& st = state_.at(id);
    for (size_t k = 0; k < st.slots.size(); ++k) out.push_back({st.name + "/" + specs[k].first, st.slots[k]});
  }
  return out;
}

void Optimizer::setWeights(const std::vector<Tensor>& values) {
  size_t expected = 1;
  for (int64_t id : order_) expected += state_.at(id).slots.size();
  WL_CHECK(values.size() == expected, "Optimizer.setWeights: expected " << expected << " weights, got " << values.size());
  iterations_ = static_cast<int64_t>(values[0].item());
  onIterationsSet();
  size_t at = 1;
  for (int64_t id : order_) {
    for (Tensor& slot : state_.at(id).slots) {
      WL_CHECK(values[at].shape() == slot.shape(), "Optimizer.setWeights: weight " << at << " has shape "
                                                                                   << shapeStr(values[at].shape()));
      store(slot, values[at++]);
    }
  }
}

void Optimizer::setWeightsByName(const std::vector<std::shared_ptr<Variable>>& vars,
                                 const std::vector<std::string>& names, const std::vector<Tensor>& values) {
  WL_CHECK(names.size() == values.size(), "Optimizer.setWeights: " << names.size() << " names for " << values.size()
                                                                   << " weights");
  std::map<std::string, size_t> byName;
  for (size_t i = 0; i < names.size(); ++i) byName[names[i]] = i;
  std::vector<bool> used(names.size(), false);
  if (auto it = byName.find("iter"); it != byName.end()) {
    iterations_ = static_cast<int64_t>(values[it->second].item());
    onIterationsSet();
    used[it->second] = true;
  }
  const auto specs = slotSpecs();
  for (const auto& v : vars) {
    std::vector<size_t> at;
    for (const auto& [suffix, init] : specs) {
      auto it = byName.find(v->name() + "/" + suffix);
      if (it == byName.end()) break;
      at.push_back(it->second);
    }
    if (at.size() != specs.size() || specs.empty()) continue;
    Tensor param = v->value();
    State st;
    st.name = v->name();
    for (size_t k : at) {
      WL_CHECK(values[k].shape() == param.shape(), "Optimizer weight " << names[k] << " has shape "
                                                     << shapeStr(values[k].shape()) << ", but its variable has "
                                                     << shapeStr(param.shape()));
      Tensor slot = Tensor::full(param.shape(), 0.f);
      store(slot, values[k]);
      st.slots.push_back(slot);
      used[k] = true;
    }
    if (state_.find(param.id()) == state_.end()) order_.push_back(param.id());
    state_[param.id()] = std::move(st);
  }
  for (size_t i = 0; i < names.size(); ++i) {
    WL_CHECK(used[i], "Optimizer weight " << names[i] << " matches no state of this " << className()
                                          << " optimizer over the model's trainable weights");
  }
}

// ---- the optimizers ------------------------------------------------------------------

namespace {

class SGD : public Optimizer {
 public:
  explicit SGD(const nlohmann::json& c) : Optimizer(c.value("learningRate", nlohmann::json()), 0.01) {}
  std::string className() const override { return "SGD"; }
  nlohmann::json getConfig() const override { return {{"learningRate", learningRate_.toJson()}}; }

 protected:
  void update(Tensor& w, const Tensor& g, std::vector<Tensor>&, double lr) override {
    axpyInPlace(static_cast<float>(-lr), g, w);
  }
};

class Momentum : public Optimizer {
 public:
  explicit Momentum(const nlohmann::json& c)
      : Optimizer(c.value("learningRate", nlohmann::json()), 0.01), momentum_(num(c, "momentum", 0.9)),
        nesterov_(c.value("useNesterov", false)) {}
  std::string className() const override { return "Momentum"; }
  nlohmann::json getConfig() const override {
    return {{"learningRate", learningRate_.toJson()}, {"momentum", momentum_}, {"useNesterov", nesterov_}};
  }

 protected:
  std::vector<std::pair<std::string, float>> slotSpecs() const override { return {{"momentum", 0.f}}; }
  void update(Tensor& w, const Tensor& g, std::vector<Tensor>& s, double lr) override {
    Tensor accum = add(mul(S(momentum_), s[0]), g);
    store(s[0], accum);
    Tensor step = nesterov_ ? add(g, mul(accum, S(momentum_))) : accum;
    store(w, add(mul(S(-lr), step), w));
  }
  double momentum_;
  bool nesterov_;
};

class Adagrad : public Optimizer {
 public:
  explicit Adagrad(const nlohmann::json& c)
      : Optimizer(c.value("learningRate", nlohmann::json()), 0.01), initial_(num(c, "initialAccumulatorValue", 0.1)) {}
  std::string className() const override { return "Adagrad"; }
  nlohmann::json getConfig() const override {
    return {{"learningRate", learningRate_.toJson()}, {"initialAccumulatorValue", initial_}};
  }

 protected:
  std::vector<std::pair<std::string, float>> slotSpecs() const override {
    return {{"accumulator", static_cast<float>(initial_)}};
  }
  void update(Tensor& w, const Tensor& g, std::vector<Tensor>& s, double lr) override {
    Tensor acc = add(s[0], square(g));
    store(s[0], acc);
    store(w, add(mul(div(g, sqrt(add(acc, S(kEpsilon)))), S(-lr)), w));
  }
  double initial_;
};

class Adadelta : public Optimizer {
 public:
  explicit Adadelta(const nlohmann::json& c)
      : Optimizer(c.value("learningRate", nlohmann::json()), 0.001), rho_(num(c, "rho", 0.95)),
        epsilon_(num(c, "epsilon", kEpsilon)) {}
  std::string className() const override { return "Adadelta"; }
  nlohmann::json getConfig() const override {
    return {{"learningRate", learningRate_.toJson()}, {"rho", rho_}, {"epsilon", epsilon_}};
  }

 protected:
  std::vector<std::pair<std::string, float>> slotSpecs() const override { return {{"accum_grad", 0.f}, {"accum_var", 0.f}}; }
  void update(Tensor& w, const Tensor& g, std::vector<Tensor>& s, double lr) override {
    Tensor accGrad = add(mul(s[0], S(rho_)), mul(square(g), S(1 - rho_)));
    Tensor updates = mul(div(sqrt(add(s[1], S(epsilon_))), sqrt(add(s[0], S(epsilon_)))), g);
    Tensor accUpdate = add(mul(s[1], S(rho_)), mul(square(updates), S(1 - rho_)));
    store(s[0], accGrad);
    store(s[1], accUpdate);
    store(w, add(mul(updates, S(-lr)), w));
  }
  double rho_, epsilon_;
};

class Adam : public Optimizer {
 public:
  explicit Adam(const nlohmann::json& c, bool decoupled = false)
      : Optimizer(c.value("learningRate", nlohmann::json()), 0.001), beta1_(num(c, "beta1", 0.9)),
        beta2_(num(c, "beta2", 0.999)), epsilon_(num(c, "epsilon", kEpsilon)),
        weightDecay_(decoupled ? num(c, "weightDecay", 0.004) : 0.0), decoupled_(decoupled),
        accBeta1_(beta1_), accBeta2_(beta2_) {}
  std::string className() const override { return decoupled_ ? "AdamW" : "Adam"; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = {{"learningRate", learningRate_.toJson()}, {"beta1", beta1_}, {"beta2", beta2_},
                        {"epsilon", epsilon_}};
    if (decoupled_) c["weightDecay"] = weightDecay_;
    return c;
  }

 protected:
  std::vector<std::pair<std::string, float>> slotSpecs() const override { return {{"m", 0.f}, {"v", 0.f}}; }
  void update(Tensor& w, const Tensor& g, std::vector<Tensor>& s, double lr) override {
    // One fused pass (AdamUpdate) with the same float32 operations as tfjs's composed
    // form: m, v moving averages; w += -lr * mHat / (sqrt(vHat) + eps). AdamW also
    // decays the weights directly (decoupled from the gradient), as Keras.
    adamUpdateInPlace(w, g, s[0], s[1], beta1_, beta2_, 1 - accBeta1_, 1 - accBeta2_, lr, epsilon_,
                      decoupled_ ? lr * weightDecay_ : 0.0);
  }
  void afterStep() override {
    accBeta1_ *= beta1_;
    accBeta2_ *= beta2_;
  }
  void onIterationsSet() override {  // as tfjs's setWeights: beta^(iterations + 1)
    accBeta1_ = std::pow(beta1_, static_cast<double>(iterations_ + 1));
    accBeta2_ = std::pow(beta2_, static_cast<double>(iterations_ + 1));
  }
  double beta1_, beta2_, epsilon_, weightDecay_;
  bool decoupled_;
  double accBeta1_, accBeta2_;
};

class Adamax : public Optimizer {
 public:
  explicit Adamax(const nlohmann::json& c)
      : Optimizer(c.value("learningRate", nlohmann::json()), 0.002), beta1_(num(c, "beta1", 0.9)),
        beta2_(num(c, "beta2", 0.999)), epsilon_(num(c, "epsilon", kEpsilon)), decay_(num(c, "decay", 0)),
        accBeta1_(beta1_) {}
  std::string className() const override { return "Adamax"; }
  nlohmann::json getConfig() const override {
    return {{"learningRate", learningRate_.toJson()}, {"beta1", beta1_}, {"beta2", beta2_}, {"epsilon", epsilon_},
            {"decay", decay_}};
  }

 protected:
  std::vector<std::pair<std::string, float>> slotSpecs() const override { return {{"m", 0.f}, {"v", 0.f}}; }
  void update(Tensor& w, const Tensor& g, std::vector<Tensor>& s, double lr) override {
    double rate = lr / (1 + decay_ * static_cast<double>(iterations_));
    Tensor m = add(mul(s[0], S(beta1_)), mul(g, S(1 - beta1_)));
    Tensor u = maximum(mul(s[1], S(beta2_)), abs(g));
    store(s[0], m);
    store(s[1], u);
    // w - rate / (1 - accBeta1) * m / (u + eps)
    store(w, add(mul(S(-rate / (1 - accBeta1_)), div(m, add(u, S(epsilon_)))), w));
  }
  void afterStep() override { accBeta1_ *= beta1_; }
  void onIterationsSet() override { accBeta1_ = std::pow(beta1_, static_cast<double>(iterations_ + 1)); }
  double beta1_, beta2_, epsilon_, decay_;
  double accBeta1_;
};

class RMSProp : public Optimizer {
 public:
  explicit RMSProp(const nlohmann::json& c)
      : Optimizer(c.value("learningRate", nlohmann::json()), 0.001), decay_(num(c, "decay", 0.9)),
        momentum_(num(c, "momentum", 0)), epsilon_(num(c, "epsilon", kEpsilon)), centered_(c.value("centered", false)) {}
  std::string className() const override { return "RMSProp"; }
  nlohmann::json getConfig() const override {
    return {{"learningRate", learningRate_.toJson()}, {"decay", decay_}, {"momentum", momentum_},
            {"epsilon", epsilon_}, {"centered", centered_}};
  }

 protected:
  std::vector<std::pair<std::string, float>> slotSpecs() const override {
    if (centered_) return {{"rms", 0.f}, {"momentum", 0.f}, {"mg", 0.f}};
    return {{"rms", 0.f}, {"momentum", 0.f}};
  }
  void update(Tensor& w, const Tensor& g, std::vector<Tensor>& s, double lr) override {
    Tensor ms = add(mul(s[0], S(decay_)), mul(square(g), S(1 - decay_)));
    store(s[0], ms);
    Tensor denom;
    if (centered_) {
      Tensor mg = add(mul(s[2], S(decay_)), mul(g, S(1 - decay_)));
      store(s[2], mg);
      denom = sqrt(sub(ms, add(square(mg), S(epsilon_))));  // as tfjs: ms - (mg^2 + eps)
    } else {
      denom = sqrt(add(ms, S(epsilon_)));
    }
    Tensor mom = add(mul(s[1], S(momentum_)), div(mul(g, S(lr)), denom));
    store(s[1], mom);
    store(w, sub(w, mom));
  }
  double decay_, momentum_, epsilon_;
  bool centered_;
};

}  // namespace

std::unique_ptr<Optimizer> makeOptimizer(const nlohmann::json& spec) {
  std::string name;
  nlohmann::json config = nlohmann::json::object();
  if (spec.is_string()) {
    name = spec.get<std::string>();
  } else if (spec.is_object() && spec.contains("className") && spec["className"].is_string()) {
    name = spec["className"].get<std::string>();
    if (spec.contains("config") && spec["config"].is_object()) config = spec["config"];
  } else {
    throw Error("Unknown optimizer: " + spec.dump() + ". Expected a name such as 'sgd' or a tf.train optimizer");
  }
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // tfjs-layers' getOptimizer(): these are the defaults a name gets.
  if (lower == "sgd") return std::make_unique<SGD>(config);
  if (lower == "momentum") return std::make_unique<Momentum>(config);
  if (lower == "adagrad") return std::make_unique<Adagrad>(config);
  if (lower == "adadelta") {
    if (spec.is_string()) config["learningRate"] = 1.0;  // tfjs-layers: 'adadelta' is train.adadelta(1, 0.95)
    return std::make_unique<Adadelta>(config);
  }
  if (lower == "adam") return std::make_unique<Adam>(config);
  if (lower == "adamw") return std::make_unique<Adam>(config, true);
  if (lower == "adamax") return std::make_unique<Adamax>(config);
  if (lower == "rmsprop") return std::make_unique<RMSProp>(config);
  throw Error("Unknown Optimizer " + name + ". Accepted optimizers: sgd, momentum, adagrad, adadelta, adam, adamax, "
              "rmsprop, adamw");
}

}  // namespace wl

// Recurrent layers: SimpleRNN, LSTM, GRU (tfjs-layers/src/layers/recurrent.ts).
//
// tfjs builds each as an RNN layer around a cell; here Recurrent (below) is that
// RNN: it owns the options every recurrent layer shares and the loop over time,
// and a subclass gives its number of gates k, its states and one step of its cell.
//
// Options (tfjs names and defaults): units (required), activation ('tanh'),
// recurrentActivation ('hardSigmoid'; LSTM and GRU), useBias (true),
// kernelInitializer ('glorotNormal'), recurrentInitializer ('orthogonal'),
// biasInitializer ('zeros'), unitForgetBias (LSTM), kernel/recurrent/bias
// regularizers and constraints, dropout and recurrentDropout (clipped to [0, 1];
// used in training when strictly between), returnSequences, returnState,
// goBackwards (false), implementation (accepted; one computation for all, as tfjs),
// unroll (accepted and ignored, as tfjs). Not supported: stateful: true, GRU's
// resetAfter: true (tfjs throws too).
//
// Masks (tfjs's rnn()): with an input mask [batch, timesteps] (from Embedding
// maskZero or Masking), a masked step leaves the states and the output as they
// were: s = step(s) * m + s * (1 - m); with returnSequences the output keeps the
// mask (a masked step repeats the previous output, as tfjs), otherwise it has none.
//
// Input (batch, timesteps, features); timesteps may differ between calls.
// Weights in tfjs's order, gates in Keras's order: kernel [features, k*units],
// recurrent_kernel [units, k*units], bias [k*units] (SimpleRNN k = 1; LSTM k = 4:
// i, f, c, o; GRU k = 3: z, r, h).
// Output (batch, units), or (batch, timesteps, units) with returnSequences (in the
// order the steps ran: reversed with goBackwards, as tfjs); with returnState the
// final states follow: [h] (SimpleRNN, GRU) or [h, c] (LSTM), each (batch, units).
//
// The loop composes ops, so the tape gives the gradients (backpropagation through
// time): the input projection x * kernel + bias (of every step in one matMul before
// the loop at inference; per step in training, see callMany); each step adds
// h * recurrent_kernel and applies its gates.
#include <algorithm>

#include "core/tape.h"
#include "layers/activations.h"
#include "layers/core_layers.h"
#include "layers/initializers.h"
#include "layers/layer.h"
#include "layers/regularizers.h"
#include "ops/ops.h"
#include "ops/registry.h"
#include "ops/shape_ops.h"

namespace wl {

namespace {

namespace lo = layer_opts;

// tfc.dropout's multiplier: floor(uniform[0, 1) + keep) / keep, of `shape`.
Tensor dropoutMask(const Shape& shape, double rate) {
  Tensor u = OpRegistry::instance().run("randomUniform", {}, {{"shape", shape}}).at(0);
  Tensor keep = Tensor::scalar(static_cast<float>(1.0 - rate));
  return div(unary(UnaryOp::Floor, add(u, keep)), keep);
}

// A rate option as tfjs reads it: absent -> 0, clipped to [0, 1].
double clippedRate(const nlohmann::json& config, const char* key) {
  return std::min(1.0, std::max(0.0, lo::number(config, key, 0.0)));
}

std::string stringOption(const nlohmann::json& config, const char* key, const std::string& dflt) {
  nlohmann::json v = lo::get(config, key);
  if (v.is_null()) return dflt;
  WL_CHECK(v.is_string(), key << " must be a string, got " << v.dump());
  return v.get<std::string>();
}

bool boolOption(const nlohmann::json& config, const char* key, bool dflt) {
  nlohmann::json v = lo::get(config, key);
  if (v.is_null()) return dflt;
  WL_CHECK(v.is_boolean(), "Expected " << key << " to be a boolean, but got " << v.dump());
  return v.get<bool>();
}

nlohmann::json initializerOption(const nlohmann::json& config, const char* key, const char* dflt) {
  nlohmann::json v = lo::get(config, key);
  if (v.is_null()) v = dflt;
  validateInitializer(v, key);
  return v;
}

}  // namespace

class Recurrent : public Layer {
 public:
  Recurrent(const nlohmann::json& config, const std::string& cls, int gates, bool hasRecurrentActivation)
      : Layer(config, cls), gates_(gates), hasRecurrentActivation_(hasRecurrentActivation) {
    units_ = lo::positiveInt(config, "units");
    // tfjs: SimpleRNN treats a null activation as the default, LSTM and GRU as 'linear'.
    nlohmann::json act = lo::get(config, "activation");
    activation_ = act.is_null() ? (config.contains("activation") && hasRecurrentActivation ? "linear" : "tanh")
                                : stringOption(config, "activation", "tanh");
    validateActivation(activation_);
    if (hasRecurrentActivation_) {
      nlohmann::json ra = lo::get(config, "recurrentActivation");
      recurrentActivation_ = ra.is_null() ? (config.contains("recurrentActivation") ? "linear" : "hardSigmoid")
                                          : stringOption(config, "recurrentActivation", "hardSigmoid");
      validateActivation(recurrentActivation_);
    }
    useBias_ = boolOption(config, "useBias", true);
    kernelInitializer_ = initializerOption(config, "kernelInitializer", "glorotNormal");
    recurrentInitializer_ = initializerOption(config, "recurrentInitializer", "orthogonal");
    biasInitializer_ = initializerOption(config, "biasInitializer", "zeros");
    kernelRegularizer_ = lo::get(config, "kernelRegularizer");
    recurrentRegularizer_ = lo::get(config, "recurrentRegularizer");
    biasRegularizer_ = lo::get(config, "biasRegularizer");
    kernelConstraint_ = lo::get(config, "kernelConstraint");
    recurrentConstraint_ = lo::get(config, "recurrentConstraint");
    biasConstraint_ = lo::get(config, "biasConstraint");
    validateRegularizer(kernelRegularizer_, "kernelRegularizer");
    validateRegularizer(recurrentRegularizer_, "recurrentRegularizer");
    validateRegularizer(biasRegularizer_, "biasRegularizer");
    validateConstraint(kernelConstraint_, "kernelConstraint");
    validateConstraint(recurrentConstraint_, "recurrentConstraint");
    validateConstraint(biasConstraint_, "biasConstraint");
    dropout_ = clippedRate(config, "dropout");
    recurrentDropout_ = clippedRate(config, "recurrentDropout");
    returnSequences_ = boolOption(config, "returnSequences", false);
    returnState_ = boolOption(config, "returnState", false);
    goBackwards_ = boolOption(config, "goBackwards", false);
    unroll_ = boolOption(config, "unroll", false);
    WL_CHECK(!boolOption(config, "stateful", false),
             cls << " layer " << name() << ": stateful: true is not supported (wasm-layers keeps no state between "
                 << "calls); remove the option or pass the previous final states through returnState instead.");
    supportsMasking_ = true;
  }

  // tfjs's RNN.computeMask: the sequence output keeps the input mask; a last
  // output and the states have none.
  std::vector<Tensor> computeMask(const std::vector<Tensor>&, const std::vector<Tensor>& masks) const override {
    std::vector<Tensor> out(returnState_ ? 1 + numStates() : 1);
    out[0] = returnSequences_ && !masks.empty() ? masks[0] : Tensor();
    return out;
  }

  Shape computeOutputShape(const Shape& in) const override { return computeOutputShapes({in}).at(0); }

  std::vector<Shape> computeOutputShapes(const std::vector<Shape>& inputShapes) const override {
    WL_CHECK(inputShapes.size() == 1, className() << " layer " << name()
                                                  << " takes one input (initial states are not supported yet), got "
                                                  << inputShapes.size());
    const Shape& in = inputShapes[0];
    checkRank(in);
    std::vector<Shape> out;
    out.push_back(returnSequences_ ? Shape{in[0], in[1], units_} : Shape{in[0], units_});
    if (returnState_) {
      for (int s = 0; s < numStates(); ++s) out.push_back({in[0], units_});
    }
    return out;
  }

  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["units"] = units_;
    c["activation"] = activation_;
    if (hasRecurrentActivation_) c["recurrentActivation"] = recurrentActivation_;
    c["useBias"] = useBias_;
    c["kernelInitializer"] = serializeInitializer(kernelInitializer_);
    c["recurrentInitializer"] = serializeInitializer(recurrentInitializer_);
    c["biasInitializer"] = serializeInitializer(biasInitializer_);
    c["kernelRegularizer"] = kernelRegularizer_;
    c["recurrentRegularizer"] = recurrentRegularizer_;
    c["biasRegularizer"] = biasRegularizer_;
    c["activityRegularizer"] = nullptr;
    c["kernelConstraint"] = kernelConstraint_;
    c["recurrentConstraint"] = recurrentConstraint_;
    c["biasConstraint"] = biasConstraint_;
    c["dropout"] = dropout_;
    c["recurrentDropout"] = recurrentDropout_;
    c["returnSequences"] = returnSequences_;
    c["returnState"] = returnState_;
    c["goBackwards"] = goBackwards_;
    c["stateful"] = false;
    c["unroll"] = unroll_;
    return c;
  }

 protected:
  // The per-step state list: [h] or [h, c].
  virtual int numStates() const { return 1; }
  // What a step needs from the recurrent kernel, computed once per call.
  virtual std::vector<Tensor> recurrentParts(const Tensor& recurrentKernel) const { return {recurrentKernel}; }
  // One step: xz (batch, k*units) is this step's input projection (bias included),
  // `h` the previous output after recurrent dropout; returns the new states.
  virtual std::vector<Tensor> step(const Tensor& xz, const Tensor& h, const std::vector<Tensor>& states,
                                   const std::vector<Tensor>& parts) const = 0;
  // The bias's initial value ([k*units]) when it is not simply biasInitializer's.
  virtual Tensor customBiasValue() const { return Tensor(); }

  void checkRank(const Shape& in) const {
    WL_CHECK(in.size() == 3, "Input 0 is incompatible with layer " << name() << ": expected ndim=3, found ndim="
                                                                   << in.size());
  }

  // timesteps may change between calls; the features may not.
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, className() << " layer " << name() << " takes one input, got " << shapes.size());
    checkRank(shapes[0]);
    int64_t features = builtInputShape()[2];
    WL_CHECK(shapes[0][2] == features || shapes[0][2] < 0,
             "Input 0 is incompatible with layer " << name() << ": expected shape [null,null," << features
                                                   << "], found shape " << shapeStr(shapes[0]));
  }

  void build(const Shape& in) override {
    checkRank(in);
    WL_CHECK(in[2] > 0, className() << " layer " << name() << " needs a known number of features, got input shape "
                                    << shapeStr(in));
    int64_t k = gates_ * units_;
    kernel_ = addWeight("kernel", {in[2], k}, kernelInitializer_, true, kernelRegularizer_, kernelConstraint_);
    recurrentKernel_ = addWeight("recurrent_kernel", {units_, k}, recurrentInitializer_, true, recurrentRegularizer_,
                                 recurrentConstraint_);
    if (useBias_) {
      bias_ = addWeight("bias", {k}, biasInitializer_, true, biasRegularizer_, biasConstraint_);
      if (!fastWeightInit()) {
        Tensor custom = customBiasValue();
        if (custom.defined()) bias_->assign(custom);
      }
    }
  }

  std::vector<Tensor> callMany(const std::vector<Tensor>& xs, bool training) override {
    return run(xs, Tensor(), training);
  }

  std::vector<Tensor> callMasked(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                 bool training) override {
    return run(xs, masks.empty() ? Tensor() : masks[0], training);
  }

  // The per-step masks [B, 1] as float (keep) and 1 - keep (hold), in the order the
  // steps run. The mask is data, not a function of the weights: no tape.
  void stepMasks(const Tensor& mask, int64_t batch, int64_t steps, std::vector<Tensor>* keep,
                 std::vector<Tensor>* hold) const {
    PausedTape paused;
    Tensor m = cast(mask, DType::Float32);
    if (m.rank() == 3 && m.dim(2) == 1) m = reshape(m, {m.dim(0), m.dim(1)});
    WL_CHECK(m.rank() == 2 && m.dim(0) == batch && m.dim(1) == steps,
             className() << " layer " << name() << ": the mask must have shape [" << batch << "," << steps
                         << "] (batch, timesteps), got " << shapeStr(mask.shape()));
    if (goBackwards_) m = reverse(m, {1});
    Tensor one = Tensor::scalar(1.f);
    for (int64_t t = 0; t < steps; ++t) {
      Tensor k = slice(m, {0, t}, {batch, 1});
      keep->push_back(k);
      hold->push_back(sub(one, k));
    }
  }

  std::vector<Tensor> run(const std::vector<Tensor>& xs, const Tensor& mask, bool training) {
    WL_CHECK(xs.size() == 1, className() << " layer " << name() << " takes one input, got " << xs.size());
    Tensor x = xs[0];  // (B, T, F)
    checkRank(x.shape());
    int64_t batch = x.dim(0), steps = x.dim(1), features = x.dim(2), k = gates_ * units_;
    WL_CHECK(steps > 0, className() << " layer " << name() << ": the input has no timesteps (shape "
                                    << shapeStr(x.shape()) << ")");
    std::vector<Tensor> keep, hold;  // checks the mask before any work
    if (mask.defined()) stepMasks(mask, batch, steps, &keep, &hold);
    if (goBackwards_) x = reverse(x, {1});
    // Dropout masks are drawn once per call and shared by every step, as tfjs.
    if (training && dropout_ > 0 && dropout_ < 1) x = mul(x, reshape(dropoutMask({batch, features}, dropout_), {batch, 1, features}));
    Tensor recurrentMask;
    if (training && recurrentDropout_ > 0 && recurrentDropout_ < 1) recurrentMask = dropoutMask({batch, units_}, recurrentDropout_);

    // Time-major input projection: (T*B, F) x (F, k) + bias -> (T*B, k); step t is rows [t*B, (t+1)*B).
    FusedEpilogue post;
    if (useBias_) post.bias = bias_->value();
    Tensor xTimeMajor = reshape(transpose(x, {1, 0, 2}), {steps * batch, features});
    // Without a tape (inference) the projection of all steps is one matMul. Under a
    // tape a slice's gradient is a zero-padded copy of its whole input, so slicing the
    // (T*B, k) projection would cost O(T^2 * B * k) in the backward pass; there each
    // step projects its own (B, F) slice of the input instead (O(T^2 * B * F)).
    bool hoist = inferenceMode() || steps == 1;
    Tensor xz = hoist ? fusedMatMul(xTimeMajor, kernel_->value(), false, false, post) : Tensor();
    std::vector<Tensor> parts = recurrentParts(recurrentKernel_->value());

    std::vector<Tensor> states(numStates(), zeros({batch, units_}));
    std::vector<Tensor> outputs;
    for (int64_t t = 0; t < steps; ++t) {
      Tensor xzt = steps == 1 ? xz
                   : hoist    ? slice(xz, {t * batch, 0}, {batch, k})
                              : fusedMatMul(slice(xTimeMajor, {t * batch, 0}, {batch, features}), kernel_->value(),
                                            false, false, post);
      Tensor h = recurrentMask.defined() ? mul(states[0], recurrentMask) : states[0];
      std::vector<Tensor> next = step(xzt, h, states, parts);
      if (mask.defined()) {
        for (size_t s = 0; s < next.size(); ++s) next[s] = add(mul(next[s], keep[t]), mul(states[s], hold[t]));
      }
      states = std::move(next);
      if (returnSequences_) outputs.push_back(states[0]);
    }
    std::vector<Tensor> result{returnSequences_ ? stack(outputs, 1) : states[0]};
    if (returnState_) result.insert(result.end(), states.begin(), states.end());
    return result;
  }

  Tensor activation(const Tensor& x) const { return applyActivation(activation_, x); }
  Tensor recurrentActivation(const Tensor& x) const { return applyActivation(recurrentActivation_, x); }

  int gates_;
  bool hasRecurrentActivation_;
  int64_t units_;
  std::string activation_, recurrentActivation_;
  bool useBias_;
  nlohmann::json kernelInitializer_, recurrentInitializer_, biasInitializer_;
  nlohmann::json kernelRegularizer_, recurrentRegularizer_, biasRegularizer_;
  nlohmann::json kernelConstraint_, recurrentConstraint_, biasConstraint_;
  double dropout_, recurrentDropout_;
  bool returnSequences_, returnState_, goBackwards_, unroll_;
  std::shared_ptr<Variable> kernel_, recurrentKernel_, bias_;
};

// SimpleRNN: h = activation(x * kernel + bias + h * recurrent_kernel).
class SimpleRNN : public Recurrent {
 public:
  explicit SimpleRNN(const nlohmann::json& config) : Recurrent(config, "SimpleRNN", 1, false) {}
  std::string className() const override { return "SimpleRNN"; }

 protected:
  std::vector<Tensor> step(const Tensor& xz, const Tensor& h, const std::vector<Tensor>&,
                           const std::vector<Tensor>& parts) const override {
    return {activation(add(xz, matMul(h, parts[0])))};
  }
};

// Validates tfjs's `implementation` option (0 is deprecated and means 1; 1 and 2
// compute the same here, as in tfjs) and keeps it for getConfig.
nlohmann::json implementationOption(const nlohmann::json& config, const std::string& cls) {
  nlohmann::json v = lo::get(config, "implementation");
  if (v.is_null()) return v;
  WL_CHECK(v.is_number() && (v.get<double>() == 0 || v.get<double>() == 1 || v.get<double>() == 2),
           cls << ": implementation must be 1 or 2, got " << v.dump());
  return v;
}

// LSTM: z = x * kernel + h * recurrent_kernel + bias, split into i, f, c~, o;
// c = f * c + i * activation(c~); h = o * activation(c) (recurrentActivation on i, f, o).
class LSTM : public Recurrent {
 public:
  explicit LSTM(const nlohmann::json& config) : Recurrent(config, "LSTM", 4, true) {
    nlohmann::json ufb = lo::get(config, "unitForgetBias");
    WL_CHECK(ufb.is_null() || ufb.is_boolean(), "Expected unitForgetBias to be a boolean, but got " << ufb.dump());
    unitForgetBias_ = ufb;
    implementation_ = implementationOption(config, "LSTM");
  }
  std::string className() const override { return "LSTM"; }

  nlohmann::json getConfig() const override {
    nlohmann::json c = Recurrent::getConfig();
    // tfjs writes these two only when they were given.
    if (!unitForgetBias_.is_null()) c["unitForgetBias"] = unitForgetBias_;
    if (!implementation_.is_null()) c["implementation"] = implementation_;
    return c;
  }

 protected:
  int numStates() const override { return 2; }

  // unitForgetBias: [biasInitializer(units), ones(units), biasInitializer(2 * units)].
  Tensor customBiasValue() const override {
    if (!unitForgetBias_.is_boolean() || !unitForgetBias_.get<bool>()) return Tensor();
    return concat({initialize(biasInitializer_, {units_}), ones({units_}), initialize(biasInitializer_, {2 * units_})},
                  0);
  }

  std::vector<Tensor> step(const Tensor& xz, const Tensor& h, const std::vector<Tensor>& states,
                           const std::vector<Tensor>& parts) const override {
    std::vector<Tensor> z = split(add(xz, matMul(h, parts[0])), {4}, 1);
    Tensor i = recurrentActivation(z[0]);
    Tensor f = recurrentActivation(z[1]);
    Tensor c = add(mul(f, states[1]), mul(i, activation(z[2])));
    Tensor o = recurrentActivation(z[3]);
    return {mul(o, activation(c)), c};
  }

 private:
  nlohmann::json unitForgetBias_, implementation_;
};

// GRU (tfjs's, i.e. Keras's resetAfter: false): with xz = x * kernel + bias split
// into xZ, xR, xH and the recurrent kernel split into [units, 2*units] | [units, units]:
// z = recAct(xZ + h * rk_z), r = recAct(xR + h * rk_r), hh = act(xH + (r * h) * rk_h),
// h = z * h + (1 - z) * hh.
class GRU : public Recurrent {
 public:
  explicit GRU(const nlohmann::json& config) : Recurrent(config, "GRU", 3, true) {
    WL_CHECK(!boolOption(config, "resetAfter", false),
             "GRUCell does not support reset_after parameter set to true.");
    implementation_ = implementationOption(config, "GRU");
  }
  std::string className() const override { return "GRU"; }

  nlohmann::json getConfig() const override {
    nlohmann::json c = Recurrent::getConfig();
    if (!implementation_.is_null()) c["implementation"] = implementation_;
    c["resetAfter"] = false;
    return c;
  }

 protected:
  std::vector<Tensor> recurrentParts(const Tensor& rk) const override {
    return split(rk, {2 * units_, units_, -2}, 1);
  }

  // `h` is the previous output after recurrent dropout; tfjs uses it in the final
  // interpolation too.
  std::vector<Tensor> step(const Tensor& xz, const Tensor& h, const std::vector<Tensor>&,
                           const std::vector<Tensor>& parts) const override {
    std::vector<Tensor> x = split(xz, {3}, 1);
    std::vector<Tensor> inner = split(matMul(h, parts[0]), {2}, 1);
    Tensor z = recurrentActivation(add(x[0], inner[0]));
    Tensor r = recurrentActivation(add(x[1], inner[1]));
    Tensor hh = activation(add(x[2], matMul(mul(r, h), parts[1])));
    return {add(mul(z, h), mul(sub(Tensor::scalar(1.f), z), hh))};
  }

 private:
  nlohmann::json implementation_;
};

WL_REGISTER_LAYER(SimpleRNN);
WL_REGISTER_LAYER(LSTM);
WL_REGISTER_LAYER(GRU);

}  // namespace wl

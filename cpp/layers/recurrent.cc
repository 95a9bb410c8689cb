// Recurrent layers and cells (tfjs-layers/src/layers/recurrent.ts).
//
// As in tfjs, a recurrent layer is an RNN around a cell: the cell (RNNCell in
// recurrent.h) owns the weights and computes one step; the RNN (Recurrent below)
// owns the options every recurrent layer shares and the loop over time.
// SimpleRNN, LSTM and GRU make their cell from their own config;
// tf.layers.rnn({cell}) ("RNN") takes a SimpleRNNCell, LSTMCell, GRUCell or a
// StackedRNNCells of them. The cell's weights live in the RNN's name scope
// ("lstm_LSTM1/kernel"; a stack's "rnn_RNN1/RNNCell_0/kernel"), and getConfig
// is tfjs's: the cell's config spread under the RNN's own options (plus
// cell: {className, config} for "RNN").
//
// Cell options (tfjs names and defaults): units (required), activation ('tanh'),
// recurrentActivation ('hardSigmoid'; LSTM and GRU), useBias (true),
// kernelInitializer ('glorotNormal'), recurrentInitializer ('orthogonal'),
// biasInitializer ('zeros'), unitForgetBias (LSTM), kernel/recurrent/bias
// regularizers and constraints, dropout and recurrentDropout (clipped to [0, 1];
// used in training when strictly between; masks drawn once per sequence),
// implementation (accepted; one computation for all, as tfjs), and GRU's
// resetAfter (false: tfjs's GRU; true: Keras 2/3's default, which tfjs rejects:
// bias [2, 3*units] = input bias and recurrent bias, and
// hh = act(xH + r * (h * rk_h + b_rh))).
// RNN options: returnSequences, returnState, goBackwards (false), unroll
// (accepted and ignored, as tfjs), zeroOutputForMask (Keras's; masked steps output zeros), stateful (states carried from call to call
// until resetStates(); the batch size is fixed), and initial states as extra
// inputs: [x, s0, s1...] (tfjs's initialState).
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
// final states follow: [h] (SimpleRNN, GRU) or [h, c] (LSTM), each (batch, units);
// a stack's states are flat, in reverse order of its cells (tfjs).
//
// ConvLSTM2D (tfjs's convolutional_recurrent.ts) is the same RNN around a
// ConvLSTM2DCell (below LSTMCell): steps of [batch, h, w, channels], states of
// [batch, h', w', filters]; a cell says its step rank and state shapes (stepRank,
// stateShapes), so the loop, masks, initial and stateful states serve both. Beyond
// tfjs (whose RNN insists on ndim=3), tf.layers.rnn({cell: convLstm2dCell}) runs it
// too; convolutional cells cannot be stacked (as tfjs).
//
// The loop composes ops, so the tape gives the gradients (backpropagation through
// time). For a gate cell (the three built-in ones) the input projection
// x * kernel + bias of every step is one matMul before the loop, in training as at
// inference (its steps taken apart by unstack, whose gradient is one concat); each
// step multiplies h by recurrent_kernel and applies its gates: LSTM and GRU in one
// fused op (ops/recurrent_ops.h: lstmGates, gruGates, each with a one-pass gradient)
// when both activations are ones a gate kernel has (linear, sigmoid, hardSigmoid,
// tanh, relu), composed ops otherwise (and under nested tapes: second order).
#include "layers/recurrent.h"

#include <algorithm>

#include "core/tape.h"
#include "layers/activations.h"
#include "layers/convolutional.h"
#include "layers/core_layers.h"
#include "layers/host_layer.h"
#include "layers/initializers.h"
#include "layers/regularizers.h"
#include "layers/weight_options.h"
#include "ops/conv.h"
#include "ops/ops.h"
#include "ops/recurrent_ops.h"
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

// Validates tfjs's `implementation` option (0 is deprecated and means 1; 1 and 2
// compute the same here, as in tfjs) and keeps it for getConfig.
nlohmann::json implementationOption(const nlohmann::json& config, const std::string& cls) {
  nlohmann::json v = lo::get(config, "implementation");
  if (v.is_null()) return v;
  WL_CHECK(v.is_number() && (v.get<double>() == 0 || v.get<double>() == 1 || v.get<double>() == 2),
           cls << ": implementation must be 1 or 2, got " << v.dump());
  return v;
}

std::vector<std::shared_ptr<Variable>> joined(std::vector<std::shared_ptr<Variable>> a,
                                              const std::vector<std::shared_ptr<Variable>>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Tensor addDefined(const Tensor& a, const Tensor& b) {
  return a.defined() && b.defined() ? add(a, b) : (a.defined() ? a : b);
}

// A cell spec {className, config} made into a cell by the registry.
std::shared_ptr<RNNCell> cellFromSpec(const nlohmann::json& spec, const std::string& owner) {
  WL_CHECK(spec.is_object() && spec.contains("className") && spec["className"].is_string(),
           owner << ": a cell must be a {className, config} object, got " << spec.dump());
  nlohmann::json config = spec.contains("config") && spec["config"].is_object() ? spec["config"]
                                                                                : nlohmann::json::object();
  std::shared_ptr<Layer> layer = LayerRegistry::instance().create(spec["className"].get<std::string>(), config);
  auto cell = std::dynamic_pointer_cast<RNNCell>(layer);
  WL_CHECK(cell != nullptr, owner << ": " << spec["className"].get<std::string>()
                                  << " is not an RNN cell (SimpleRNNCell, LSTMCell, GRUCell, ConvLSTM2DCell, StackedRNNCells)");
  return cell;
}

}  // namespace

std::vector<Shape> RNNCell::stateShapes(const Shape&) const {
  std::vector<Shape> out;
  for (int64_t s : stateSizes()) out.push_back({s});
  return out;
}

Shape RNNCell::computeOutputShape(const Shape&) const {
  throw Error(className() + " " + name() + " is a cell: it runs inside tf.layers.rnn({cell}); apply that layer instead");
}

std::vector<Shape> RNNCell::computeOutputShapes(const std::vector<Shape>& in) const {
  return {computeOutputShape(in.empty() ? Shape{} : in[0])};
}

std::vector<Tensor> RNNCell::callMany(const std::vector<Tensor>&, bool) {
  throw Error(className() + " " + name() + " is a cell: it runs inside tf.layers.rnn({cell}); apply that layer instead");
}

void renameWeightScope(const Layer& layer, const std::string& from, const std::string& to) {
  for (const auto& w : layer.weights()) {
    if (w->name().compare(0, from.size(), from) == 0) w->setName(to + w->name().substr(from.size()));
  }
}

// The built-in cells: x * kernel + bias projected, h * recurrent_kernel added, gates applied.
class GateCell : public RNNCell {
 public:
  GateCell(const nlohmann::json& config, const std::string& cls, int gates, bool hasRecurrentActivation)
      : RNNCell(config, cls), gates_(gates), hasRecurrentActivation_(hasRecurrentActivation) {
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
    kernelOptions_ = WeightOptions(config, "kernel", "glorotNormal");
    recurrentOptions_ = WeightOptions(config, "recurrent", "orthogonal");
    biasOptions_ = WeightOptions(config, "bias", "zeros");
    nlohmann::json activity = lo::get(config, "activityRegularizer");
    WL_CHECK(activity.is_null(), cls << ": activityRegularizer is not supported on recurrent layers (tfjs ignores it); "
                                        "got " << activity.dump());
    dropout_ = clippedRate(config, "dropout");
    recurrentDropout_ = clippedRate(config, "recurrentDropout");
  }

  std::vector<int64_t> stateSizes() const override { return std::vector<int64_t>(numStates(), units_); }
  int64_t units() const { return units_; }

  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["units"] = units_;
    c["activation"] = activation_;
    if (hasRecurrentActivation_) c["recurrentActivation"] = recurrentActivation_;
    c["useBias"] = useBias_;
    kernelOptions_.write(c, "kernel");
    recurrentOptions_.write(c, "recurrent");
    biasOptions_.write(c, "bias");
    c["activityRegularizer"] = nullptr;
    c["dropout"] = dropout_;
    c["recurrentDropout"] = recurrentDropout_;
    return c;
  }

  void beginSequence(int64_t batch, bool training) override {
    // As tfjs: the input mask first, then the recurrent one.
    inputMask_ = training && dropout_ > 0 && dropout_ < 1 ? dropoutMask({batch, builtInputShape()[1]}, dropout_) : Tensor();
    recurrentMask_ =
        training && recurrentDropout_ > 0 && recurrentDropout_ < 1 ? dropoutMask({batch, units_}, recurrentDropout_) : Tensor();
    parts_ = recurrentParts(recurrentKernel_->value());
  }
  void endSequence() override {
    inputMask_ = recurrentMask_ = Tensor();
    parts_.clear();
  }

  std::vector<Tensor> step(const Tensor& x, const std::vector<Tensor>& states) override {
    Tensor xi = inputMask_.defined() ? mul(x, inputMask_) : x;
    std::vector<Tensor> next = stepProjected(fusedMatMul(xi, kernel_->value(), false, false, projectionEpilogue()), states);
    next.insert(next.begin(), next[0]);
    return next;
  }

  // Whether the RNN may compute the input projection x * kernel + bias of all steps at once.
  virtual bool hoistable() const { return true; }
  // For the RNN's hoisted projection: this sequence's input dropout mask, the kernel and the input bias.
  const Tensor& inputMask() const { return inputMask_; }
  Tensor kernel() const { return kernel_->value(); }
  FusedEpilogue projectionEpilogue() const {
    FusedEpilogue post;
    if (useBias_) post.bias = inputBias();
    return post;
  }
  // One step from this step's input projection xz (batch, k*units): the new states.
  std::vector<Tensor> stepProjected(const Tensor& xz, const std::vector<Tensor>& states) const {
    Tensor h = recurrentMask_.defined() ? mul(states[0], recurrentMask_) : states[0];
    return gates(xz, h, states, parts_);
  }

 protected:
  virtual int numStates() const { return 1; }
  // What a step needs from the recurrent kernel, computed once per sequence.
  virtual std::vector<Tensor> recurrentParts(const Tensor& recurrentKernel) const { return {recurrentKernel}; }
  // `h` is the previous output after recurrent dropout; returns the new states.
  virtual std::vector<Tensor> gates(const Tensor& xz, const Tensor& h, const std::vector<Tensor>& states,
                                    const std::vector<Tensor>& parts) const = 0;
  // The bias's initial value when it is not simply biasInitializer's.
  virtual Tensor customBiasValue() const { return Tensor(); }
  virtual Shape biasShape() const { return {gates_ * units_}; }
  virtual Tensor inputBias() const { return bias_->value(); }

  void build(const Shape& in) override {
    WL_CHECK(in.size() == 2 && in[1] > 0, className() << " " << name()
                                                      << ": a cell is built for [batch, features], got " << shapeStr(in));
    int64_t k = gates_ * units_;
    kernel_ = addWeight("kernel", {in[1], k}, kernelOptions_);
    recurrentKernel_ = addWeight("recurrent_kernel", {units_, k}, recurrentOptions_);
    if (useBias_) {
      bias_ = addWeight("bias", biasShape(), biasOptions_);
      if (!fastWeightInit()) {
        Tensor custom = customBiasValue();
        if (custom.defined()) bias_->assign(custom);
      }
    }
  }

  Tensor activation(const Tensor& x) const { return applyActivation(activation_, x); }
  Tensor recurrentActivation(const Tensor& x) const { return applyActivation(recurrentActivation_, x); }
  // Whether the step uses the fused gate ops (ops/recurrent_ops.h), and their activations.
  bool fusedActivations(GateActivation* act, GateActivation* recAct) const {
    return useGateOps(activation_, recurrentActivation_, act, recAct);
  }

  int gates_;
  bool hasRecurrentActivation_;
  int64_t units_;
  std::string activation_, recurrentActivation_;
  bool useBias_;
  WeightOptions kernelOptions_, recurrentOptions_, biasOptions_;
  double dropout_, recurrentDropout_;
  std::shared_ptr<Variable> kernel_, recurrentKernel_, bias_;
  Tensor inputMask_, recurrentMask_;
  std::vector<Tensor> parts_;
};

// SimpleRNN: h = activation(x * kernel + bias + h * recurrent_kernel).
class SimpleRNNCell : public GateCell {
 public:
  explicit SimpleRNNCell(const nlohmann::json& config) : GateCell(config, "SimpleRNNCell", 1, false) {}
  std::string className() const override { return "SimpleRNNCell"; }

 protected:
  std::vector<Tensor> gates(const Tensor& xz, const Tensor& h, const std::vector<Tensor>&,
                            const std::vector<Tensor>& parts) const override {
    return {activation(add(xz, matMul(h, parts[0])))};
  }
};

// LSTM: z = x * kernel + h * recurrent_kernel + bias, split into i, f, c~, o;
// c = f * c + i * activation(c~); h = o * activation(c) (recurrentActivation on i, f, o).
class LSTMCell : public GateCell {
 public:
  explicit LSTMCell(const nlohmann::json& config) : LSTMCell(config, "LSTMCell") {}
  std::string className() const override { return "LSTMCell"; }

  nlohmann::json getConfig() const override {
    nlohmann::json c = GateCell::getConfig();
    // tfjs writes these two only when they were given.
    if (!unitForgetBias_.is_null()) c["unitForgetBias"] = unitForgetBias_;
    if (!implementation_.is_null()) c["implementation"] = implementation_;
    return c;
  }

 protected:
  LSTMCell(const nlohmann::json& config, const std::string& cls) : GateCell(config, cls, 4, true) {
    nlohmann::json ufb = lo::get(config, "unitForgetBias");
    WL_CHECK(ufb.is_null() || ufb.is_boolean(), "Expected unitForgetBias to be a boolean, but got " << ufb.dump());
    unitForgetBias_ = ufb;
    implementation_ = implementationOption(config, "LSTM");
  }

  int numStates() const override { return 2; }

  // unitForgetBias: [biasInitializer(units), ones(units), biasInitializer(2 * units)].
  Tensor customBiasValue() const override {
    if (!unitForgetBias_.is_boolean() || !unitForgetBias_.get<bool>()) return Tensor();
    return concat({initialize(biasOptions_.initializer, {units_}), ones({units_}), initialize(biasOptions_.initializer, {2 * units_})},
                  0);
  }

  std::vector<Tensor> gates(const Tensor& xz, const Tensor& h, const std::vector<Tensor>& states,
                            const std::vector<Tensor>& parts) const override {
    GateActivation act, recAct;
    if (fusedActivations(&act, &recAct)) return lstmGates(xz, matMul(h, parts[0]), states[1], act, recAct);
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

// tfjs's ConvLSTM2DCell (convolutional_recurrent.ts): an LSTM cell whose products
// are convolutions. Options: filters (required; tfjs hands them to the LSTM cell as
// units), kernelSize (required), strides (1), padding ('valid' or 'same'),
// dataFormat ('channelsLast'), dilationRate (1), and the LSTM cell's (activation,
// recurrentActivation, useBias, initializers, regularizers, constraints,
// unitForgetBias, dropout, recurrentDropout, implementation).
// Step input [batch, h, w, channels] (channelsFirst: [batch, channels, h, w]);
// states h and c [batch, h', w', filters] with h', w' the input convolution's size.
// Weights: kernel [kh, kw, channels, 4*filters], recurrent_kernel
// [kh, kw, filters, 4*filters], bias [4*filters], gates in the LSTM's order i, f, c, o.
//   z = conv2d(x, kernel, strides, padding, dilationRate) + bias + conv2d(h, recurrent_kernel, 1, 'same')
// then the LSTM's gates on z split along the channels.
// Dropout (training, rate strictly between 0 and 1): as tfjs, four masks over the
// whole step input (and four over h), one per gate, drawn at the first step of a
// sequence; the gates' convolutions then run one by one.
class ConvLSTM2DCell : public LSTMCell {
 public:
  explicit ConvLSTM2DCell(const nlohmann::json& config) : LSTMCell(withUnits(config), "ConvLSTM2DCell") {
    namespace cu = conv_utils;
    kernelSize_ = cu::normalizeArray(lo::get(config, "kernelSize"), 2, "kernelSize");
    nlohmann::json st = lo::get(config, "strides");
    strides_ = cu::normalizeArray(st.is_null() ? nlohmann::json(1) : st, 2, "strides");
    padding_ = cu::paddingMode(lo::get(config, "padding"));
    WL_CHECK(padding_ != "causal", "ConvLSTM2DCell: padding 'causal' is not supported (tfjs's conv2d rejects it); "
                                   "use 'valid' or 'same'");
    dataFormat_ = cu::dataFormat(lo::get(config, "dataFormat"));
    nlohmann::json dr = lo::get(config, "dilationRate");
    dilationRate_ = cu::normalizeArray(dr.is_null() ? nlohmann::json(1) : dr, 2, "dilationRate");
  }
  std::string className() const override { return "ConvLSTM2DCell"; }
  bool channelsFirst() const { return dataFormat_ == "channelsFirst"; }

  bool hoistable() const override { return false; }
  size_t stepRank() const override { return 3; }
  std::vector<Shape> stateShapes(const Shape& in) const override {
    bool cf = channelsFirst();
    int64_t h = in.size() == 4 ? in[cf ? 2 : 1] : -1, w = in.size() == 4 ? in[cf ? 3 : 2] : -1;
    int64_t ho = conv_utils::convOutputLength(h, kernelSize_[0], padding_, strides_[0], dilationRate_[0]);
    int64_t wo = conv_utils::convOutputLength(w, kernelSize_[1], padding_, strides_[1], dilationRate_[1]);
    Shape s = cf ? Shape{units_, ho, wo} : Shape{ho, wo, units_};
    return {s, s};
  }

  nlohmann::json getConfig() const override {
    nlohmann::json c = LSTMCell::getConfig();
    c.erase("units");
    c["filters"] = units_;
    c["kernelSize"] = kernelSize_;
    c["padding"] = padding_;
    c["dataFormat"] = dataFormat_;
    c["dilationRate"] = dilationRate_;
    c["strides"] = strides_;
    return c;
  }

  void beginSequence(int64_t, bool training) override {
    training_ = training;
    inputMasks_.clear();
    recurrentMasks_.clear();
  }
  void endSequence() override {
    inputMasks_.clear();
    recurrentMasks_.clear();
  }

  std::vector<Tensor> step(const Tensor& x, const std::vector<Tensor>& states) override {
    WL_CHECK(x.rank() == 4, "ConvLSTM2DCell " << name() << ": a step input must have rank 4, got shape "
                                               << shapeStr(x.shape()));
    // tfjs draws the masks at the first step (the step input's and h's shapes).
    if (training_ && dropout_ > 0 && dropout_ < 1 && inputMasks_.empty()) {
      for (int g = 0; g < 4; ++g) inputMasks_.push_back(dropoutMask(x.shape(), dropout_));
    }
    if (training_ && recurrentDropout_ > 0 && recurrentDropout_ < 1 && recurrentMasks_.empty()) {
      for (int g = 0; g < 4; ++g) recurrentMasks_.push_back(dropoutMask(states[0].shape(), recurrentDropout_));
    }
    const std::string format = channelsFirst() ? "NCHW" : "NHWC";
    const int64_t axis = channelsFirst() ? 1 : 3;
    const Padding pad = conv_utils::opPadding(padding_);
    Tensor kernel = kernel_->value(), recurrent = recurrentKernel_->value();
    std::vector<Tensor> xz, hz;
    if (inputMasks_.empty()) {
      FusedEpilogue post;
      if (useBias_) post.bias = bias_->value();
      xz = split(fusedConv2d(x, kernel, strides_, pad, format, dilationRate_, post), {4}, axis);
    } else {
      std::vector<Tensor> kernels = split(kernel, {4}, 3);
      std::vector<Tensor> biases = useBias_ ? split(bias_->value(), {4}, 0) : std::vector<Tensor>(4);
      for (int g = 0; g < 4; ++g) {
        FusedEpilogue post;
        post.bias = biases[g];
        xz.push_back(fusedConv2d(mul(inputMasks_[g], x), kernels[g], strides_, pad, format, dilationRate_, post));
      }
    }
    if (recurrentMasks_.empty()) {
      hz = split(conv2d(states[0], recurrent, {1}, Padding::same(), format), {4}, axis);
    } else {
      std::vector<Tensor> kernels = split(recurrent, {4}, 3);
      for (int g = 0; g < 4; ++g) {
        hz.push_back(conv2d(mul(recurrentMasks_[g], states[0]), kernels[g], {1}, Padding::same(), format));
      }
    }
    Tensor i = recurrentActivation(add(xz[0], hz[0]));
    Tensor f = recurrentActivation(add(xz[1], hz[1]));
    Tensor c = add(mul(f, states[1]), mul(i, activation(add(xz[2], hz[2]))));
    Tensor h = mul(recurrentActivation(add(xz[3], hz[3])), activation(c));
    return {h, h, c};
  }

 protected:
  void build(const Shape& in) override {
    WL_CHECK(in.size() == 4, "ConvLSTM2DCell " << name() << ": a cell is built for [batch, h, w, channels], got "
                                               << shapeStr(in));
    int64_t inputDim = in[channelsFirst() ? 1 : 3];
    WL_CHECK(inputDim > 0, "The channel dimension of the input should be defined. Found " << inputDim);
    int64_t k = 4 * units_;
    kernel_ = addWeight("kernel", {kernelSize_[0], kernelSize_[1], inputDim, k}, kernelOptions_);
    recurrentKernel_ = addWeight("recurrent_kernel", {kernelSize_[0], kernelSize_[1], units_, k}, recurrentOptions_);
    if (useBias_) {
      bias_ = addWeight("bias", {k}, biasOptions_);
      if (!fastWeightInit()) {
        Tensor custom = customBiasValue();
        if (custom.defined()) bias_->assign(custom);
      }
    }
  }

 private:
  // tfjs: super({...args, units: filters}) after checking filters.
  static nlohmann::json withUnits(const nlohmann::json& config) {
    WL_CHECK(config.is_object(), "ConvLSTM2DCell: the config must be an object, got " << config.dump());
    lo::positiveInt(config, "filters");
    nlohmann::json c = config;
    c["units"] = config["filters"];
    return c;
  }

  std::vector<int64_t> kernelSize_, strides_, dilationRate_;
  std::string padding_, dataFormat_;
  bool training_ = false;
  std::vector<Tensor> inputMasks_, recurrentMasks_;
};

// GRU. With xz = x * kernel + input bias split into xZ, xR, xH:
// resetAfter false (tfjs's): the recurrent kernel split into [units, 2*units] | [units, units];
//   z = recAct(xZ + h * rk_z), r = recAct(xR + h * rk_r), hh = act(xH + (r * h) * rk_h),
//   h = z * h + (1 - z) * hh (tfjs uses h after recurrent dropout here too).
// resetAfter true (Keras's default; keras/src/layers/rnn/gru.py): bias [2, 3*units] =
//   [input bias; recurrent bias]; inner = h * rk + b_r split into iZ, iR, iH;
//   z = recAct(xZ + iZ), r = recAct(xR + iR), hh = act(xH + r * iH),
//   h = z * h + (1 - z) * hh with the h before recurrent dropout (as Keras).
class GRUCell : public GateCell {
 public:
  explicit GRUCell(const nlohmann::json& config) : GateCell(config, "GRUCell", 3, true) {
    resetAfter_ = boolOption(config, "resetAfter", false);
    implementation_ = implementationOption(config, "GRU");
  }
  std::string className() const override { return "GRUCell"; }

  nlohmann::json getConfig() const override {
    nlohmann::json c = GateCell::getConfig();
    if (!implementation_.is_null()) c["implementation"] = implementation_;
    c["resetAfter"] = resetAfter_;
    return c;
  }

 protected:
  Shape biasShape() const override { return resetAfter_ ? Shape{2, 3 * units_} : Shape{3 * units_}; }
  Tensor inputBias() const override {
    return resetAfter_ ? reshape(slice(bias_->value(), {0, 0}, {1, 3 * units_}), {3 * units_}) : bias_->value();
  }

  std::vector<Tensor> recurrentParts(const Tensor& rk) const override {
    if (resetAfter_) {
      if (!useBias_) return {rk};
      return {rk, reshape(slice(bias_->value(), {1, 0}, {1, 3 * units_}), {3 * units_})};
    }
    return split(rk, {2 * units_, units_, -2}, 1);
  }

  std::vector<Tensor> gates(const Tensor& xz, const Tensor& h, const std::vector<Tensor>& states,
                            const std::vector<Tensor>& parts) const override {
    GateActivation act, recAct;
    if (fusedActivations(&act, &recAct)) {
      if (resetAfter_) {
        return {gruGates(xz, matMul(h, parts[0]), states[0], parts.size() > 1 ? parts[1] : Tensor(), act, recAct, true)};
      }
      return {gruGates(xz, matMul(h, parts[0]), h, parts[1], act, recAct, false)};
    }
    std::vector<Tensor> x = split(xz, {3}, 1);
    if (resetAfter_) {
      Tensor innerAll = matMul(h, parts[0]);
      if (parts.size() > 1) innerAll = add(innerAll, parts[1]);
      std::vector<Tensor> inner = split(innerAll, {3}, 1);
      Tensor z = recurrentActivation(add(x[0], inner[0]));
      Tensor r = recurrentActivation(add(x[1], inner[1]));
      Tensor hh = activation(add(x[2], mul(r, inner[2])));
      const Tensor& prev = states[0];
      return {add(mul(z, prev), mul(sub(Tensor::scalar(1.f), z), hh))};
    }
    std::vector<Tensor> inner = split(matMul(h, parts[0]), {2}, 1);
    Tensor z = recurrentActivation(add(x[0], inner[0]));
    Tensor r = recurrentActivation(add(x[1], inner[1]));
    Tensor hh = activation(add(x[2], matMul(mul(r, h), parts[1])));
    return {add(mul(z, h), mul(sub(Tensor::scalar(1.f), z), hh))};
  }

 private:
  bool resetAfter_ = false;
  nlohmann::json implementation_;
};

// A custom cell written in JavaScript (a subclass of tf.RNNCell / tf.layers.Layer with
// a stateSize, as tfjs): built for [batch, features] by its build(); each step calls
// its call([x, ...states]), which returns [output, ...newStates].
class HostCell : public RNNCell {
 public:
  HostCell(std::shared_ptr<HostLayer> layer, std::vector<int64_t> stateSizes)
      : RNNCell(nlohmann::json{{"name", layer->name()}}, layer->className()), layer_(std::move(layer)),
        stateSizes_(std::move(stateSizes)) {
    WL_CHECK(!stateSizes_.empty(), "The custom cell " << layer_->name() << " needs a stateSize (a number or an array of numbers)");
    for (int64_t s : stateSizes_) {
      WL_CHECK(s > 0, "The custom cell " << layer_->name() << " has a bad stateSize entry " << s);
    }
  }
  std::string className() const override { return layer_->className(); }
  nlohmann::json getConfig() const override { return layer_->getConfig(); }
  std::vector<int64_t> stateSizes() const override { return stateSizes_; }
  std::vector<std::shared_ptr<Variable>> weights() const override { return layer_->weights(); }
  std::vector<std::shared_ptr<Variable>> trainableWeights() const override { return layer_->trainableWeights(); }
  std::vector<std::shared_ptr<Variable>> nonTrainableWeights() const override { return layer_->nonTrainableWeights(); }
  void setTrainable(bool trainable) override {
    layer_->setTrainable(trainable);
    Layer::setTrainable(trainable);
  }
  Tensor regularizationLoss() const override { return layer_->regularizationLoss(); }
  void applyConstraints() override { layer_->applyConstraints(); }

  void beginSequence(int64_t, bool training) override { training_ = training; }
  std::vector<Tensor> step(const Tensor& x, const std::vector<Tensor>& states) override {
    std::vector<Tensor> in{x};
    in.insert(in.end(), states.begin(), states.end());
    std::vector<Tensor> out = layer_->callHost(in, training_);
    WL_CHECK(out.size() == 1 + stateSizes_.size(),
             "The custom cell " << layer_->name() << " must return [output, ...newStates] (" << 1 + stateSizes_.size()
                                << " tensors), but it returned " << out.size());
    return out;
  }

 protected:
  void build(const Shape& in) override {
    bool fresh = !layer_->built();
    layer_->ensureBuilt(in);
    if (fresh) renameWeightScope(*layer_, layer_->name() + "/", name() + "/");
  }

 private:
  std::shared_ptr<HostLayer> layer_;
  std::vector<int64_t> stateSizes_;
  bool training_ = false;
};

// tfjs's StackedRNNCells({cells}): the cells run one after another within a step,
// each on the previous one's output. States are one flat list in reverse order
// of the cells ([h2, c2, h1, c1] for two LSTM cells), so state 0 is the output.
// Cell i's weights are named "<scope>/RNNCell_i/kernel", as tfjs.
class StackedRNNCells : public RNNCell {
 public:
  StackedRNNCells(const nlohmann::json& config, std::vector<std::shared_ptr<RNNCell>> cells)
      : RNNCell(config, "StackedRNNCells"), cells_(std::move(cells)) {
    WL_CHECK(!cells_.empty(), "StackedRNNCells needs at least one cell (the cells option), got none");
    for (const auto& c : cells_) {
      WL_CHECK(c->stepRank() == 1, "StackedRNNCells: convolutional cells (" << c->className()
                                       << ") cannot be stacked (tfjs: it is not possible at the moment to "
                                          "stack convolutional cells)");
    }
  }
  explicit StackedRNNCells(const nlohmann::json& config) : StackedRNNCells(config, cellsFromConfig(config)) {}
  std::string className() const override { return "StackedRNNCells"; }

  static std::vector<std::shared_ptr<RNNCell>> cellsFromConfig(const nlohmann::json& config) {
    nlohmann::json specs = lo::get(config, "cells");
    WL_CHECK(specs.is_array(), "StackedRNNCells: the cells option must be an array of cells, got " << lo::describe(specs));
    std::vector<std::shared_ptr<RNNCell>> cells;
    for (const auto& spec : specs) cells.push_back(cellFromSpec(spec, "StackedRNNCells"));
    return cells;
  }

  std::vector<int64_t> stateSizes() const override {
    std::vector<int64_t> out;
    for (auto it = cells_.rbegin(); it != cells_.rend(); ++it) {
      std::vector<int64_t> s = (*it)->stateSizes();
      out.insert(out.end(), s.begin(), s.end());
    }
    return out;
  }

  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["cells"] = nlohmann::json::array();
    for (const auto& cell : cells_) c["cells"].push_back({{"className", cell->className()}, {"config", cell->getConfig()}});
    return c;
  }

  std::vector<std::shared_ptr<Variable>> weights() const override {
    std::vector<std::shared_ptr<Variable>> out;
    for (const auto& c : cells_) out = joined(out, c->weights());
    return out;
  }
  void setTrainable(bool trainable) override {
    for (const auto& c : cells_) c->setTrainable(trainable);
    Layer::setTrainable(trainable);
  }
  Tensor regularizationLoss() const override {
    Tensor total;
    for (const auto& c : cells_) total = addDefined(total, c->regularizationLoss());
    return total;
  }
  void applyConstraints() override {
    for (const auto& c : cells_) c->applyConstraints();
  }

  void beginSequence(int64_t batch, bool training) override {
    for (const auto& c : cells_) c->beginSequence(batch, training);
  }
  void endSequence() override {
    for (const auto& c : cells_) c->endSequence();
  }

  std::vector<Tensor> step(const Tensor& x, const std::vector<Tensor>& states) override {
    // Per-cell states, from the flat reversed list.
    std::vector<std::vector<Tensor>> nested(cells_.size());
    size_t at = 0;
    for (size_t i = cells_.size(); i-- > 0;) {
      size_t n = cells_[i]->stateSizes().size();
      nested[i].assign(states.begin() + static_cast<std::ptrdiff_t>(at), states.begin() + static_cast<std::ptrdiff_t>(at + n));
      at += n;
    }
    Tensor input = x;
    std::vector<std::vector<Tensor>> next(cells_.size());
    for (size_t i = 0; i < cells_.size(); ++i) {
      std::vector<Tensor> out = cells_[i]->step(input, nested[i]);
      input = out[0];
      next[i].assign(out.begin() + 1, out.end());
    }
    std::vector<Tensor> result{input};
    for (size_t i = cells_.size(); i-- > 0;) result.insert(result.end(), next[i].begin(), next[i].end());
    return result;
  }

 protected:
  void build(const Shape& in) override {
    Shape shape = in;
    for (size_t i = 0; i < cells_.size(); ++i) {
      const auto& cell = cells_[i];
      bool fresh = !cell->built();
      cell->ensureBuilt(shape);
      if (fresh) renameWeightScope(*cell, cell->name() + "/", name() + "/RNNCell_" + std::to_string(i) + "/");
      shape = {in[0], cell->outputSize()};
    }
  }

 private:
  std::vector<std::shared_ptr<RNNCell>> cells_;
};

// The RNN layer: runs its cell over the timesteps.
class Recurrent : public Layer {
 public:
  Recurrent(const nlohmann::json& config, const std::string& cls, std::shared_ptr<RNNCell> cell)
      : Layer(config, cls), cell_(std::move(cell)) {
    WL_CHECK(cell_ != nullptr, cls << ": the cell option is required");
    returnSequences_ = boolOption(config, "returnSequences", false);
    returnState_ = boolOption(config, "returnState", false);
    goBackwards_ = boolOption(config, "goBackwards", false);
    unroll_ = boolOption(config, "unroll", false);
    stateful_ = boolOption(config, "stateful", false);
    // Keras's zero_output_for_mask (tfjs has none): masked steps output zeros instead of the previous output.
    zeroOutputForMask_ = lo::get(config, "zeroOutputForMask");
    WL_CHECK(zeroOutputForMask_.is_null() || zeroOutputForMask_.is_boolean(),
             "Expected zeroOutputForMask to be a boolean, but got " << zeroOutputForMask_.dump());
    WL_CHECK(!boolOption(config, "timeMajor", false),
             cls << " layer " << name() << ": timeMajor (Keras's time_major: inputs [timesteps, batch, features]) is not "
                    "supported; transpose the input to [batch, timesteps, features] instead");
    nlohmann::json numConstants = lo::get(config, "numConstants");
    WL_CHECK(numConstants.is_null(), cls << ": constants (numConstants) are not supported, got " << numConstants.dump());
    if (config.contains("trainable") && config["trainable"].is_boolean()) cell_->setTrainable(config["trainable"]);
    supportsMasking_ = true;
  }

  int numStates() const { return static_cast<int>(cell_->stateSizes().size()); }
  bool stateful() const { return stateful_; }
  const std::shared_ptr<RNNCell>& cell() const { return cell_; }

  // tfjs's RNN.computeMask: the sequence output keeps the input mask; a last
  // output and the states have none.
  std::vector<Tensor> computeMask(const std::vector<Tensor>&, const std::vector<Tensor>& masks) const override {
    std::vector<Tensor> out(returnState_ ? 1 + numStates() : 1);
    out[0] = returnSequences_ && !masks.empty() ? masks[0] : Tensor();
    return out;
  }

  Shape computeOutputShape(const Shape& in) const override { return computeOutputShapes({in}).at(0); }

  std::vector<Shape> computeOutputShapes(const std::vector<Shape>& inputShapes) const override {
    checkInputCount(inputShapes.size());
    const Shape& in = inputShapes[0];
    checkRank(in);
    // tfjs: a stateful layer in a model needs its batch size (its states have one).
    WL_CHECK(!stateful_ || in[0] > 0 || fixedBatch() > 0,
             "If an RNN is stateful, it needs to know its batch size. Specify the batch size of your input tensors: \n"
             "- If using a Sequential model, specify the batch size by passing a `batchInputShape` option to your "
             "first layer.\n- If using the functional API, specify the batch size by passing a `batchShape` option "
             "to your Input layer.");
    std::vector<Shape> states = cell_->stateShapes(stepShapeOf(in));
    std::vector<Shape> out;
    Shape output = withBatch(in[0], states[0]);
    if (returnSequences_) output.insert(output.begin() + 1, in[1]);
    out.push_back(output);
    if (returnState_) {
      for (const Shape& s : states) out.push_back(withBatch(in[0], s));
    }
    return out;
  }

  nlohmann::json getConfig() const override {
    // tfjs: {...cellConfig, ...baseConfig, ...rnnConfig} (+ cell for "RNN").
    nlohmann::json c = cell_->getConfig();
    const nlohmann::json base = Layer::getConfig();
    for (auto it = base.begin(); it != base.end(); ++it) c[it.key()] = it.value();
    c["returnSequences"] = returnSequences_;
    c["returnState"] = returnState_;
    c["goBackwards"] = goBackwards_;
    c["stateful"] = stateful_;
    c["unroll"] = unroll_;
    if (!zeroOutputForMask_.is_null()) c["zeroOutputForMask"] = zeroOutputForMask_;
    if (className() == "RNN") c["cell"] = {{"className", cell_->className()}, {"config", cell_->getConfig()}};
    return c;
  }

  std::vector<std::shared_ptr<Variable>> weights() const override { return cell_->weights(); }
  void setTrainable(bool trainable) override {
    cell_->setTrainable(trainable);
    Layer::setTrainable(trainable);
  }
  Tensor regularizationLoss() const override { return cell_->regularizationLoss(); }
  void applyConstraints() override { cell_->applyConstraints(); }

  std::vector<Tensor> currentStates() const override {
    std::vector<Tensor> out = states_;
    if (out.empty()) out.resize(static_cast<size_t>(numStates()));
    return out;
  }

  // tfjs's resetStates(states?): zeros, or the given values (one per state, [batch, size]).
  void resetStates(const std::vector<Tensor>& values) override {
    WL_CHECK(stateful_, "Cannot call resetStates() on an RNN Layer that is not stateful.");
    std::vector<Shape> shapes = cell_->stateShapes(knownStepShape());
    int64_t batch = fixedBatch();
    if (values.empty()) {
      states_.clear();
      if (batch > 0) {
        for (const Shape& s : shapes) {
          WL_CHECK(std::all_of(s.begin(), s.end(), [](int64_t d) { return d > 0; }),
                   "Layer " << name() << " needs its full input shape (batchInputShape) to reset its states "
                            << "to zeros; its state shape is [" << batch << "," << dimsStr(s) << "]");
          states_.push_back(zeros(withBatch(batch, s)));
        }
      }
      return;
    }
    WL_CHECK(values.size() == shapes.size(), "Layer " << name() << " expects " << shapes.size()
                                                      << " state(s), but it received " << values.size()
                                                      << " state value(s).");
    for (size_t i = 0; i < values.size(); ++i) {
      WL_CHECK(values[i].defined() && matches(values[i].shape(), withBatch(batch, shapes[i])),
               "State " << i << " is incompatible with layer " << name() << ": expected shape ["
                        << (batch > 0 ? std::to_string(batch) : std::string("batch")) << "," << dimsStr(shapes[i])
                        << "], got " << shapeStr(values[i].shape()));
    }
    states_ = values;
  }
  const std::vector<Tensor>& states() const { return states_; }

 protected:
  // The batch size a stateful layer is fixed to: from batchInputShape, else from its states.
  int64_t fixedBatch() const {
    if (batchInputShape() && !batchInputShape()->empty() && (*batchInputShape())[0] > 0) return (*batchInputShape())[0];
    return states_.empty() ? -1 : states_[0].dim(0);
  }

  void checkRank(const Shape& in) const {
    WL_CHECK(in.size() == 2 + cell_->stepRank(), "Input 0 is incompatible with layer "
                                                     << name() << ": expected ndim=" << 2 + cell_->stepRank()
                                                     << ", found ndim=" << in.size());
  }
  // A step's input shape: the input's without the time axis.
  static Shape stepShapeOf(const Shape& in) {
    Shape s{in[0]};
    s.insert(s.end(), in.begin() + 2, in.end());
    return s;
  }
  static Shape withBatch(int64_t batch, const Shape& s) {
    Shape out{batch};
    out.insert(out.end(), s.begin(), s.end());
    return out;
  }
  static std::string dimsStr(const Shape& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + (s[i] < 0 ? std::string("null") : std::to_string(s[i]));
    return out;
  }
  // Same rank, and equal wherever both dims are known.
  static bool matches(const Shape& got, const Shape& want) {
    if (got.size() != want.size()) return false;
    for (size_t i = 0; i < got.size(); ++i) {
      if (got[i] >= 0 && want[i] >= 0 && got[i] != want[i]) return false;
    }
    return true;
  }
  // The step input shape as far as it is known (built, else batchInputShape, else unknown).
  Shape knownStepShape() const {
    if (!builtInputShapes().empty()) return stepShapeOf(builtInputShape());
    if (batchInputShape() && batchInputShape()->size() == 2 + cell_->stepRank()) return stepShapeOf(*batchInputShape());
    return Shape(1 + cell_->stepRank(), -1);
  }
  void checkInputCount(size_t n) const {
    WL_CHECK(n == 1 || n == 1 + cell_->stateSizes().size(),
             className() << " layer " << name() << " takes the input and, optionally, its " << numStates()
                         << " initial state(s); got " << n << " input(s)");
  }
  void checkStateShapes(const std::vector<Shape>& shapes) const {
    if (shapes.size() < 2) return;
    std::vector<Shape> want = cell_->stateShapes(stepShapeOf(shapes[0]));
    for (size_t i = 1; i < shapes.size(); ++i) {
      const Shape& s = shapes[i];
      WL_CHECK(matches(s, withBatch(shapes[0][0], want[i - 1])),
               "An initialState was passed that is not compatible with cell.stateSize: initial state " << i - 1
                   << " of layer " << name() << " must have shape [batch," << dimsStr(want[i - 1]) << "], got "
                   << shapeStr(s));
    }
  }

  // timesteps may change between calls; the features may not.
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    checkInputCount(shapes.size());
    checkRank(shapes[0]);
    int64_t features = builtInputShape().back();
    std::string expected = "[";
    for (size_t i = 0; i + 1 < shapes[0].size(); ++i) expected += "null,";
    WL_CHECK(shapes[0].back() == features || shapes[0].back() < 0,
             "Input 0 is incompatible with layer " << name() << ": expected shape " << expected << features
                                                   << "], found shape " << shapeStr(shapes[0]));
    checkStateShapes(shapes);
  }

  void buildMany(const std::vector<Shape>& shapes) override {
    checkInputCount(shapes.size());
    const Shape& in = shapes[0];
    checkRank(in);
    WL_CHECK(in.back() > 0, className() << " layer " << name()
                                        << " needs a known number of features (channels), got input shape "
                                        << shapeStr(in));
    checkStateShapes(shapes);
    bool fresh = !cell_->built();
    cell_->ensureBuilt(stepShapeOf(in));
    if (fresh) renameWeightScope(*cell_, cell_->name() + "/", name() + "/");
  }

  std::vector<Tensor> callMany(const std::vector<Tensor>& xs, bool training) override {
    return run(xs, Tensor(), training);
  }

  std::vector<Tensor> callMasked(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                 bool training) override {
    return run(xs, masks.empty() ? Tensor() : masks[0], training);
  }

  // The per-step masks [B, 1] as float (keep) and 1 - keep (hold), in the order the
  // steps run. The mask is data, not a function of the weights: no tape. A
  // convolutional cell also takes a per-position mask [B, T, h, w] (what Masking
  // gives for 5-D input): as tfjs's and Keras 2's rnn(), each step's [B, h, w, 1]
  // broadcasts over the channels, so it needs an output as large as the input.
  void stepMasks(const Tensor& mask, const Shape& stepShape, int64_t steps, std::vector<Tensor>* keep,
                 std::vector<Tensor>* hold) const {
    int64_t batch = stepShape[0];
    // [B, 1, ...] to broadcast over a state [B, ...].
    Shape stateShape = cell_->stateShapes(stepShape).at(0);
    Shape keepShape(1 + stateShape.size(), 1);
    keepShape[0] = batch;
    PausedTape paused;
    Tensor m = cast(mask, DType::Float32);
    if (m.rank() == 3 && m.dim(2) == 1) m = reshape(m, {m.dim(0), m.dim(1)});
    Shape perStep{batch, 1};
    if (m.rank() == 4 && cell_->stepRank() == 3) {
      auto* conv = dynamic_cast<const ConvLSTM2DCell*>(cell_.get());
      WL_CHECK(conv && !conv->channelsFirst(),
               className() << " layer " << name() << ": a per-position mask " << shapeStr(mask.shape())
                           << " needs dataFormat 'channelsLast' (Masking reduces over the last axis)");
      WL_CHECK(m.dim(0) == batch && m.dim(1) == steps && m.dim(2) == stepShape[1] && m.dim(3) == stepShape[2],
               className() << " layer " << name() << ": the mask must have shape [" << batch << "," << steps
                           << "] or [" << batch << "," << steps << "," << stepShape[1] << "," << stepShape[2]
                           << "] (batch, timesteps, rows, cols), got " << shapeStr(mask.shape()));
      WL_CHECK(stateShape[0] == stepShape[1] && stateShape[1] == stepShape[2],
               className() << " layer " << name() << ": a per-position mask " << shapeStr(mask.shape())
                           << " needs outputs of the input's size, but a step's output is ["
                           << batch << "," << dimsStr(stateShape) << "] (use padding 'same' and strides 1)");
      perStep = {batch, 1, m.dim(2), m.dim(3)};
      keepShape = {batch, m.dim(2), m.dim(3), 1};
    } else {
      WL_CHECK(m.rank() == 2 && m.dim(0) == batch && m.dim(1) == steps,
               className() << " layer " << name() << ": the mask must have shape [" << batch << "," << steps
                           << "] (batch, timesteps), got " << shapeStr(mask.shape()));
    }
    if (goBackwards_) m = reverse(m, {1});
    Tensor one = Tensor::scalar(1.f);
    for (int64_t t = 0; t < steps; ++t) {
      std::vector<int64_t> begin(static_cast<size_t>(m.rank()), 0);
      begin[1] = t;
      Tensor k = reshape(slice(m, begin, perStep), keepShape);
      keep->push_back(k);
      hold->push_back(sub(one, k));
    }
  }

  // The states the run starts from: the given initial states, a stateful layer's
  // kept ones, or zeros.
  std::vector<Tensor> initialStates(const std::vector<Tensor>& xs, int64_t batch) {
    std::vector<Shape> shapes = cell_->stateShapes(stepShapeOf(xs[0].shape()));
    std::vector<Tensor> states;
    if (xs.size() > 1) {
      for (size_t i = 1; i < xs.size(); ++i) {
        WL_CHECK(xs[i].shape() == withBatch(batch, shapes[i - 1]),
                 "An initialState was passed that is not compatible with cell.stateSize: initial state "
                     << i - 1 << " of layer " << name() << " must have shape [" << batch << ","
                     << dimsStr(shapes[i - 1]) << "], got " << shapeStr(xs[i].shape()));
        states.push_back(xs[i]);
      }
      return states;
    }
    if (stateful_) {
      int64_t fixed = fixedBatch();
      WL_CHECK(fixed <= 0 || fixed == batch,
               "Layer " << name() << " is stateful with batch size " << fixed << ", but it received a batch of "
                        << batch << " (use batches of exactly " << fixed << " samples: predict/fit batchSize)");
      if (!states_.empty()) return states_;
    }
    for (const Shape& s : shapes) states.push_back(zeros(withBatch(batch, s)));
    return states;
  }

  std::vector<Tensor> run(const std::vector<Tensor>& xs, const Tensor& mask, bool training) {
    checkInputCount(xs.size());
    Tensor x = xs[0];  // (B, T, F), or (B, T, h, w, channels) for a convolutional cell
    checkRank(x.shape());
    int64_t batch = x.dim(0), steps = x.dim(1), features = x.dim(2);
    Shape stepShape = stepShapeOf(x.shape());
    WL_CHECK(steps > 0, className() << " layer " << name() << ": the input has no timesteps (shape "
                                    << shapeStr(x.shape()) << ")");
    std::vector<Tensor> keep, hold;  // checks the mask before any work
    if (mask.defined()) stepMasks(mask, stepShape, steps, &keep, &hold);
    std::vector<Tensor> states = initialStates(xs, batch);
    if (goBackwards_) x = reverse(x, {1});
    std::vector<int64_t> perm{1, 0};
    for (int64_t a = 2; a < x.rank(); ++a) perm.push_back(a);
    Tensor xTimeMajor = transpose(x, perm);  // (T, B, F)

    struct SequenceScope {
      RNNCell* cell;
      ~SequenceScope() { cell->endSequence(); }
    } scope{cell_.get()};
    cell_->beginSequence(batch, training);  // draws the dropout masks (training)

    auto* gate = dynamic_cast<GateCell*>(cell_.get());
    // A gate cell: the input projection of all steps is one matMul (the input dropout
    // mask [B, F], drawn once per sequence, broadcast over the steps), taken apart
    // into steps by unstack (one gradient node: the steps' gradients concatenated).
    bool hoist = gate != nullptr && gate->hoistable();
    std::vector<Tensor> xSteps, xzSteps;
    if (hoist) {
      Tensor xt = gate->inputMask().defined() ? mul(xTimeMajor, gate->inputMask()) : xTimeMajor;
      Tensor xz = fusedMatMul(reshape(xt, {steps * batch, features}), gate->kernel(), false, false,
                              gate->projectionEpilogue());
      xzSteps = steps == 1 ? std::vector<Tensor>{xz} : unstack(reshape(xz, {steps, batch, xz.dim(1)}), 0);
    } else {
      xSteps = steps == 1 ? std::vector<Tensor>{reshape(xTimeMajor, stepShape)} : unstack(xTimeMajor, 0);
    }

    Tensor output;
    std::vector<Tensor> outputs;
    for (int64_t t = 0; t < steps; ++t) {
      std::vector<Tensor> next;
      if (hoist) {
        next = gate->stepProjected(xzSteps[static_cast<size_t>(t)], states);
        next.insert(next.begin(), next[0]);
      } else {
        next = cell_->step(xSteps[static_cast<size_t>(t)], states);
      }
      WL_CHECK(next.size() == states.size() + 1, className() << " layer " << name() << ": the cell returned "
                                                             << next.size() << " tensors for " << states.size()
                                                             << " state(s)");
      Tensor out = next[0];
      next.erase(next.begin());
      if (mask.defined()) {
        for (size_t s = 0; s < next.size(); ++s) next[s] = add(mul(next[s], keep[t]), mul(states[s], hold[t]));
        // tfjs: the held output is the previous state 0; Keras's zero_output_for_mask: zeros.
        out = zeroOutputForMask_.is_boolean() && zeroOutputForMask_.get<bool>() ? mul(out, keep[t])
                                                                                  : add(mul(out, keep[t]), mul(states[0], hold[t]));
      }
      states = std::move(next);
      output = out;
      if (returnSequences_) outputs.push_back(output);
    }
    if (stateful_) {
      // Kept for the next call, where they are values: no gradient flows from one call into the next.
      states_ = states;
    }
    std::vector<Tensor> result{returnSequences_ ? stack(outputs, 1) : output};
    if (returnState_) result.insert(result.end(), states.begin(), states.end());
    return result;
  }

  std::shared_ptr<RNNCell> cell_;
  bool returnSequences_, returnState_, goBackwards_, unroll_, stateful_;
  nlohmann::json zeroOutputForMask_;
  std::vector<Tensor> states_;
};

// A recurrent layer's cell config: its own options, without the input shape ones.
nlohmann::json cellConfigOf(const nlohmann::json& config) {
  nlohmann::json c = config;
  for (const char* k : {"inputShape", "batchInputShape", "batchSize", "dtype", "returnSequences",
                        "returnState", "goBackwards", "stateful", "unroll", "trainable", "zeroOutputForMask", "timeMajor"}) {
    c.erase(k);
  }
  return c;
}

class SimpleRNN : public Recurrent {
 public:
  explicit SimpleRNN(const nlohmann::json& config)
      : Recurrent(config, "SimpleRNN", std::make_shared<SimpleRNNCell>(cellConfigOf(config))) {}
  std::string className() const override { return "SimpleRNN"; }
};

class LSTM : public Recurrent {
 public:
  explicit LSTM(const nlohmann::json& config)
      : Recurrent(config, "LSTM", std::make_shared<LSTMCell>(cellConfigOf(config))) {}
  std::string className() const override { return "LSTM"; }
};

class GRU : public Recurrent {
 public:
  explicit GRU(const nlohmann::json& config)
      : Recurrent(config, "GRU", std::make_shared<GRUCell>(cellConfigOf(config))) {}
  std::string className() const override { return "GRU"; }
};

// tfjs's ConvLSTM2D (ConvRNN2D around a ConvLSTM2DCell): input [batch, timesteps,
// h, w, channels]; output [batch, h', w', filters] (with returnSequences
// [batch, timesteps, h', w', filters]); returnState adds h and c of that shape.
class ConvLSTM2D : public Recurrent {
 public:
  explicit ConvLSTM2D(const nlohmann::json& config)
      : Recurrent(config, "ConvLSTM2D", std::make_shared<ConvLSTM2DCell>(cellConfigOf(config))) {
    WL_CHECK(!unroll_, "Unrolling is not possible with convolutional RNNs.");
  }
  std::string className() const override { return "ConvLSTM2D"; }
};

// tf.layers.rnn({cell}).
class RNN : public Recurrent {
 public:
  RNN(const nlohmann::json& config, std::shared_ptr<RNNCell> cell) : Recurrent(config, "RNN", std::move(cell)) {}
  explicit RNN(const nlohmann::json& config) : RNN(config, cellFromSpec(lo::get(config, "cell"), "RNN")) {}
  std::string className() const override { return "RNN"; }
};

std::shared_ptr<Layer> createWithCells(const std::string& className, const nlohmann::json& config,
                                       const std::vector<std::shared_ptr<Layer>>& layers) {
  WL_CHECK(config.is_object(), className << ": the layer config must be an object, got " << config.dump());
  // Custom (JavaScript) cells come with their state sizes: hostStateSizes[i] for layers[i].
  nlohmann::json hostSizes = lo::get(config, "hostStateSizes");
  std::vector<std::shared_ptr<RNNCell>> cells;
  for (size_t i = 0; i < layers.size(); ++i) {
    const auto& l = layers[i];
    auto cell = std::dynamic_pointer_cast<RNNCell>(l);
    if (cell == nullptr && std::dynamic_pointer_cast<HostLayer>(l) != nullptr) {
      nlohmann::json sizes = hostSizes.is_array() && i < hostSizes.size() ? hostSizes[i] : nlohmann::json();
      if (sizes.is_number()) sizes = nlohmann::json::array({sizes});
      WL_CHECK(sizes.is_array() && !sizes.empty(),
               className << ": the custom cell " << l->name() << " (" << l->className()
                         << ") needs a stateSize: a number or an array of numbers, one per state");
      std::vector<int64_t> s;
      for (const auto& v : sizes) {
        WL_CHECK(v.is_number_integer() && v.get<int64_t>() > 0,
                 className << ": the custom cell " << l->name() << " has a bad stateSize " << sizes.dump());
        s.push_back(v.get<int64_t>());
      }
      cell = std::make_shared<HostCell>(std::dynamic_pointer_cast<HostLayer>(l), s);
    }
    WL_CHECK(cell != nullptr, className << ": " << (l ? l->className() + " " + l->name() : std::string("undefined"))
                                        << " is not an RNN cell (SimpleRNNCell, LSTMCell, GRUCell, ConvLSTM2DCell, StackedRNNCells)");
    cells.push_back(cell);
  }
  if (className == "RNN") {
    WL_CHECK(cells.size() == 1, "RNN: expected one cell, got " << cells.size()
                                                              << " (stack cells with tf.layers.stackedRNNCells)");
    return std::make_shared<RNN>(config, cells[0]);
  }
  if (className == "StackedRNNCells") return std::make_shared<StackedRNNCells>(config, cells);
  throw Error("Unknown layer with cells: " + className);
}

void resetLayerStates(Layer& layer, const std::vector<Tensor>& states) { layer.resetStates(states); }

std::vector<Tensor> layerStates(const Layer& layer) { return layer.currentStates(); }

WL_REGISTER_LAYER(SimpleRNN);
WL_REGISTER_LAYER(LSTM);
WL_REGISTER_LAYER(GRU);
WL_REGISTER_LAYER(RNN);
WL_REGISTER_LAYER(ConvLSTM2D);
WL_REGISTER_LAYER(ConvLSTM2DCell);
WL_REGISTER_LAYER(SimpleRNNCell);
WL_REGISTER_LAYER(LSTMCell);
WL_REGISTER_LAYER(GRUCell);
WL_REGISTER_LAYER(StackedRNNCells);

}  // namespace wl

// Layer wrappers (tfjs-layers/src/layers/wrappers.ts): TimeDistributed, Bidirectional.
//
// A wrapper owns its inner layer and exposes the inner layer's weights as its own
// (tfjs's Wrapper: weights, trainable flag, regularizers and constraints are the
// inner layer's). Built by the wrapper, the inner layer's weights get names in
// the wrapper's scope, as tfjs's nameScope gives them: "<wrapper name>/kernel".
// getConfig nests the inner layer as {className, config}; loading rebuilds it
// from that (the registry here, js/src/serialization.js for model.json).
//
// TimeDistributed({layer}): input [batch, steps, ...] -> the layer applied to
// every step. tfjs loops over the steps; the inner layers it is used with treat
// rows independently, so here the steps fold into the batch: reshape to
// [batch*steps, ...], apply once, reshape back (one GEMM for a Dense, and the
// tape gives the gradients). Masks pass through unchanged (tfjs: supportsMasking,
// and its step function ignores the mask).
#include "layers/wrappers.h"

#include "core/error.h"
#include "ops/ops.h"
#include "ops/shape_ops.h"

namespace wl {

namespace {

// A layer from its {className, config} spec (camelCase, as getConfig gives).
std::shared_ptr<Layer> specLayer(const nlohmann::json& spec, const std::string& what) {
  WL_CHECK(spec.is_object() && spec.contains("className") && spec["className"].is_string(),
           what << " must be a layer (or a {className, config} object), got " << spec.dump());
  nlohmann::json inner = spec.contains("config") && spec["config"].is_object() ? spec["config"] : nlohmann::json::object();
  return LayerRegistry::instance().create(spec["className"].get<std::string>(), inner);
}

// The inner layer of a config: its "layer" spec.
std::shared_ptr<Layer> innerFromConfig(const nlohmann::json& config, const std::string& cls) {
  WL_CHECK(config.contains("layer"), cls << ": the layer option must be a layer (or a {className, config} object), "
                                            "got undefined");
  return specLayer(config["layer"], cls + ": the layer option");
}

class Wrapper : public Layer {
 public:
  Wrapper(const nlohmann::json& config, const std::string& cls, std::shared_ptr<Layer> inner)
      : Layer(config, cls), layer_(std::move(inner)) {
    WL_CHECK(layer_ != nullptr, cls << ": the layer option is required");
    // tfjs's Wrapper: the trainable flag is the inner layer's.
    if (config.contains("trainable") && config["trainable"].is_boolean()) layer_->setTrainable(config["trainable"]);
    Layer::setTrainable(layer_->trainable());
  }

  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["trainable"] = layer_->trainable();
    c["layer"] = {{"className", layer_->className()}, {"config", layer_->getConfig()}};
    return c;
  }

  std::vector<std::shared_ptr<Variable>> weights() const override { return layer_->weights(); }
  std::vector<std::shared_ptr<Variable>> trainableWeights() const override { return layer_->trainableWeights(); }
  std::vector<std::shared_ptr<Variable>> nonTrainableWeights() const override {
    return layer_->nonTrainableWeights();
  }
  void setTrainable(bool trainable) override {
    layer_->setTrainable(trainable);
    Layer::setTrainable(trainable);
  }
  Tensor regularizationLoss() const override { return layer_->regularizationLoss(); }
  void applyConstraints() override { layer_->applyConstraints(); }

 protected:
  // Builds the inner layer for `shape` and, if this build made its weights, names
  // them in this wrapper's scope (as tfjs).
  void buildInner(const Shape& shape) {
    bool fresh = !layer_->built();
    layer_->ensureBuilt(shape);
    if (!fresh) return;
    const std::string prefix = layer_->name() + "/";
    for (const auto& w : layer_->weights()) {
      if (w->name().compare(0, prefix.size(), prefix) == 0) w->setName(name() + "/" + w->name().substr(prefix.size()));
    }
  }

  std::shared_ptr<Layer> layer_;
};

class TimeDistributed : public Wrapper {
 public:
  TimeDistributed(const nlohmann::json& config, std::shared_ptr<Layer> inner)
      : Wrapper(config, "TimeDistributed", std::move(inner)) {
    supportsMasking_ = true;
  }
  explicit TimeDistributed(const nlohmann::json& config)
      : TimeDistributed(config, innerFromConfig(config, "TimeDistributed")) {}
  std::string className() const override { return "TimeDistributed"; }

  Shape computeOutputShape(const Shape& in) const override {
    checkRank(in);
    Shape childOut = layer_->computeOutputShape(childShape(in));
    Shape out{childOut.at(0), in[1]};
    out.insert(out.end(), childOut.begin() + 1, childOut.end());
    return out;
  }

 protected:
  void checkRank(const Shape& in) const {
    WL_CHECK(in.size() >= 3, "TimeDistributed layer expects an input shape >= 3D, but received input shape "
                                 << shapeStr(in));
  }
  static Shape childShape(const Shape& in) {
    Shape child{in[0]};
    child.insert(child.end(), in.begin() + 2, in.end());
    return child;
  }

  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, "Layer " << name() << " expects 1 input, but it received " << shapes.size()
                                          << " input tensors.");
    checkRank(shapes[0]);
    Layer::checkInputShapes(shapes);
  }

  void build(const Shape& in) override {
    checkRank(in);
    buildInner(childShape(in));
  }

  Tensor call(const Tensor& x, bool training) override {
    checkRank(x.shape());
    const int64_t batch = x.dim(0), steps = x.dim(1);
    Shape folded = childShape(x.shape());
    folded[0] = batch * steps;
    Tensor y = layer_->applyMany({reshape(x, folded)}, training).at(0);
    Shape out{batch, steps};
    out.insert(out.end(), y.shape().begin() + 1, y.shape().end());
    return reshape(y, out);
  }
};

// Bidirectional({layer, mergeMode, backwardLayer}): a recurrent layer run forwards and
// backwards. As tfjs: two copies are made from the layer's config, "forward_<name>"
// and "backward_<name>" (goBackwards flipped), whose weights are named
// "<wrapper>/forward_<name>/kernel" ...; getConfig keeps the given layer's config.
// As Keras (tfjs ignores the option): a backwardLayer runs the backward direction
// instead of the copy; it must differ in goBackwards and agree in stateful,
// returnSequences and returnState, and getConfig then nests it as backwardLayer.
// Both receive the input mask (the backward one reverses it, as its goBackwards
// run does); the backward sequence output is reversed back before merging:
// 'concat' (default, last axis), 'sum', 'mul', 'ave', or null = both outputs.
// With returnState the states follow: forward's, then backward's.
class Bidirectional : public Wrapper {
 public:
  Bidirectional(const nlohmann::json& config, std::shared_ptr<Layer> inner, std::shared_ptr<Layer> backward = nullptr)
      : Wrapper(config, "Bidirectional", std::move(inner)) {
    supportsMasking_ = true;
    const nlohmann::json innerConfig = recurrentConfig(*layer_, "the layer");
    returnSequences_ = innerConfig["returnSequences"].get<bool>();
    returnState_ = innerConfig["returnState"].get<bool>();
    mergeMode_ = config.contains("mergeMode") ? config["mergeMode"] : nlohmann::json("concat");
    WL_CHECK(mergeMode_.is_null() || (mergeMode_.is_string() && (mergeMode_ == "concat" || mergeMode_ == "sum" ||
                                                                  mergeMode_ == "mul" || mergeMode_ == "ave")),
             mergeMode_.dump() << " is not a valid BidirectionalMergeMode. Valid values are concat, sum, mul, ave "
                                  "or null.");
    const std::string innerName = layer_->name();
    nlohmann::json f = innerConfig;
    f["name"] = "forward_" + innerName;
    forward_ = LayerRegistry::instance().create(layer_->className(), f);
    if (backward == nullptr && config.contains("backwardLayer") && !config["backwardLayer"].is_null()) {
      backward = specLayer(config["backwardLayer"], "backwardLayer");
    }
    if (backward != nullptr) {
      // Keras's backward_layer: that layer runs the backward direction, under its own name.
      WL_CHECK(!backward->built(), "Bidirectional: the backwardLayer " << backward->name()
                                       << " has already been built (used elsewhere); pass a new layer");
      const nlohmann::json bc = recurrentConfig(*backward, "the backwardLayer");
      WL_CHECK(bc["goBackwards"] != innerConfig["goBackwards"],
               "Bidirectional: the forward layer and the backward layer should have different goBackwards values; "
               "both have goBackwards " << innerConfig["goBackwards"].dump());
      for (const char* a : {"stateful", "returnSequences", "returnState"}) {
        const nlohmann::json fa = innerConfig.value(a, nlohmann::json(false)), ba = bc.value(a, nlohmann::json(false));
        WL_CHECK(fa == ba, "Bidirectional: the forward layer and the backward layer are expected to have the same value "
                           "for " << a << ", got " << fa.dump() << " for the forward layer and " << ba.dump()
                                  << " for the backward layer");
      }
      backward_ = std::move(backward);
      customBackward_ = true;
    } else {
      nlohmann::json b = innerConfig;
      b["name"] = "backward_" + innerName;
      b["goBackwards"] = !innerConfig["goBackwards"].get<bool>();
      backward_ = LayerRegistry::instance().create(layer_->className(), b);
    }
  }
  explicit Bidirectional(const nlohmann::json& config)
      : Bidirectional(config, innerFromConfig(config, "Bidirectional")) {}
  std::string className() const override { return "Bidirectional"; }

  nlohmann::json getConfig() const override {
    nlohmann::json c = Wrapper::getConfig();
    c["trainable"] = trainable();
    c["mergeMode"] = mergeMode_;
    // Only a backwardLayer the user gave (tfjs writes none; Keras's default is the copy).
    if (customBackward_) c["backwardLayer"] = {{"className", backward_->className()}, {"config", backward_->getConfig()}};
    return c;
  }

  std::vector<std::shared_ptr<Variable>> weights() const override { return both(forward_->weights(), backward_->weights()); }
  std::vector<std::shared_ptr<Variable>> trainableWeights() const override {
    return both(forward_->trainableWeights(), backward_->trainableWeights());
  }
  std::vector<std::shared_ptr<Variable>> nonTrainableWeights() const override {
    return both(forward_->nonTrainableWeights(), backward_->nonTrainableWeights());
  }
  void setTrainable(bool trainable) override {
    forward_->setTrainable(trainable);
    backward_->setTrainable(trainable);
    Layer::setTrainable(trainable);
  }
  Tensor regularizationLoss() const override {
    Tensor f = forward_->regularizationLoss(), b = backward_->regularizationLoss();
    return f.defined() && b.defined() ? add(f, b) : (f.defined() ? f : b);
  }
  void applyConstraints() override {
    forward_->applyConstraints();
    backward_->applyConstraints();
  }

  // tfjs: resets both directions (a stateful recurrent layer's copies).
  void resetStates(const std::vector<Tensor>& states) override {
    WL_CHECK(states.empty(), "Bidirectional " << name() << ": resetStates() takes no values (tfjs ignores them); "
                                              "call resetStates() on its forward and backward states instead");
    forward_->resetStates({});
    backward_->resetStates({});
  }
  std::vector<Tensor> currentStates() const override {
    std::vector<Tensor> f = forward_->currentStates(), b = backward_->currentStates();
    f.insert(f.end(), b.begin(), b.end());
    return f;
  }

  std::vector<Shape> computeOutputShapes(const std::vector<Shape>& inputShapes) const override {
    checkInputCount(inputShapes.size());
    std::vector<Shape> inner = forward_->computeOutputShapes({inputShapes.at(0)});
    Shape out = inner[0];
    std::vector<Shape> result;
    if (mergeMode_ == "concat") out.back() *= 2;
    result.push_back(out);
    if (mergeMode_.is_null()) result.push_back(out);
    if (returnState_) {
      for (int k = 0; k < 2; ++k) result.insert(result.end(), inner.begin() + 1, inner.end());
    }
    return result;
  }
  Shape computeOutputShape(const Shape& in) const override { return computeOutputShapes({in}).at(0); }

  std::vector<Tensor> computeMask(const std::vector<Tensor>&, const std::vector<Tensor>& masks) const override {
    Tensor mask = returnSequences_ && !masks.empty() ? masks[0] : Tensor();
    std::vector<Tensor> out{mask};
    if (mergeMode_.is_null()) out.push_back(mask);
    if (returnState_) out.resize(out.size() + 2 * (forward_->computeMask({}, {}).size() - 1));
    return out;
  }

 protected:
  static std::vector<std::shared_ptr<Variable>> both(std::vector<std::shared_ptr<Variable>> a,
                                                     const std::vector<std::shared_ptr<Variable>>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

  // The input and, optionally, initial states: the forward layer's, then the backward one's (tfjs).
  size_t numStates() const { return forward_->currentStates().size(); }
  void checkInputCount(size_t n) const {
    WL_CHECK(n == 1 || n == 1 + 2 * numStates(), "Bidirectional " << name() << " takes the input and, optionally, "
                                                                    << 2 * numStates() << " initial states (forward's, "
                                                                    << "then backward's); got " << n << " inputs");
  }
  std::vector<Tensor> part(const std::vector<Tensor>& xs, bool backward) const {
    std::vector<Tensor> out{xs.at(0)};
    if (xs.size() > 1) {
      size_t n = numStates(), from = 1 + (backward ? n : 0);
      out.insert(out.end(), xs.begin() + static_cast<std::ptrdiff_t>(from), xs.begin() + static_cast<std::ptrdiff_t>(from + n));
    }
    return out;
  }

  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    checkInputCount(shapes.size());
    forward_->checkCompatible({shapes[0]});
  }

  void buildMany(const std::vector<Shape>& shapes) override {
    checkInputCount(shapes.size());
    for (const auto& l : {forward_, backward_}) {
      l->ensureBuilt({shapes[0]});
      for (const auto& w : l->weights()) w->setName(name() + "/" + w->name());  // tfjs's nested name scopes
    }
  }

  std::vector<Tensor> callMany(const std::vector<Tensor>& xs, bool training) override {
    return run(xs, {}, training);
  }
  std::vector<Tensor> callMasked(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                 bool training) override {
    return run(xs, masks, training);
  }

  std::vector<Tensor> run(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks, bool training) {
    checkInputCount(xs.size());
    std::vector<Tensor> m = masks.empty() ? masks : std::vector<Tensor>{masks[0]};
    std::vector<Tensor> y = forward_->applyMany(part(xs, false), training, m);
    std::vector<Tensor> yRev = backward_->applyMany(part(xs, true), training, m);
    Tensor a = y[0], b = returnSequences_ ? reverse(yRev[0], {1}) : yRev[0];
    std::vector<Tensor> out;
    if (mergeMode_.is_null()) {
      out = {a, b};
    } else if (mergeMode_ == "concat") {
      out = {concat({a, b}, static_cast<int>(a.rank()) - 1)};
    } else if (mergeMode_ == "sum") {
      out = {add(a, b)};
    } else if (mergeMode_ == "mul") {
      out = {mul(a, b)};
    } else {
      out = {mul(Tensor::scalar(0.5f), add(a, b))};
    }
    if (returnState_) {
      out.insert(out.end(), y.begin() + 1, y.end());
      out.insert(out.end(), yRev.begin() + 1, yRev.end());
    }
    return out;
  }

  // A recurrent layer's config (it has goBackwards and returnSequences), else an Error.
  static nlohmann::json recurrentConfig(const Layer& l, const char* what) {
    nlohmann::json c = l.getConfig();
    WL_CHECK(c.contains("goBackwards") && c.contains("returnSequences") && c.contains("returnState"),
             "Bidirectional: " << what << " must be a recurrent layer (SimpleRNN, LSTM, GRU, RNN, ConvLSTM2D), got " << l.className());
    return c;
  }

  std::shared_ptr<Layer> forward_, backward_;
  bool customBackward_ = false;
  bool returnSequences_ = false, returnState_ = false;
  nlohmann::json mergeMode_;
};

}  // namespace

std::shared_ptr<Layer> createWrapperLayer(const std::string& className, const nlohmann::json& config,
                                          std::shared_ptr<Layer> inner, std::shared_ptr<Layer> backward) {
  WL_CHECK(config.is_object(), className << ": the layer config must be an object, got " << config.dump());
  WL_CHECK(backward == nullptr || className == "Bidirectional", className << " takes no backwardLayer");
  if (className == "TimeDistributed") return std::make_shared<TimeDistributed>(config, std::move(inner));
  if (className == "Bidirectional") return std::make_shared<Bidirectional>(config, std::move(inner), std::move(backward));
  throw Error("Unknown layer wrapper: " + className);
}

WL_REGISTER_LAYER(TimeDistributed);
WL_REGISTER_LAYER(Bidirectional);

}  // namespace wl

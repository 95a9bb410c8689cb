#include "layers/layer.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <map>
#include <regex>

#include "core/error.h"
#include "layers/initializers.h"
#include "layers/regularizers.h"
#include "layers/weight_options.h"
#include "ops/ops.h"

namespace wl {

namespace {
// Live variables by creation serial (std::map keeps creation order).
std::map<int64_t, Variable*>& liveVariables() {
  static std::map<int64_t, Variable*> live;
  return live;
}
int64_t g_variableSerial = 0;
}  // namespace

Variable::Variable(std::string name, Tensor value, bool trainable)
    : name_(std::move(name)), value_(std::move(value)), trainable_(trainable), serial_(++g_variableSerial) {
  liveVariables()[serial_] = this;
  // A weight: kernels may cache state derived from it (packed panels), keyed by its version.
  if (value_.defined()) value_.storage().setPersistent();
}

Variable::~Variable() { liveVariables().erase(serial_); }

std::vector<Variable*> Variable::live() {
  std::vector<Variable*> out;
  for (const auto& kv : liveVariables()) out.push_back(kv.second);
  return out;
}

void Variable::assign(const Tensor& values) {
  WL_CHECK(values.defined(), "Cannot assign an undefined tensor to variable " << name_);
  WL_CHECK(values.shape() == value_.shape(), "Layer weight shape " << shapeStr(value_.shape())
                                                                    << " not compatible with provided weight shape "
                                                                    << shapeStr(values.shape()) << " (" << name_ << ")");
  WL_CHECK(values.dtype() == value_.dtype(), "Variable " << name_ << " has dtype " << dtypeName(value_.dtype())
                                                          << " but was assigned " << dtypeName(values.dtype()));
  assignInPlace(value_, values);
}

std::string toSnakeCase(const std::string& name) {
  // The same two passes as tfjs's generic_utils.toSnakeCase ("Conv2D" -> "conv2d").
  static const std::regex first("(.)([A-Z][a-z0-9]+)"), second("([a-z])([A-Z])");
  std::string out = std::regex_replace(std::regex_replace(name, first, "$1_$2"), second, "$1_$2");
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string autoLayerName(const std::string& className) {
  static std::map<std::string, int> counters;
  int n = ++counters[className];
  return toSnakeCase(className) + "_" + className + std::to_string(n);
}

Shape parseShapeOption(const nlohmann::json& j, const char* option) {
  WL_CHECK(j.is_array(), option << " must be an array of dimensions, got " << j.dump());
  Shape s;
  for (const auto& d : j) {
    if (d.is_null()) {
      s.push_back(-1);
    } else {
      WL_CHECK(d.is_number_integer() && d.get<int64_t>() >= 0,
               option << " must contain non-negative integers or null, got " << j.dump());
      s.push_back(d.get<int64_t>());
    }
  }
  return s;
}

nlohmann::json shapeToJson(const Shape& s) {
  nlohmann::json out = nlohmann::json::array();
  for (int64_t d : s) out.push_back(d < 0 ? nlohmann::json(nullptr) : nlohmann::json(d));
  return out;
}

Layer::Layer(const nlohmann::json& config, const std::string& className) {
  WL_CHECK(config.is_object(), className << ": the layer config must be an object, got " << config.dump());
  // Keras options that change what a layer computes or trains, which the engine does not
  // implement: refused by name rather than dropped (tfjs drops unknown options silently).
  struct Unsupported {
    const char* key;
    nlohmann::json off;
    const char* what;
  };
  for (const auto& u : std::initializer_list<Unsupported>{{"loraRank", nullptr, " (LoRA)"},
                                                          {"renorm", false, " (batch renormalization)"},
                                                          {"virtualBatchSize", nullptr, " (ghost batch norm)"},
                                                          {"rmsScaling", false, " (RMS normalization)"}}) {
    // The layers that compute them.
    if ((className == "LayerNormalization" && std::string(u.key) == "rmsScaling") ||
        ((className == "Dense" || className == "EinsumDense" || className == "Embedding") &&
         std::string(u.key) == "loraRank")) {
      continue;
    }
    if (config.contains(u.key) && !config[u.key].is_null() && config[u.key] != u.off) {
      throw Error(className + ": Keras's " + u.key + u.what + " = " + config[u.key].dump() + " is not supported");
    }
  }
  if (config.contains("name") && config["name"].is_string()) {
    name_ = config["name"].get<std::string>();
  } else {
    name_ = autoLayerName(className);
  }
  if (config.contains("trainable") && config["trainable"].is_boolean()) trainable_ = config["trainable"];
  if (config.contains("batchInputShape") && !config["batchInputShape"].is_null()) {
    batchInputShape_ = parseShapeOption(config["batchInputShape"], "batchInputShape");
  } else if (config.contains("inputShape") && !config["inputShape"].is_null()) {
    Shape s = parseShapeOption(config["inputShape"], "inputShape");
    int64_t batch = -1;
    if (config.contains("batchSize") && config["batchSize"].is_number_integer()) batch = config["batchSize"];
    s.insert(s.begin(), batch);
    batchInputShape_ = s;
  }
  if (config.contains("dtype") && config["dtype"].is_string()) {
    WL_CHECK(config["dtype"] == "float32" || config["dtype"] == "int32",
             className << ": dtype must be 'float32' or 'int32', got " << config["dtype"].get<std::string>());
    dtype_ = config["dtype"].get<std::string>();
  } else if (batchInputShape_) {
    dtype_ = "float32";
  }
}

nlohmann::json Layer::getConfig() const {
  nlohmann::json c = {{"name", name_}, {"trainable", trainable_}};
  if (batchInputShape_) c["batchInputShape"] = shapeToJson(*batchInputShape_);
  if (!dtype_.empty()) c["dtype"] = dtype_;
  if (!activityBatchMean_) c["activityRegularizerBatchMean"] = false;  // Keras 3's form, kept on save
  return c;
}

Shape Layer::computeOutputShape(const Shape& inputShape) const { return inputShape; }

std::vector<Shape> Layer::computeOutputShapes(const std::vector<Shape>& inputShapes) const {
  WL_CHECK(inputShapes.size() == 1, "Layer " << name_ << " (" << className() << ") expects 1 input, but it received "
                                             << inputShapes.size() << " input tensors.");
  return {computeOutputShape(inputShapes[0])};
}

void Layer::build(const Shape&) {}

void Layer::buildMany(const std::vector<Shape>& inputShapes) {
  WL_CHECK(inputShapes.size() == 1, "Layer " << name_ << " (" << className() << ") expects 1 input, but it received "
                                             << inputShapes.size() << " input tensors.");
  build(inputShapes[0]);
}

Tensor Layer::call(const Tensor& x, bool) { return x; }

std::vector<Tensor> Layer::callMany(const std::vector<Tensor>& xs, bool training) {
  WL_CHECK(xs.size() == 1, "Layer " << name_ << " (" << className() << ") expects 1 input, but it received "
                                    << xs.size() << " input tensors.");
  return {call(xs[0], training)};
}

void Layer::checkInputShapes(const std::vector<Shape>& shapes) const {
  WL_CHECK(shapes.size() == builtInputShapes_.size(),
           "Layer " << name_ << " expects " << builtInputShapes_.size() << " input(s), but it received "
                    << shapes.size() << " input tensors.");
  for (size_t k = 0; k < shapes.size(); ++k) {
    const Shape& ref = builtInputShapes_[k];
    const Shape& in = shapes[k];
    bool ok = ref.size() == in.size();
    for (size_t i = 1; ok && i < in.size(); ++i) ok = ref[i] < 0 || in[i] < 0 || ref[i] == in[i];
    WL_CHECK(ok, "Input " << k << " is incompatible with layer " << name_ << ": expected shape " << shapeStr(ref)
                          << ", found shape " << shapeStr(in));
  }
}

void Layer::ensureBuilt(const std::vector<Shape>& inputShapes) {
  if (built_) {
    checkInputShapes(inputShapes);
    return;
  }
  std::vector<Shape> symbolic = inputShapes;
  for (Shape& s : symbolic) {
    if (!s.empty()) s[0] = -1;
  }
  // A build that throws (an over-large second weight) keeps none of its weights.
  const size_t numWeights = weights_.size();
  try {
    buildMany(symbolic);
  } catch (...) {
    weights_.erase(weights_.begin() + static_cast<std::ptrdiff_t>(numWeights), weights_.end());
    extras_.erase(extras_.begin() + static_cast<std::ptrdiff_t>(numWeights), extras_.end());
    throw;
  }
  builtInputShapes_ = symbolic;
  built_ = true;
}

Tensor Layer::apply(const Tensor& x, bool training) { return applyMany({x}, training).at(0); }

std::vector<Tensor> Layer::applyMany(const std::vector<Tensor>& xs, bool training, const std::vector<Tensor>& masks) {
  std::vector<Shape> shapes;
  shapes.reserve(xs.size());
  for (const Tensor& x : xs) {
    WL_CHECK(x.defined(), "Layer " << name_ << ": an input tensor is undefined (was it disposed?)");
    shapes.push_back(x.shape());
  }
  WL_CHECK(masks.size() <= xs.size(), "Layer " << name_ << " received " << masks.size() << " masks for " << xs.size()
                                               << " inputs");
  ensureBuilt(shapes);
  std::vector<Tensor> outs = anyMask(masks) ? callMasked(xs, masks, training) : callMany(xs, training);
  if (!activityRegularizer_.is_null()) {
    if (ActivityLosses* collect = ActivityLosses::current()) {
      for (const Tensor& out : outs) {
        if (!out.defined() || out.rank() == 0 || out.dtype() != DType::Float32) continue;
        Tensor penalty = regularizerPenalty(activityRegularizer_, out);
        collect->add(activityBatchMean_ ? div(penalty, Tensor::scalar(static_cast<float>(out.dim(0)))) : penalty);
      }
    }
  }
  return outs;
}

void Layer::readActivityRegularizer(const nlohmann::json& config) {
  auto it = config.find("activityRegularizer");
  activityRegularizer_ = it == config.end() ? nlohmann::json() : *it;
  validateRegularizer(activityRegularizer_, "activityRegularizer");
  auto mean = config.find("activityRegularizerBatchMean");
  if (mean != config.end() && !mean->is_null()) {
    WL_CHECK(mean->is_boolean(), "activityRegularizerBatchMean must be a boolean, got " << mean->dump());
    activityBatchMean_ = mean->get<bool>();
  }
}

namespace {
thread_local ActivityLosses* currentActivityLosses = nullptr;
}
ActivityLosses::ActivityLosses() : outer_(currentActivityLosses) { currentActivityLosses = this; }
ActivityLosses::~ActivityLosses() { currentActivityLosses = outer_; }
ActivityLosses* ActivityLosses::current() { return currentActivityLosses; }
Tensor ActivityLosses::total() const {
  Tensor sum;
  for (const Tensor& l : losses_) sum = sum.defined() ? wl::add(sum, l) : l;
  return sum;
}

bool anyMask(const std::vector<Tensor>& masks) {
  return std::any_of(masks.begin(), masks.end(), [](const Tensor& m) { return m.defined(); });
}

void Layer::rejectMasks(const std::vector<Tensor>& masks) const {
  WL_CHECK(!anyMask(masks), "Layer " << name_ << " (" << className()
                                     << ") does not support masking, but was passed an inputMask. Masks come from "
                                        "Embedding(maskZero) and Masking layers; remove the mask or put a layer "
                                        "that consumes it (an RNN) before this one.");
}

std::vector<Tensor> Layer::computeMask(const std::vector<Tensor>&, const std::vector<Tensor>& masks) const {
  if (!supportsMasking_) {
    rejectMasks(masks);
    return {};
  }
  return {masks.empty() ? Tensor() : masks[0]};
}

std::vector<Tensor> Layer::callMasked(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks, bool training) {
  if (!supportsMasking_) rejectMasks(masks);
  return callMany(xs, training);
}

std::vector<Tensor> Layer::applyWithMasks(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                          bool training, std::vector<Tensor>* outMasks) {
  *outMasks = computeMask(xs, masks);
  return applyMany(xs, training, masks);
}

void Layer::setCallArgs(const nlohmann::json& args) {
  const bool none = args.is_null() || (args.is_object() && args.empty());
  if (!none) {
    WL_CHECK(args.is_object(), "Layer " << name_ << ": call arguments must be an object, got " << args.dump());
    checkCallArgs(args);
  }
  callArgs_ = none ? nlohmann::json() : args;
}

void Layer::checkCallArgs(const nlohmann::json& args) const {
  std::string keys;
  for (const auto& kv : args.items()) keys += (keys.empty() ? "" : ", ") + kv.key();
  throw Error("Layer " + name_ + " (" + className() + ") takes no call arguments besides its inputs, got: " + keys);
}

std::vector<SymbolicTensor> Layer::applySymbolic(const std::vector<SymbolicTensor>& xs, const nlohmann::json& callArgs) {
  std::vector<Shape> shapes;
  for (const auto& x : xs) shapes.push_back(x.shape);
  setCallArgs(callArgs);
  ensureBuilt(shapes);
  auto node = std::make_shared<Node>();
  node->layer = shared_from_this();
  node->inputs = xs;
  node->callArgs = callArgs_;
  node->outputShapes = computeOutputShapes(shapes);
  std::vector<SymbolicTensor> out;
  for (size_t i = 0; i < node->outputShapes.size(); ++i) {
    out.push_back({node, static_cast<int>(i), node->outputShapes[i], symbolicName(inboundNodes_.size(), static_cast<int>(i))});
  }
  inboundNodes_.push_back(node);
  for (const auto& x : xs) {
    if (x.node && x.node->layer) x.node->layer->outboundNodes_.push_back(node);
  }
  return out;
}

std::string Layer::symbolicName(size_t nodeIndex, int i) const {
  return name_ + (nodeIndex == 0 ? "" : "_" + std::to_string(nodeIndex)) + "/" + name_ + ":" + std::to_string(i);
}

std::vector<SymbolicTensor> Layer::nodeOutputs(size_t k) const {
  std::vector<SymbolicTensor> out;
  if (k >= inboundNodes_.size()) return out;
  std::shared_ptr<Node> node = inboundNodes_[k].lock();
  if (!node) return out;
  for (size_t i = 0; i < node->outputShapes.size(); ++i) {
    out.push_back({node, static_cast<int>(i), node->outputShapes[i], symbolicName(k, static_cast<int>(i))});
  }
  return out;
}

std::vector<std::shared_ptr<Node>> Layer::outboundNodes() const {
  std::vector<std::shared_ptr<Node>> out;
  for (const auto& w : outboundNodes_) {
    std::shared_ptr<Node> n = w.lock();
    if (n && std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  }
  return out;
}

void assignWeights(const std::vector<std::shared_ptr<Variable>>& vars, const std::vector<Tensor>& values,
                   const std::string& owner) {
  WL_CHECK(values.size() == vars.size(), "You called setWeights(weights) on " << owner << " with a weight list of length "
                                                                             << values.size() << ", but the " << owner.substr(0, owner.find(' '))
                                                                             << " was expecting " << vars.size() << " weights.");
  for (size_t i = 0; i < vars.size(); ++i) {
    WL_CHECK(values[i].defined(), "setWeights: weight " << i << " is undefined (was it disposed?)");
    WL_CHECK(values[i].shape() == vars[i]->value().shape(),
             "Layer weight shape " << shapeStr(vars[i]->value().shape()) << " not compatible with provided weight shape "
                                   << shapeStr(values[i].shape()) << " (" << vars[i]->name() << ")");
  }
  for (size_t i = 0; i < vars.size(); ++i) vars[i]->assign(cast(values[i], vars[i]->value().dtype()));
}

int Layer::nodeIndex(const Node* node) const {
  for (size_t i = 0; i < inboundNodes_.size(); ++i) {
    if (inboundNodes_[i].lock().get() == node) return static_cast<int>(i);
  }
  return 0;
}

void Layer::setTrainable(bool trainable) {
  trainable_ = trainable;
  setDeclaredWeightsTrainable(trainable);
}

void Layer::setDeclaredWeightsTrainable(bool trainable) {
  for (size_t i = 0; i < weights_.size(); ++i) {
    if (extras_[i].declaredTrainable) weights_[i]->setTrainable(trainable);
  }
}

std::vector<std::shared_ptr<Variable>> Layer::trainableWeights() const {
  std::vector<std::shared_ptr<Variable>> out;
  if (!trainable_) return out;
  for (const auto& w : weights()) {
    if (w->trainable()) out.push_back(w);
  }
  return out;
}

std::vector<std::shared_ptr<Variable>> Layer::nonTrainableWeights() const {
  std::vector<std::shared_ptr<Variable>> out;
  for (const auto& w : weights()) {
    if (!trainable_ || !w->trainable()) out.push_back(w);
  }
  return out;
}

int64_t Layer::countParams() const {
  int64_t n = 0;
  for (const auto& w : weights()) n += w->value().size();
  return n;
}

Tensor Layer::applyFused(const Tensor&, const FusedEpilogue&) { return Tensor(); }

bool Layer::inferenceEpilogue(const Shape&, FusedEpilogue*) const { return false; }

Tensor Layer::regularizationLoss() const {
  Tensor total;
  for (size_t i = 0; i < weights_.size(); ++i) {
    if (extras_[i].regularizer.is_null()) continue;
    Tensor p = regularizerPenalty(extras_[i].regularizer, weights_[i]->value());
    total = total.defined() ? add(total, p) : p;
  }
  return total;
}

void Layer::resetStates(const std::vector<Tensor>&) {
  throw Error("Cannot call the resetStates() method of a non-stateful Layer object (name: " + name_ + ")");
}

std::vector<Tensor> Layer::currentStates() const {
  throw Error("Layer " + name_ + " (" + className() + ") has no states");
}

void Layer::applyConstraints() {
  for (size_t i = 0; i < weights_.size(); ++i) {
    if (!extras_[i].constraint.is_null()) applyConstraint(extras_[i].constraint, *weights_[i]);
  }
}

std::shared_ptr<Variable> Layer::addWeight(const std::string& weightName, const Shape& shape,
                                           const WeightOptions& options) {
  return addWeight(weightName, shape, options.initializer, true, options.regularizer, options.constraint);
}

std::shared_ptr<Variable> Layer::addWeight(const std::string& weightName, const Shape& shape,
                                           const nlohmann::json& initializer, bool trainable,
                                           const nlohmann::json& regularizer, const nlohmann::json& constraint) {
  // Sizes first: an over-large weight throws at once, before an initializer spends
  // time on it, and the message names the weight.
  try {
    checkedTensorBytes(shape);
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + " (weight " + name_ + "/" + weightName + ")");
  }
  auto v = std::make_shared<Variable>(name_ + "/" + weightName,
                                      fastWeightInit() ? Tensor::empty(shape) : initialize(initializer, shape),
                                      trainable && trainable_);
  weights_.push_back(v);
  extras_.push_back({regularizer, constraint, trainable});
  return v;
}

namespace {
bool g_fastWeightInit = false;
}  // namespace

void setFastWeightInit(bool on) { g_fastWeightInit = on; }
bool fastWeightInit() { return g_fastWeightInit; }

LayerRegistry& LayerRegistry::instance() {
  static LayerRegistry registry;
  return registry;
}

void LayerRegistry::add(const std::string& className, LayerFactory factory) {
  WL_CHECK(!factories_.count(className), "Layer class " << className << " is already registered");
  factories_[className] = std::move(factory);
}

std::vector<std::string> LayerRegistry::classNames() const {
  std::vector<std::string> out;
  for (const auto& kv : factories_) out.push_back(kv.first);
  return out;
}

std::shared_ptr<Layer> LayerRegistry::create(const std::string& className, const nlohmann::json& config) const {
  auto it = factories_.find(className);
  WL_CHECK(it != factories_.end(), "Unknown layer: " << className
                                                     << ". Register it with tf.serialization.registerClass().");
  return it->second(config);
}

}  // namespace wl

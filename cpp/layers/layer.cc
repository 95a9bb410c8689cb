#include "layers/layer.h"

#include <cctype>
#include <regex>

#include "core/error.h"
#include "layers/initializers.h"

namespace wl {

void Variable::assign(const Tensor& values) {
  WL_CHECK(values.defined(), "Cannot assign an undefined tensor to variable " << name_);
  WL_CHECK(values.shape() == value_.shape(), "Layer weight shape " << shapeStr(value_.shape())
                                                                    << " not compatible with provided weight shape "
                                                                    << shapeStr(values.shape()) << " (" << name_ << ")");
  WL_CHECK(values.dtype() == value_.dtype(), "Variable " << name_ << " has dtype " << dtypeName(value_.dtype())
                                                          << " but was assigned " << dtypeName(values.dtype()));
  if (values.sharesStorageWith(value_)) return;
  std::copy(values.data<float>(), values.data<float>() + values.size(), value_.data<float>());
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

namespace {
Shape parseShape(const nlohmann::json& j, const char* option) {
  WL_CHECK(j.is_array(), option << " must be an array of dimensions, got " << j.dump());
  Shape s;
  for (const auto& d : j) {
    if (d.is_null()) {
      s.push_back(-1);
    } else {
      WL_CHECK(d.is_number_integer() && d.get<int64_t>() > 0,
               option << " must contain positive integers or null, got " << j.dump());
      s.push_back(d.get<int64_t>());
    }
  }
  return s;
}
}  // namespace

Layer::Layer(const nlohmann::json& config, const std::string& className) {
  WL_CHECK(config.is_object(), className << ": the layer config must be an object, got " << config.dump());
  if (config.contains("name") && config["name"].is_string()) {
    name_ = config["name"].get<std::string>();
  } else {
    name_ = autoLayerName(className);
  }
  if (config.contains("trainable") && config["trainable"].is_boolean()) trainable_ = config["trainable"];
  if (config.contains("batchInputShape") && !config["batchInputShape"].is_null()) {
    batchInputShape_ = parseShape(config["batchInputShape"], "batchInputShape");
  } else if (config.contains("inputShape") && !config["inputShape"].is_null()) {
    Shape s = parseShape(config["inputShape"], "inputShape");
    int64_t batch = -1;
    if (config.contains("batchSize") && config["batchSize"].is_number_integer()) batch = config["batchSize"];
    s.insert(s.begin(), batch);
    batchInputShape_ = s;
  }
  if (config.contains("dtype") && config["dtype"].is_string()) {
    WL_CHECK(config["dtype"] == "float32", className << ": only dtype 'float32' is supported, got "
                                                     << config["dtype"].get<std::string>());
  }
}

nlohmann::json Layer::getConfig() const {
  nlohmann::json c = {{"name", name_}, {"trainable", trainable_}};
  if (batchInputShape_) {
    nlohmann::json shape = nlohmann::json::array();
    for (int64_t d : *batchInputShape_) shape.push_back(d < 0 ? nlohmann::json(nullptr) : nlohmann::json(d));
    c["batchInputShape"] = shape;
  }
  c["dtype"] = "float32";
  return c;
}

void Layer::ensureBuilt(const Shape& inputShape) {
  if (built_) return;
  build(inputShape);
  builtInputShape_ = inputShape;
  built_ = true;
}

Tensor Layer::apply(const Tensor& x, bool training) {
  WL_CHECK(x.defined(), "Layer " << name_ << ": the input tensor is undefined (was it disposed?)");
  Shape in = x.shape();
  if (!built_) {
    Shape symbolic = in;
    if (!symbolic.empty()) symbolic[0] = -1;
    ensureBuilt(symbolic);
  }
  const Shape& ref = builtInputShape_;
  bool ok = ref.size() == in.size();
  for (size_t i = 1; ok && i < in.size(); ++i) ok = ref[i] < 0 || ref[i] == in[i];
  WL_CHECK(ok, "Input 0 is incompatible with layer " << name_ << ": expected shape " << shapeStr(ref)
                                                     << ", found shape " << shapeStr(in));
  return call(x, training);
}

int64_t Layer::countParams() const {
  int64_t n = 0;
  for (const auto& w : weights_) n += w->value().size();
  return n;
}

std::shared_ptr<Variable> Layer::addWeight(const std::string& weightName, const Shape& shape,
                                           const nlohmann::json& initializer, bool trainable) {
  auto v = std::make_shared<Variable>(name_ + "/" + weightName, initialize(initializer, shape),
                                      trainable && trainable_);
  weights_.push_back(v);
  return v;
}

LayerRegistry& LayerRegistry::instance() {
  static LayerRegistry registry;
  return registry;
}

void LayerRegistry::add(const std::string& className, LayerFactory factory) {
  WL_CHECK(!factories_.count(className), "Layer class " << className << " is already registered");
  factories_[className] = std::move(factory);
}

std::shared_ptr<Layer> LayerRegistry::create(const std::string& className, const nlohmann::json& config) const {
  auto it = factories_.find(className);
  WL_CHECK(it != factories_.end(), "Unknown layer: " << className
                                                     << ". Register it with tf.serialization.registerClass().");
  return it->second(config);
}

}  // namespace wl

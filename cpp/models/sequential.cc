#include "models/sequential.h"

#include "core/tape.h"
#include "ops/ops.h"

namespace wl {

Sequential::Sequential(const nlohmann::json& config) {
  static int counter = 0;
  if (config.is_object() && config.contains("name") && config["name"].is_string()) {
    name_ = config["name"].get<std::string>();
  } else {
    name_ = "sequential_" + std::to_string(++counter);
  }
}

void Sequential::add(std::shared_ptr<Layer> layer) {
  WL_CHECK(layer != nullptr, "Sequential.add: the layer is undefined");
  for (const auto& l : layers_) {
    WL_CHECK(l != layer, "Sequential.add: layer " << layer->name() << " is already in model " << name_);
  }
  Shape in;
  if (layers_.empty()) {
    WL_CHECK(layer->batchInputShape().has_value(),
             "The first layer in a Sequential model must get an `inputShape` or `batchInputShape` argument.");
    in = *layer->batchInputShape();
  } else {
    in = outputShape_;
  }
  layer->ensureBuilt(in);
  outputShape_ = layer->computeOutputShape(in);
  layers_.push_back(std::move(layer));
}

Shape Sequential::inputShape() const {
  WL_CHECK(!layers_.empty(), "Sequential model " << name_ << " has no layers");
  return *layers_.front()->batchInputShape();
}

Shape Sequential::outputShape() const {
  WL_CHECK(!layers_.empty(), "Sequential model " << name_ << " has no layers");
  return outputShape_;
}

void Sequential::compile(const nlohmann::json& config) {
  WL_CHECK(config.is_object(), "compile: expected an object {optimizer, loss}, got " << config.dump());
  WL_CHECK(config.contains("optimizer") && !config["optimizer"].is_null(),
           "compile: the `optimizer` option is required");
  WL_CHECK(config.contains("loss") && config["loss"].is_string(),
           "compile: the `loss` option must be a loss name such as 'meanSquaredError'");
  auto optimizer = makeOptimizer(config["optimizer"]);
  std::string loss = config["loss"].get<std::string>();
  loss_ = lossByName(loss);
  lossName_ = canonicalLossName(loss);
  optimizer_ = std::move(optimizer);
}

void Sequential::checkInput(const Tensor& x) const {
  WL_CHECK(x.defined(), "The input tensor is undefined (was it disposed?)");
  Shape ref = inputShape();
  const Shape& s = x.shape();
  WL_CHECK(s.size() == ref.size(), "Error when checking input: expected " << layers_.front()->name()
                                                                           << "_input to have " << ref.size()
                                                                           << " dimension(s). but got array with shape "
                                                                           << shapeStr(s));
  for (size_t j = 1; j < ref.size(); ++j) {
    WL_CHECK(ref[j] < 0 || ref[j] == s[j],
             "Error when checking input: expected " << layers_.front()->name() << "_input to have shape "
                                                     << shapeStr(ref) << " but got array with shape " << shapeStr(s));
  }
}

void Sequential::checkTarget(const Tensor& x, const Tensor& y) const {
  WL_CHECK(y.defined(), "The target tensor is undefined (was it disposed?)");
  WL_CHECK(x.rank() > 0 && y.rank() > 0 && x.dim(0) == y.dim(0),
           "Input Tensors should have the same number of samples as target Tensors. Found "
               << (x.rank() ? x.dim(0) : 0) << " input sample(s) and " << (y.rank() ? y.dim(0) : 0)
               << " target sample(s).");
  const Shape& ref = outputShape_;
  const Shape& s = y.shape();
  bool ok = s.size() == ref.size();
  for (size_t j = 1; ok && j < ref.size(); ++j) ok = ref[j] < 0 || ref[j] == s[j];
  WL_CHECK(ok, "Error when checking target: expected " << layers_.back()->name() << " to have shape "
                                                       << shapeStr(ref) << " but got array with shape " << shapeStr(s));
}

Tensor Sequential::forward(const Tensor& x, bool training) {
  Tensor h = x;
  for (const auto& layer : layers_) h = layer->apply(h, training);
  return h;
}

Tensor Sequential::predict(const Tensor& x) {
  checkInput(x);
  return forward(x, false);
}

Tensor Sequential::computeLoss(const Tensor& y, const Tensor& yPred) {
  // tfjs: mean over the batch of the per-sample loss.
  return mean(loss_(y, yPred));
}

float Sequential::trainOnBatch(const Tensor& x, const Tensor& y) {
  WL_CHECK(compiled(), "You must compile a model before training/testing. Use LayersModel.compile(modelCompileArgs).");
  checkInput(x);
  checkTarget(x, y);
  auto vars = trainableWeights();
  std::vector<Tensor> values;
  for (const auto& v : vars) values.push_back(v->value());
  float lossValue;
  std::vector<Tensor> grads;
  {
    GradientTape tape;
    Tensor loss = computeLoss(y, forward(x, true));
    lossValue = loss.item();
    grads = tape.gradient(loss, values);
  }  // the tape and every intermediate die here, before the weights change
  optimizer_->applyGradients(vars, grads);
  return lossValue;
}

float Sequential::evaluateBatch(const Tensor& x, const Tensor& y) {
  WL_CHECK(compiled(), "You must compile a model before training/testing. Use LayersModel.compile(modelCompileArgs).");
  checkInput(x);
  checkTarget(x, y);
  return computeLoss(y, forward(x, false)).item();
}

std::vector<std::shared_ptr<Variable>> Sequential::weights() const {
  std::vector<std::shared_ptr<Variable>> all;
  for (const auto& l : layers_) all.insert(all.end(), l->weights().begin(), l->weights().end());
  return all;
}

std::vector<std::shared_ptr<Variable>> Sequential::trainableWeights() const {
  std::vector<std::shared_ptr<Variable>> out;
  for (const auto& w : weights()) {
    if (w->trainable()) out.push_back(w);
  }
  return out;
}

std::vector<Tensor> Sequential::getWeights() const {
  std::vector<Tensor> out;
  for (const auto& w : weights()) out.push_back(w->value());
  return out;
}

void Sequential::setWeights(const std::vector<Tensor>& values) {
  auto vars = weights();
  WL_CHECK(values.size() == vars.size(), "You called setWeights(weights) on model " << name_ << " with a weight list of length "
                                                                                   << values.size() << ", but the model was expecting "
                                                                                   << vars.size() << " weights.");
  // Check every shape before assigning any, so a bad list changes nothing.
  for (size_t i = 0; i < vars.size(); ++i) {
    WL_CHECK(values[i].defined(), "setWeights: weight " << i << " is undefined (was it disposed?)");
    WL_CHECK(values[i].shape() == vars[i]->value().shape(),
             "Layer weight shape " << shapeStr(vars[i]->value().shape()) << " not compatible with provided weight shape "
                                   << shapeStr(values[i].shape()));
  }
  for (size_t i = 0; i < vars.size(); ++i) vars[i]->assign(values[i]);
}

int64_t Sequential::countParams() const {
  int64_t n = 0;
  for (const auto& l : layers_) n += l->countParams();
  return n;
}

}  // namespace wl

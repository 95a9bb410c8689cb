// The trainer half of Model (tfjs's training.ts, where model.cc is its container.ts):
// compile() resolves losses, metrics and the optimizer; trainOnBatch/evaluateBatch
// run one batch — forward on a tape, the loss, gradients, the optimizer step — in one
// engine call. The graph itself (building, running, weights, topology) is model.cc.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/tape.h"
#include "models/model.h"
#include "ops/ops.h"
#include "ops/shape_ops.h"

namespace wl {

void Model::checkTargets(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys) const {
  WL_CHECK(ys.size() == outputs_.size(), "Error when checking model target: the Array of Tensors that you are passing "
                                         "to your model is not the size the model expected. Expected to see "
                                             << outputs_.size() << " Tensor(s), but instead got " << ys.size()
                                             << " Tensor(s).");
  for (const Tensor& y : ys) WL_CHECK(y.defined(), "The target tensor is undefined (was it disposed?)");
  int64_t nx = xs.empty() || xs[0].rank() == 0 ? 0 : xs[0].dim(0);
  int64_t ny = ys.empty() || ys[0].rank() == 0 ? 0 : ys[0].dim(0);
  WL_CHECK(nx == ny, "Input Tensors should have the same number of samples as target Tensors. Found "
                         << nx << " input sample(s) and " << ny << " target sample(s).");
  for (size_t k = 0; k < ys.size(); ++k) {
    const Shape& ref = outputs_[k].shape;
    const Shape& s = ys[k].shape();
    bool sparse = lossNames_.size() > k && lossNames_[k] == "sparseCategoricalCrossentropy";
    if (sparse) continue;  // targets are class indices: (batch) or (batch, 1)
    bool ok = s.size() == ref.size();
    for (size_t j = 1; ok && j < ref.size(); ++j) ok = ref[j] < 0 || ref[j] == s[j];
    WL_CHECK(ok, "Error when checking target: expected " << outputs_[k].node->layer->name() << " to have shape "
                                                         << shapeStr(ref) << " but got array with shape "
                                                         << shapeStr(s));
  }
}

void Model::compile(const nlohmann::json& config) {
  WL_CHECK(config.is_object(), "compile: expected an object {optimizer, loss, metrics}, got " << config.dump());
  WL_CHECK(config.contains("optimizer") && !config["optimizer"].is_null(), "compile: the `optimizer` option is required");
  compile(config, std::shared_ptr<Optimizer>(makeOptimizer(config["optimizer"])));
}

void Model::compile(const nlohmann::json& config, std::shared_ptr<Optimizer> optimizer) {
  WL_CHECK(config.is_object(), "compile: expected an object {optimizer, loss, metrics}, got " << config.dump());
  WL_CHECK(optimizer != nullptr, "compile: the `optimizer` option is required");
  WL_CHECK(config.contains("loss") && !config["loss"].is_null(), "compile: the `loss` option is required");
  std::vector<std::string> outNames = outputNames();
  size_t n = outputs_.size();
  // A loss or metric entry: a name, or {"hostFn": i, "name": n} for the user's function i.
  auto isHost = [](const nlohmann::json& e) { return e.is_object() && e.contains("hostFn"); };
  auto hostFn = [this](const nlohmann::json& e) -> const LossFn& {
    WL_CHECK(e["hostFn"].is_number_integer() && e["hostFn"].get<int64_t>() >= 0 &&
                 e["hostFn"].get<size_t>() < hostFns_.size(),
             "compile: unknown loss/metric function " << e.dump());
    return hostFns_[e["hostFn"].get<size_t>()];
  };
  std::vector<nlohmann::json> lossEntries(n);
  const auto& loss = config["loss"];
  if (loss.is_string() || isHost(loss)) {
    lossEntries.assign(n, loss);
  } else if (loss.is_array()) {
    WL_CHECK(loss.size() == n, "When passing an Array as loss, it should have one entry per model output. The model has "
                                   << n << " output(s), but you passed loss=" << loss.dump());
    for (size_t i = 0; i < n; ++i) lossEntries[i] = loss[i];
  } else if (loss.is_object()) {
    for (size_t i = 0; i < n; ++i) {
      WL_CHECK(loss.contains(outNames[i]), "Output \"" << outNames[i] << "\" is missing from the loss dictionary. "
                                                       << "The model's outputs are: " << nlohmann::json(outNames).dump());
      lossEntries[i] = loss[outNames[i]];
    }
  } else {
    throw Error("compile: loss must be a name, an array of names or an object keyed by output name, got " + loss.dump());
  }
  std::vector<std::string> lossNames(n);
  std::vector<LossFn> losses;
  for (size_t i = 0; i < n; ++i) {
    const auto& e = lossEntries[i];
    if (isHost(e)) {
      losses.push_back(hostFn(e));
      lossNames[i] = e.value("name", std::string("customLoss"));
    } else {
      WL_CHECK(e.is_string(), "compile: loss " << e.dump() << " is not a loss name or function");
      lossNames[i] = e.get<std::string>();
      losses.push_back(lossByName(lossNames[i]));
    }
  }
  // Keras's loss_weights: the total is sum(w_i * loss_i); each "<output>_loss" stays unweighted.
  std::vector<float> lossWeights(n, 1.0f);
  if (config.contains("lossWeights") && !config["lossWeights"].is_null()) {
    const auto& lw = config["lossWeights"];
    auto weightOf = [](const nlohmann::json& v, const std::string& what) {
      WL_CHECK(v.is_number() && std::isfinite(v.get<double>()),
               "compile: lossWeights " << what << " must be a finite number, got " << v.dump());
      return v.get<float>();
    };
    if (lw.is_array()) {
      WL_CHECK(lw.size() == n, "compile: lossWeights has " << lw.size() << " entries, but the model has " << n
                                                          << " output(s)");
      for (size_t i = 0; i < n; ++i) lossWeights[i] = weightOf(lw[i], "[" + std::to_string(i) + "]");
    } else if (lw.is_object()) {
      for (const auto& [key, v] : lw.items()) {
        auto it = std::find(outNames.begin(), outNames.end(), key);
        WL_CHECK(it != outNames.end(), "compile: lossWeights names \"" << key << "\", which is not an output; the "
                                           << "model's outputs are: " << nlohmann::json(outNames).dump());
        lossWeights[it - outNames.begin()] = weightOf(v, "\"" + key + "\"");
      }
    } else if (lw.is_number() && n == 1) {
      lossWeights[0] = weightOf(lw, "");
    } else {
      throw Error("compile: lossWeights must be an array of numbers (one per output) or an object keyed by output "
                  "name, got " + lw.dump());
    }
  }
  std::vector<std::vector<MetricFn>> metrics(n);
  std::vector<std::string> names = {"loss"};
  if (n > 1) {
    for (size_t i = 0; i < n; ++i) names.push_back(outNames[i] + "_loss");
  }
  if (config.contains("metrics") && !config["metrics"].is_null()) {
    const auto& m = config["metrics"];
    for (size_t i = 0; i < n; ++i) {
      nlohmann::json list = m.is_object() ? (m.contains(outNames[i]) ? m[outNames[i]] : nlohmann::json::array()) : m;
      if (list.is_string()) list = nlohmann::json::array({list});
      WL_CHECK(list.is_array(), "compile: metrics must be an array of names or an object keyed by output name");
      for (const auto& name : list) {
        if (isHost(name)) {  // tfjs names a function metric by the function's name
          std::string metricName = name.value("name", std::string("metric"));
          metrics[i].push_back(hostFn(name));
          names.push_back(n > 1 ? outNames[i] + "_" + metricName : metricName);
          continue;
        }
        WL_CHECK(name.is_string(), "compile: metric " << name.dump() << " is not a metric name");
        // tfjs: an output whose last dim is 1 gets the binary variant of accuracy/crossentropy.
        std::string lossForMetric = !outputs_[i].shape.empty() && outputs_[i].shape.back() == 1
                                        ? std::string("binaryCrossentropy")
                                        : (isHost(lossEntries[i]) ? lossNames[i] : canonicalLossName(lossNames[i]));
        ResolvedMetric r = resolveMetric(name.get<std::string>(), lossForMetric);
        metrics[i].push_back(r.fn);
        names.push_back(n > 1 ? outNames[i] + "_" + r.name : r.name);
      }
    }
  }
  optimizer_ = std::move(optimizer);
  losses_ = std::move(losses);
  lossWeights_ = std::move(lossWeights);
  lossNames_.clear();
  for (size_t i = 0; i < n; ++i) lossNames_.push_back(isHost(lossEntries[i]) ? lossNames[i] : canonicalLossName(lossNames[i]));
  metrics_ = std::move(metrics);
  metricsNames_ = std::move(names);
}

Tensor Model::totalLoss(const std::vector<Tensor>& ys, const std::vector<Tensor>& outs, std::vector<Tensor>* perOutput,
                         const std::vector<Tensor>& sampleWeights) {
  Tensor total;
  for (size_t i = 0; i < outs.size(); ++i) {
    Tensor perSample = losses_[i](ys[i], outs[i]);
    if (i < sampleWeights.size() && sampleWeights[i].defined()) {
      const Tensor& w = sampleWeights[i];
      WL_CHECK(w.rank() == 1 && perSample.rank() >= 1 && w.dim(0) == perSample.dim(0),
               "Sample weights for output " << i << " must have shape [" << perSample.dim(0) << "], got "
                                            << shapeStr(w.shape()));
      Shape s(perSample.rank(), 1);
      s[0] = w.dim(0);
      perSample = mul(perSample, reshape(cast(w, DType::Float32), s));
    }
    Tensor l = mean(perSample);
    if (perOutput) perOutput->push_back(l);
    if (i < lossWeights_.size() && lossWeights_[i] != 1.0f) l = mul(l, Tensor::scalar(lossWeights_[i]));
    total = total.defined() ? add(total, l) : l;
  }
  Tensor reg = regularizationLoss();
  if (reg.defined()) total = add(total, reg);
  return total;
}

Tensor Model::logValues(const Tensor& total, const std::vector<Tensor>& perOutput, const std::vector<Tensor>& ys,
                         const std::vector<Tensor>& outs) const {
  // Stacked into one tensor on the backend: the caller reads every log of the batch
  // with one (possibly asynchronous) read instead of one blocking read per value.
  PausedTape paused;
  std::vector<Tensor> values = {reshape(total, {1})};
  if (outs.size() > 1) {
    for (const Tensor& l : perOutput) values.push_back(reshape(l, {1}));
  }
  for (size_t i = 0; i < outs.size(); ++i) {
    for (const MetricFn& m : metrics_[i]) values.push_back(reshape(mean(m(ys[i], outs[i])), {1}));
  }
  return values.size() == 1 ? values[0] : concat(values, 0);
}

std::vector<float> Model::trainOnBatch(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys,
                                       const std::vector<Tensor>& sampleWeights) {
  return trainStep(xs, ys, sampleWeights).toVector();
}

Tensor Model::trainStep(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys,
                        const std::vector<Tensor>& sampleWeights) {
  WL_CHECK(compiled(), "You must compile a model before training/testing. Use LayersModel.compile(modelCompileArgs).");
  checkInputs(xs);
  checkTargets(xs, ys);
  auto vars = trainableWeights();
  // As tfjs (whose optimizer step asserts this): training nothing is an error, not a no-op.
  WL_CHECK(!vars.empty(), "variableGrads() expects at least one of the input variables to be trainable, but none of the "
                              << weights().size() << " variables is trainable.");
  std::vector<Tensor> values;
  for (const auto& v : vars) values.push_back(v->value());
  Tensor logs;
  std::vector<Tensor> grads;
  {
    GradientTape tape;
    ActivityLosses activity;
    std::vector<Tensor> outs = execute(xs, true);
    std::vector<Tensor> perOutput;
    Tensor loss = totalLoss(ys, outs, &perOutput, sampleWeights);
    if (Tensor a = activity.total(); a.defined()) loss = add(loss, a);
    logs = logValues(loss, perOutput, ys, outs);
    grads = tape.gradient(loss, values);
  }  // the tape and every intermediate die here, before the weights change
  optimizer_->applyGradients(vars, grads);
  applyConstraints();
  return logs;
}

std::vector<float> Model::evaluateBatch(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys,
                                        const std::vector<Tensor>& sampleWeights) {
  WL_CHECK(compiled(), "You must compile a model before training/testing. Use LayersModel.compile(modelCompileArgs).");
  checkInputs(xs);
  checkTargets(xs, ys);
  ActivityLosses activity;  // as Keras, evaluate's loss counts the activity regularizers too
  std::vector<Tensor> outs = execute(xs, false);
  std::vector<Tensor> perOutput;
  Tensor loss = totalLoss(ys, outs, &perOutput, sampleWeights);
  if (Tensor a = activity.total(); a.defined()) loss = add(loss, a);
  return logValues(loss, perOutput, ys, outs).toVector();
}

}  // namespace wl

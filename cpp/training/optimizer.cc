#include "training/optimizer.h"

#include "ops/ops.h"

namespace wl {

void SGD::applyGradients(const std::vector<std::shared_ptr<Variable>>& vars, const std::vector<Tensor>& grads) {
  for (size_t i = 0; i < vars.size(); ++i) axpyInPlace(-learningRate_, grads[i], vars[i]->mutableValue());
}

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
  if (lower == "sgd") {
    // tfjs-layers' getOptimizer('sgd') is tf.train.sgd(0.01).
    float lr = 0.01f;
    if (config.contains("learningRate") && config["learningRate"].is_number()) lr = config["learningRate"];
    WL_CHECK(lr > 0.f || lr == 0.f, "SGD: learningRate must be a number >= 0, got " << lr);
    return std::make_unique<SGD>(lr);
  }
  throw Error("Unknown Optimizer " + name + ". Supported optimizers: sgd");
}

}  // namespace wl

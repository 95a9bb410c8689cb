#include "layers/activations.h"

#include <functional>
#include <map>

#include "ops/ops.h"

namespace wl {

namespace {
using ActivationFn = std::function<Tensor(const Tensor&)>;

const std::map<std::string, ActivationFn>& table() {
  static const std::map<std::string, ActivationFn> fns = {
      {"linear", [](const Tensor& x) { return x; }},
      {"relu", [](const Tensor& x) { return relu(x); }},
      {"sigmoid", [](const Tensor& x) { return sigmoid(x); }},
      {"tanh", [](const Tensor& x) { return tanh(x); }},
      {"softmax", [](const Tensor& x) { return softmax(x); }},
  };
  return fns;
}
}  // namespace

void validateActivation(const std::string& name) {
  WL_CHECK(table().count(name), "Unknown activation: " << name << ". Supported: linear, relu, sigmoid, tanh, softmax");
}

Tensor applyActivation(const std::string& name, const Tensor& x) {
  validateActivation(name);
  return table().at(name)(x);
}

}  // namespace wl

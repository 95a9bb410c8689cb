#include "layers/activations.h"

#include <cmath>
#include <functional>
#include <sstream>
#include <utility>
#include <vector>

#include "ops/ops.h"

namespace wl {

namespace {
using ActivationFn = std::function<Tensor(const Tensor&)>;

Tensor scalarT(float v) { return Tensor::scalar(v); }

// Every activation string tfjs 4.22 accepts (tfjs-layers/src/activations.ts), in
// its order, each composed exactly as tfjs composes it; then Keras's others.
Tensor swish(const Tensor& x) { return mul(sigmoid(x), x); }
// x * relu6(x + 3) / 6
Tensor hardSwish(const Tensor& x) { return mul(x, div(unary(UnaryOp::Relu6, add(x, scalarT(3.f))), scalarT(6.f))); }

const std::vector<std::pair<std::string, ActivationFn>>& table() {
  static const std::vector<std::pair<std::string, ActivationFn>> fns = {
      {"elu", [](const Tensor& x) { return unary(UnaryOp::Elu, x); }},
      {"selu", [](const Tensor& x) { return unary(UnaryOp::Selu, x); }},
      {"relu", [](const Tensor& x) { return relu(x); }},
      {"relu6", [](const Tensor& x) { return unary(UnaryOp::Relu6, x); }},
      {"linear", [](const Tensor& x) { return x; }},
      {"sigmoid", [](const Tensor& x) { return sigmoid(x); }},
      // clip(0.2 * x + 0.5, 0, 1)
      {"hardSigmoid",
       [](const Tensor& x) { return clipByValue(add(scalarT(0.5f), mul(scalarT(0.2f), x)), 0.f, 1.f); }},
      {"softplus", [](const Tensor& x) { return unary(UnaryOp::Softplus, x); }},
      // x / (|x| + 1)
      {"softsign", [](const Tensor& x) { return div(x, add(abs(x), scalarT(1.f))); }},
      {"tanh", [](const Tensor& x) { return tanh(x); }},
      {"softmax", [](const Tensor& x) { return softmax(x); }},
      {"logSoftmax", [](const Tensor& x) { return logSoftmax(x); }},
      // 0.5 * x * (1 + erf(x / sqrt(2)))
      {"gelu",
       [](const Tensor& x) {
         Tensor cdf = mul(scalarT(0.5f), add(scalarT(1.f), unary(UnaryOp::Erf, div(x, scalarT(std::sqrt(2.f))))));
         return mul(x, cdf);
       }},
      // 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))
      {"gelu_new",
       [](const Tensor& x) {
         const float c = static_cast<float>(std::sqrt(2.0 / M_PI));
         Tensor cube = mul(x, mul(x, x));
         Tensor inner = mul(scalarT(c), add(x, mul(scalarT(0.044715f), cube)));
         return mul(scalarT(0.5f), mul(x, add(scalarT(1.f), tanh(inner))));
       }},
      // x * tanh(softplus(x))
      {"mish", [](const Tensor& x) { return mul(x, tanh(unary(UnaryOp::Softplus, x))); }},
      // sigmoid(x) * x
      {"swish", swish},
      // Keras 2.15 / Keras 3 activations tfjs 4.22 lacks, by the names a converted model.json
      // gives them once camelCased (Keras 3: keras/src/activations/activations.py).
      {"silu", swish},
      {"exponential", [](const Tensor& x) { return unary(UnaryOp::Exp, x); }},
      {"leakyRelu", [](const Tensor& x) { return unary(UnaryOp::LeakyRelu, x, 0.2f); }},  // negative_slope 0.2
      {"hardSilu", hardSwish},
      {"hardSwish", hardSwish},
      // Keras 3's hard_sigmoid, relu6(x + 3) / 6 (Keras 2's and tfjs's is hardSigmoid above):
      // the loader gives a Keras 3 model's 'hard_sigmoid' this name.
      {"hardSigmoidKeras3", [](const Tensor& x) { return div(unary(UnaryOp::Relu6, add(x, scalarT(3.f))), scalarT(6.f)); }},
      {"logSigmoid", [](const Tensor& x) { return unary(UnaryOp::LogSigmoid, x); }},
      {"celu", [](const Tensor& x) { return unary(UnaryOp::Elu, x); }},  // alpha 1
      {"hardTanh", [](const Tensor& x) { return clipByValue(x, -1.f, 1.f); }},
      // x - tanh(x)
      {"tanhShrink", [](const Tensor& x) { return sub(x, tanh(x)); }},
      // threshold 0.5: x -/+ 0.5 beyond it, 0 within
      {"softShrink",
       [](const Tensor& x) { return sub(relu(sub(x, scalarT(0.5f))), relu(sub(neg(x), scalarT(0.5f)))); }},
      // 0 for x <= -1, (x + 1)^2 / 4 within, x for x >= 1
      {"sparsePlus",
       [](const Tensor& x) {
         Tensor c = add(clipByValue(x, -1.f, 1.f), scalarT(1.f));
         return add(mul(scalarT(0.25f), mul(c, c)), relu(sub(x, scalarT(1.f))));
       }},
      // (x + sqrt(x^2 + 4)) / 2
      {"squareplus",
       [](const Tensor& x) { return div(add(x, unary(UnaryOp::Sqrt, add(mul(x, x), scalarT(4.f)))), scalarT(2.f)); }},
  };
  return fns;
}

const ActivationFn* find(const std::string& name) {
  for (const auto& kv : table()) {
    if (kv.first == name) return &kv.second;
  }
  return nullptr;
}
}  // namespace

std::vector<std::string> activationNames() {
  std::vector<std::string> out;
  for (const auto& kv : table()) out.push_back(kv.first);
  return out;
}

void validateActivation(const std::string& name) {
  if (find(name)) return;
  std::ostringstream names;
  for (const auto& kv : table()) names << (names.tellp() > 0 ? ", " : "") << kv.first;
  throw Error("Unknown activation: " + name + ". Supported: " + names.str());
}

Tensor applyActivation(const std::string& name, const Tensor& x) {
  validateActivation(name);
  return (*find(name))(x);
}

}  // namespace wl

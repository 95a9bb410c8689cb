// Losses as tfjs-layers/src/losses.ts computes them (same op order, epsilon 1e-7).
#include "training/losses.h"

#include <cmath>
#include <map>

#include "ops/ops.h"
#include "ops/shape_ops.h"

namespace wl {

namespace {
constexpr float kEps = 1e-7f;
const float kMax = 3.4028234663852886e38f;
Tensor S(float v) { return Tensor::scalar(v); }
Tensor F(const Tensor& t) { return cast(t, DType::Float32); }

Tensor l2Normalize(const Tensor& x, int axis) {
  Tensor squareSum = sum(square(x), {axis}, true);
  return div(x, sqrt(maximum(squareSum, mul(S(kEps), ones(x.shape())))));
}

Tensor sigmoidCrossEntropyWithLogits(const Tensor& labels, const Tensor& logits) {
  Tensor maxOutput = relu(logits);
  Tensor outputXTarget = mul(logits, labels);
  Tensor sigmoidOutput = unary(UnaryOp::Log1p, exp(neg(abs(logits))));
  return add(sub(maxOutput, outputXTarget), sigmoidOutput);
}
}  // namespace

Tensor meanSquaredError(const Tensor& yTrue, const Tensor& yPred) { return mean(square(sub(yPred, yTrue)), {-1}); }

Tensor meanAbsoluteError(const Tensor& yTrue, const Tensor& yPred) { return mean(abs(sub(yPred, yTrue)), {-1}); }

Tensor meanAbsolutePercentageError(const Tensor& yTrue, const Tensor& yPred) {
  Tensor diff = sub(yTrue, yPred);
  Tensor clippedTrue = clipByValue(abs(yTrue), kEps, kMax);
  return mul(S(100.f), mean(abs(div(diff, clippedTrue)), {-1}));
}

Tensor meanSquaredLogarithmicError(const Tensor& yTrue, const Tensor& yPred) {
  Tensor firstLog = log(add(S(1.f), clipByValue(yPred, kEps, kMax)));
  Tensor secondLog = log(add(S(1.f), clipByValue(F(yTrue), kEps, kMax)));
  return mean(square(sub(firstLog, secondLog)), {-1});
}

Tensor squaredHinge(const Tensor& yTrue, const Tensor& yPred) {
  return mean(square(maximum(S(0.f), sub(S(1.f), mul(yTrue, yPred)))), {-1});
}

Tensor hinge(const Tensor& yTrue, const Tensor& yPred) {
  return mean(maximum(S(0.f), sub(S(1.f), mul(yTrue, yPred))), {-1});
}

Tensor categoricalHinge(const Tensor& yTrue, const Tensor& yPred) {
  Tensor pos = sum(mul(yTrue, yPred), {-1});
  Tensor negative = max(mul(sub(S(1.f), yTrue), yPred), {-1});
  return maximum(S(0.f), add(S(1.f), sub(negative, pos)));
}

Tensor logcosh(const Tensor& yTrue, const Tensor& yPred) {
  Tensor d = sub(yPred, yTrue);
  Tensor r = sub(add(d, unary(UnaryOp::Softplus, mul(S(-2.f), d))), S(std::log(2.f)));
  return mean(r, {-1});
}

Tensor categoricalCrossentropy(const Tensor& target, const Tensor& outputIn) {
  Tensor output = div(outputIn, sum(outputIn, {-1}, true));
  output = clipByValue(output, kEps, 1.f - kEps);
  return neg(sum(mul(F(target), log(output)), {-1}));
}

Tensor sparseCategoricalCrossentropy(const Tensor& target, const Tensor& outputIn) {
  Tensor flatTarget = cast(unary(UnaryOp::Floor, reshape(F(target), {-1})), DType::Int32);
  Tensor output = clipByValue(outputIn, kEps, 1.f - kEps);
  Tensor oneHotTarget = reshape(oneHot(flatTarget, output.dim(-1), 1.f, 0.f), output.shape());
  return categoricalCrossentropy(oneHotTarget, output);
}

Tensor binaryCrossentropy(const Tensor& yTrue, const Tensor& yPred) {
  Tensor p = clipByValue(yPred, kEps, 1.f - kEps);
  p = log(div(p, sub(S(1.f), p)));
  return mean(sigmoidCrossEntropyWithLogits(F(yTrue), p), {-1});
}

Tensor kullbackLeiblerDivergence(const Tensor& yTrue, const Tensor& yPred) {
  Tensor clippedTrue = clipByValue(yTrue, kEps, 1.f);
  Tensor clippedPred = clipByValue(yPred, kEps, 1.f);
  return sum(mul(yTrue, log(div(clippedTrue, clippedPred))), {-1});
}

Tensor poisson(const Tensor& yTrue, const Tensor& yPred) {
  Tensor logPred = log(add(S(kEps), yPred));
  return mean(sub(yPred, mul(yTrue, logPred)), {-1});
}

Tensor cosineProximity(const Tensor& yTrue, const Tensor& yPred) {
  return neg(sum(mul(l2Normalize(yTrue, -1), l2Normalize(yPred, -1)), {-1}));
}

namespace {
struct LossEntry {
  const char* canonical;
  LossFn fn;
};
const std::map<std::string, LossEntry>& table() {
  static const std::map<std::string, LossEntry> t = [] {
    std::map<std::string, LossEntry> m;
    auto add = [&m](const char* name, LossFn fn, std::initializer_list<const char*> aliases) {
      m[name] = {name, fn};
      for (const char* a : aliases) m[a] = {name, fn};
    };
    add("meanSquaredError", meanSquaredError, {"mse", "MSE", "mean_squared_error"});
    add("meanAbsoluteError", meanAbsoluteError, {"mae", "MAE", "mean_absolute_error"});
    add("meanAbsolutePercentageError", meanAbsolutePercentageError, {"mape", "MAPE", "mean_absolute_percentage_error"});
    add("meanSquaredLogarithmicError", meanSquaredLogarithmicError, {"msle", "MSLE", "mean_squared_logarithmic_error"});
    add("squaredHinge", squaredHinge, {"squared_hinge"});
    add("hinge", hinge, {});
    add("categoricalHinge", categoricalHinge, {"categorical_hinge"});
    add("logcosh", logcosh, {"log_cosh"});
    add("categoricalCrossentropy", categoricalCrossentropy, {"categorical_crossentropy"});
    add("sparseCategoricalCrossentropy", sparseCategoricalCrossentropy, {"sparse_categorical_crossentropy"});
    add("binaryCrossentropy", binaryCrossentropy, {"binary_crossentropy"});
    add("kullbackLeiblerDivergence", kullbackLeiblerDivergence, {"kld", "KLD", "kullback_leibler_divergence"});
    add("poisson", poisson, {});
    add("cosineProximity", cosineProximity, {"cosine", "cosine_proximity"});
    return m;
  }();
  return t;
}
const LossEntry& find(const std::string& name) {
  auto it = table().find(name);
  if (it == table().end()) {
    std::string accepted;
    for (const auto& kv : table()) {
      if (kv.first == kv.second.canonical) accepted += (accepted.empty() ? "" : ", ") + kv.first;
    }
    throw Error("Unknown loss " + name + ". Accepted losses: " + accepted + " (and aliases mse, mae, mape, msle, kld, cosine)");
  }
  return it->second;
}
}  // namespace

LossFn lossByName(const std::string& name) { return find(name).fn; }
std::string canonicalLossName(const std::string& name) { return find(name).canonical; }

}  // namespace wl

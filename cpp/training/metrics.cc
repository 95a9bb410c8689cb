// Metrics as tfjs-layers/src/metrics.ts computes them.
#include "training/metrics.h"

#include <map>

#include "ops/ops.h"
#include "ops/shape_ops.h"

namespace wl {

namespace {
Tensor F(const Tensor& t) { return cast(t, DType::Float32); }
}  // namespace

Tensor argReduce(const char* op, bool isMax, const Tensor& x, int axis);

Tensor binaryAccuracy(const Tensor& yTrue, const Tensor& yPred) {
  Tensor thresholded = cast(binary(BinaryOp::Greater, yPred, Tensor::scalar(0.5f)), yTrue.dtype());
  return mean(F(binary(BinaryOp::Equal, yTrue, thresholded)), {-1});
}

Tensor categoricalAccuracy(const Tensor& yTrue, const Tensor& yPred) {
  return F(binary(BinaryOp::Equal, argReduce("argMax", true, yTrue, -1), argReduce("argMax", true, yPred, -1)));
}

Tensor sparseCategoricalAccuracy(const Tensor& yTrueIn, const Tensor& yPred) {
  Tensor yTrue = yTrueIn.rank() == yPred.rank() ? squeeze(yTrueIn, {yTrueIn.rank() - 1}) : yTrueIn;
  Tensor pred = cast(argReduce("argMax", true, yPred, -1), yTrue.dtype());
  return F(binary(BinaryOp::Equal, yTrue, pred));
}

namespace {
Tensor countWhere(const Tensor& yTrue, float t, const Tensor& yPred, float p) {
  Tensor a = binary(BinaryOp::Equal, yTrue, Tensor::scalar(t));
  Tensor b = binary(BinaryOp::Equal, yPred, Tensor::scalar(p));
  return sum(F(binary(BinaryOp::LogicalAnd, a, b)));
}
Tensor ratioOrZero(const Tensor& tp, const Tensor& other) {
  Tensor denominator = add(tp, other);
  return where(binary(BinaryOp::Greater, denominator, Tensor::scalar(0.f)), div(tp, denominator), Tensor::scalar(0.f));
}
}  // namespace

Tensor precision(const Tensor& yTrue, const Tensor& yPred) {
  return ratioOrZero(countWhere(yTrue, 1, yPred, 1), countWhere(yTrue, 0, yPred, 1));
}

Tensor recall(const Tensor& yTrue, const Tensor& yPred) {
  return ratioOrZero(countWhere(yTrue, 1, yPred, 1), countWhere(yTrue, 1, yPred, 0));
}

ResolvedMetric resolveMetric(const std::string& name, const std::string& lossName) {
  if (name == "accuracy" || name == "acc" || name == "crossentropy" || name == "ce") {
    bool accuracy = name == "accuracy" || name == "acc";
    // tfjs picks the variant from the loss (and from a last output dim of 1; see model.cc).
    if (lossName == "binaryCrossentropy") {
      return {accuracy ? binaryAccuracy : binaryCrossentropy, accuracy ? "acc" : "ce"};
    }
    if (lossName == "sparseCategoricalCrossentropy") {
      return {accuracy ? sparseCategoricalAccuracy : sparseCategoricalCrossentropy, accuracy ? "acc" : "ce"};
    }
    return {accuracy ? categoricalAccuracy : categoricalCrossentropy, accuracy ? "acc" : "ce"};
  }
  static const std::map<std::string, std::pair<MetricFn, const char*>> table = {
      {"binaryAccuracy", {binaryAccuracy, "binaryAccuracy"}},
      {"categoricalAccuracy", {categoricalAccuracy, "categoricalAccuracy"}},
      {"sparseCategoricalAccuracy", {sparseCategoricalAccuracy, "sparseCategoricalAccuracy"}},
      {"precision", {precision, "precision"}},
      {"recall", {recall, "recall"}},
      {"binaryCrossentropy", {binaryCrossentropy, "binaryCrossentropy"}},
      {"categoricalCrossentropy", {categoricalCrossentropy, "categoricalCrossentropy"}},
      {"sparseCategoricalCrossentropy", {sparseCategoricalCrossentropy, "sparseCategoricalCrossentropy"}},
      {"cosineProximity", {cosineProximity, "cosineProximity"}},
      {"cosine", {cosineProximity, "cosineProximity"}},
  };
  auto it = table.find(name);
  // tfjs names the log after the string given ('mse' stays 'mse').
  if (it != table.end()) return {it->second.first, name};
  try {
    // The error metrics are the losses of the same name (mse, mae, mape, msle, ...).
    return {lossByName(name), name};
  } catch (const Error&) {
    throw Error("Unknown metric " + name + ". Accepted metrics: accuracy (acc), crossentropy (ce), binaryAccuracy, "
                "categoricalAccuracy, sparseCategoricalAccuracy, precision, recall, binaryCrossentropy, "
                "categoricalCrossentropy, sparseCategoricalCrossentropy, cosineProximity, meanSquaredError (mse), "
                "meanAbsoluteError (mae), meanAbsolutePercentageError (mape), meanSquaredLogarithmicError (msle)");
  }
}

}  // namespace wl

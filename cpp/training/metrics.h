// Metrics by tfjs name (tfjs-layers/src/metrics.ts): each returns a per-sample
// value; a batch's metric is its mean, an epoch's the sample-weighted mean of batches.
// To add one: a function composing ops and an entry in the table in metrics.cc.
#pragma once

#include <string>

#include "core/tensor.h"
#include "training/losses.h"

namespace wl {

using MetricFn = LossFn;  // a JS function passed to compile() is one too

struct ResolvedMetric {
  MetricFn fn;
  std::string name;  // the log key suffix, as tfjs: "acc" for "accuracy"
};

// `lossName` is the output's canonical loss: "accuracy" resolves from it as tfjs does.
ResolvedMetric resolveMetric(const std::string& name, const std::string& lossName);

Tensor binaryAccuracy(const Tensor& yTrue, const Tensor& yPred);
Tensor categoricalAccuracy(const Tensor& yTrue, const Tensor& yPred);
Tensor sparseCategoricalAccuracy(const Tensor& yTrue, const Tensor& yPred);

}  // namespace wl

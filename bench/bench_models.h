// The benchmark models of bench/models.mjs, built natively through the layer registry
// (for the native benchmarks: gl_bench.cc, threads_bench.cc).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "layers/layer.h"
#include "models/model.h"

namespace wl::benchmodels {

inline std::shared_ptr<Layer> L(const std::string& cls, nlohmann::json cfg) { return LayerRegistry::instance().create(cls, cfg); }
inline SymbolicTensor ap(const std::shared_ptr<Layer>& l, const std::vector<SymbolicTensor>& xs) { return l->applySymbolic(xs)[0]; }

// bench/models.mjs's buildMobileNetV2 (alpha 1, 224x224x3).
inline std::shared_ptr<Model> mobileNetV2(int size) {
  SymbolicTensor inp = makeInput({{"shape", {size, size, 3}}});
  auto convBn = [](SymbolicTensor x, int filters, int k, int strides, bool act) {
    x = ap(L("Conv2D", {{"filters", filters}, {"kernelSize", k}, {"strides", strides}, {"padding", "same"}, {"useBias", false}}), {x});
    x = ap(L("BatchNormalization", {{"epsilon", 1e-3}, {"momentum", 0.999}}), {x});
    return act ? ap(L("ReLU", {{"maxValue", 6}}), {x}) : x;
  };
  SymbolicTensor x = convBn(inp, 32, 3, 2, true);
  int inC = 32;
  const int cfg[7][4] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  for (const auto& row : cfg) {
    const int t = row[0], c = row[1], n = row[2], s = row[3];
    for (int i = 0; i < n; ++i) {
      const int stride = i == 0 ? s : 1;
      SymbolicTensor y = x;
      if (t != 1) y = convBn(y, inC * t, 1, 1, true);
      y = ap(L("DepthwiseConv2D", {{"kernelSize", 3}, {"strides", stride}, {"padding", "same"}, {"useBias", false}}), {y});
      y = ap(L("BatchNormalization", {{"epsilon", 1e-3}, {"momentum", 0.999}}), {y});
      y = ap(L("ReLU", {{"maxValue", 6}}), {y});
      y = convBn(y, c, 1, 1, false);
      x = stride == 1 && inC == c ? ap(L("Add", nlohmann::json::object()), {x, y}) : y;
      inC = c;
    }
  }
  x = convBn(x, 1280, 1, 1, true);
  x = ap(L("GlobalAveragePooling2D", nlohmann::json::object()), {x});
  x = ap(L("Dense", {{"units", 1000}, {"activation", "softmax"}}), {x});
  return std::make_shared<Model>(std::vector<SymbolicTensor>{inp}, std::vector<SymbolicTensor>{x}, nlohmann::json::object());
}

inline std::shared_ptr<Model> sequentialOf(const std::vector<std::pair<std::string, nlohmann::json>>& layers) {
  auto m = std::make_shared<Sequential>();
  for (const auto& [cls, cfg] : layers) m->add(L(cls, cfg));
  return m;
}

// buildMlp(lib, [784, 256, 256, 10], ['relu', 'relu', 'softmax']): bench/run.mjs's mlp-fit.
inline std::shared_ptr<Model> mlp() {
  return sequentialOf({{"Dense", {{"units", 256}, {"activation", "relu"}, {"inputShape", {784}}}},
                       {"Dense", {{"units", 256}, {"activation", "relu"}}},
                       {"Dense", {{"units", 10}, {"activation", "softmax"}}}});
}

// buildCnn: MNIST's conv 32 / pool / conv 64 / pool / dense 10.
inline std::shared_ptr<Model> cnn() {
  return sequentialOf({{"Conv2D", {{"inputShape", {28, 28, 1}}, {"filters", 32}, {"kernelSize", 3}, {"activation", "relu"}}},
                       {"MaxPooling2D", {{"poolSize", 2}}},
                       {"Conv2D", {{"filters", 64}, {"kernelSize", 3}, {"activation", "relu"}}},
                       {"MaxPooling2D", {{"poolSize", 2}}},
                       {"Flatten", nlohmann::json::object()},
                       {"Dense", {{"units", 10}, {"activation", "softmax"}}}});
}

}  // namespace wl::benchmodels

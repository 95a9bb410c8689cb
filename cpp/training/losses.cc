#include "training/losses.h"

#include <map>

#include "ops/ops.h"

namespace wl {

Tensor meanSquaredError(const Tensor& yTrue, const Tensor& yPred) {
  return mean(square(sub(yPred, yTrue)), {-1});
}

namespace {
struct LossEntry {
  const char* canonical;
  LossFn fn;
};
const std::map<std::string, LossEntry>& table() {
  static const std::map<std::string, LossEntry> t = {
      {"meanSquaredError", {"meanSquaredError", meanSquaredError}},
      {"mse", {"meanSquaredError", meanSquaredError}},
      {"MSE", {"meanSquaredError", meanSquaredError}},
      {"mean_squared_error", {"meanSquaredError", meanSquaredError}},
  };
  return t;
}
const LossEntry& find(const std::string& name) {
  auto it = table().find(name);
  WL_CHECK(it != table().end(), "Unknown loss " << name << ". Supported losses: meanSquaredError (mse)");
  return it->second;
}
}  // namespace

LossFn lossByName(const std::string& name) { return find(name).fn; }
std::string canonicalLossName(const std::string& name) { return find(name).canonical; }

}  // namespace wl

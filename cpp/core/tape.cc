#include "core/tape.h"

#include <unordered_map>

#include "ops/ops.h"

namespace wl {

namespace {
GradientTape* g_active = nullptr;

// Pauses recording while gradient rules run, restoring it on scope exit.
struct PauseRecording {
  GradientTape* saved = g_active;
  PauseRecording() { g_active = nullptr; }
  ~PauseRecording() { g_active = saved; }
};
}  // namespace

GradientTape* activeTape() { return g_active; }

PausedTape::PausedTape() : saved_(g_active) { g_active = nullptr; }
PausedTape::~PausedTape() { g_active = saved_; }

GradientTape::GradientTape() : previous_(g_active) { g_active = this; }

GradientTape::~GradientTape() {
  if (g_active == this) g_active = previous_;
}

std::vector<Tensor> GradientTape::gradient(const Tensor& y, const std::vector<Tensor>& xs, const Tensor& dy) {
  PauseRecording pause;
  std::unordered_map<int64_t, Tensor> grads;
  grads[y.id()] = dy.defined() ? dy : ones(y.shape());
  for (auto it = nodes_.rbegin(); it != nodes_.rend(); ++it) {
    auto found = grads.find(it->output.id());
    if (found == grads.end()) continue;
    std::vector<Tensor> dxs = it->grad(found->second);
    WL_CHECK(dxs.size() == it->inputs.size(),
             "Gradient of '" << it->op << "' returned " << dxs.size() << " gradients for "
                             << it->inputs.size() << " inputs");
    for (size_t i = 0; i < dxs.size(); ++i) {
      if (!dxs[i].defined()) continue;
      const Tensor& x = it->inputs[i];
      WL_CHECK(dxs[i].shape() == x.shape(), "Gradient of '" << it->op << "' input " << i << " has shape "
                                                             << shapeStr(dxs[i].shape()) << ", expected "
                                                             << shapeStr(x.shape()));
      auto g = grads.find(x.id());
      if (g == grads.end()) {
        grads.emplace(x.id(), dxs[i]);
      } else {
        g->second = add(g->second, dxs[i]);
      }
    }
  }
  std::vector<Tensor> result;
  result.reserve(xs.size());
  for (const Tensor& x : xs) {
    auto g = grads.find(x.id());
    result.push_back(g == grads.end() ? zeros(x.shape()) : g->second);
  }
  return result;
}

}  // namespace wl

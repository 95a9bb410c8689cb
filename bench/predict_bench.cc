// Native timing of one small-predict call (bench/run.mjs's small-predict: Dense 16→32
// relu, Dense 32→4, batch 1) through Model::predict, on the "wasm" kernels (SIMDe) and
// the reference ones: the engine's fixed cost per call, without the JS boundary.
// Build and run (perf record works on it too):
//   cmake --build build/native --target wl_predict_bench && build/native/wl_predict_bench [calls] [wasm|cpu]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/backend.h"
#include "layers/dense.h"
#include "models/model.h"

int main(int argc, char** argv) {
  using namespace wl;
  const int calls = argc > 1 ? std::atoi(argv[1]) : 200000;
  const char* only = argc > 2 ? argv[2] : nullptr;  // one backend (for perf record)
  for (const char* backend : {"wasm", "cpu"}) {
    if (only != nullptr && std::string(only) != backend) continue;
    BackendScope scope(backend);
    Sequential model;
    model.add(std::make_shared<Dense>(nlohmann::json{{"units", 32}, {"inputShape", {16}}, {"activation", "relu"}}));
    model.add(std::make_shared<Dense>(nlohmann::json{{"units", 4}}));
    std::vector<float> xs(16, 0.5f);
    const Tensor x = Tensor::fromVector({1, 16}, xs);
    double best = 1e30;
    for (int r = 0; r < 5; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < calls; ++i) model.predict({x});
      best = std::min(best, std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    }
    std::printf("%-5s predict (16-32-4, batch 1): %.3f us per call\n", backend, best / calls);
  }
}

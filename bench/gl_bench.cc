// Native timings of the webgl backend (cpp/backends/webgl) next to the CPU kernels, on
// whatever OpenGL ES 3 context EGL gives: Mesa's llvmpipe here, a real GPU's driver
// where there is one (the only place this backend's speed means anything). Rows follow
// bench/browser.mjs (matMul, a MobileNetV2 predict, one epoch of the MLP fit) plus
// larger matMuls, a batch-8 predict and a CNN fit; each is timed to a host read of the
// result, as tfjs's benchmarks time to dataSync(). "first" is the first call (shader
// compiles included), "warm" the best of the runs after it. Build and run:
//   cmake --build build/native --target wl_gl_bench && build/native/wl_gl_bench [--quick] [--profile] [--runs]
// --profile also prints the slowest GL passes of a warm MobileNetV2 predict; --runs every
// warm run's time, in order.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backends/webgl/webgl.h"
#include "core/backend.h"
#include "core/thread_pool.h"
#include "layers/layer.h"
#include "models/model.h"
#include "ops/ops.h"
#include "bench_models.h"

namespace {

using namespace wl;
using Clock = std::chrono::steady_clock;

std::vector<float> seq(int64_t n, float scale) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = std::sin(static_cast<float>(i) * 0.37f) * scale;
  return v;
}

double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

struct Timing {
  double first = 0, warm = 0, median = 0;
  std::vector<double> runs;  // the warm runs in order
};

// setup() runs on the backend (its tensors live there); run() is timed.
Timing timeIt(const std::function<void()>& run, int reps) {
  Timing t;
  auto t0 = Clock::now();
  run();
  t.first = msSince(t0);
  std::vector<double> all;
  for (int r = 0; r < reps; ++r) {
    t0 = Clock::now();
    run();
    all.push_back(msSince(t0));
  }
  t.runs = all;
  std::sort(all.begin(), all.end());
  t.warm = all.front();
  t.median = all[all.size() / 2];
  return t;
}

struct Row {
  std::string name;
  std::vector<std::string> backends;
  // Builds the workload on the active backend and returns the timed call.
  std::function<std::function<void()>()> make;
  int reps;
};

}  // namespace

int main(int argc, char** argv) {
  bool quick = false, profile = false, verbose = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick")) quick = true;
    if (!std::strcmp(argv[i], "--profile")) profile = true;
    if (!std::strcmp(argv[i], "--runs")) verbose = true;
  }
  std::string why;
  if (!registerWebGLBackend(&why)) {
    std::fprintf(stderr, "no webgl backend: %s\n", why.c_str());
    return 1;
  }
  std::printf("GL renderer: %s\nCPU kernels (\"wasm\", SIMDe natively): %d threads\n\n", webglRenderer().c_str(), threadsCount());

  auto matMulRow = [&](int n, std::vector<std::string> backends) {
    return Row{"matMul " + std::to_string(n) + "x" + std::to_string(n) + "x" + std::to_string(n), backends,
               [n]() {
                 auto a = std::make_shared<Tensor>(Tensor::fromVector({n, n}, seq(int64_t(n) * n, 1.f)));
                 auto b = std::make_shared<Tensor>(Tensor::fromVector({n, n}, seq(int64_t(n) * n, 0.5f)));
                 return std::function<void()>([a, b]() { matMul(*a, *b).toVector(); });
               },
               n >= 2048 ? 5 : 10};
  };
  auto predictRow = [&](int batch, std::vector<std::string> backends) {
    return Row{"MobileNetV2 224 predict, batch " + std::to_string(batch), backends,
               [batch]() {
                 auto m = benchmodels::mobileNetV2(224);
                 auto x = std::make_shared<Tensor>(Tensor::fromVector({batch, 224, 224, 3}, seq(int64_t(batch) * 224 * 224 * 3, 1.f)));
                 return std::function<void()>([m, x]() { m->predict({*x})[0].toVector(); });
               },
               batch == 1 ? 10 : 5};
  };
  auto fitRow = [&](const std::string& name, std::vector<std::string> backends,
                    std::function<std::shared_ptr<Model>()> build, Shape xShape, int classes, int batch) {
    return Row{name, backends,
               [build, xShape, classes, batch]() {
                 auto m = build();
                 m->compile({{"optimizer", "adam"}, {"loss", "categoricalCrossentropy"}});
                 const int64_t samples = xShape[0];
                 int64_t feat = 1;
                 for (size_t i = 1; i < xShape.size(); ++i) feat *= xShape[i];
                 std::vector<float> yv(static_cast<size_t>(samples * classes), 0.f);
                 for (int64_t i = 0; i < samples; ++i) yv[static_cast<size_t>(i * classes + i % classes)] = 1.f;
                 std::vector<std::pair<Tensor, Tensor>> batches;
                 for (int64_t s = 0; s < samples; s += batch) {
                   const int64_t nb = std::min<int64_t>(batch, samples - s);
                   Shape bs = xShape;
                   bs[0] = nb;
                   std::vector<float> xb = seq(nb * feat, 0.5f);
                   std::vector<float> yb(yv.begin() + s * classes, yv.begin() + (s + nb) * classes);
                   batches.emplace_back(Tensor::fromVector(bs, xb), Tensor::fromVector({nb, classes}, yb));
                 }
                 auto data = std::make_shared<decltype(batches)>(std::move(batches));
                 // One epoch: a step per batch, the logs read once per batch as fit does.
                 return std::function<void()>([m, data]() {
                   for (const auto& [x, y] : *data) m->trainOnBatch({x}, {y});
                 });
               },
               5};
  };
  auto mlp = [] { return benchmodels::mlp(); };
  auto cnn = [] { return benchmodels::cnn(); };

  std::vector<Row> rows;
  rows.push_back(matMulRow(512, {"webgl", "wasm", "cpu"}));
  rows.push_back(matMulRow(1024, {"webgl", "wasm"}));
  if (!quick) rows.push_back(matMulRow(2048, {"webgl", "wasm"}));
  rows.push_back(predictRow(1, {"webgl", "wasm"}));
  if (!quick) rows.push_back(predictRow(8, {"webgl", "wasm"}));
  rows.push_back(fitRow("MLP fit epoch (784-256-256-10, 1024 samples, batch 128, adam)", {"webgl", "wasm"}, mlp,
                        {1024, 784}, 10, 128));
  if (!quick) {
    rows.push_back(fitRow("CNN fit epoch (mnist conv 32/64, 512 samples, batch 64, adam)", {"webgl", "wasm"}, cnn,
                          {512, 28, 28, 1}, 10, 64));
  }

  std::printf("| workload | backend | first call ms | warm ms (best) | warm ms (median) | GFLOP/s (best) |\n");
  std::printf("| --- | --- | ---: | ---: | ---: | ---: |\n");
  for (const Row& row : rows) {
    for (const std::string& backend : row.backends) {
      BackendScope scope(backend);
      auto run = row.make();
      Timing t = timeIt(run, row.reps);
      double gflops = 0;
      if (row.name.rfind("matMul", 0) == 0) {
        const double n = std::atof(row.name.c_str() + 7);
        gflops = 2 * n * n * n / (t.warm * 1e6);
      }
      char g[32] = "";
      if (gflops > 0) std::snprintf(g, sizeof g, "%.1f", gflops);
      std::printf("| %s | %s | %.1f | %.2f | %.2f | %s |", row.name.c_str(), backend.c_str(), t.first, t.warm, t.median, g);
      if (verbose) {
        std::printf(" runs:");
        for (double r : t.runs) std::printf(" %.2f", r);
      }
      std::printf("\n");
      std::fflush(stdout);
    }
  }
  WebGLStats s = webglStats();
  std::printf("\nwebgl: %lld programs compiled, %lld program hits, %lld passes, %lld textures created, %lld reused\n",
              (long long)s.programsCompiled, (long long)s.programHits, (long long)s.passes, (long long)s.texturesCreated,
              (long long)s.texturesReused);

  if (profile) {
    BackendScope scope("webgl");
    auto m = benchmodels::mobileNetV2(224);
    Tensor x = Tensor::fromVector({1, 224, 224, 3}, seq(224 * 224 * 3, 1.f));
    m->predict({x})[0].toVector();
    webglProfile(true);
    m->predict({x})[0].toVector();
    webglProfile(false);
    std::string report = webglProfileReport();
    std::printf("\nslowest GL passes of a warm MobileNetV2 predict (key count ms):\n");
    int lines = 0;
    for (size_t p = 0; p < report.size() && lines < 25; ++lines) {
      size_t e = report.find('\n', p);
      if (e == std::string::npos) e = report.size();
      std::printf("  %s\n", report.substr(p, e - p).c_str());
      p = e + 1;
    }
  }
  return 0;
}

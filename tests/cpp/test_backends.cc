// The backend seam (core/backend.h, core/dispatch.h, core/kernel_cache.h): one
// backend list with fallback chains, data residency with counted moves, a test
// backend with its own memory and asynchronous reads running whole models, and the
// per-weight kernel-state cache.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/backend.h"
#include "core/dispatch.h"
#include "core/heap_memory.h"
#include "core/test_backend.h"
#include "layers/dense.h"
#include "layers/variable.h"
#include "ops/shape_ops.h"
#include "models/model.h"
#include "ops/ops.h"
#include "ops/registry.h"

namespace wl {
namespace {

void ensureBackend(const std::string& name, const std::vector<std::string>& omit = {}) {
  if (BackendRegistry::instance().find(name) == nullptr) registerAsyncTestBackend(name, omit);
}

std::vector<float> seq(int64_t n, float scale = 0.1f) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = std::sin(static_cast<float>(i) * 1.3f) * scale * 10.f;
  return v;
}

void expectClose(const std::vector<float>& got, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol * std::max(1.f, std::fabs(want[i]))) << i;
}

TEST(Backends, OneListOrderedByPriorityWithFallbackChains) {
  auto& reg = BackendRegistry::instance();
  auto names = reg.names();
  auto at = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) - names.begin(); };
  ASSERT_LT(at("wasm"), static_cast<long>(names.size()));
  EXPECT_LT(at("wasm"), at("cpu"));  // higher priority first
  EXPECT_EQ(reg.find("wasm")->fallback(), "cpu");
  EXPECT_EQ(reg.find("cpu")->fallback(), "");
  EXPECT_EQ(&reg.find("wasm")->memory(), &reg.find("cpu")->memory());  // shared: no moves between them
  EXPECT_TRUE(reg.find("cpu")->memory().isHost());
  try {
    setBackend("webgl-nope");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Backend name 'webgl-nope' not found in registry"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("cpu"), std::string::npos) << e.what();
  }
  EXPECT_THROW(reg.remove("cpu"), Error);
  EXPECT_THROW(registerAsyncTestBackend("wasm"), Error);  // the name is taken
}

TEST(Backends, ScopeRestoresTheBackendWhenTheScopeIsLeftByAnException) {
  setBackend("cpu");
  try {
    BackendScope scope("wasm");
    EXPECT_EQ(activeBackend(), "wasm");
    throw Error("an assertion failed");
  } catch (const Error&) {
  }
  EXPECT_EQ(activeBackend(), "cpu");
}

TEST(Backends, TensorsLiveInTheActiveBackendsMemoryAndHostAccessThrowsThere) {
  ensureBackend("cpu-async");
  BackendScope scope("cpu-async");
  Tensor x = Tensor::fromVector({2, 3}, {1, -2, 3, -4, 5, -6});
  EXPECT_FALSE(x.storage().memory().isHost());
  EXPECT_EQ(x.storage().memory().name(), "cpu-async");
  EXPECT_THROW(x.data<float>(), Error);  // only kernels and the explicit host view touch values
  const int64_t reads = transferStats().hostReads;
  EXPECT_EQ(relu(x).toVector(), (std::vector<float>{1, 0, 3, 0, 5, 0}));
  EXPECT_EQ(transferStats().hostReads, reads + 1);  // the one explicit read
  Tensor h = hostView(x);
  EXPECT_TRUE(h.storage().memory().isHost());
  EXPECT_EQ(h.toVector(), x.toVector());
}

TEST(Backends, AsyncReadsCompleteWhenTheBackendIsPumped) {
  ensureBackend("cpu-async");
  BackendScope scope("cpu-async");
  Tensor x = Tensor::fromVector({3}, {1, 2, 3});
  Memory& m = x.storage().memory();
  std::vector<float> out(3, 0.f);
  bool done = false;
  m.readAsync(x.storage().handle(), out.data(), 12, [&] { done = true; });
  EXPECT_FALSE(done);  // deferred, as a GPU fence
  m.pump();
  EXPECT_TRUE(done);
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3}));
}

TEST(Backends, FallbackChainRunsAMissingKernelOnTheNextBackendWithACountedMove) {
  ensureBackend("async-no-softmax", {"Softmax"});
  std::vector<float> want;
  {
    BackendScope cpu("cpu");
    want = softmax(relu(Tensor::fromVector({2, 3}, {1, 2, 3, 4, 5, -6}))).toVector();
  }
  BackendScope scope("async-no-softmax");
  EXPECT_EQ(KernelCall("Softmax").backend().name(), "cpu");
  EXPECT_EQ(KernelCall("Unary").backend().name(), "async-no-softmax");
  Tensor x = Tensor::fromVector({2, 3}, {1, 2, 3, 4, 5, -6});
  const TransferStats before = transferStats();
  Tensor y = relu(x);
  EXPECT_EQ(transferStats().moves, before.moves);  // same backend: no move
  Tensor z = softmax(y);
  EXPECT_EQ(transferStats().moves, before.moves + 1);  // y moved to the host for the cpu kernel
  EXPECT_EQ(transferStats().bytesMoved, before.bytesMoved + 24);
  EXPECT_TRUE(y.storage().memory().isHost());
  EXPECT_TRUE(z.storage().memory().isHost());
  expectClose(z.toVector(), want);
  // ...and back: the next kernel of this backend moves z into its memory.
  Tensor w = relu(z);
  EXPECT_EQ(transferStats().moves, before.moves + 2);
  EXPECT_FALSE(w.storage().memory().isHost());
}

// supports() narrows by the call's dtype/rank/attributes, not just the op name.
class Float32Only : public Backend {
 public:
  Float32Only() : Backend("f32-only", 3, &hostMemory(), "cpu") {}
  bool supports(const char*, const KernelQuery& q) const override { return q.dtype == DType::Float32; }
};

TEST(Backends, SupportsChoosesPerCallByDtype) {
  auto& kernels = KernelRegistry::instance();
  if (BackendRegistry::instance().find("f32-only") == nullptr) {
    kernels.add("Cast", "f32-only", kernels.find("Cast", "cpu"));
    BackendRegistry::instance().add(std::make_unique<Float32Only>());
  }
  BackendScope scope("f32-only");
  EXPECT_EQ(KernelCall("Cast", {DType::Float32}).backend().name(), "f32-only");
  EXPECT_EQ(KernelCall("Cast", {DType::Int32}).backend().name(), "cpu");
  EXPECT_EQ(cast(Tensor::fromInts({2}, {3, -1}), DType::Float32).toVector(), (std::vector<float>{3, -1}));
}

std::shared_ptr<Sequential> smallModel(const std::vector<Tensor>& weights) {
  auto model = std::make_shared<Sequential>();
  model->add(std::make_shared<Dense>(nlohmann::json{{"units", 8}, {"inputShape", {5}}, {"activation", "relu"}}));
  model->add(std::make_shared<Dense>(nlohmann::json{{"units", 3}, {"activation", "softmax"}}));
  model->compile({{"optimizer", "adam"}, {"loss", "categoricalCrossentropy"}, {"metrics", {"accuracy"}}});
  if (!weights.empty()) model->setWeights(weights);
  return model;
}

struct RunResult {
  std::vector<float> predicted, logs, evaluated, weights;
};

RunResult runModel(const std::vector<std::vector<float>>& w) {
  std::vector<Tensor> weights = {Tensor::fromVector({5, 8}, w[0]), Tensor::fromVector({8}, w[1]),
                                 Tensor::fromVector({8, 3}, w[2]), Tensor::fromVector({3}, w[3])};
  auto model = smallModel(weights);
  Tensor x = Tensor::fromVector({4, 5}, seq(20));
  Tensor y = Tensor::fromVector({4, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0});
  RunResult r;
  r.predicted = model->predict({x})[0].toVector();
  for (int step = 0; step < 3; ++step) {
    auto logs = model->trainOnBatch({x}, {y});
    r.logs.insert(r.logs.end(), logs.begin(), logs.end());
  }
  r.evaluated = model->evaluateBatch({x}, {y});
  for (const Tensor& t : model->getWeights()) {
    auto v = t.toVector();
    r.weights.insert(r.weights.end(), v.begin(), v.end());
  }
  return r;
}

TEST(Backends, AModelPredictsTrainsAndEvaluatesOnABackendWithItsOwnMemory) {
  ensureBackend("cpu-async");
  const std::vector<std::vector<float>> w = {seq(40, 0.05f), seq(8, 0.01f), seq(24, 0.07f), seq(3, 0.02f)};
  RunResult want, got;
  {
    BackendScope cpu("cpu");
    want = runModel(w);
  }
  {
    BackendScope async("cpu-async");
    got = runModel(w);
  }
  expectClose(got.predicted, want.predicted);
  expectClose(got.logs, want.logs);
  expectClose(got.evaluated, want.evaluated);
  expectClose(got.weights, want.weights);
}

TEST(Backends, AForwardPassOnABackendWithAllItsKernelsMakesNoHostRoundTrip) {
  ensureBackend("cpu-async");
  BackendScope scope("cpu-async");
  auto model = smallModel({});
  Tensor x = Tensor::fromVector({4, 5}, seq(20));
  model->predict({x});  // builds nothing new below: the weights already live in this memory
  const TransferStats before = transferStats();
  Tensor y = model->predict({x})[0];
  EXPECT_EQ(transferStats().moves, before.moves);
  EXPECT_EQ(transferStats().hostReads, before.hostReads);
  EXPECT_FALSE(y.storage().memory().isHost());
  y.toVector();
  EXPECT_EQ(transferStats().hostReads, before.hostReads + 1);  // the caller's one read
}

TEST(KernelCache, TheWasmGemmPacksAWeightOncePerVersion) {
  BackendScope scope("wasm");
  auto model = smallModel({});
  Tensor x = Tensor::fromVector({2, 5}, seq(10));
  Tensor y = Tensor::fromVector({2, 3}, {1, 0, 0, 0, 1, 0});
  auto& cache = KernelCache::instance();
  model->predict({x});
  const int64_t builds = cache.builds(), hits = cache.hits();
  std::vector<float> first = model->predict({x})[0].toVector();
  for (int i = 0; i < 3; ++i) model->predict({x});
  EXPECT_EQ(cache.builds(), builds);  // both kernels packed once, before
  EXPECT_EQ(cache.hits(), hits + 8);  // 2 dense layers x 4 calls
  model->trainOnBatch({x}, {y});      // the optimizer writes the weights in place: new versions
  const int64_t afterStep = cache.builds();
  std::vector<float> trained = model->predict({x})[0].toVector();
  EXPECT_EQ(cache.builds(), afterStep + 2);  // repacked once each
  EXPECT_NE(trained, first);
  // setWeights (and assign) bump the version too: the next call repacks, and the
  // result is the new weights', not a stale packed copy's.
  std::vector<Tensor> w = model->getWeights();
  std::vector<Tensor> zeros;
  for (const Tensor& t : w) zeros.push_back(Tensor::zeros(t.shape()));
  model->setWeights(zeros);
  expectClose(model->predict({x})[0].toVector(), std::vector<float>(6, 1.f / 3.f));
  // An entry dies with its weight.
  const size_t entries = cache.size();
  model.reset();
  w.clear();
  EXPECT_LT(cache.size(), entries);
}

TEST(KernelCache, PackedAndUnpackedGemmAgreeWithTheCpuBackend) {
  Tensor a = Tensor::fromVector({7, 300}, seq(2100, 0.01f));
  Tensor bValues = Tensor::fromVector({300, 1030}, seq(309000, 0.001f));
  Variable weight("w", bValues.clone(), true);  // a weight: cacheable
  std::vector<float> want, packed, plain;
  {
    BackendScope cpu("cpu");
    want = matMul(a, weight.value()).toVector();
  }
  BackendScope wasm("wasm");
  packed = matMul(a, weight.value()).toVector();
  plain = matMul(a, bValues).toVector();
  expectClose(packed, want, 1e-4f);
  expectClose(plain, want, 1e-4f);
}

TEST(InPlaceWrites, AViewTakenBeforeAWriteKeepsItsValues) {
  for (const std::string& backend : {"cpu", "wasm"}) {
    BackendScope scope(backend);
    Variable v("v", Tensor::fromVector({4}, {1, 2, 3, 4}), true);
    Tensor before = reshape(v.value(), {2, 2});  // a view: shares the storage
    const uint64_t uid = v.value().storage().uid();
    v.assign(Tensor::fromVector({4}, {5, 6, 7, 8}));
    EXPECT_EQ(before.toVector(), (std::vector<float>{1, 2, 3, 4})) << backend;  // as tfjs: old values
    EXPECT_EQ(v.value().toVector(), (std::vector<float>{5, 6, 7, 8}));
    EXPECT_NE(v.value().storage().uid(), uid);     // copy on write
    EXPECT_TRUE(v.value().storage().persistent());  // still a weight
    Tensor view2 = OpRegistry::instance().run("reshape", {v.value()}, {{"shape", {4}}})[0];  // tf.reshape: a new tensor
    axpyInPlace(1.f, Tensor::fromVector({4}, {1, 1, 1, 1}), v.mutableValue());  // an optimizer step
    EXPECT_EQ(view2.toVector(), (std::vector<float>{5, 6, 7, 8}));
    EXPECT_EQ(v.value().toVector(), (std::vector<float>{6, 7, 8, 9}));
    // With no view alive, writes stay in place (no copy).
    view2 = Tensor();
    before = Tensor();
    const uint64_t sole = v.value().storage().uid();
    axpyInPlace(1.f, Tensor::fromVector({4}, {1, 1, 1, 1}), v.mutableValue());
    EXPECT_EQ(v.value().storage().uid(), sole);
  }
}


// The host heap's block pool: a model called again reuses its first call's blocks.
TEST(HeapMemoryPool, AReleasedLargeBlockIsHandedOutAgainForTheSameSize) {
  HeapMemory m("pool-test", true);
  const size_t big = 256 * 1024;
  void* a = m.allocate(big);
  std::memset(a, 1, big);
  m.release(a, big);
  EXPECT_EQ(m.pooledBytes(), HeapMemory::blockSize(big));
  EXPECT_EQ(m.numBytes(), 0);
  void* b = m.allocate(big);
  EXPECT_EQ(b, a);  // the same block, not fresh heap
  EXPECT_EQ(m.pooledBytes(), 0u);
  EXPECT_EQ(m.numBytes(), static_cast<int64_t>(big));
  void* c = m.allocate(big + 4096);  // another size: not served by the pool
  EXPECT_NE(c, a);
  m.release(b, big);
  m.release(c, big + 4096);
  EXPECT_EQ(m.numBuffers(), 0);
  m.trim();
  EXPECT_EQ(m.pooledBytes(), 0u);
}

TEST(HeapMemoryPool, SmallBlocksAreReusedAFewPerSizeAndThePoolIsBounded) {
  HeapMemory m("pool-test", true);
  void* s = m.allocate(1000);
  m.release(s, 1000);
  EXPECT_EQ(m.pooledBytes(), HeapMemory::blockSize(1000));
  EXPECT_EQ(m.allocate(1000), s);  // handed out again
  m.release(s, 1000);
  // At most kSmallPerSize blocks of one small size are kept; the rest go back to the heap.
  std::vector<void*> small;
  for (size_t i = 0; i < 3 * HeapMemory::kSmallPerSize; ++i) small.push_back(m.allocate(1000));
  for (void* p : small) m.release(p, 1000);
  EXPECT_EQ(m.pooledBytes(), HeapMemory::kSmallPerSize * HeapMemory::blockSize(1000));
  EXPECT_EQ(m.numBuffers(), 0);
  m.trim();
  EXPECT_EQ(m.pooledBytes(), 0u);
  // Live peak 1 MiB: the pool keeps at most max(32 MiB, peak).
  const size_t block = 1 << 20;
  std::vector<void*> live;
  for (int i = 0; i < 40; ++i) {
    live.push_back(m.allocate(block));
    m.release(live.back(), block);  // one live at a time: peak stays 1 MiB
    live.pop_back();
  }
  EXPECT_LE(m.pooledBytes(), HeapMemory::kPoolFloor);
  for (int i = 0; i < 40; ++i) live.push_back(m.allocate(block + 64 * i));  // 40 distinct sizes
  for (int i = 0; i < 40; ++i) m.release(live[i], block + 64 * i);
  EXPECT_LE(m.pooledBytes(), std::max(HeapMemory::kPoolFloor, size_t{40} * (block + 64 * 40)));
  EXPECT_GT(m.pooledBytes(), HeapMemory::kPoolFloor);  // the peak (~40 MiB) raised the cap
  m.trim();
  EXPECT_EQ(m.pooledBytes(), 0u);
}

}  // namespace
}  // namespace wl

#include "core/test_backend.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>

#include "core/backend.h"
#include "core/heap_memory.h"
#include "core/kernel_registry.h"
#include "core/tensor.h"

namespace wl {

namespace {

// Heap blocks like the host's, but not host memory: Tensor::data<T>() on them throws.
class AsyncMemory : public HeapMemory {
 public:
  explicit AsyncMemory(const std::string& name) : HeapMemory(name, false) {}
  // Deferred: the values are copied now (the data may change before the read
  // completes), and `done` runs on the next pump(), as a GPU fence completes later.
  void readAsync(const void* handle, void* dst, size_t bytes, std::function<void()> done) override {
    read(handle, dst, bytes);
    pending_.push_back(std::move(done));
  }
  int pump() override {
    std::deque<std::function<void()>> ready;
    ready.swap(pending_);
    for (auto& f : ready) f();
    return static_cast<int>(pending_.size());
  }

 private:
  std::deque<std::function<void()>> pending_;
};

}  // namespace

void registerAsyncTestBackend(const std::string& name, const std::vector<std::string>& omit) {
  auto& backends = BackendRegistry::instance();
  WL_CHECK(backends.find(name) == nullptr, "Backend '" << name << "' is already registered");
  // Memories outlive their backend: storages made on it may still be alive.
  static std::vector<AsyncMemory*> memories;
  AsyncMemory* memory = nullptr;
  for (AsyncMemory* m : memories) {
    if (m->name() == name) memory = m;
  }
  if (memory == nullptr) {
    memory = new AsyncMemory(name);
    memories.push_back(memory);
  }
  auto& reg = KernelRegistry::instance();
  for (const auto& entry : reg.entries()) {
    if (entry.second != "cpu") continue;
    if (std::find(omit.begin(), omit.end(), entry.first) != omit.end()) continue;
    if (!reg.supports(entry.first, name)) reg.add(entry.first, name, reg.find(entry.first, "cpu"));
  }
  backends.add(std::make_unique<Backend>(name, 0, memory, "cpu"));
}

}  // namespace wl

#include "core/backend.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/heap_memory.h"
#include "core/tensor.h"

namespace wl {


void Memory::copy(void* dst, const void* src, size_t bytes) {
  std::vector<unsigned char> staging(bytes);
  read(src, staging.data(), bytes);
  write(dst, staging.data(), bytes);
}

Memory& hostMemory() {
  static HeapMemory* memory = new HeapMemory("host", true);  // never destroyed: storages may outlive statics
  return *memory;
}

bool Backend::supports(const char*, const KernelQuery&) const { return true; }

BackendRegistry::BackendRegistry() {
  // "cpu": the scalar kernels, the oracle, complete (the end of every chain).
  // "wasm": the SIMD128 kernels; falls back to "cpu" for kernels it lacks. Same memory.
  backends_.push_back(std::make_unique<Backend>("cpu", 1, &hostMemory(), ""));
  backends_.push_back(std::make_unique<Backend>("wasm", 2, &hostMemory(), "cpu"));
  active_ = backends_[0].get();
}

BackendRegistry& BackendRegistry::instance() {
  static BackendRegistry* registry = new BackendRegistry();
  return *registry;
}

Backend& BackendRegistry::add(std::unique_ptr<Backend> backend) {
  WL_CHECK(find(backend->name()) == nullptr, "Backend '" << backend->name() << "' is already registered");
  WL_CHECK(backend->fallback().empty() || find(backend->fallback()) != nullptr,
           "Backend '" << backend->name() << "' falls back to '" << backend->fallback()
                       << "', which is not registered");
  backends_.push_back(std::move(backend));
  ++dispatchGeneration();
  return *backends_.back();
}

void BackendRegistry::remove(const std::string& name) {
  WL_CHECK(name != "cpu", "The 'cpu' backend cannot be removed: every fallback chain ends there");
  WL_CHECK(active_->name() != name, "Cannot remove backend '" << name << "' while it is active");
  for (const auto& b : backends_) {
    WL_CHECK(b->fallback() != name, "Cannot remove backend '" << name << "': '" << b->name() << "' falls back to it");
  }
  auto it = std::find_if(backends_.begin(), backends_.end(), [&](const auto& b) { return b->name() == name; });
  WL_CHECK(it != backends_.end(), "Backend '" << name << "' is not registered");
  backends_.erase(it);
  ++dispatchGeneration();
}

Backend* BackendRegistry::find(const std::string& name) const {
  for (const auto& b : backends_) {
    if (b->name() == name) return b.get();
  }
  return nullptr;
}

std::vector<std::string> BackendRegistry::names() const {
  std::vector<const Backend*> sorted;
  for (const auto& b : backends_) sorted.push_back(b.get());
  std::stable_sort(sorted.begin(), sorted.end(), [](const Backend* a, const Backend* b) {
    return a->priority() > b->priority();
  });
  std::vector<std::string> out;
  for (const Backend* b : sorted) out.push_back(b->name());
  return out;
}

void BackendRegistry::setActive(const std::string& name) {
  Backend* b = find(name);
  if (b == nullptr) {
    std::string all;
    for (const auto& n : names()) all += (all.empty() ? "" : ", ") + n;
    throw Error("Backend name '" + name + "' not found in registry. Available backends: " + all);
  }
  if (b != active_) ++dispatchGeneration();
  active_ = b;
}

TransferStats& transferStats() {
  static TransferStats stats;
  return stats;
}

uint64_t& dispatchGeneration() {
  static uint64_t generation = 1;
  return generation;
}

const std::string& activeBackend() { return BackendRegistry::instance().active().name(); }
void setBackend(const std::string& name) { BackendRegistry::instance().setActive(name); }

}  // namespace wl

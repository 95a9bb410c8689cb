#include "core/kernel_registry.h"

#include <set>
#include <unordered_map>

namespace wl {

namespace {
// Bumped whenever a lookup could change (a kernel registered, the backend switched).
uint64_t g_generation = 0;
}  // namespace

KernelRegistry& KernelRegistry::instance() {
  static KernelRegistry registry;  // constructed on first use: safe from static initializers
  return registry;
}

void KernelRegistry::add(const std::string& op, const std::string& backend, AnyKernel fn) {
  auto key = std::make_pair(op, backend);
  WL_CHECK(kernels_.find(key) == kernels_.end(),
           "The kernel '" << op << "' for backend '" << backend << "' is already registered");
  kernels_[key] = fn;
  ++g_generation;
}

AnyKernel KernelRegistry::find(const std::string& op, const std::string& backend) const {
  auto it = kernels_.find(std::make_pair(op, backend));
  return it == kernels_.end() ? nullptr : it->second;
}

std::vector<std::string> KernelRegistry::backends() const {
  // "wasm" (SIMD kernels) is a backend even before it has kernels of its own:
  // every op then falls back to "reference".
  std::set<std::string> names = {"reference", "wasm"};
  for (const auto& kv : kernels_) names.insert(kv.first.second);
  return {names.begin(), names.end()};
}

namespace {
std::string& activeBackendRef() {
  static std::string name = "reference";
  return name;
}
}  // namespace

AnyKernel findKernelUncached(const char* op);

const std::string& activeBackend() { return activeBackendRef(); }

void setBackend(const std::string& name) {
  auto all = KernelRegistry::instance().backends();
  bool known = false;
  for (const auto& b : all) known = known || b == name;
  WL_CHECK(known, "Backend '" << name << "' is not registered");
  activeBackendRef() = name;
  ++g_generation;
}

AnyKernel findKernelOrThrow(const char* op) {
  // Ops pass string literals: cache by their address, so the per-op cost is one
  // hash of a pointer instead of building and comparing strings (small models pay it).
  static std::unordered_map<const char*, std::pair<uint64_t, AnyKernel>> cache;
  auto hit = cache.find(op);
  if (hit != cache.end() && hit->second.first == g_generation) return hit->second.second;
  AnyKernel k = findKernelUncached(op);
  cache[op] = {g_generation, k};
  return k;
}

AnyKernel findKernelUncached(const char* op) {
  auto& reg = KernelRegistry::instance();
  if (AnyKernel k = reg.find(op, activeBackend())) return k;
  if (AnyKernel k = reg.find(op, "reference")) return k;
  throw Error(std::string("No kernel is registered for op '") + op + "'");
}

}  // namespace wl

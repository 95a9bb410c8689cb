#include "core/kernel_registry.h"

#include <set>

namespace wl {

KernelRegistry& KernelRegistry::instance() {
  static KernelRegistry registry;  // constructed on first use: safe from static initializers
  return registry;
}

void KernelRegistry::add(const std::string& op, const std::string& backend, AnyKernel fn) {
  auto key = std::make_pair(op, backend);
  WL_CHECK(kernels_.find(key) == kernels_.end(),
           "The kernel '" << op << "' for backend '" << backend << "' is already registered");
  kernels_[key] = fn;
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

const std::string& activeBackend() { return activeBackendRef(); }

void setBackend(const std::string& name) {
  auto all = KernelRegistry::instance().backends();
  bool known = false;
  for (const auto& b : all) known = known || b == name;
  WL_CHECK(known, "Backend '" << name << "' is not registered");
  activeBackendRef() = name;
}

AnyKernel findKernelOrThrow(const char* op) {
  auto& reg = KernelRegistry::instance();
  if (AnyKernel k = reg.find(op, activeBackend())) return k;
  if (AnyKernel k = reg.find(op, "reference")) return k;
  throw Error(std::string("No kernel is registered for op '") + op + "'");
}

}  // namespace wl

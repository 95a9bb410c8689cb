#include "core/kernel_registry.h"

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
  ++dispatchGeneration();
}

AnyKernel KernelRegistry::find(const std::string& op, const std::string& backend) const {
  auto it = kernels_.find(std::make_pair(op, backend));
  return it == kernels_.end() ? nullptr : it->second;
}

std::vector<std::pair<std::string, std::string>> KernelRegistry::entries() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& kv : kernels_) out.push_back(kv.first);
  return out;
}

std::vector<std::string> KernelRegistry::ops(const std::string& backend) const {
  std::vector<std::string> out;
  for (const auto& kv : kernels_) {
    if (kv.first.second == backend) out.push_back(kv.first.first);
  }
  return out;
}

}  // namespace wl

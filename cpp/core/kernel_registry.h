// Kernel registry: kernels keyed by (op, backend), as tfjs's kernel_registry.ts.
//
// A kernel is a plain function taking the op's parameter struct (kernels/params.h):
// bound buffers and dimensions only, no shape logic. Ops never look kernels up
// here directly: a KernelCall (core/dispatch.h) walks the active backend's fallback
// chain (core/backend.h) to the first backend that registered the op and supports
// the call, and binds the buffers that backend's memory holds.
//
// To add a kernel: write it beside its backend's others and register it at the
// bottom of that file with WL_REGISTER_KERNEL(op, backend, FnType, fn).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/backend.h"
#include "core/error.h"

namespace wl {

using AnyKernel = void (*)();

class KernelRegistry {
 public:
  static KernelRegistry& instance();
  // Registering the same (op, backend) twice is an error.
  void add(const std::string& op, const std::string& backend, AnyKernel fn);
  AnyKernel find(const std::string& op, const std::string& backend) const;
  bool supports(const std::string& op, const std::string& backend) const {
    return find(op, backend) != nullptr;
  }
  // Every (op, backend) registered, ordered by op then backend.
  std::vector<std::pair<std::string, std::string>> entries() const;
  // The ops a backend registered.
  std::vector<std::string> ops(const std::string& backend) const;

 private:
  std::map<std::pair<std::string, std::string>, AnyKernel> kernels_;
};

}  // namespace wl

#define WL_CONCAT_INNER_(a, b) a##b
#define WL_CONCAT_(a, b) WL_CONCAT_INNER_(a, b)
// The static_cast checks fn against the op's kernel signature at compile time.
#define WL_REGISTER_KERNEL(op, backend, FnType, fn)                                  \
  static const bool WL_CONCAT_(wl_kernel_registered_, __LINE__) =                    \
      (::wl::KernelRegistry::instance().add(                                          \
           op, backend, reinterpret_cast<::wl::AnyKernel>(static_cast<FnType>(fn))), \
       true)

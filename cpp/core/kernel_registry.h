// Kernel registry: kernels keyed by (op, backend), as tfjs's kernel_registry.ts.
//
// A kernel is a plain function taking the op's parameter struct (kernels/params.h):
// buffers and dimensions only, no shape logic. Ops look kernels up with
// kernelFor<Fn>(op): the active backend if it supports the op, else "reference",
// which implements every op and is the oracle for the others.
//
// To add a kernel: write it beside its backend's others and register it at the
// bottom of that file with WL_REGISTER_KERNEL(op, backend, FnType, fn).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

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
  std::vector<std::string> backends() const;

 private:
  std::map<std::pair<std::string, std::string>, AnyKernel> kernels_;
};

const std::string& activeBackend();
void setBackend(const std::string& name);  // throws for a backend with no kernels

AnyKernel findKernelOrThrow(const char* op);

template <typename Fn>
Fn kernelFor(const char* op) {
  return reinterpret_cast<Fn>(findKernelOrThrow(op));
}

}  // namespace wl

#define WL_CONCAT_INNER_(a, b) a##b
#define WL_CONCAT_(a, b) WL_CONCAT_INNER_(a, b)
// The static_cast checks fn against the op's kernel signature at compile time.
#define WL_REGISTER_KERNEL(op, backend, FnType, fn)                                  \
  static const bool WL_CONCAT_(wl_kernel_registered_, __LINE__) =                    \
      (::wl::KernelRegistry::instance().add(                                          \
           op, backend, reinterpret_cast<::wl::AnyKernel>(static_cast<FnType>(fn))), \
       true)

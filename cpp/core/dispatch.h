// KernelCall: how an op runs a kernel.
//
//   KernelCall k("Unary", {x.dtype()});          // 1. pick the backend
//   k.kernel<UnaryKernel>()({op, k.in(x), k.out(y), n});  // 2. bind buffers, run
//
// 1. The active backend if it registered the op and supports(op, query), else the
//    next backend down its fallback chain (wasm -> cpu; later webgl -> wasm -> cpu).
// 2. in(t) makes t's storage resident in that backend's memory (an explicit move,
//    counted in transferStats(), when it lives elsewhere) and returns the handle its
//    kernels take; out(t) does the same for a buffer the kernel writes and bumps the
//    storage's version (every in-place write goes through here or Tensor::write), so
//    state cached for the old contents (core/kernel_cache.h) is rebuilt.
#pragma once

#include <set>
#include <string>
#include <utility>

#include "core/backend.h"
#include "core/kernel_cache.h"
#include "core/kernel_registry.h"
#include "core/tensor.h"

namespace wl {

// Tests: while set, every KernelCall adds its (op, backend) to *log (how the op
// harness proves it ran every registered kernel of every backend).
void setDispatchLog(std::set<std::pair<std::string, std::string>>* log);

// The op of the latest KernelCall and a count of KernelCalls (a backend's profiler
// labels its work by op: kernels receive only their parameters).
const char* lastKernelOp();
uint64_t kernelCallCount();

class KernelCall {
 public:
  explicit KernelCall(const char* op, KernelQuery query = {DType::Float32});
  template <typename Fn>
  Fn kernel() const {
    return reinterpret_cast<Fn>(fn_);
  }
  Backend& backend() const { return *backend_; }

  // Resident for reading (a tensor may be passed as both in and out: in place).
  template <typename T = void>
  T* in(const Tensor& t) const {
    return static_cast<T*>(bind(t, false));
  }
  // Resident, to be written by the kernel: bumps the version.
  template <typename T = void>
  T* out(const Tensor& t) const {
    return static_cast<T*>(bind(t, true));
  }
  // Optional input (scale/bias of an epilogue): null when undefined.
  template <typename T = void>
  T* inOrNull(const Tensor& t) const {
    return t.defined() ? in<T>(t) : nullptr;
  }
  // The cache key for a weight's buffer (not cacheable when t is no weight).
  BufferKey key(const Tensor& t) const { return t.bufferKey(); }

 private:
  void* bind(const Tensor& t, bool write) const;
  Backend* backend_;
  AnyKernel fn_;
};

}  // namespace wl

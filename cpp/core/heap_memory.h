// A Memory of 64-byte aligned heap blocks: the host memory ("cpu", "wasm", "xnnpack")
// and, flagged as not host, the test backends' own memory (core/test_backend.cc).
#pragma once

#include <cstdlib>
#include <cstring>
#include <string>

#include "core/backend.h"
#include "core/tensor.h"

namespace wl {

class HeapMemory : public Memory {
 public:
  HeapMemory(std::string name, bool host) : Memory(std::move(name)), host_(host) {}
  bool isHost() const override { return host_; }
  void* allocate(size_t bytes) override {
    // aligned_alloc needs a size that is a multiple of the alignment; 16 bytes of slack
    // let SIMD kernels (ours, XNNPACK's: XNN_EXTRA_BYTES) read a vector past the end.
    size_t rounded = ((bytes + 16 + 63) / 64) * 64;
    void* p = std::aligned_alloc(64, rounded);
    if (!p) {
      throw Error("Out of memory allocating " + formatBytes(static_cast<double>(bytes)) + " (" +
                  std::to_string(bytes) + " bytes) for a tensor in '" + name() +
                  "' memory: the WebAssembly heap cannot grow that far");
    }
    counted(1, static_cast<int64_t>(bytes));
    return p;
  }
  void release(void* handle, size_t bytes) override {
    std::free(handle);
    counted(-1, -static_cast<int64_t>(bytes));
  }
  void write(void* handle, const void* src, size_t bytes) override {
    if (bytes) std::memcpy(handle, src, bytes);
  }
  void read(const void* handle, void* dst, size_t bytes) override {
    if (bytes) std::memcpy(dst, handle, bytes);
  }
  void copy(void* dst, const void* src, size_t bytes) override {
    if (bytes) std::memcpy(dst, src, bytes);
  }

 private:
  bool host_;
};

}  // namespace wl

// A Memory of 64-byte aligned heap blocks: the host memory ("cpu", "wasm", "xnnpack")
// and, flagged as not host, the test backends' own memory (core/test_backend.cc).
#pragma once

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/backend.h"
#include "core/tensor.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WL_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define WL_ASAN 1
#endif
#ifdef WL_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace wl {

// Released blocks are kept on free lists by size and handed out again (small ones, a
// few per size), as tfjs-webgl's
// texture manager and PyTorch's caching allocator do: a model called again asks for
// the same sizes, so its second call reuses the first call's blocks instead of going
// back to malloc. Without this, state a kernel caches during the first call (packed
// weights) lands in the holes activations leave, the second call's activations no
// longer fit, and the WebAssembly heap grows into fresh pages whose first-touch
// faults made MobileNetV2's second predict take twice as long (2,700 page faults).
// The pool holds at most max(32 MiB, the peak of live bytes) and is emptied before
// an allocation is allowed to fail.
class HeapMemory : public Memory {
 public:
  static constexpr size_t kPoolMinBlock = 64 * 1024;
  // Smaller blocks are pooled too, a few per size: a tiny model's predict allocates a
  // handful of them per call, and aligned_alloc + free were a fifth of its time.
  static constexpr size_t kSmallPerSize = 16;
  static constexpr size_t kPoolFloor = size_t{32} << 20;

  HeapMemory(std::string name, bool host) : Memory(std::move(name)), host_(host) {}
  ~HeapMemory() override { trim(); }
  bool isHost() const override { return host_; }
  void* allocate(size_t bytes) override {
    // aligned_alloc needs a size that is a multiple of the alignment; 16 bytes of slack
    // let SIMD kernels (ours, XNNPACK's: XNN_EXTRA_BYTES) read a vector past the end.
    size_t rounded = blockSize(bytes);
    void* p = takePooled(rounded);
    if (!p) p = std::aligned_alloc(64, rounded);
    if (!p && pooledBytes_ > 0) {
      trim();
      p = std::aligned_alloc(64, rounded);
    }
    if (!p) {
      throw Error("Out of memory allocating " + formatBytes(static_cast<double>(bytes)) + " (" +
                  std::to_string(bytes) + " bytes) for a tensor in '" + name() +
                  "' memory: the WebAssembly heap cannot grow that far");
    }
    counted(1, static_cast<int64_t>(bytes));
    peakBytes_ = std::max(peakBytes_, numBytes());
    return p;
  }
  void release(void* handle, size_t bytes) override {
    counted(-1, -static_cast<int64_t>(bytes));
    size_t rounded = blockSize(bytes);
    std::vector<void*>& list = pool_[rounded];
    if ((rounded < kPoolMinBlock && list.size() >= kSmallPerSize) || pooledBytes_ + rounded > poolCap()) {
      std::free(handle);
      return;
    }
#ifdef WL_ASAN
    ASAN_POISON_MEMORY_REGION(handle, rounded);  // a pooled block is still freed memory to ASan
#endif
    list.push_back(handle);
    pooledBytes_ += rounded;
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
  // Returns every pooled block to the heap.
  void trim() {
    for (auto& [size, blocks] : pool_) {
      for (void* p : blocks) {
#ifdef WL_ASAN
        ASAN_UNPOISON_MEMORY_REGION(p, size);
#endif
        std::free(p);
      }
    }
    pool_.clear();
    pooledBytes_ = 0;
  }
  size_t pooledBytes() const { return pooledBytes_; }
  static size_t blockSize(size_t bytes) { return ((bytes + 16 + 63) / 64) * 64; }

 private:
  size_t poolCap() const { return std::max(kPoolFloor, static_cast<size_t>(peakBytes_)); }
  void* takePooled(size_t rounded) {
    auto it = pool_.find(rounded);
    if (it == pool_.end() || it->second.empty()) return nullptr;
    void* p = it->second.back();
    it->second.pop_back();
    pooledBytes_ -= rounded;
#ifdef WL_ASAN
    ASAN_UNPOISON_MEMORY_REGION(p, rounded);
#endif
    return p;
  }

  bool host_;
  std::unordered_map<size_t, std::vector<void*>> pool_;
  size_t pooledBytes_ = 0;
  int64_t peakBytes_ = 0;
};

}  // namespace wl

// State a kernel creates once and reuses: packed GEMM weights, an XNNPACK operator,
// a compiled shader program. Keyed by (kernel, weight storage, the storage's version,
// attributes), as XNNPACK keeps an operator per (weights, create-time parameters):
// an in-place write (optimizer step, setWeights, assign) bumps the version, so the
// next call rebuilds; an entry dies with its storage.
#pragma once

#include <cstdint>
#include <functional>
#include <type_traits>
#include <utility>
#include <memory>
#include <unordered_map>
#include <vector>

namespace wl {

// Names a weight buffer at one version; uid 0 means "not cacheable" (a one-off
// activation: packing it into the cache would only cost memory).
struct BufferKey {
  uint64_t uid = 0;
  uint64_t version = 0;
  bool cacheable() const { return uid != 0; }
};

class KernelCache {
 public:
  static KernelCache& instance();

  // The state for (kernel, key.uid, attrs) at key.version, made by make() on a miss
  // or when the version moved on. kernel is a string literal (compared by address).
  // With `refresh`, stale state nobody else holds is rebuilt in place (a training
  // step repacks into the same buffer instead of allocating a new one).
  // (Templates, not std::function: a hit is on every call of a small model's kernels.)
  template <typename T, typename Make>
  std::shared_ptr<T> get(const char* kernel, BufferKey key, uint64_t attrs, const Make& make) {
    return get<T>(kernel, key, attrs, make, static_cast<void (*)(T&)>(nullptr));
  }
  template <typename T, typename Make, typename Refresh>
  std::shared_ptr<T> get(const char* kernel, BufferKey key, uint64_t attrs, const Make& make, const Refresh& refresh) {
    Entry* e = lookup(kernel, key.uid, attrs);
    if (e != nullptr && e->version == key.version) {
      ++hits_;
      return std::static_pointer_cast<T>(e->state);
    }
    ++builds_;
    if (e != nullptr && canRefresh(refresh) && e->state.use_count() == 1) {
      refresh(*std::static_pointer_cast<T>(e->state));
      e->version = key.version;
      return std::static_pointer_cast<T>(e->state);
    }
    std::shared_ptr<T> state = make();
    if (e != nullptr) {
      e->version = key.version;
      e->state = state;
    } else {
      entries_[key.uid].push_back({kernel, attrs, key.version, state});
    }
    return state;
  }
  void forget(uint64_t uid) { entries_.erase(uid); }  // the storage died
  template <typename F>
  static bool canRefresh(const F&) { return true; }
  template <typename T>
  static bool canRefresh(void (*const& f)(T&)) { return f != nullptr; }
  void clear() { entries_.clear(); }
  size_t size() const;
  int64_t hits() const { return hits_; }
  int64_t builds() const { return builds_; }

 private:
  struct Entry {
    const char* kernel;
    uint64_t attrs;
    uint64_t version;
    std::shared_ptr<void> state;
  };
  Entry* lookup(const char* kernel, uint64_t uid, uint64_t attrs);
  std::unordered_map<uint64_t, std::vector<Entry>> entries_;
  int64_t hits_ = 0;
  int64_t builds_ = 0;
};

// FNV-1a over an attribute struct's bytes, for KernelCache keys. The struct must
// have no padding (its bytes would be garbage: a key that misses at random).
template <typename T>
uint64_t attrsHash(const T& attrs, uint64_t h = 1469598103934665603ull) {
  static_assert(std::has_unique_object_representations_v<T>, "attrsHash: use a struct without padding bytes");
  const unsigned char* p = reinterpret_cast<const unsigned char*>(&attrs);
  for (size_t i = 0; i < sizeof(T); ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

}  // namespace wl

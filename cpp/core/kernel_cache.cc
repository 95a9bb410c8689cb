#include "core/kernel_cache.h"

namespace wl {

KernelCache& KernelCache::instance() {
  static KernelCache* cache = new KernelCache();  // never destroyed: storages may outlive statics
  return *cache;
}

KernelCache::Entry* KernelCache::lookup(const char* kernel, uint64_t uid, uint64_t attrs) {
  auto it = entries_.find(uid);
  if (it == entries_.end()) return nullptr;
  for (Entry& e : it->second) {
    if (e.kernel == kernel && e.attrs == attrs) return &e;
  }
  return nullptr;
}

size_t KernelCache::size() const {
  size_t n = 0;
  for (const auto& kv : entries_) n += kv.second.size();
  return n;
}

}  // namespace wl

#include "core/dispatch.h"

#include <unordered_map>

namespace wl {

namespace {

struct Chain {
  uint64_t generation = 0;
  std::vector<std::pair<Backend*, AnyKernel>> links;  // backends with a kernel for the op, in chain order
};

// The chain of (backend, kernel) for an op from the active backend down. Ops pass
// string literals: cached by their address, so a call costs one pointer hash
// (small models pay it per op) until a kernel or backend is registered or switched.
const Chain& chainFor(const char* op) {
  static std::unordered_map<const char*, Chain> cache;
  Chain& c = cache[op];
  if (c.generation == dispatchGeneration()) return c;
  c.links.clear();
  auto& reg = KernelRegistry::instance();
  auto& backends = BackendRegistry::instance();
  for (Backend* b = &backends.active(); b != nullptr;
       b = b->fallback().empty() ? nullptr : backends.find(b->fallback())) {
    if (AnyKernel k = reg.find(op, b->name())) c.links.emplace_back(b, k);
  }
  c.generation = dispatchGeneration();
  return c;
}

std::set<std::pair<std::string, std::string>>* g_log = nullptr;
const char* g_lastOp = "";
uint64_t g_calls = 0;

}  // namespace

void setDispatchLog(std::set<std::pair<std::string, std::string>>* log) { g_log = log; }
const char* lastKernelOp() { return g_lastOp; }
uint64_t kernelCallCount() { return g_calls; }

KernelCall::KernelCall(const char* op, KernelQuery query) {
  g_lastOp = op;
  ++g_calls;
  for (const auto& link : chainFor(op).links) {
    if (link.first->supports(op, query)) {
      backend_ = link.first;
      fn_ = link.second;
      if (g_log != nullptr) g_log->emplace(op, backend_->name());
      return;
    }
  }
  throw Error(std::string("No kernel is registered for op '") + op + "' on backend '" + activeBackend() +
              "' or the backends it falls back to");
}

void* KernelCall::bind(const Tensor& t, bool write) const {
  if (write) t.prepareWrite(true);  // in place into a shared storage: copy on write
  Storage& s = t.storage();
  Memory& m = backend_->memory();
  // A fresh output (never written) moves without a copy: the kernel overwrites it.
  if (&s.memory() != &m) s.moveTo(m, !(write && s.version() == 0));
  if (write) s.bumpVersion();
  return m.bind(s.handle());
}

}  // namespace wl

// Backend "xnnpack" (native builds where Debian's libXNNPACK is installed; CMake
// option WL_XNNPACK): XNNPACK's f32 fully-connected operator runs MatMul. XNNPACK
// packs the weights when an operator is created, so an operator is created once per
// weight version through the kernel cache (core/kernel_cache.h) and only set up and
// run per call, as XNNPACK's create / setup / run split intends. It shares the host
// memory with "cpu" and "wasm" (no moves) and falls back to "wasm"; supports()
// declines what XNNPACK has no layout for (a transposed A), which then runs there.
#include <xnnpack.h>

#include "core/backend.h"
#include "core/kernel_cache.h"
#include "core/kernel_registry.h"
#include "core/tensor.h"
#include "kernels/params.h"

namespace wl {
namespace {

constexpr uint64_t kTransposeA = 1;  // KernelQuery::attrs bit of MatMul (ops/linalg.cc)

class XnnpackBackend : public Backend {
 public:
  XnnpackBackend() : Backend("xnnpack", 4, &hostMemory(), "wasm") {}
  bool supports(const char* op, const KernelQuery& q) const override {
    if (q.dtype != DType::Float32) return false;
    if (std::string(op) == "MatMul") return (q.attrs & kTransposeA) == 0;
    return true;
  }
};

// An operator owns XNNPACK's packed copy of the weights.
struct FullyConnected {
  xnn_operator_t op = nullptr;
  FullyConnected() = default;
  FullyConnected(const FullyConnected&) = delete;
  FullyConnected& operator=(const FullyConnected&) = delete;
  ~FullyConnected() {
    if (op != nullptr) xnn_delete_operator(op);
  }
};

std::shared_ptr<FullyConnected> createFullyConnected(int64_t k, int64_t n, const float* b, uint32_t flags) {
  auto fc = std::make_shared<FullyConnected>();
  xnn_status s = xnn_create_fully_connected_nc_f32(static_cast<size_t>(k), static_cast<size_t>(n),
                                                   static_cast<size_t>(k), static_cast<size_t>(n), b, nullptr,
                                                   -INFINITY, INFINITY, flags, &fc->op);
  WL_CHECK(s == xnn_status_success, "XNNPACK could not create a fully-connected operator (" << k << "x" << n
                                                                                              << "), status " << s);
  return fc;
}

// C[b] = A[b] (m x k) * B[b]; B is k x n, or n x k when transposed (XNNPACK's own
// [output, input] layout; the untransposed one takes XNN_FLAG_TRANSPOSE_WEIGHTS).
void matMul(const MatMulParams& p) {
  if (p.m <= 0 || p.n <= 0) return;
  if (p.k <= 0) {
    for (int64_t i = 0; i < p.batch * p.m * p.n; ++i) p.c[i] = 0.f;
  } else {
    const uint32_t flags = p.transposeB ? 0 : XNN_FLAG_TRANSPOSE_WEIGHTS;
    struct Layout {
      int64_t k, n, flags;
    } layout{p.k, p.n, flags};
    const bool shared = p.bBatchStride == 0 || p.batch == 1;
    std::shared_ptr<FullyConnected> cached;
    if (p.bKey.cacheable() && shared) {
      cached = KernelCache::instance().get<FullyConnected>("xnnpack.FullyConnected", p.bKey, attrsHash(layout),
                                                           [&] { return createFullyConnected(p.k, p.n, p.b, flags); });
    }
    for (int64_t bi = 0; bi < p.batch; ++bi) {
      std::shared_ptr<FullyConnected> fc =
          cached ? cached : createFullyConnected(p.k, p.n, p.b + bi * p.bBatchStride, flags);
      float* c = p.c + bi * p.m * p.n;
      xnn_status s = xnn_setup_fully_connected_nc_f32(fc->op, static_cast<size_t>(p.m), p.a + bi * p.aBatchStride, c,
                                                      nullptr);
      WL_CHECK(s == xnn_status_success, "XNNPACK could not set up a fully-connected operator, status " << s);
      s = xnn_run_operator(fc->op, nullptr);
      WL_CHECK(s == xnn_status_success, "XNNPACK could not run a fully-connected operator, status " << s);
    }
  }
  // The epilogue (scale, bias, relu/relu6) in one pass over C, in the reference order.
  if (p.epilogue.active()) epilogueBlockScalar(p.epilogue, p.c, p.batch * p.m, p.n, p.n, 0);
}

// Registered only when XNNPACK initializes on this CPU, so the backend list never
// names a backend that cannot run.
const bool registered = [] {
  if (xnn_initialize(nullptr) != xnn_status_success) return false;
  KernelRegistry::instance().add("MatMul", "xnnpack",
                                 reinterpret_cast<AnyKernel>(static_cast<MatMulKernel>(matMul)));
  BackendRegistry::instance().add(std::make_unique<XnnpackBackend>());
  return true;
}();

}  // namespace
}  // namespace wl

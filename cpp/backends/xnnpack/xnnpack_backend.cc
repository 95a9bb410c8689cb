// Backend "xnnpack" (native builds where Debian's libXNNPACK is installed, CMake
// option WL_XNNPACK; the single-thread WebAssembly engine with XNNPACK built from
// source, CMake WL_XNNPACK_DEPS_DIR): XNNPACK's f32 fully-connected operator runs MatMul,
// its f32 NHWC convolution runs Conv2D. XNNPACK packs the weights when an operator is
// created, so an operator is created once per weight version through the kernel cache
// (core/kernel_cache.h) and only set up and run per call, as XNNPACK's create / setup /
// run split intends. To add a kernel: an operator made in the kernel cache, registered
// at the bottom. It shares the host
// memory with "cpu" and "wasm" (no moves) and falls back to "wasm"; supports()
// declines what XNNPACK has no layout for (a transposed A), which then runs there.
#include <xnnpack.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

// XNNPACK's API changed in 2023: create takes a weights cache, and setup(batch, pointers,
// threadpool) became reshape(batch, threadpool) + setup(pointers). Debian's 2022 snapshot
// has the old one; CMake defines WL_XNNPACK_RESHAPE_API=1 for the source build.
#ifndef WL_XNNPACK_RESHAPE_API
#define WL_XNNPACK_RESHAPE_API 0
#endif

#include "core/backend.h"
#include "core/kernel_cache.h"
#include "core/kernel_registry.h"
#include "core/tensor.h"
#include "kernels/conv_params.h"
#include "kernels/params.h"
#include "kernels/wasm/vmath.h"  // epilogueBlock: the wasm kernels' SIMD epilogue

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
struct Operator {
  xnn_operator_t op = nullptr;
  Operator() = default;
  Operator(const Operator&) = delete;
  Operator& operator=(const Operator&) = delete;
  ~Operator() {
    if (op != nullptr) xnn_delete_operator(op);
  }
};

std::shared_ptr<Operator> createFullyConnected(int64_t k, int64_t n, const float* b, uint32_t flags) {
  auto fc = std::make_shared<Operator>();
  xnn_status s = xnn_create_fully_connected_nc_f32(static_cast<size_t>(k), static_cast<size_t>(n),
                                                   static_cast<size_t>(k), static_cast<size_t>(n), b, nullptr,
                                                   -INFINITY, INFINITY, flags,
#if WL_XNNPACK_RESHAPE_API
                                                   /*weights_cache=*/nullptr,
#endif
                                                   &fc->op);
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
    std::shared_ptr<Operator> cached;
    if (p.bKey.cacheable() && shared) {
      cached = KernelCache::instance().get<Operator>("xnnpack.FullyConnected", p.bKey, attrsHash(layout),
                                                     [&] { return createFullyConnected(p.k, p.n, p.b, flags); });
    }
    for (int64_t bi = 0; bi < p.batch; ++bi) {
      std::shared_ptr<Operator> fc =
          cached ? cached : createFullyConnected(p.k, p.n, p.b + bi * p.bBatchStride, flags);
      float* c = p.c + bi * p.m * p.n;
      const float* a = p.a + bi * p.aBatchStride;
#if WL_XNNPACK_RESHAPE_API
      xnn_status s = xnn_reshape_fully_connected_nc_f32(fc->op, static_cast<size_t>(p.m), nullptr);
      if (s == xnn_status_success) s = xnn_setup_fully_connected_nc_f32(fc->op, a, c);
#else
      xnn_status s = xnn_setup_fully_connected_nc_f32(fc->op, static_cast<size_t>(p.m), a, c, nullptr);
#endif
      WL_CHECK(s == xnn_status_success, "XNNPACK could not set up a fully-connected operator, status " << s);
      s = xnn_run_operator(fc->op, nullptr);
      WL_CHECK(s == xnn_status_success, "XNNPACK could not run a fully-connected operator, status " << s);
    }
  }
  // The epilogue (scale, bias, relu/relu6) in one SIMD pass over C, in the reference order.
  if (p.epilogue.active()) wasm::epilogueBlock(p.epilogue, p.c, p.batch * p.m, p.n, p.n, 0);
}

// Conv2D (filterKey names the weight): filter [fH, fW, inC, outC] (kernels/conv_params.h);
// XNNPACK wants [outC, fH, fW, inC], so the operator is created from a transposed copy,
// once per weight version. Its padding is fixed at creation: the cache key holds it
// (a 'same' convolution on another input size gets its own operator).
struct ConvLayout {
  ConvAttrs attrs;
  int64_t padTop, padBottom, padLeft, padRight;
};

std::shared_ptr<Operator> createConvolution(const ConvLayout& l, const float* filter) {
  const ConvAttrs& a = l.attrs;
  const int64_t taps = a.fH * a.fW;
  std::vector<float> ohwi(static_cast<size_t>(taps * a.inC * a.outC));
  for (int64_t t = 0; t < taps; ++t) {
    for (int64_t i = 0; i < a.inC; ++i) {
      for (int64_t o = 0; o < a.outC; ++o) {
        ohwi[static_cast<size_t>((o * taps + t) * a.inC + i)] = filter[(t * a.inC + i) * a.outC + o];
      }
    }
  }
  auto conv = std::make_shared<Operator>();
  const auto u32 = [](int64_t v) { return static_cast<uint32_t>(v); };
  xnn_status s = xnn_create_convolution2d_nhwc_f32(
      u32(l.padTop), u32(l.padRight), u32(l.padBottom), u32(l.padLeft), u32(a.fH), u32(a.fW), u32(a.strideH),
      u32(a.strideW), u32(a.dilH), u32(a.dilW), /*groups=*/1, static_cast<size_t>(a.inC), static_cast<size_t>(a.outC),
      static_cast<size_t>(a.inC), static_cast<size_t>(a.outC), ohwi.data(), /*bias=*/nullptr, -INFINITY, INFINITY,
      /*flags=*/0,
#if WL_XNNPACK_RESHAPE_API
      /*weights_cache=*/nullptr,
#endif
      &conv->op);
  WL_CHECK(s == xnn_status_success, "XNNPACK could not create a convolution operator (" << a.fH << "x" << a.fW << ", "
                                                                                         << a.inC << " -> " << a.outC
                                                                                         << "), status " << s);
  return conv;
}

void conv2d(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  WL_CHECK(g.fD == 1 && g.inD == 1 && g.outD == 1, "xnnpack Conv2D: a 2D geometry has depth 1");
  const int64_t yCount = g.batch * g.outH * g.outW * g.outC;
  if (yCount == 0) return;
  if (g.inC == 0) {
    std::fill(p.y, p.y + yCount, 0.f);
  } else {
    // XNNPACK takes pads on all four sides; ours are the leading ones (the trailing ones
    // are whatever the output size needs, none where input rows are left over).
    const auto trailing = [](int64_t out, int64_t stride, int64_t f, int64_t dil, int64_t in, int64_t lead) {
      return std::max<int64_t>(0, (out - 1) * stride + (f - 1) * dil + 1 - in - lead);
    };
    const ConvLayout layout{g.attrs(), g.padTop, trailing(g.outH, g.strideH, g.fH, g.dilH, g.inH, g.padTop),
                            g.padLeft, trailing(g.outW, g.strideW, g.fW, g.dilW, g.inW, g.padLeft)};
    std::shared_ptr<Operator> conv =
        p.filterKey.cacheable()
            ? KernelCache::instance().get<Operator>("xnnpack.Convolution2D", p.filterKey, attrsHash(layout),
                                                    [&] { return createConvolution(layout, p.filter); })
            : createConvolution(layout, p.filter);
    size_t outH = 0, outW = 0;
#if WL_XNNPACK_RESHAPE_API
    size_t workspaceSize = 0;
    xnn_status s =
        xnn_reshape_convolution2d_nhwc_f32(conv->op, static_cast<size_t>(g.batch), static_cast<size_t>(g.inH),
                                           static_cast<size_t>(g.inW), &workspaceSize, &outH, &outW, nullptr);
    // XNN_ALLOCATION_ALIGNMENT is at most 64 bytes.
    static thread_local std::vector<unsigned char> workspace;
    if (workspace.size() < workspaceSize + 64) workspace.resize(workspaceSize + 64);
    void* aligned = workspace.data() + (64 - reinterpret_cast<uintptr_t>(workspace.data()) % 64) % 64;
    if (s == xnn_status_success) s = xnn_setup_convolution2d_nhwc_f32(conv->op, aligned, p.x, p.y);
#else
    outH = static_cast<size_t>(g.outH);
    outW = static_cast<size_t>(g.outW);
    xnn_status s = xnn_setup_convolution2d_nhwc_f32(conv->op, static_cast<size_t>(g.batch), static_cast<size_t>(g.inH),
                                                    static_cast<size_t>(g.inW), p.x, p.y, nullptr);
#endif
    WL_CHECK(s == xnn_status_success, "XNNPACK could not set up a convolution operator, status " << s);
    WL_CHECK(outH == static_cast<size_t>(g.outH) && outW == static_cast<size_t>(g.outW),
             "XNNPACK's convolution gives " << outH << "x" << outW << ", expected " << g.outH << "x" << g.outW);
    s = xnn_run_operator(conv->op, nullptr);
    WL_CHECK(s == xnn_status_success, "XNNPACK could not run a convolution operator, status " << s);
  }
  if (p.epilogue.active()) wasm::epilogueBlock(p.epilogue, p.y, g.batch * g.outH * g.outW, g.outC, g.outC, 0);
}

// Registered only when XNNPACK initializes on this CPU, so the backend list never
// names a backend that cannot run.
const bool registered = [] {
  if (xnn_initialize(nullptr) != xnn_status_success) return false;
  KernelRegistry::instance().add("MatMul", "xnnpack",
                                 reinterpret_cast<AnyKernel>(static_cast<MatMulKernel>(matMul)));
  KernelRegistry::instance().add("Conv2D", "xnnpack", reinterpret_cast<AnyKernel>(static_cast<ConvKernel>(conv2d)));
  BackendRegistry::instance().add(std::make_unique<XnnpackBackend>());
  return true;
}();

}  // namespace
}  // namespace wl

// Reference matrix multiply, batched, with transposes: the textbook triple loop.
#include "core/kernel_registry.h"
#include "kernels/params.h"

namespace wl {
namespace {

void matMul(const MatMulParams& p) {
  for (int64_t bi = 0; bi < p.batch; ++bi) {
    const float* a = p.a + bi * p.aBatchStride;
    const float* b = p.b + bi * p.bBatchStride;
    float* c = p.c + bi * p.m * p.n;
    // A is m x k (stored k x m when transposed); B is k x n (n x k when transposed).
    for (int64_t i = 0; i < p.m; ++i) {
      for (int64_t j = 0; j < p.n; ++j) {
        float acc = 0.f;
        for (int64_t q = 0; q < p.k; ++q) {
          float av = p.transposeA ? a[q * p.m + i] : a[i * p.k + q];
          float bv = p.transposeB ? b[j * p.k + q] : b[q * p.n + j];
          acc += av * bv;
        }
        c[i * p.n + j] = acc;
      }
    }
    if (p.epilogue.active()) epilogueBlockScalar(p.epilogue, c, p.m, p.n, p.n, 0);
  }
}

}  // namespace

WL_REGISTER_KERNEL("MatMul", "cpu", MatMulKernel, matMul);

}  // namespace wl

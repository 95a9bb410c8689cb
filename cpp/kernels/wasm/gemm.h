// Packed single-precision GEMM with WASM SIMD128 micro-kernels (backend "wasm").
// Exposed so other wasm kernels (im2col convolutions) and bench/gemm_bench.cc can
// call it directly.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/params.h"

namespace wl {
namespace wasm {

// C (m x n, row stride ldc) = op(A) * op(B) (+ C when accumulate). A is m x k with
// element (i, q) at a[i * rsA + q * csA]; B is k x n with (q, j) at b[q * rsB + j * csB].
// Summation over k runs in order q = 0..k-1, as the reference kernel. An epilogue
// (columns are its channels) is applied to each block of C right after its last
// k-slice, while the block is still in cache.
void gemm(int64_t m, int64_t n, int64_t k, const float* a, int64_t rsA, int64_t csA, const float* b,
          int64_t rsB, int64_t csB, float* c, int64_t ldc, bool accumulate, const Epilogue* ep = nullptr);

// B (k x n) packed whole into the panels gemm packs block by block, so a weight
// used by many calls (or many chunks of one convolution) is packed once.
struct PackedB {
  int64_t k = 0, n = 0;
  std::vector<float> panels;
};
PackedB packB(int64_t k, int64_t n, const float* b, int64_t rsB, int64_t csB);
void packBInto(PackedB& out, int64_t k, int64_t n, const float* b, int64_t rsB, int64_t csB);  // reuses out's buffer
// gemm with B given packed.
void gemmPacked(int64_t m, const float* a, int64_t rsA, int64_t csA, const PackedB& b, float* c, int64_t ldc,
                bool accumulate, const Epilogue* ep = nullptr);
// The packed form of a weight (key cacheable) from the kernel cache, packed again
// only when the weight's version changed; else packed for this call only.
// attrs: the kernel's create-time attributes (e.g. attrsHash(ConvAttrs)), part of the key.
std::shared_ptr<const PackedB> packedWeight(const char* kernel, BufferKey key, int64_t k, int64_t n, const float* b,
                                            int64_t rsB, int64_t csB, uint64_t attrs = 0);

// The "MatMul" kernel of backend "wasm".
void matMul(const MatMulParams& p);

}  // namespace wasm
}  // namespace wl

// Packed GEMM for backend "wasm", in the manner of XNNPACK's f32-gemm 4x8 wasmsimd
// micro-kernels and the GotoBLAS loop nest:
//   for each K block (kc):   pack B[kc x n]   into 8-column panels (zero-padded)
//     for each M block (mc): pack A[mc x kc] into 4-row panels    (zero-padded)
//       for each 8-column panel, for each 4-row panel: 4x8 micro-kernel
// The micro-kernel keeps 8 accumulators of 4 lanes (a 4x8 tile of C) in registers;
// each step loads one 8-wide row of packed B and broadcasts 4 values of packed A.
// Accumulators start from C for the second and later K blocks, so every element
// sums its products in the order q = 0..k-1, exactly as the reference kernel (in the
// relaxed-SIMD engine each product and sum is one fused multiply-add: kernels/simd.h).
// Packing handles transposes and any strides; tails are computed in a scratch tile.
// Threads (core/thread_pool.h) split C by MR-aligned rows or NR-aligned column panels:
// with B packed beforehand (a weight) in one fork/join for the whole product, else per
// block (B's panels packed in parallel first). The tiles, and so the results, are those
// of one thread.
#include "kernels/wasm/gemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/kernel_registry.h"
#include "core/thread_pool.h"
#include "kernels/simd.h"
#include "kernels/wasm/vmath.h"

namespace wl {
namespace wasm {
namespace {

constexpr int64_t MR = 4;
constexpr int64_t NR = 8;
constexpr int64_t KC = 256;
constexpr int64_t MC = 64;
constexpr int64_t NC = 1024;

float* scratch(std::vector<float>& v, size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

// Packs B[q0 .. q0+kc) x [j0 .. j0+nc) into panels of NR columns: panel p holds, for
// each q, NR consecutive floats (columns j0 + p*NR ..), zero beyond n.
void packBBlock(int64_t kc, int64_t nc, const float* b, int64_t rsB, int64_t csB, float* out) {
  for (int64_t j = 0; j < nc; j += NR) {
    const int64_t nr = std::min(NR, nc - j);
    const float* bj = b + j * csB;
    if (nr == NR && csB == 1) {
      for (int64_t q = 0; q < kc; ++q) {
        wasm_v128_store(out, wasm_v128_load(bj + q * rsB));
        wasm_v128_store(out + 4, wasm_v128_load(bj + q * rsB + 4));
        out += NR;
      }
    } else if (nr == NR && rsB == 1) {
      // B transposed: column j is contiguous in q. Gather 8 columns per q.
      for (int64_t q = 0; q < kc; ++q) {
        for (int64_t jj = 0; jj < NR; ++jj) out[jj] = bj[jj * csB + q];
        out += NR;
      }
    } else {
      for (int64_t q = 0; q < kc; ++q) {
        int64_t jj = 0;
        for (; jj < nr; ++jj) out[jj] = bj[q * rsB + jj * csB];
        for (; jj < NR; ++jj) out[jj] = 0.f;
        out += NR;
      }
    }
  }
}

// Packs A[i0 .. i0+mc) x [q0 .. q0+kc) into panels of MR rows: for each q, MR floats.
void packA(int64_t mc, int64_t kc, const float* a, int64_t rsA, int64_t csA, float* out) {
  for (int64_t i = 0; i < mc; i += MR) {
    const int64_t mr = std::min(MR, mc - i);
    const float* ai = a + i * rsA;
    if (mr == MR && rsA == 1) {
      // A transposed: the MR rows are contiguous for each q.
      for (int64_t q = 0; q < kc; ++q) {
        wasm_v128_store(out, wasm_v128_load(ai + q * csA));
        out += MR;
      }
    } else if (mr == MR) {
      const float* a0 = ai;
      const float* a1 = ai + rsA;
      const float* a2 = ai + 2 * rsA;
      const float* a3 = ai + 3 * rsA;
      for (int64_t q = 0; q < kc; ++q) {
        const int64_t o = q * csA;
        out[0] = a0[o];
        out[1] = a1[o];
        out[2] = a2[o];
        out[3] = a3[o];
        out += MR;
      }
    } else {
      for (int64_t q = 0; q < kc; ++q) {
        int64_t ii = 0;
        for (; ii < mr; ++ii) out[ii] = ai[ii * rsA + q * csA];
        for (; ii < MR; ++ii) out[ii] = 0.f;
        out += MR;
      }
    }
  }
}

// Work below this many multiply-adds (or floats packed) per thread stays on one thread.
constexpr int64_t kGrainMacs = int64_t{1} << 17;
constexpr int64_t kGrainPack = int64_t{1} << 15;
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// packBBlock with the panels split among threads (panel j0 / NR starts at out + j0 * kc).
void packBBlockThreaded(int64_t kc, int64_t nc, const float* b, int64_t rsB, int64_t csB, float* out) {
  parallelForAligned(nc, ceilDiv(kGrainPack, kc), NR, [&](int64_t j0, int64_t j1) {
    packBBlock(kc, j1 - j0, b + j0 * csB, rsB, csB, out + j0 * kc);
  });
}

// C tile (4 x 8, row stride ldc) = (accumulate ? C : 0) + sum_q a[q] (x) b[q].
// With ve, the epilogue is applied in registers (columns are channels c0 .. c0+7).
inline void microKernel4x8(int64_t kc, const float* ap, const float* bp, float* c, int64_t ldc, bool accumulate,
                           const VEpilogue* ve = nullptr, int64_t c0 = 0) {
  v128_t c00, c01, c10, c11, c20, c21, c30, c31;
  if (accumulate) {
    c00 = wasm_v128_load(c);
    c01 = wasm_v128_load(c + 4);
    c10 = wasm_v128_load(c + ldc);
    c11 = wasm_v128_load(c + ldc + 4);
    c20 = wasm_v128_load(c + 2 * ldc);
    c21 = wasm_v128_load(c + 2 * ldc + 4);
    c30 = wasm_v128_load(c + 3 * ldc);
    c31 = wasm_v128_load(c + 3 * ldc + 4);
  } else {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = wasm_f32x4_splat(0.f);
  }
  for (int64_t q = 0; q < kc; ++q) {
    const v128_t b0 = wasm_v128_load(bp);
    const v128_t b1 = wasm_v128_load(bp + 4);
    bp += NR;
    // Broadcast loads, not shuffles (XNNPACK's "loadsplat" kernels for x86): x64 runs a
    // load-splat on a load port, leaving the vector ALUs to the 16 multiply-adds (figures
    // and what else was tried: README, Speed).
    const v128_t a0 = wasm_v128_load32_splat(ap);
    const v128_t a1 = wasm_v128_load32_splat(ap + 1);
    const v128_t a2 = wasm_v128_load32_splat(ap + 2);
    const v128_t a3 = wasm_v128_load32_splat(ap + 3);
    ap += MR;
    c00 = madd(c00, a0, b0);
    c01 = madd(c01, a0, b1);
    c10 = madd(c10, a1, b0);
    c11 = madd(c11, a1, b1);
    c20 = madd(c20, a2, b0);
    c21 = madd(c21, a2, b1);
    c30 = madd(c30, a3, b0);
    c31 = madd(c31, a3, b1);
  }
  if (ve) {
    c00 = applyEpilogue(*ve, c00, c0);
    c10 = applyEpilogue(*ve, c10, c0);
    c20 = applyEpilogue(*ve, c20, c0);
    c30 = applyEpilogue(*ve, c30, c0);
    c01 = applyEpilogue(*ve, c01, c0 + 4);
    c11 = applyEpilogue(*ve, c11, c0 + 4);
    c21 = applyEpilogue(*ve, c21, c0 + 4);
    c31 = applyEpilogue(*ve, c31, c0 + 4);
  }
  wasm_v128_store(c, c00);
  wasm_v128_store(c + 4, c01);
  wasm_v128_store(c + ldc, c10);
  wasm_v128_store(c + ldc + 4, c11);
  wasm_v128_store(c + 2 * ldc, c20);
  wasm_v128_store(c + 2 * ldc + 4, c21);
  wasm_v128_store(c + 3 * ldc, c30);
  wasm_v128_store(c + 3 * ldc + 4, c31);
}

// 1 x 8 variant for matrix-vector products (m == 1): no packing of A needed.
inline void microKernel1x8(int64_t kc, const float* a, int64_t csA, const float* bp, float* c, bool accumulate,
                           int64_t nr) {
  v128_t c0, c1;
  float tile[NR];
  if (accumulate) {
    for (int64_t j = 0; j < NR; ++j) tile[j] = j < nr ? c[j] : 0.f;
    c0 = wasm_v128_load(tile);
    c1 = wasm_v128_load(tile + 4);
  } else {
    c0 = c1 = wasm_f32x4_splat(0.f);
  }
  for (int64_t q = 0; q < kc; ++q) {
    const v128_t av = wasm_f32x4_splat(a[q * csA]);
    c0 = madd(c0, av, wasm_v128_load(bp));
    c1 = madd(c1, av, wasm_v128_load(bp + 4));
    bp += NR;
  }
  if (nr == NR) {
    wasm_v128_store(c, c0);
    wasm_v128_store(c + 4, c1);
  } else {
    wasm_v128_store(tile, c0);
    wasm_v128_store(tile + 4, c1);
    for (int64_t j = 0; j < nr; ++j) c[j] = tile[j];
  }
}

}  // namespace

namespace {
int64_t blockFloats(int64_t kc, int64_t nc) { return ((nc + NR - 1) / NR) * NR * kc; }

// The loop nest shared by gemm and gemmPacked: B's (jc, pc) blocks come from
// `packed` (in jc-major, pc-minor order) when given, else are packed here.
void gemmImpl(int64_t m, int64_t n, int64_t k, const float* a, int64_t rsA, int64_t csA, const float* b,
              int64_t rsB, int64_t csB, const float* packed, float* c, int64_t ldc, bool accumulate,
              const Epilogue* ep);
}  // namespace

PackedB packB(int64_t k, int64_t n, const float* b, int64_t rsB, int64_t csB) {
  PackedB out;
  packBInto(out, k, n, b, rsB, csB);
  return out;
}

void packBInto(PackedB& out, int64_t k, int64_t n, const float* b, int64_t rsB, int64_t csB) {
  out.k = k;
  out.n = n;
  int64_t total = 0;
  for (int64_t jc = 0; jc < n; jc += NC) {
    for (int64_t pc = 0; pc < k; pc += KC) total += blockFloats(std::min(KC, k - pc), std::min(NC, n - jc));
  }
  out.panels.resize(static_cast<size_t>(total));
  float* dst = out.panels.data();
  for (int64_t jc = 0; jc < n; jc += NC) {
    const int64_t nc = std::min(NC, n - jc);
    for (int64_t pc = 0; pc < k; pc += KC) {
      const int64_t kc = std::min(KC, k - pc);
      packBBlockThreaded(kc, nc, b + pc * rsB + jc * csB, rsB, csB, dst);
      dst += blockFloats(kc, nc);
    }
  }
}

void gemmPacked(int64_t m, const float* a, int64_t rsA, int64_t csA, const PackedB& b, float* c, int64_t ldc,
                bool accumulate, const Epilogue* ep) {
  gemmImpl(m, b.n, b.k, a, rsA, csA, nullptr, 0, 0, b.panels.data(), c, ldc, accumulate, ep);
}

std::shared_ptr<const PackedB> packedWeight(const char* kernel, BufferKey key, int64_t k, int64_t n, const float* b,
                                            int64_t rsB, int64_t csB, uint64_t attrs) {
  auto make = [&] { return std::make_shared<PackedB>(packB(k, n, b, rsB, csB)); };
  if (!key.cacheable()) return make();
  // The layout (k, n, strides) is part of the key: the same weight read transposed
  // (a backward pass) packs separately.
  struct Layout {
    int64_t k, n, rsB, csB;
  } layout{k, n, rsB, csB};
  return KernelCache::instance().get<PackedB>(kernel, key, attrsHash(layout, attrs == 0 ? 1469598103934665603ull : attrs),
                                              make, [&](PackedB& p) { packBInto(p, k, n, b, rsB, csB); });
}

void gemm(int64_t m, int64_t n, int64_t k, const float* a, int64_t rsA, int64_t csA, const float* b,
          int64_t rsB, int64_t csB, float* c, int64_t ldc, bool accumulate, const Epilogue* ep) {
  gemmImpl(m, n, k, a, rsA, csA, b, rsB, csB, nullptr, c, ldc, accumulate, ep);
}

namespace {
// Rows [i0, i1) x columns [j0, j1) of the block (jc, pc) of C: A packed here (MC rows
// at a time, into this thread's buffer), B's panels from pb. i0 and j0 are multiples of
// MR and NR, so the tiles are those of one thread and every element rounds the same.
void computeBlock(int64_t i0, int64_t i1, int64_t j0, int64_t j1, int64_t kc, const float* a, int64_t rsA,
                  int64_t csA, const float* pb, float* c, int64_t ldc, bool acc, bool lastSlice, const Epilogue* ep,
                  const VEpilogue* ve, int64_t jc) {
  thread_local std::vector<float> bufA;
  float* pa = scratch(bufA, static_cast<size_t>(((std::min(i1 - i0, MC) + MR - 1) / MR) * MR * kc));
  float tile[MR * NR] = {};
  for (int64_t ic = i0; ic < i1; ic += MC) {
    const int64_t mc = std::min(MC, i1 - ic);
    packA(mc, kc, a + ic * rsA, rsA, csA, pa);
    for (int64_t jr = j0; jr < j1; jr += NR) {
      const int64_t nr = std::min(NR, j1 - jr);
      const float* bp = pb + jr * kc;
      for (int64_t ir = 0; ir < mc; ir += MR) {
        const int64_t mr = std::min(MR, mc - ir);
        float* ct = c + (ic + ir) * ldc + jc + jr;
        const float* ap = pa + ir * kc;
        if (mr == MR && nr == NR) {
          microKernel4x8(kc, ap, bp, ct, ldc, acc, lastSlice ? ve : nullptr, jc + jr);
        } else {
          if (acc) {
            for (int64_t ii = 0; ii < mr; ++ii)
              for (int64_t jj = 0; jj < nr; ++jj) tile[ii * NR + jj] = ct[ii * ldc + jj];
          }
          microKernel4x8(kc, ap, bp, tile, NR, acc);
          for (int64_t ii = 0; ii < mr; ++ii)
            for (int64_t jj = 0; jj < nr; ++jj) ct[ii * ldc + jj] = tile[ii * NR + jj];
          if (lastSlice && ep) epilogueBlock(*ep, ct, mr, nr, ldc, jc + jr);
        }
      }
    }
  }
}

void gemmImpl(int64_t m, int64_t n, int64_t k, const float* a, int64_t rsA, int64_t csA, const float* b,
              int64_t rsB, int64_t csB, const float* packed, float* c, int64_t ldc, bool accumulate,
              const Epilogue* ep) {
  if (m <= 0 || n <= 0) return;
  if (ep != nullptr && !ep->active()) ep = nullptr;
  VEpilogue vep{};
  if (ep) vep = vepilogue(*ep);
  const VEpilogue* ve = ep ? &vep : nullptr;
  if (k <= 0) {
    if (!accumulate) {
      for (int64_t i = 0; i < m; ++i) std::memset(c + i * ldc, 0, sizeof(float) * n);
    }
    if (ep) epilogueBlock(*ep, c, m, n, ldc, 0);
    return;
  }
  if (packed) {
    // B packed whole: one fork/join for the whole product (the blocks are cheap to find:
    // block (jc, pc) starts at jc * k + roundUp(nc, NR) * pc). Each thread runs every
    // (jc, pc) block for its rows or columns, so each element still sums pc in order.
    auto blockAt = [&](int64_t jc, int64_t nc, int64_t pc) { return packed + jc * k + ceilDiv(nc, NR) * NR * pc; };
    if (m == 1) {
      parallelForAligned(n, ceilDiv(kGrainMacs, k), NR, [&](int64_t j0, int64_t j1) {
        for (int64_t jc = j0 / NC * NC; jc < j1; jc += NC) {
          const int64_t nc = std::min(NC, n - jc), lo = std::max(j0, jc) - jc, hi = std::min(j1, jc + nc) - jc;
          for (int64_t pc = 0; pc < k; pc += KC) {
            const int64_t kc = std::min(KC, k - pc);
            const float* pb = blockAt(jc, nc, pc);
            for (int64_t jr = lo; jr < hi; jr += NR) {
              microKernel1x8(kc, a + pc * csA, csA, pb + jr * kc, c + jc + jr, accumulate || pc > 0,
                             std::min(NR, nc - jr));
            }
            if (ep && pc + kc == k) epilogueBlock(*ep, c + jc + lo, 1, hi - lo, ldc, jc + lo);
          }
        }
      });
      return;
    }
    auto run = [&](int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
      for (int64_t jc = j0 / NC * NC; jc < j1; jc += NC) {
        const int64_t nc = std::min(NC, n - jc), lo = std::max(j0, jc) - jc, hi = std::min(j1, jc + nc) - jc;
        for (int64_t pc = 0; pc < k; pc += KC) {
          const int64_t kc = std::min(KC, k - pc);
          computeBlock(i0, i1, lo, hi, kc, a + pc * csA, rsA, csA, blockAt(jc, nc, pc), c, ldc, accumulate || pc > 0,
                       pc + kc == k, ep, ve, jc);
        }
      }
    };
    if (ceilDiv(m, MR) >= threadsCount()) {
      parallelForAligned(m, ceilDiv(kGrainMacs, n * k), MR, [&](int64_t i0, int64_t i1) { run(i0, i1, 0, n); });
    } else {
      parallelForAligned(n, ceilDiv(kGrainMacs, m * k), NR, [&](int64_t j0, int64_t j1) { run(0, m, j0, j1); });
    }
    return;
  }
  thread_local std::vector<float> bufB;
  const int64_t ncMax = std::min(n, NC);
  const int64_t kcMax = std::min(k, KC);
  float* pbScratch = packed ? nullptr : scratch(bufB, static_cast<size_t>(((ncMax + NR - 1) / NR) * NR * kcMax));
  const float* nextPacked = packed;
  for (int64_t jc = 0; jc < n; jc += NC) {
    const int64_t nc = std::min(NC, n - jc);
    for (int64_t pc = 0; pc < k; pc += KC) {
      const int64_t kc = std::min(KC, k - pc);
      const bool acc = accumulate || pc > 0;
      const bool lastSlice = pc + kc == k;
      const float* pb = pbScratch;
      if (packed) {
        pb = nextPacked;
        nextPacked += blockFloats(kc, nc);
      } else {
        packBBlockThreaded(kc, nc, b + pc * rsB + jc * csB, rsB, csB, pbScratch);
      }
      // Threads split the block by rows (MR-aligned) when there are rows enough for
      // each, else by column panels (NR-aligned; each packs all of A's rows).
      const int64_t macsPerRow = nc * kc, macsPerCol = m * kc;
      if (m == 1) {
        const float* a0 = a + pc * csA;
        parallelForAligned(nc, ceilDiv(kGrainMacs, macsPerCol), NR, [&](int64_t j0, int64_t j1) {
          for (int64_t jr = j0; jr < j1; jr += NR) {
            microKernel1x8(kc, a0, csA, pb + jr * kc, c + jc + jr, acc, std::min(NR, nc - jr));
          }
          if (ep && lastSlice) epilogueBlock(*ep, c + jc + j0, 1, j1 - j0, ldc, jc + j0);
        });
      } else if (ceilDiv(m, MR) >= threadsCount()) {
        parallelForAligned(m, ceilDiv(kGrainMacs, macsPerRow), MR, [&](int64_t i0, int64_t i1) {
          computeBlock(i0, i1, 0, nc, kc, a + pc * csA, rsA, csA, pb, c, ldc, acc, lastSlice, ep, ve, jc);
        });
      } else {
        parallelForAligned(nc, ceilDiv(kGrainMacs, macsPerCol), NR, [&](int64_t j0, int64_t j1) {
          computeBlock(0, m, j0, j1, kc, a + pc * csA, rsA, csA, pb, c, ldc, acc, lastSlice, ep, ve, jc);
        });
      }
    }
  }
}

}  // namespace

void matMul(const MatMulParams& p) {
  // A is m x k (stored k x m when transposed); B is k x n (n x k when transposed).
  const int64_t rsA = p.transposeA ? 1 : p.k, csA = p.transposeA ? p.m : 1;
  const int64_t rsB = p.transposeB ? 1 : p.n, csB = p.transposeB ? p.k : 1;
  // Threads take whole matrices of a batch when there are matrices enough for each,
  // else split each product (the GEMM, nested calls run inline).
  auto forBatch = [&](auto&& one) {
    if (p.batch > 1 && p.batch >= threadsCount()) {
      const int64_t perItem = std::max<int64_t>(1, p.m * p.n * std::max<int64_t>(p.k, 1));
      parallelFor(p.batch, ceilDiv(kGrainMacs, perItem), [&](int64_t b0, int64_t b1) {
        for (int64_t bi = b0; bi < b1; ++bi) one(bi);
      });
    } else {
      for (int64_t bi = 0; bi < p.batch; ++bi) one(bi);
    }
  };
  if (p.bKey.cacheable() && (p.bBatchStride == 0 || p.batch == 1) && p.m > 0 && p.n > 0 && p.k > 0) {
    // B is a weight shared by the whole batch: packed once per version (kernel cache).
    auto packed = packedWeight("wasm.MatMul", p.bKey, p.k, p.n, p.b, rsB, csB);
    forBatch([&](int64_t bi) {
      gemmPacked(p.m, p.a + bi * p.aBatchStride, rsA, csA, *packed, p.c + bi * p.m * p.n, p.n, false, &p.epilogue);
    });
    return;
  }
  forBatch([&](int64_t bi) {
    gemm(p.m, p.n, p.k, p.a + bi * p.aBatchStride, rsA, csA, p.b + bi * p.bBatchStride, rsB, csB,
         p.c + bi * p.m * p.n, p.n, false, &p.epilogue);
  });
}

}  // namespace wasm

WL_REGISTER_KERNEL("MatMul", "wasm", MatMulKernel, wasm::matMul);

}  // namespace wl

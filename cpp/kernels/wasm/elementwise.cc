// Elementwise kernels for backend "wasm": Binary (with row/scalar broadcasting),
// Unary, UnaryGrad, Axpy, AdamUpdate and BatchNormInference on WASM SIMD128. Op codes without a
// vector form, and comparisons (int32 results), use the scalar formulas of
// kernels/elementwise_ops.h.
// Threads (core/thread_pool.h) take 8-aligned ranges of elements (rows when
// broadcasting); elements are independent, so results do not depend on the split.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/kernel_registry.h"
#include "core/thread_pool.h"
#include "kernels/params.h"
#include "kernels/simd.h"
#include "kernels/wasm/vmath.h"

namespace wl {
namespace wasm {
namespace {

// Fewer elements than this per thread stay on one thread.
constexpr int64_t kGrainElems = int64_t{1} << 15;
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
// fn(begin, end) over [0, n) in 8-aligned ranges (a vector tail only at n).
template <typename Fn>
void forChunks(int64_t n, Fn fn) {
  parallelForAligned(n, kGrainElems, 8, fn);
}

// ---- Binary --------------------------------------------------------------------------

template <BinaryOp OP>
inline v128_t vop(v128_t a, v128_t b) {
  if constexpr (OP == BinaryOp::Add) return wasm_f32x4_add(a, b);
  if constexpr (OP == BinaryOp::Sub) return wasm_f32x4_sub(a, b);
  if constexpr (OP == BinaryOp::Mul) return wasm_f32x4_mul(a, b);
  if constexpr (OP == BinaryOp::Div) return wasm_f32x4_div(a, b);
  // a > b || a != a ? a : b (exactly the scalar rule, signed zeros and NaNs included)
  if constexpr (OP == BinaryOp::Maximum)
    return wasm_v128_bitselect(a, b, wasm_v128_or(wasm_f32x4_gt(a, b), wasm_f32x4_ne(a, a)));
  if constexpr (OP == BinaryOp::Minimum)
    return wasm_v128_bitselect(a, b, wasm_v128_or(wasm_f32x4_lt(a, b), wasm_f32x4_ne(a, a)));
  if constexpr (OP == BinaryOp::SquaredDifference) {
    const v128_t d = wasm_f32x4_sub(a, b);
    return wasm_f32x4_mul(d, d);
  }
  return a;
}

// One row: out[j] = op(a[j * sa], b[j * sb]) with sa, sb in {0, 1}.
template <BinaryOp OP>
void row(const float* a, int64_t sa, const float* b, int64_t sb, float* out, int64_t n) {
  int64_t j = 0;
  if (sa == 1 && sb == 1) {
    for (; j + 8 <= n; j += 8) {
      wasm_v128_store(out + j, vop<OP>(wasm_v128_load(a + j), wasm_v128_load(b + j)));
      wasm_v128_store(out + j + 4, vop<OP>(wasm_v128_load(a + j + 4), wasm_v128_load(b + j + 4)));
    }
    for (; j + 4 <= n; j += 4) wasm_v128_store(out + j, vop<OP>(wasm_v128_load(a + j), wasm_v128_load(b + j)));
  } else if (sa == 1) {
    const v128_t vb = wasm_f32x4_splat(b[0]);
    for (; j + 8 <= n; j += 8) {
      wasm_v128_store(out + j, vop<OP>(wasm_v128_load(a + j), vb));
      wasm_v128_store(out + j + 4, vop<OP>(wasm_v128_load(a + j + 4), vb));
    }
    for (; j + 4 <= n; j += 4) wasm_v128_store(out + j, vop<OP>(wasm_v128_load(a + j), vb));
  } else if (sb == 1) {
    const v128_t va = wasm_f32x4_splat(a[0]);
    for (; j + 8 <= n; j += 8) {
      wasm_v128_store(out + j, vop<OP>(va, wasm_v128_load(b + j)));
      wasm_v128_store(out + j + 4, vop<OP>(va, wasm_v128_load(b + j + 4)));
    }
    for (; j + 4 <= n; j += 4) wasm_v128_store(out + j, vop<OP>(va, wasm_v128_load(b + j)));
  }
  for (; j < n; ++j) out[j] = binaryScalar<float>(OP, a[j * sa], b[j * sb]);
}

// Collapses out's index space to (outer dims..., inner) where the inner run is as long
// as possible with a and b each either contiguous (stride 1) or constant (stride 0).
// Then one row() per outer index.
// One step of the broadcast odometer over out's dims [0, rank): idx, and the offsets
// ia/ib into a and b, move to the next position (the last dim fastest).
inline void advance(const BinaryParams& p, int rank, int64_t* idx, int64_t& ia, int64_t& ib) {
  for (int k = rank - 1; k >= 0; --k) {
    if (++idx[k] < p.outDims[k]) {
      ia += p.aStrides[k];
      ib += p.bStrides[k];
      return;
    }
    ia -= p.aStrides[k] * (p.outDims[k] - 1);
    ib -= p.bStrides[k] * (p.outDims[k] - 1);
    idx[k] = 0;
  }
}

template <BinaryOp OP>
void binaryRows(const BinaryParams& p) {
  const float* a = static_cast<const float*>(p.a);
  const float* b = static_cast<const float*>(p.b);
  float* out = static_cast<float*>(p.out);
  if (p.sameShape || p.rank == 0) {
    const int64_t s = p.sameShape ? 1 : 0;
    forChunks(p.size, [&](int64_t i0, int64_t i1) { row<OP>(a + i0 * s, s, b + i0 * s, s, out + i0, i1 - i0); });
    return;
  }
  // Merge trailing dims while both operands keep one pattern (stride 1 contiguous or 0).
  const int last = p.rank - 1;
  int64_t sa = p.aStrides[last] == 0 ? 0 : 1;
  int64_t sb = p.bStrides[last] == 0 ? 0 : 1;
  int64_t inner = p.outDims[last];
  int d = last - 1;
  if ((p.aStrides[last] != 0 && p.aStrides[last] != 1) || (p.bStrides[last] != 0 && p.bStrides[last] != 1)) {
    sa = sb = -1;  // not a row pattern
  }
  for (; d >= 0 && sa >= 0; --d) {
    const bool aOk = sa == 0 ? p.aStrides[d] == 0 : p.aStrides[d] == inner;
    const bool bOk = sb == 0 ? p.bStrides[d] == 0 : p.bStrides[d] == inner;
    if (!aOk || !bOk) break;
    inner *= p.outDims[d];
  }
  if (sa < 0 || (sa == 0 && sb == 0 && inner < 4)) {
    // Generic odometer (scalar), as the reference kernel.
    int64_t idx[kMaxRank] = {0};
    int64_t ia = 0, ib = 0;
    for (int64_t i = 0; i < p.size; ++i) {
      out[i] = binaryScalar<float>(OP, a[ia], b[ib]);
      advance(p, p.rank, idx, ia, ib);
    }
    return;
  }
  // Outer dims 0..d (inclusive) walked with an odometer; each step one inner row.
  // Threads take ranges of rows, each starting its odometer at its first row.
  const int outerRank = d + 1;
  const int64_t rows = inner ? p.size / inner : 0;
  parallelFor(rows, ceilDiv(kGrainElems, std::max<int64_t>(inner, 1)), [&](int64_t r0, int64_t r1) {
    int64_t idx[kMaxRank] = {0};
    int64_t ia = 0, ib = 0;
    for (int64_t k = outerRank - 1, rest = r0; k >= 0; --k) {
      idx[k] = rest % p.outDims[k];
      rest /= p.outDims[k];
      ia += idx[k] * p.aStrides[k];
      ib += idx[k] * p.bStrides[k];
    }
    for (int64_t r = r0; r < r1; ++r) {
      if (sa == 0 && sb == 0) {
        const float v = binaryScalar<float>(OP, a[ia], b[ib]);
        for (int64_t j = 0; j < inner; ++j) out[r * inner + j] = v;
      } else {
        row<OP>(a + ia, sa, b + ib, sb, out + r * inner, inner);
      }
      advance(p, outerRank, idx, ia, ib);
    }
  });
}

BinaryKernel referenceBinary() {
  static BinaryKernel k = reinterpret_cast<BinaryKernel>(KernelRegistry::instance().find("Binary", "cpu"));
  return k;
}

void binary(const BinaryParams& p) {
  switch (p.op) {
    case BinaryOp::Add: return binaryRows<BinaryOp::Add>(p);
    case BinaryOp::Sub: return binaryRows<BinaryOp::Sub>(p);
    case BinaryOp::Mul: return binaryRows<BinaryOp::Mul>(p);
    case BinaryOp::Div: return binaryRows<BinaryOp::Div>(p);
    case BinaryOp::Maximum: return binaryRows<BinaryOp::Maximum>(p);
    case BinaryOp::Minimum: return binaryRows<BinaryOp::Minimum>(p);
    case BinaryOp::SquaredDifference: return binaryRows<BinaryOp::SquaredDifference>(p);
    default: return referenceBinary()(p);  // comparisons, pow, mod, ...
  }
}

// ---- Unary ---------------------------------------------------------------------------

// a, b: the op's alpha and beta, splatted (clip bounds, leaky slope).
template <UnaryOp OP>
inline v128_t vunary(v128_t x, v128_t a, v128_t b) {
  const v128_t zero = wasm_f32x4_splat(0.f);
  if constexpr (OP == UnaryOp::Neg) return wasm_f32x4_neg(x);
  if constexpr (OP == UnaryOp::Abs) return wasm_f32x4_abs(x);
  if constexpr (OP == UnaryOp::Square) return wasm_f32x4_mul(x, x);
  if constexpr (OP == UnaryOp::Sqrt) return wasm_f32x4_sqrt(x);
  if constexpr (OP == UnaryOp::Reciprocal) return wasm_f32x4_div(wasm_f32x4_splat(1.f), x);
  if constexpr (OP == UnaryOp::Relu) return vrelu(x);
  if constexpr (OP == UnaryOp::Relu6) return vrelu6(x);
  // Compares are false for NaN, so NaN passes through as in the scalar formula.
  if constexpr (OP == UnaryOp::ClipByValue)
    return wasm_v128_bitselect(b, wasm_v128_bitselect(a, x, wasm_f32x4_lt(x, a)), wasm_f32x4_gt(x, b));
  if constexpr (OP == UnaryOp::LeakyRelu) return wasm_v128_bitselect(wasm_f32x4_mul(a, x), x, wasm_f32x4_lt(x, zero));
  if constexpr (OP == UnaryOp::Exp) return vexp(x);
  if constexpr (OP == UnaryOp::Sigmoid) return vsigmoid(x);
  if constexpr (OP == UnaryOp::Tanh) return vtanh(x);
  (void)a;
  (void)b;
  return x;
}

template <UnaryOp OP>
void unaryLoop(const float* x, float* out, int64_t n, float alpha, float beta) {
  const v128_t a = wasm_f32x4_splat(alpha), b = wasm_f32x4_splat(beta);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    wasm_v128_store(out + i, vunary<OP>(wasm_v128_load(x + i), a, b));
    wasm_v128_store(out + i + 4, vunary<OP>(wasm_v128_load(x + i + 4), a, b));
  }
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, vunary<OP>(wasm_v128_load(x + i), a, b));
  if (i < n) {
    // The tail through the same vector code, so every element gets the same formula.
    float buf[4] = {0.f, 0.f, 0.f, 0.f};
    for (int64_t j = i; j < n; ++j) buf[j - i] = x[j];
    wasm_v128_store(buf, vunary<OP>(wasm_v128_load(buf), a, b));
    for (int64_t j = i; j < n; ++j) out[j] = buf[j - i];
  }
}

// Elements [0, n) of x and out.
void unaryRange(const UnaryParams& p, const float* x, float* out, int64_t n) {
  switch (p.op) {
    case UnaryOp::Neg: return unaryLoop<UnaryOp::Neg>(x, out, n, p.alpha, p.beta);
    case UnaryOp::Abs: return unaryLoop<UnaryOp::Abs>(x, out, n, p.alpha, p.beta);
    case UnaryOp::Square: return unaryLoop<UnaryOp::Square>(x, out, n, p.alpha, p.beta);
    case UnaryOp::Sqrt: return unaryLoop<UnaryOp::Sqrt>(x, out, n, p.alpha, p.beta);
    case UnaryOp::Reciprocal: return unaryLoop<UnaryOp::Reciprocal>(x, out, n, p.alpha, p.beta);
    case UnaryOp::Relu: return unaryLoop<UnaryOp::Relu>(x, out, n, p.alpha, p.beta);
    case UnaryOp::Relu6: return unaryLoop<UnaryOp::Relu6>(x, out, n, p.alpha, p.beta);
    case UnaryOp::Exp: return unaryLoop<UnaryOp::Exp>(x, out, n, p.alpha, p.beta);
    case UnaryOp::Sigmoid: return unaryLoop<UnaryOp::Sigmoid>(x, out, n, p.alpha, p.beta);
    case UnaryOp::Tanh: return unaryLoop<UnaryOp::Tanh>(x, out, n, p.alpha, p.beta);
    case UnaryOp::ClipByValue: return unaryLoop<UnaryOp::ClipByValue>(x, out, n, p.alpha, p.beta);
    case UnaryOp::LeakyRelu: return unaryLoop<UnaryOp::LeakyRelu>(x, out, n, p.alpha, p.beta);
    default:
      for (int64_t i = 0; i < n; ++i) out[i] = unaryScalar(p.op, x[i], p.alpha, p.beta);
  }
}

void unary(const UnaryParams& p) {
  const float* x = static_cast<const float*>(p.x);
  float* out = static_cast<float*>(p.out);
  forChunks(p.size, [&](int64_t i0, int64_t i1) { unaryRange(p, x + i0, out + i0, i1 - i0); });
}

// ---- UnaryGrad -----------------------------------------------------------------------

template <UnaryOp OP>
inline v128_t vgrad(v128_t x, v128_t y, v128_t dy, v128_t a, v128_t b) {
  const v128_t zero = wasm_f32x4_splat(0.f);
  const v128_t one = wasm_f32x4_splat(1.f);
  if constexpr (OP == UnaryOp::Relu) return wasm_v128_and(dy, wasm_f32x4_gt(x, zero));
  if constexpr (OP == UnaryOp::Relu6)
    return wasm_v128_and(dy, wasm_v128_and(wasm_f32x4_gt(x, zero), wasm_f32x4_le(x, wasm_f32x4_splat(6.f))));
  if constexpr (OP == UnaryOp::Sigmoid) return wasm_f32x4_mul(wasm_f32x4_mul(dy, y), wasm_f32x4_sub(one, y));
  if constexpr (OP == UnaryOp::Tanh) return wasm_f32x4_mul(dy, wasm_f32x4_sub(one, wasm_f32x4_mul(y, y)));
  if constexpr (OP == UnaryOp::Square) return wasm_f32x4_mul(wasm_f32x4_mul(dy, wasm_f32x4_splat(2.f)), x);
  if constexpr (OP == UnaryOp::Neg) return wasm_f32x4_neg(dy);
  if constexpr (OP == UnaryOp::Exp) return wasm_f32x4_mul(dy, y);
  if constexpr (OP == UnaryOp::ClipByValue)
    return wasm_v128_and(dy, wasm_v128_and(wasm_f32x4_ge(x, a), wasm_f32x4_le(x, b)));
  if constexpr (OP == UnaryOp::LeakyRelu) return wasm_v128_bitselect(dy, wasm_f32x4_mul(a, dy), wasm_f32x4_gt(x, zero));
  (void)a;
  (void)b;
  return dy;
}

template <UnaryOp OP>
void unaryGradLoop(const UnaryGradParams& p, int64_t i0, int64_t i1) {
  constexpr bool needsY = OP == UnaryOp::Sigmoid || OP == UnaryOp::Tanh || OP == UnaryOp::Exp;
  const v128_t zero = wasm_f32x4_splat(0.f);
  const v128_t a = wasm_f32x4_splat(p.alpha), b = wasm_f32x4_splat(p.beta);
  int64_t i = i0;
  for (; i + 4 <= i1; i += 4) {
    const v128_t y = needsY ? wasm_v128_load(p.y + i) : zero;
    wasm_v128_store(p.dx + i, vgrad<OP>(wasm_v128_load(p.x + i), y, wasm_v128_load(p.dy + i), a, b));
  }
  for (; i < i1; ++i) p.dx[i] = unaryGradScalar(OP, p.x[i], p.y ? p.y[i] : 0.f, p.dy[i], p.alpha, p.beta);
}

// Elements [i0, i1).
void unaryGradRange(const UnaryGradParams& p, int64_t i0, int64_t i1) {
  const bool hasY = p.y != nullptr;
  switch (p.op) {
    case UnaryOp::Relu: return unaryGradLoop<UnaryOp::Relu>(p, i0, i1);
    case UnaryOp::Relu6: return unaryGradLoop<UnaryOp::Relu6>(p, i0, i1);
    case UnaryOp::Square: return unaryGradLoop<UnaryOp::Square>(p, i0, i1);
    case UnaryOp::Neg: return unaryGradLoop<UnaryOp::Neg>(p, i0, i1);
    case UnaryOp::ClipByValue: return unaryGradLoop<UnaryOp::ClipByValue>(p, i0, i1);
    case UnaryOp::LeakyRelu: return unaryGradLoop<UnaryOp::LeakyRelu>(p, i0, i1);
    case UnaryOp::Sigmoid: if (hasY) return unaryGradLoop<UnaryOp::Sigmoid>(p, i0, i1); break;
    case UnaryOp::Tanh: if (hasY) return unaryGradLoop<UnaryOp::Tanh>(p, i0, i1); break;
    case UnaryOp::Exp: if (hasY) return unaryGradLoop<UnaryOp::Exp>(p, i0, i1); break;
    default: break;
  }
  for (int64_t i = i0; i < i1; ++i) {
    p.dx[i] = unaryGradScalar(p.op, p.x[i], p.y ? p.y[i] : 0.f, p.dy[i], p.alpha, p.beta);
  }
}

void unaryGrad(const UnaryGradParams& p) {
  forChunks(p.size, [&](int64_t i0, int64_t i1) { unaryGradRange(p, i0, i1); });
}

// ---- Axpy ----------------------------------------------------------------------------

void axpy(const AxpyParams& p) {
  forChunks(p.size, [&](int64_t i0, int64_t i1) {
    const v128_t va = wasm_f32x4_splat(p.alpha);
    int64_t i = i0;
    for (; i + 8 <= i1; i += 8) {
      wasm_v128_store(p.y + i, wasm_f32x4_add(wasm_v128_load(p.y + i), wasm_f32x4_mul(va, wasm_v128_load(p.x + i))));
      wasm_v128_store(p.y + i + 4,
                      wasm_f32x4_add(wasm_v128_load(p.y + i + 4), wasm_f32x4_mul(va, wasm_v128_load(p.x + i + 4))));
    }
    for (; i < i1; ++i) p.y[i] += p.alpha * p.x[i];
  });
}

// ---- AdamUpdate -----------------------------------------------------------------------

void adamUpdate(const AdamParams& p) {
  const v128_t b1 = wasm_f32x4_splat(p.beta1), ob1 = wasm_f32x4_splat(p.oneMinusBeta1);
  const v128_t b2 = wasm_f32x4_splat(p.beta2), ob2 = wasm_f32x4_splat(p.oneMinusBeta2);
  const v128_t c1 = wasm_f32x4_splat(p.c1), c2 = wasm_f32x4_splat(p.c2);
  const v128_t negLr = wasm_f32x4_splat(p.negLr), eps = wasm_f32x4_splat(p.epsilon);
  const v128_t decay = wasm_f32x4_splat(p.decay);
  const bool decays = p.decay != 0.f;
  forChunks(p.size, [&](int64_t i0, int64_t i1) {
    int64_t i = i0;
    for (; i + 4 <= i1; i += 4) {
      const v128_t g = wasm_v128_load(p.g + i);
      const v128_t m = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(p.m + i), b1), wasm_f32x4_mul(g, ob1));
      const v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(p.v + i), b2),
                                      wasm_f32x4_mul(wasm_f32x4_mul(g, g), ob2));
      wasm_v128_store(p.m + i, m);
      wasm_v128_store(p.v + i, v);
      const v128_t w = wasm_v128_load(p.w + i);
      const v128_t base = decays ? wasm_f32x4_sub(w, wasm_f32x4_mul(w, decay)) : w;
      const v128_t step = wasm_f32x4_div(wasm_f32x4_div(m, c1), wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(v, c2)), eps));
      wasm_v128_store(p.w + i, wasm_f32x4_add(wasm_f32x4_mul(negLr, step), base));
    }
    for (; i < i1; ++i) adamStepScalar(p, i);
  });
}

// ---- BatchNormInference ----------------------------------------------------------------

void batchNormInference(const BatchNormParams& p) {
  const int64_t C = p.channels;
  parallelFor(p.rows, ceilDiv(kGrainElems, std::max<int64_t>(C, 1)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* x = p.x + r * C;
      float* y = p.y + r * C;
      int64_t c = 0;
      for (; c + 4 <= C; c += 4) {
        const v128_t d = wasm_f32x4_sub(wasm_v128_load(x + c), wasm_v128_load(p.mean + c));
        wasm_v128_store(y + c, wasm_f32x4_add(wasm_f32x4_mul(d, wasm_v128_load(p.inv + c)), wasm_v128_load(p.offset + c)));
      }
      for (; c < C; ++c) y[c] = (x[c] - p.mean[c]) * p.inv[c] + p.offset[c];
    }
  });
}

}  // namespace
}  // namespace wasm

WL_REGISTER_KERNEL("Binary", "wasm", BinaryKernel, wasm::binary);
WL_REGISTER_KERNEL("Unary", "wasm", UnaryKernel, wasm::unary);
WL_REGISTER_KERNEL("UnaryGrad", "wasm", UnaryGradKernel, wasm::unaryGrad);
WL_REGISTER_KERNEL("Axpy", "wasm", AxpyKernel, wasm::axpy);
WL_REGISTER_KERNEL("BatchNormInference", "wasm", BatchNormKernel, wasm::batchNormInference);
WL_REGISTER_KERNEL("AdamUpdate", "wasm", AdamKernel, wasm::adamUpdate);

}  // namespace wl

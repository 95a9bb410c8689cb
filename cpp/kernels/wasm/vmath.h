// Vector math for the wasm kernels: exp, sigmoid, tanh on 4 float lanes, accurate to
// a few ulp (well inside the 1e-5 relative tolerance against the reference's libm).
#pragma once

#include "kernels/params.h"
#include "kernels/simd.h"

namespace wl {
namespace wasm {

// relu keeps x where x > 0 or NaN, else 0 (the scalar rule, signed zeros included).
inline v128_t vrelu(v128_t x) {
  return wasm_v128_and(x, wasm_v128_or(wasm_f32x4_gt(x, wasm_f32x4_splat(0.f)), wasm_f32x4_ne(x, x)));
}

inline v128_t vrelu6(v128_t x) {
  const v128_t six = wasm_f32x4_splat(6.f);
  const v128_t pos = wasm_v128_bitselect(x, six, wasm_f32x4_lt(x, six));
  const v128_t nonPos = wasm_v128_and(x, wasm_f32x4_ne(x, x));  // NaN stays, else 0
  return wasm_v128_bitselect(pos, nonPos, wasm_f32x4_gt(x, wasm_f32x4_splat(0.f)));
}

// A kernel's epilogue (kernels/params.h) in vector form: scale and bias loads, then the
// activation as a clamp to [lo, hi] (wasm's min/max keep NaN and turn -0 into +0,
// exactly relu's and relu6's scalar rules).
struct VEpilogue {
  const float* scale;
  const float* bias;
  v128_t lo, hi;
};

inline VEpilogue vepilogue(const Epilogue& e) {
  const float inf = __builtin_inff();
  const float lo = e.activation == FusedActivation::Linear ? -inf : 0.f;
  const float hi = e.activation == FusedActivation::Relu6 ? 6.f : inf;
  return {e.scale, e.bias, wasm_f32x4_splat(lo), wasm_f32x4_splat(hi)};
}

// Channels c .. c+3 of one output row.
inline v128_t applyEpilogue(const VEpilogue& e, v128_t v, int64_t c) {
  if (e.scale) v = wasm_f32x4_mul(v, wasm_v128_load(e.scale + c));
  if (e.bias) v = wasm_f32x4_add(v, wasm_v128_load(e.bias + c));
  return wasm_f32x4_min(wasm_f32x4_max(v, e.lo), e.hi);
}

// The epilogue over a rows x cols block (row stride ld) starting at channel c0; the
// tail through the scalar formula.
inline void epilogueBlock(const Epilogue& e, float* y, int64_t rows, int64_t cols, int64_t ld, int64_t c0) {
  const VEpilogue ve = vepilogue(e);
  for (int64_t r = 0; r < rows; ++r) {
    float* row = y + r * ld;
    int64_t j = 0;
    for (; j + 4 <= cols; j += 4) wasm_v128_store(row + j, applyEpilogue(ve, wasm_v128_load(row + j), c0 + j));
    for (; j < cols; ++j) row[j] = epilogueScalar(e, row[j], c0 + j);
  }
}

// exp(x): x = n ln2 + r, |r| <= ln2/2, exp(r) by a degree-6 polynomial, 2^n applied
// in two halves so results in the subnormal range and overflow to inf stay right.
inline v128_t vexp(v128_t x) {
  const v128_t log2e = wasm_f32x4_splat(1.44269504088896341f);
  const v128_t ln2hi = wasm_f32x4_splat(0.693359375f);
  const v128_t ln2lo = wasm_f32x4_splat(-2.12194440e-4f);
  const v128_t hi = wasm_f32x4_splat(88.8f);
  const v128_t lo = wasm_f32x4_splat(-104.0f);
  v128_t xc = wasm_f32x4_min(wasm_f32x4_max(x, lo), hi);
  v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(xc, log2e));
  v128_t r = wasm_f32x4_sub(xc, wasm_f32x4_mul(n, ln2hi));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, ln2lo));
  // Cephes expf polynomial
  v128_t p = wasm_f32x4_splat(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201e-1f));
  const v128_t r2 = wasm_f32x4_mul(r, r);
  p = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(p, r2), r), wasm_f32x4_splat(1.f));
  // 2^n = 2^n1 * 2^n2 with n1 = n >> 1 (n in [-150, 128])
  const v128_t ni = wasm_i32x4_trunc_sat_f32x4(n);
  const v128_t n1 = wasm_i32x4_shr(ni, 1);
  const v128_t n2 = wasm_i32x4_sub(ni, n1);
  const v128_t bias = wasm_i32x4_splat(127);
  const v128_t s1 = wasm_i32x4_shl(wasm_i32x4_add(n1, bias), 23);
  const v128_t s2 = wasm_i32x4_shl(wasm_i32x4_add(n2, bias), 23);
  v128_t y = wasm_f32x4_mul(wasm_f32x4_mul(p, s1), s2);
  // x > 88.8 -> inf (p * 2^64 * 2^64 overflows already); NaN stays NaN.
  return wasm_v128_bitselect(x, y, wasm_f32x4_ne(x, x));
}

inline v128_t vsigmoid(v128_t x) {
  const v128_t one = wasm_f32x4_splat(1.f);
  return wasm_f32x4_div(one, wasm_f32x4_add(one, vexp(wasm_f32x4_neg(x))));
}

// tanh: 1 - 2 / (exp(2x) + 1) for |x| >= 0.5, an odd Taylor polynomial below.
inline v128_t vtanh(v128_t x) {
  const v128_t one = wasm_f32x4_splat(1.f);
  const v128_t two = wasm_f32x4_splat(2.f);
  const v128_t e = vexp(wasm_f32x4_mul(two, x));
  const v128_t big = wasm_f32x4_sub(one, wasm_f32x4_div(two, wasm_f32x4_add(e, one)));
  const v128_t x2 = wasm_f32x4_mul(x, x);
  v128_t p = wasm_f32x4_splat(21844.f / 6081075.f);
  p = wasm_f32x4_sub(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(1382.f / 155925.f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(62.f / 2835.f));
  p = wasm_f32x4_sub(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(17.f / 315.f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(2.f / 15.f));
  p = wasm_f32x4_sub(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(1.f / 3.f));
  const v128_t small = wasm_f32x4_add(x, wasm_f32x4_mul(wasm_f32x4_mul(p, x2), x));
  const v128_t isSmall = wasm_f32x4_lt(wasm_f32x4_abs(x), wasm_f32x4_splat(0.5f));
  return wasm_v128_bitselect(small, big, isSmall);
}

}  // namespace wasm
}  // namespace wl

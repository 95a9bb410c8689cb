// Reductions and softmax for backend "wasm" on WASM SIMD128.
//   "Reduce" (float32): Sum/Prod/Max/Min over leading axes (the bias gradient:
//   out[j] = sum over rows) vectorized across the kept columns, and over trailing
//   axes (out[i] = sum of a contiguous run) with 4-lane partial sums. Other axis
//   patterns and ops use the reference kernel.
//   "Softmax": max, exp, sum and divide per row, vectorized.
#include <cstring>

#include "core/kernel_registry.h"
#include "kernels/params.h"
#include "kernels/simd.h"
#include "kernels/wasm/vmath.h"

namespace wl {
namespace wasm {
namespace {

ReduceKernel referenceReduce() {
  static ReduceKernel k = reinterpret_cast<ReduceKernel>(KernelRegistry::instance().find("Reduce", "cpu"));
  return k;
}

float initial(ReduceOp op) {
  switch (op) {
    case ReduceOp::Prod: return 1.f;
    case ReduceOp::Max: return -__builtin_inff();
    case ReduceOp::Min: return __builtin_inff();
    default: return 0.f;
  }
}

template <ReduceOp OP>
inline v128_t vcombine(v128_t acc, v128_t v) {
  if constexpr (OP == ReduceOp::Sum) return wasm_f32x4_add(acc, v);
  if constexpr (OP == ReduceOp::Prod) return wasm_f32x4_mul(acc, v);
  // v > acc || v != v ? v : acc (NaN propagates), as the reference
  if constexpr (OP == ReduceOp::Max) return wasm_v128_bitselect(v, acc, wasm_v128_or(wasm_f32x4_gt(v, acc), wasm_f32x4_ne(v, v)));
  if constexpr (OP == ReduceOp::Min) return wasm_v128_bitselect(v, acc, wasm_v128_or(wasm_f32x4_lt(v, acc), wasm_f32x4_ne(v, v)));
  return acc;
}

template <ReduceOp OP>
inline float scombine(float acc, float v) {
  if constexpr (OP == ReduceOp::Sum) return acc + v;
  if constexpr (OP == ReduceOp::Prod) return acc * v;
  if constexpr (OP == ReduceOp::Max) return v > acc || v != v ? v : acc;
  if constexpr (OP == ReduceOp::Min) return v < acc || v != v ? v : acc;
  return acc;
}

// out[j] = combine over r of x[r * cols + j]; same order as the reference.
template <ReduceOp OP>
void reduceLeading(const float* x, float* out, int64_t rows, int64_t cols) {
  const float init = initial(OP);
  int64_t j = 0;
  for (; j + 16 <= cols; j += 16) {
    v128_t a0 = wasm_f32x4_splat(init), a1 = a0, a2 = a0, a3 = a0;
    const float* xr = x + j;
    for (int64_t r = 0; r < rows; ++r, xr += cols) {
      a0 = vcombine<OP>(a0, wasm_v128_load(xr));
      a1 = vcombine<OP>(a1, wasm_v128_load(xr + 4));
      a2 = vcombine<OP>(a2, wasm_v128_load(xr + 8));
      a3 = vcombine<OP>(a3, wasm_v128_load(xr + 12));
    }
    wasm_v128_store(out + j, a0);
    wasm_v128_store(out + j + 4, a1);
    wasm_v128_store(out + j + 8, a2);
    wasm_v128_store(out + j + 12, a3);
  }
  for (; j + 4 <= cols; j += 4) {
    v128_t a0 = wasm_f32x4_splat(init);
    const float* xr = x + j;
    for (int64_t r = 0; r < rows; ++r, xr += cols) a0 = vcombine<OP>(a0, wasm_v128_load(xr));
    wasm_v128_store(out + j, a0);
  }
  for (; j < cols; ++j) {
    float a = init;
    for (int64_t r = 0; r < rows; ++r) a = scombine<OP>(a, x[r * cols + j]);
    out[j] = a;
  }
}

// out[i] = combine of x[i * n .. i * n + n).
template <ReduceOp OP>
void reduceTrailing(const float* x, float* out, int64_t outer, int64_t n) {
  const float init = initial(OP);
  for (int64_t i = 0; i < outer; ++i) {
    const float* xr = x + i * n;
    int64_t c = 0;
    float a = init;
    if (n >= 8) {
      v128_t a0 = wasm_f32x4_splat(init), a1 = a0;
      for (; c + 8 <= n; c += 8) {
        a0 = vcombine<OP>(a0, wasm_v128_load(xr + c));
        a1 = vcombine<OP>(a1, wasm_v128_load(xr + c + 4));
      }
      a0 = vcombine<OP>(a0, a1);
      float lanes[4];
      wasm_v128_store(lanes, a0);
      a = scombine<OP>(scombine<OP>(lanes[0], lanes[1]), scombine<OP>(lanes[2], lanes[3]));
    }
    for (; c < n; ++c) a = scombine<OP>(a, xr[c]);
    out[i] = a;
  }
}

template <ReduceOp OP>
bool reduceFast(const ReduceParams& p) {
  // Drop size-1 axes; classify each remaining axis as reduced (outStrides 0) or kept.
  int64_t dims[kMaxRank], strides[kMaxRank];
  int r = 0;
  for (int d = 0; d < p.rank; ++d) {
    if (p.inDims[d] == 1) continue;
    dims[r] = p.inDims[d];
    strides[r] = p.outStrides[d];
    ++r;
  }
  const float* x = static_cast<const float*>(p.x);
  float* out = static_cast<float*>(p.out);
  // split: reduced axes [0, s), kept axes [s, r) contiguous in out -> leading
  int s = 0;
  while (s < r && strides[s] == 0) ++s;
  bool keptContiguous = true;
  int64_t expect = 1;
  for (int d = r - 1; d >= s; --d) {
    if (strides[d] != expect) keptContiguous = false;
    expect *= dims[d];
  }
  if (keptContiguous && s < r) {
    int64_t rows = 1;
    for (int d = 0; d < s; ++d) rows *= dims[d];
    reduceLeading<OP>(x, out, rows, p.outSize);
    return true;
  }
  // kept axes [0, t) contiguous in out, reduced axes [t, r) -> trailing
  int t = r;
  while (t > 0 && strides[t - 1] == 0) --t;
  expect = 1;
  for (int d = t - 1; d >= 0; --d) {
    if (strides[d] != expect) return false;
    expect *= dims[d];
  }
  int64_t n = 1;
  for (int d = t; d < r; ++d) n *= dims[d];
  reduceTrailing<OP>(x, out, p.outSize, n);
  return true;
}

void reduce(const ReduceParams& p) {
  if (p.inSize > 0 && p.outSize > 0) {
    switch (p.op) {
      case ReduceOp::Sum: if (reduceFast<ReduceOp::Sum>(p)) return; break;
      case ReduceOp::Prod: if (reduceFast<ReduceOp::Prod>(p)) return; break;
      case ReduceOp::Max: if (reduceFast<ReduceOp::Max>(p)) return; break;
      case ReduceOp::Min: if (reduceFast<ReduceOp::Min>(p)) return; break;
      default: break;
    }
  }
  referenceReduce()(p);
}

// ---- Softmax -------------------------------------------------------------------------

void softmax(const SoftmaxParams& p) {
  for (int64_t r = 0; r < p.rows; ++r) {
    const float* x = p.x + r * p.cols;
    float* y = p.out + r * p.cols;
    const int64_t n = p.cols;
    float mx = x[0];
    int64_t c = 1;
    if (n >= 8) {
      v128_t m = wasm_f32x4_splat(x[0]);
      for (c = 0; c + 4 <= n; c += 4) {
        const v128_t v = wasm_v128_load(x + c);
        m = wasm_v128_bitselect(v, m, wasm_f32x4_gt(v, m));
      }
      float lanes[4];
      wasm_v128_store(lanes, m);
      for (int l = 0; l < 4; ++l) mx = lanes[l] > mx ? lanes[l] : mx;
    }
    for (; c < n; ++c) mx = x[c] > mx ? x[c] : mx;
    const v128_t vmx = wasm_f32x4_splat(mx);
    v128_t vs = wasm_f32x4_splat(0.f);
    c = 0;
    for (; c + 4 <= n; c += 4) {
      const v128_t e = vexp(wasm_f32x4_sub(wasm_v128_load(x + c), vmx));
      wasm_v128_store(y + c, e);
      vs = wasm_f32x4_add(vs, e);
    }
    float lanes[4];
    wasm_v128_store(lanes, vs);
    float s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    if (c < n) {
      float buf[4] = {0.f, 0.f, 0.f, 0.f};
      for (int64_t j = c; j < n; ++j) buf[j - c] = x[j] - mx;
      wasm_v128_store(buf, vexp(wasm_v128_load(buf)));
      for (int64_t j = c; j < n; ++j) s += (y[j] = buf[j - c]);
    }
    const v128_t vsum = wasm_f32x4_splat(s);
    c = 0;
    for (; c + 4 <= n; c += 4) wasm_v128_store(y + c, wasm_f32x4_div(wasm_v128_load(y + c), vsum));
    for (; c < n; ++c) y[c] /= s;
  }
}

}  // namespace
}  // namespace wasm

WL_REGISTER_KERNEL("Reduce", "wasm", ReduceKernel, wasm::reduce);
WL_REGISTER_KERNEL("Softmax", "wasm", SoftmaxKernel, wasm::softmax);

}  // namespace wl

// Fused recurrent gate kernels for backend "wasm" on WASM SIMD128: four units of a
// row per vector, the row's tail through the scalar formulas of
// kernels/params_recurrent.h (which the reference kernels use for every unit).
#include "core/kernel_registry.h"
#include "kernels/params_recurrent.h"
#include "kernels/simd.h"
#include "kernels/wasm/vmath.h"

namespace wl {
namespace wasm {
namespace {

inline v128_t ld(const float* p) { return wasm_v128_load(p); }
inline void st(float* p, v128_t v) { wasm_v128_store(p, v); }
inline v128_t splat(float v) { return wasm_f32x4_splat(v); }

// gateAct on four lanes (the same comparisons as the scalar rule; NaN stays NaN).
inline v128_t vact(GateActivation a, v128_t x) {
  switch (a) {
    case GateActivation::Linear: return x;
    case GateActivation::Sigmoid: return vsigmoid(x);
    case GateActivation::HardSigmoid: {
      const v128_t t = wasm_f32x4_add(splat(0.5f), wasm_f32x4_mul(splat(0.2f), x));
      const v128_t lo = wasm_v128_bitselect(splat(0.f), t, wasm_f32x4_lt(t, splat(0.f)));
      return wasm_v128_bitselect(splat(1.f), lo, wasm_f32x4_gt(lo, splat(1.f)));
    }
    case GateActivation::Tanh: return vtanh(x);
    case GateActivation::Relu: return vrelu(x);
  }
  return x;
}

// gateActGrad on four lanes, from the activation's output.
inline v128_t vactGrad(GateActivation a, v128_t y) {
  const v128_t one = splat(1.f), zero = splat(0.f);
  switch (a) {
    case GateActivation::Linear: return one;
    case GateActivation::Sigmoid: return wasm_f32x4_mul(y, wasm_f32x4_sub(one, y));
    case GateActivation::HardSigmoid:
      return wasm_v128_and(splat(0.2f), wasm_v128_and(wasm_f32x4_gt(y, zero), wasm_f32x4_lt(y, one)));
    case GateActivation::Tanh: return wasm_f32x4_sub(one, wasm_f32x4_mul(y, y));
    case GateActivation::Relu: return wasm_v128_and(one, wasm_f32x4_gt(y, zero));
  }
  return one;
}

// A gate on four units: act(input part + recurrent part), both read at a and b.
inline v128_t gate(GateActivation act, const float* a, const float* b) {
  return vact(act, wasm_f32x4_add(ld(a), ld(b)));
}

// GRU's new state z * h + (1 - z) * hh on four units.
inline v128_t gruBlend(v128_t z, v128_t h, v128_t hh) {
  return wasm_f32x4_add(wasm_f32x4_mul(z, h), wasm_f32x4_mul(wasm_f32x4_sub(splat(1.f), z), hh));
}

void lstmGates(const LSTMGatesParams& p) {
  const int64_t u = p.units;
  for (int64_t b = 0; b < p.batch; ++b) {
    const float* xz = p.xz + b * 4 * u;
    const float* hz = p.hz + b * 4 * u;
    const float* cp = p.c + b * u;
    float* s = p.saved ? p.saved + b * 5 * u : nullptr;
    int64_t j = 0;
    for (; j + 4 <= u; j += 4) {
      const v128_t i = gate(p.recAct, xz + j, hz + j);
      const v128_t f = gate(p.recAct, xz + u + j, hz + u + j);
      const v128_t g = gate(p.act, xz + 2 * u + j, hz + 2 * u + j);
      const v128_t o = gate(p.recAct, xz + 3 * u + j, hz + 3 * u + j);
      const v128_t c = wasm_f32x4_add(wasm_f32x4_mul(f, ld(cp + j)), wasm_f32x4_mul(i, g));
      const v128_t ac = vact(p.act, c);
      st(p.cOut + b * u + j, c);
      st(p.h + b * u + j, wasm_f32x4_mul(o, ac));
      if (s) {
        st(s + j, i), st(s + u + j, f), st(s + 2 * u + j, g), st(s + 3 * u + j, o), st(s + 4 * u + j, ac);
      }
    }
    for (; j < u; ++j) lstmUnit(p, b, j);
  }
}

void lstmGatesGrad(const LSTMGatesGradParams& p) {
  const int64_t u = p.units;
  const v128_t zero = splat(0.f);
  for (int64_t b = 0; b < p.batch; ++b) {
    const float* s = p.saved + b * 5 * u;
    const float* cp = p.c + b * u;
    float* dz = p.dz + b * 4 * u;
    int64_t j = 0;
    for (; j + 4 <= u; j += 4) {
      const v128_t i = ld(s + j), f = ld(s + u + j), g = ld(s + 2 * u + j), o = ld(s + 3 * u + j);
      const v128_t ac = ld(s + 4 * u + j);
      const v128_t dh = p.dh ? ld(p.dh + b * u + j) : zero;
      const v128_t dc = wasm_f32x4_add(p.dc ? ld(p.dc + b * u + j) : zero,
                                       wasm_f32x4_mul(wasm_f32x4_mul(dh, o), vactGrad(p.act, ac)));
      st(dz + j, wasm_f32x4_mul(wasm_f32x4_mul(dc, g), vactGrad(p.recAct, i)));
      st(dz + u + j, wasm_f32x4_mul(wasm_f32x4_mul(dc, ld(cp + j)), vactGrad(p.recAct, f)));
      st(dz + 2 * u + j, wasm_f32x4_mul(wasm_f32x4_mul(dc, i), vactGrad(p.act, g)));
      st(dz + 3 * u + j, wasm_f32x4_mul(wasm_f32x4_mul(dh, ac), vactGrad(p.recAct, o)));
      st(p.dcPrev + b * u + j, wasm_f32x4_mul(dc, f));
    }
    for (; j < u; ++j) lstmGradUnit(p, b, j);
  }
}

void gruGates(const GRUGatesParams& p) {
  const int64_t u = p.units;
  for (int64_t b = 0; b < p.batch; ++b) {
    const float* xz = p.xz + b * 3 * u;
    const float* hp = p.h + b * u;
    float* out = p.out + b * u;
    float* s = p.saved ? p.saved + b * 4 * u : nullptr;
    int64_t j = 0;
    if (p.resetAfter) {
      const float* hz = p.hz + b * 3 * u;
      for (; j + 4 <= u; j += 4) {
        v128_t iz = ld(hz + j), ir = ld(hz + u + j), ih = ld(hz + 2 * u + j);
        if (p.rbias) {
          iz = wasm_f32x4_add(iz, ld(p.rbias + j));
          ir = wasm_f32x4_add(ir, ld(p.rbias + u + j));
          ih = wasm_f32x4_add(ih, ld(p.rbias + 2 * u + j));
        }
        const v128_t z = vact(p.recAct, wasm_f32x4_add(ld(xz + j), iz));
        const v128_t r = vact(p.recAct, wasm_f32x4_add(ld(xz + u + j), ir));
        const v128_t hh = vact(p.act, wasm_f32x4_add(ld(xz + 2 * u + j), wasm_f32x4_mul(r, ih)));
        st(out + j, gruBlend(z, ld(hp + j), hh));
        if (s) st(s + j, z), st(s + u + j, r), st(s + 2 * u + j, hh), st(s + 3 * u + j, ih);
      }
    } else if (p.phase == 0) {
      const float* hz = p.hz + b * 2 * u;
      for (; j + 4 <= u; j += 4) {
        const v128_t z = gate(p.recAct, xz + j, hz + j);
        const v128_t r = gate(p.recAct, xz + u + j, hz + u + j);
        st(out + j, wasm_f32x4_mul(r, ld(hp + j)));
        st(s + j, z), st(s + u + j, r);
      }
    } else {
      const float* rhU = p.rhU + b * u;
      for (; j + 4 <= u; j += 4) {
        const v128_t z = ld(s + j);
        const v128_t hh = gate(p.act, xz + 2 * u + j, rhU + j);
        st(out + j, gruBlend(z, ld(hp + j), hh));
        st(s + 2 * u + j, hh);
      }
    }
    for (; j < u; ++j) gruUnit(p, b, j);
  }
}

void gruGatesGrad(const GRUGatesGradParams& p) {
  const int64_t u = p.units;
  const v128_t one = splat(1.f);
  for (int64_t b = 0; b < p.batch; ++b) {
    const float* s = p.saved + b * 4 * u;
    const float* hp = p.h + b * u;
    float* dxz = p.dxz + b * 3 * u;
    float* dh = p.dh + b * u;
    int64_t j = 0;
    if (p.resetAfter || p.phase == 0) {
      const float* dy = p.dy + b * u;
      for (; j + 4 <= u; j += 4) {
        const v128_t z = ld(s + j), r = ld(s + u + j), hh = ld(s + 2 * u + j), d = ld(dy + j);
        const v128_t dzz = wasm_f32x4_mul(wasm_f32x4_mul(d, wasm_f32x4_sub(ld(hp + j), hh)), vactGrad(p.recAct, z));
        const v128_t da = wasm_f32x4_mul(wasm_f32x4_mul(d, wasm_f32x4_sub(one, z)), vactGrad(p.act, hh));
        st(dxz + j, dzz);
        st(dxz + 2 * u + j, da);
        st(dh + j, wasm_f32x4_mul(d, z));
        if (p.resetAfter) {
          const v128_t dzr = wasm_f32x4_mul(wasm_f32x4_mul(da, ld(s + 3 * u + j)), vactGrad(p.recAct, r));
          float* dhz = p.dhz + b * 3 * u;
          st(dxz + u + j, dzr);
          st(dhz + j, dzz), st(dhz + u + j, dzr), st(dhz + 2 * u + j, wasm_f32x4_mul(da, r));
        } else {
          st(p.dA + b * u + j, da);
        }
      }
    } else {
      const float* dRh = p.dRh + b * u;
      float* dhz = p.dhz + b * 2 * u;
      for (; j + 4 <= u; j += 4) {
        const v128_t r = ld(s + u + j), drh = ld(dRh + j);
        const v128_t dzr = wasm_f32x4_mul(wasm_f32x4_mul(drh, ld(hp + j)), vactGrad(p.recAct, r));
        st(dxz + u + j, dzr);
        st(dhz + j, ld(dxz + j)), st(dhz + u + j, dzr);
        st(dh + j, wasm_f32x4_add(ld(dh + j), wasm_f32x4_mul(drh, r)));
      }
    }
    for (; j < u; ++j) gruGradUnit(p, b, j);
  }
}

}  // namespace
}  // namespace wasm

WL_REGISTER_KERNEL("LSTMGates", "wasm", LSTMGatesKernel, wasm::lstmGates);
WL_REGISTER_KERNEL("LSTMGatesGrad", "wasm", LSTMGatesGradKernel, wasm::lstmGatesGrad);
WL_REGISTER_KERNEL("GRUGates", "wasm", GRUGatesKernel, wasm::gruGates);
WL_REGISTER_KERNEL("GRUGatesGrad", "wasm", GRUGatesGradKernel, wasm::gruGatesGrad);

}  // namespace wl

// Kernel parameters and scalar formulas of the fused recurrent gate kernels
// (ops/recurrent.cc): one pass over a step's gate pre-activations that applies the
// gate nonlinearities and updates the state, and one pass back.
//
//   "LSTMGates" / "LSTMGatesGrad": z = xz + hz split into i, f, g, o (Keras's order);
//     i, f, o = recAct(.), g = act(.); c = f * cPrev + i * g; h = o * act(c).
//   "GRUGates" / "GRUGatesGrad": xz split into xZ, xR, xH (Keras's order).
//     resetAfter (Keras): ih = hz + rbias split into iZ, iR, iH; z = recAct(xZ + iZ),
//       r = recAct(xR + iR), hh = act(xH + r * iH); h' = z * h + (1 - z) * hh.
//     !resetAfter (tfjs): hz = h * U[:, :2u] split into hZ, hR; phase 0:
//       z = recAct(xZ + hZ), r = recAct(xR + hR), out = r * h; the op then computes
//       rhU = (r * h) * U[:, 2u:]; phase 1: hh = act(xH + rhU), h' = z * h + (1 - z) * hh.
//
// Each formula below is the composed ops' formula with the same float operations in
// the same order, so a reference kernel matches the composed step to rounding.
// Activations a gate kernel applies (GateActivation); the recurrent layers compose
// ops for any other.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/elementwise_ops.h"

namespace wl {

enum class GateActivation : int32_t { Linear, Sigmoid, HardSigmoid, Tanh, Relu };

// The activation, as activations.cc composes it (hardSigmoid: clip(0.5 + 0.2 x, 0, 1)).
inline float gateAct(GateActivation a, float x) {
  switch (a) {
    case GateActivation::Linear: return x;
    case GateActivation::Sigmoid: return sigmoidScalar(x);
    case GateActivation::HardSigmoid: {
      const float t = 0.5f + 0.2f * x;
      return t < 0.f ? 0.f : (t > 1.f ? 1.f : t);
    }
    case GateActivation::Tanh: return std::tanh(x);
    case GateActivation::Relu: return x > 0.f ? x : (x == x ? 0.f : x);
  }
  return x;
}

// Its derivative from its output y. hardSigmoid: 0.2 strictly inside (0, 1); at the
// two clip points themselves (pre-activation exactly -2.5 or 2.5) this takes the
// one-sided 0 where clipByValue's rule takes 0.2.
inline float gateActGrad(GateActivation a, float y) {
  switch (a) {
    case GateActivation::Linear: return 1.f;
    case GateActivation::Sigmoid: return y * (1.f - y);
    case GateActivation::HardSigmoid: return y > 0.f && y < 1.f ? 0.2f : 0.f;
    case GateActivation::Tanh: return 1.f - y * y;
    case GateActivation::Relu: return y > 0.f ? 1.f : 0.f;
  }
  return 1.f;
}

// All buffers row-major [batch, width]; u = units.
struct LSTMGatesParams {
  const float* xz;    // [batch, 4u] input projection (+ bias)
  const float* hz;    // [batch, 4u] h * recurrent_kernel
  const float* c;     // [batch, u] previous cell state
  float* h;           // [batch, u]
  float* cOut;        // [batch, u]
  float* saved;       // [batch, 5u]: i, f, g, o, act(c) for the gradient; null at inference
  int64_t batch, units;
  GateActivation act, recAct;
};
using LSTMGatesKernel = void (*)(const LSTMGatesParams&);

struct LSTMGatesGradParams {
  const float* saved;  // the forward's
  const float* c;      // [batch, u] previous cell state
  const float* dh;     // [batch, u], null: zeros
  const float* dc;     // [batch, u], null: zeros
  float* dz;           // [batch, 4u] d(pre-activations) (= d xz = d hz)
  float* dcPrev;       // [batch, u]
  int64_t batch, units;
  GateActivation act, recAct;
};
using LSTMGatesGradKernel = void (*)(const LSTMGatesGradParams&);

struct GRUGatesParams {
  const float* xz;     // [batch, 3u]
  const float* hz;     // resetAfter: [batch, 3u]; else [batch, 2u] (phase 0)
  const float* rbias;  // resetAfter: [3u] or null
  const float* h;      // [batch, u] previous h
  const float* rhU;    // !resetAfter phase 1: [batch, u]
  float* out;          // the new h; !resetAfter phase 0: r * h
  float* saved;        // [batch, 4u]: z, r, hh, iH (resetAfter); null at inference when resetAfter
  int64_t batch, units;
  GateActivation act, recAct;
  bool resetAfter;
  int32_t phase;  // !resetAfter: 0 or 1
};
using GRUGatesKernel = void (*)(const GRUGatesParams&);

struct GRUGatesGradParams {
  const float* saved;  // the forward's
  const float* h;      // [batch, u] previous h
  const float* dy;     // [batch, u] d(new h) (resetAfter; !resetAfter phase 0)
  const float* dRh;    // !resetAfter phase 1: d(r * h) [batch, u]
  float* dxz;          // [batch, 3u] (phase 0 writes z and h parts, phase 1 the r part)
  float* dhz;          // [batch, 3u] (resetAfter; the ih part is d iH) or [batch, 2u] (phase 1)
  float* dh;           // [batch, u] (phase 0 writes, phase 1 adds)
  float* dA;           // !resetAfter phase 0: d(rhU) [batch, u]
  int64_t batch, units;
  GateActivation act, recAct;
  bool resetAfter;
  int32_t phase;
};
using GRUGatesGradKernel = void (*)(const GRUGatesGradParams&);

// One unit of one row: the scalar formulas every kernel uses (SIMD kernels for tails).
inline void lstmUnit(const LSTMGatesParams& p, int64_t b, int64_t j) {
  const int64_t u = p.units, row = b * 4 * u;
  const float* xz = p.xz + row;
  const float* hz = p.hz + row;
  const float i = gateAct(p.recAct, xz[j] + hz[j]);
  const float f = gateAct(p.recAct, xz[u + j] + hz[u + j]);
  const float g = gateAct(p.act, xz[2 * u + j] + hz[2 * u + j]);
  const float o = gateAct(p.recAct, xz[3 * u + j] + hz[3 * u + j]);
  const float c = f * p.c[b * u + j] + i * g;
  const float ac = gateAct(p.act, c);
  p.cOut[b * u + j] = c;
  p.h[b * u + j] = o * ac;
  if (p.saved) {
    float* s = p.saved + b * 5 * u;
    s[j] = i, s[u + j] = f, s[2 * u + j] = g, s[3 * u + j] = o, s[4 * u + j] = ac;
  }
}

inline void lstmGradUnit(const LSTMGatesGradParams& p, int64_t b, int64_t j) {
  const int64_t u = p.units;
  const float* s = p.saved + b * 5 * u;
  const float i = s[j], f = s[u + j], g = s[2 * u + j], o = s[3 * u + j], ac = s[4 * u + j];
  const float dh = p.dh ? p.dh[b * u + j] : 0.f;
  const float dc = (p.dc ? p.dc[b * u + j] : 0.f) + dh * o * gateActGrad(p.act, ac);
  float* dz = p.dz + b * 4 * u;
  dz[j] = dc * g * gateActGrad(p.recAct, i);
  dz[u + j] = dc * p.c[b * u + j] * gateActGrad(p.recAct, f);
  dz[2 * u + j] = dc * i * gateActGrad(p.act, g);
  dz[3 * u + j] = dh * ac * gateActGrad(p.recAct, o);
  p.dcPrev[b * u + j] = dc * f;
}

inline void gruUnit(const GRUGatesParams& p, int64_t b, int64_t j) {
  const int64_t u = p.units;
  const float* xz = p.xz + b * 3 * u;
  const float hp = p.h[b * u + j];
  float* s = p.saved ? p.saved + b * 4 * u : nullptr;
  if (p.resetAfter) {
    const float* hz = p.hz + b * 3 * u;
    const float iz = p.rbias ? hz[j] + p.rbias[j] : hz[j];
    const float ir = p.rbias ? hz[u + j] + p.rbias[u + j] : hz[u + j];
    const float ih = p.rbias ? hz[2 * u + j] + p.rbias[2 * u + j] : hz[2 * u + j];
    const float z = gateAct(p.recAct, xz[j] + iz);
    const float r = gateAct(p.recAct, xz[u + j] + ir);
    const float hh = gateAct(p.act, xz[2 * u + j] + r * ih);
    p.out[b * u + j] = z * hp + (1.f - z) * hh;
    if (s) s[j] = z, s[u + j] = r, s[2 * u + j] = hh, s[3 * u + j] = ih;
  } else if (p.phase == 0) {
    const float* hz = p.hz + b * 2 * u;
    const float z = gateAct(p.recAct, xz[j] + hz[j]);
    const float r = gateAct(p.recAct, xz[u + j] + hz[u + j]);
    p.out[b * u + j] = r * hp;
    s[j] = z, s[u + j] = r;
  } else {
    const float z = s[j];
    const float hh = gateAct(p.act, xz[2 * u + j] + p.rhU[b * u + j]);
    p.out[b * u + j] = z * hp + (1.f - z) * hh;
    s[2 * u + j] = hh;
  }
}

inline void gruGradUnit(const GRUGatesGradParams& p, int64_t b, int64_t j) {
  const int64_t u = p.units;
  const float* s = p.saved + b * 4 * u;
  const float z = s[j], r = s[u + j], hh = s[2 * u + j];
  const float hp = p.h[b * u + j];
  float* dxz = p.dxz + b * 3 * u;
  if (p.resetAfter || p.phase == 0) {
    const float dy = p.dy[b * u + j];
    const float dzz = dy * (hp - hh) * gateActGrad(p.recAct, z);
    const float da = dy * (1.f - z) * gateActGrad(p.act, hh);
    dxz[j] = dzz;
    dxz[2 * u + j] = da;
    p.dh[b * u + j] = dy * z;
    if (p.resetAfter) {
      const float ih = s[3 * u + j];
      const float dzr = da * ih * gateActGrad(p.recAct, r);
      float* dhz = p.dhz + b * 3 * u;
      dxz[u + j] = dzr;
      dhz[j] = dzz, dhz[u + j] = dzr, dhz[2 * u + j] = da * r;
    } else {
      p.dA[b * u + j] = da;
    }
  } else {
    const float drh = p.dRh[b * u + j];
    const float dzr = drh * hp * gateActGrad(p.recAct, r);
    float* dhz = p.dhz + b * 2 * u;
    dxz[u + j] = dzr;
    dhz[j] = dxz[j], dhz[u + j] = dzr;
    p.dh[b * u + j] += drh * r;
  }
}

}  // namespace wl

// One include for WASM SIMD128 intrinsics: the real <wasm_simd128.h> in the
// WebAssembly build, SIMDe's portable implementation natively (so GoogleTest
// runs the same kernels against the reference backend, under ASan too).
#pragma once

#if defined(__EMSCRIPTEN__)
#include <wasm_simd128.h>
#else
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/wasm/simd128.h>
#endif

namespace wl {

// acc + a * b on 4 lanes: a multiply then an add (rounded twice, as the reference
// backend), or, in the optional relaxed-SIMD engine (WL_RELAXED_SIMD, scripts/build.sh
// wasm-relaxed), relaxed SIMD's f32x4.relaxed_madd: one fused multiply-add where the
// CPU has one (rounded once), so its results differ from the reference in the last bits.
inline v128_t madd(v128_t acc, v128_t a, v128_t b) {
#if defined(WL_RELAXED_SIMD)
#if defined(__wasm_relaxed_simd__) && __clang_major__ >= 16
  return wasm_f32x4_relaxed_madd(a, b, acc);
#else
  // clang < 16 knows only the proposal's prototype instruction (f32x4.fma, opcode
  // 0xaf): operands pushed a, b, acc, the order of the standard relaxed_madd (a * b + acc),
  // whose opcode (0x105) scripts/wasm-relaxed-opcodes.mjs writes in after the link.
  return __builtin_wasm_fma_f32x4(a, b, acc);
#endif
#else
  return wasm_f32x4_add(acc, wasm_f32x4_mul(a, b));
#endif
}

}  // namespace wl

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

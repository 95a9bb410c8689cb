// Force-included (-include) when the threaded engine compiles Emscripten's own
// libunwind/src/Unwind-wasm.c (CMakeLists.txt, WL_WASM_EH_TLS_FIX): clang 14 (Debian's
// Emscripten 3.1.6) addresses __wasm_lpad_context, where a landing pad leaves its
// index and LSDA for the personality routine, as a plain global, while the -pthread
// libunwind defines it thread_local. The two then name different bytes, every catch
// clause but catch (...) is skipped, and errors reach JavaScript as "Unknown C++
// exception". Compiled without thread_local, the symbol is where clang 14's code
// looks. Only the thread that throws runs a landing pad, and the engine's kernels
// (the only code on worker threads) do not throw, so the shared context is not raced.
// LLVM 15 made the compiler side thread-local: newer toolchains do not use this.
#include <threads.h>
#undef thread_local
#define thread_local

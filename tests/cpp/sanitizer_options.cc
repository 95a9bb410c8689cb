// Defaults for the sanitized test binary (WL_SANITIZE=ON); ASAN_OPTIONS still overrides.
//
// intercept_tls_get_addr=0: up to GCC 13 / LLVM 16 the runtime's __tls_get_addr
// interceptor takes a dynamic TLS block whose start lies 16 bytes into a page for a
// pre-2.25 glibc header and reads a bogus range from it (fixed upstream in
// https://reviews.llvm.org/D147459). Mesa, loaded for the native GL tests, has such blocks,
// so by the chance of where malloc put one, LeakSanitizer's exit check crashed
// ("Tracer caught signal 11") after a test had passed: 3 of 425 tests in a CI run, other
// tests on another path. Leaks in our own heap are still reported.
#if defined(__SANITIZE_ADDRESS__)
#define WL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WL_ASAN 1
#endif
#endif

#ifdef WL_ASAN
extern "C" const char* __asan_default_options() { return "intercept_tls_get_addr=0"; }
#endif

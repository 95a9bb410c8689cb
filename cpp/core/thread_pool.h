// The engine's thread pool: kernels split their work with parallelFor, as
// tfjs-backend-wasm's threaded build runs XNNPACK on a pthreadpool.
//
//   parallelFor(n, grain, [&](int64_t begin, int64_t end) { ...items [begin, end)... });
//
// [0, n) runs on at most threadsCount() threads (never fewer than `grain` items each),
// cut into four contiguous chunks per thread (parallelChunks) of nearly equal size, which the
// threads claim one at a time (the caller too): a thread that starts late or is
// preempted takes fewer, instead of everyone waiting for its fixed half. A kernel hands
// each output element to exactly one chunk and computes it in the same order as a single
// thread would, so results are bit-identical for every thread count and whichever
// thread runs a chunk (tests/cpp/test_threads.cc checks each threaded kernel with 1..4
// threads).
// Nested calls (a GEMM inside a threaded convolution), calls while the pool is busy
// and a count of 1 run inline. A build without threads (the single-thread
// WebAssembly binary: no -pthread) compiles parallelFor to the plain loop.
#pragma once

#include <cstdint>
#include <functional>

namespace wl {

// True when this build can run threads (native; WebAssembly built with -pthread).
bool threadsSupported();
// The number of threads kernels use (the caller included). Default: the hardware
// concurrency (1 without thread support).
int threadsCount();
// Sets it (>= 1; 1 runs everything inline). Without thread support only 1 is accepted.
// Throws wl::Error otherwise. Not to be called from inside a kernel.
void setThreadsCount(int n);

// How many parallelFor calls have run on more than one thread so far (tests check
// that the sizes they use do split).
int64_t parallelJobs();

// How many ranges parallelFor(n, grain) would use now: min(threadsCount(), n / grain), >= 1.
int parallelRanges(int64_t n, int64_t grain);

// Chunks a job of n items on `ranges` threads is cut into: min(n, ranges * 4), 1 when
// ranges is 1.
int parallelChunks(int64_t n, int ranges);

// Runs fn(begin, end) over [0, n) in parallelChunks(n, parallelRanges(n, grain)) chunks and
// returns when all are done; an exception thrown in any chunk is rethrown here (the first).
void parallelForImpl(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);
// fn(c, c + 1) for each chunk c of [0, chunks), claimed by up to `ranges` threads.
void parallelChunksImpl(int64_t chunks, int ranges, const std::function<void(int64_t, int64_t)>& fn);

template <typename Fn>
inline void parallelFor(int64_t n, int64_t grain, Fn&& fn) {
  if (n <= 0) return;
  if (parallelRanges(n, grain) <= 1) {
    fn(int64_t{0}, n);
    return;
  }
  parallelForImpl(n, grain, std::function<void(int64_t, int64_t)>(std::forward<Fn>(fn)));
}

// The bounds of range i of `ranges` over [0, n), each a multiple of `align` items
// (the last ends at n): what parallelFor uses with align 1. Kernels whose vector
// tails must not move (GEMM tiles of 4 rows, 8 columns) split aligned ranges.
inline int64_t rangeBegin(int64_t n, int ranges, int i, int64_t align = 1) {
  const int64_t units = (n + align - 1) / align;
  const int64_t b = units * i / ranges * align;
  return b < n ? b : n;
}

// parallelFor over [0, n) in ranges aligned to `align` items: fn(begin, end).
template <typename Fn>
inline void parallelForAligned(int64_t n, int64_t grain, int64_t align, Fn&& fn) {
  if (n <= 0) return;
  const int64_t units = (n + align - 1) / align;
  const int ranges = parallelRanges(units, (grain + align - 1) / align);
  if (ranges <= 1) {
    fn(int64_t{0}, n);
    return;
  }
  const int chunks = parallelChunks(units, ranges);
  parallelChunksImpl(chunks, ranges, [&](int64_t c, int64_t) {
    const int64_t b = rangeBegin(n, chunks, static_cast<int>(c), align);
    const int64_t e = rangeBegin(n, chunks, static_cast<int>(c) + 1, align);
    if (b < e) fn(b, e);
  });
}

}  // namespace wl

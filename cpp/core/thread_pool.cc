// The engine's thread pool (core/thread_pool.h): threadsCount() - 1 workers started on
// first use, each waiting for the next job; the calling thread claims chunks too and
// waits for the chunks others claimed. Built without threads (WebAssembly without
// -pthread), parallelFor never gets here: parallelRanges() is 1.
#include "core/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>

#include "core/error.h"

#if !defined(__EMSCRIPTEN__) || defined(__EMSCRIPTEN_PTHREADS__)
#define WL_HAS_THREADS 1
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#else
#define WL_HAS_THREADS 0
#endif

// The threaded WebAssembly build starts its workers with the module
// (-sPTHREAD_POOL_SIZE): a browser's main thread cannot wait for a worker created
// later, so the count is capped at that pool + the caller (CMake sets it).
#ifndef WL_MAX_THREADS
#define WL_MAX_THREADS 64
#endif

namespace wl {
namespace {

std::atomic<int64_t> jobs{0};

#if WL_HAS_THREADS
thread_local bool inParallel = false;  // a pool worker, or a caller inside parallelFor

int defaultThreads() {
  const unsigned hw = std::thread::hardware_concurrency();
  return std::max(1, std::min(static_cast<int>(hw == 0 ? 1 : hw), WL_MAX_THREADS));
}

// Fork/join as pthreadpool does it: a worker that finished a job spins on the job
// counter for a while before it sleeps on the condition variable, and so does the
// caller waiting for the workers. A model's step forks and joins tens of times a
// millisecond (a GEMM of mlp-fit takes ~1 ms), and a sleep/wake through the futex costs
// tens of microseconds (more in WebAssembly, where it is Atomics.wait/notify between
// workers): spinning keeps the pool's overhead to the cost of a few atomics while jobs
// follow each other, and the spin is bounded, so an idle engine still sleeps.
class Pool {
 public:
  ~Pool() { stop(); }

  int count() const { return count_; }

  void setCount(int n) {
    std::lock_guard<std::mutex> run(runMutex_);
    stop();
    count_ = n;
  }

  // Runs fn(c, c + 1) for every chunk c of [0, chunks) on up to `ranges` threads, each
  // thread claiming the next chunk when done with one, so a thread that starts late (a
  // worker woken from sleep, or preempted by another process) takes fewer.
  // The caller waits for the chunks, not for the workers: a worker still asleep when the
  // last chunk is claimed never touches this job (its claim carries the job's number), so
  // a job never waits out a wake-up. Waiting for every worker to check in cost the
  // threaded WebAssembly engine ~10% of a 2-thread MLP fit (futex waits in a profile).
  // false: the pool is busy (another thread runs a job): the caller runs inline.
  bool run(int64_t chunks, int ranges, const std::function<void(int64_t, int64_t)>& fn) {
    std::unique_lock<std::mutex> run(runMutex_, std::try_to_lock);
    if (!run.owns_lock()) return false;
    WL_CHECK(chunks < (int64_t{1} << kCountBits) && ranges < 256, "thread pool: a job of " << chunks << " chunks");
    start();
    jobs.fetch_add(1, std::memory_order_relaxed);
    job_ = &fn;
    error_ = nullptr;
    finished_.store(0, std::memory_order_relaxed);
    {
      // Under the lock: a worker about to sleep either sees the new job or is already
      // waiting when notified (no lost wake-up).
      std::lock_guard<std::mutex> lock(m_);
      seq_ = (seq_ + 1) & 0xffffffffu;
      claim_.store(seq_ << 32 | uint64_t(ranges) << (2 * kCountBits) | uint64_t(chunks) << kCountBits,
                   std::memory_order_release);
      if (sleepers_ > 0) wake_.notify_all();
    }
    inParallel = true;
    std::exception_ptr mine = claimChunks(seq_, 0);
    inParallel = false;
    auto done = [&] { return finished_.load(std::memory_order_acquire) == chunks; };
    if (!spinUntil(done)) {
      std::unique_lock<std::mutex> lock(m_);
      done_.wait(lock, done);
    }
    job_ = nullptr;
    std::exception_ptr err = mine ? mine : error_;
    if (err) std::rethrow_exception(err);
    return true;
  }

 private:
  // The claim word: job number (32 bits) | ranges (8) | chunks | next chunk (kCountBits each).
  static constexpr int kCountBits = 12;
  static constexpr uint64_t kCountMask = (uint64_t{1} << kCountBits) - 1;

  // Thread i claims chunks of job `seq` until none is left (or another job is posted) and
  // runs them; after an exception it goes on with the others. The caller (i = 0) gets its
  // first exception back; a worker's goes to error_.
  std::exception_ptr claimChunks(uint64_t seq, int i) {
    std::exception_ptr first;
    uint64_t v = claim_.load(std::memory_order_acquire);
    for (;;) {
      const uint64_t next = v & kCountMask, chunks = (v >> kCountBits) & kCountMask;
      const int ranges = static_cast<int>((v >> (2 * kCountBits)) & 0xff);
      if ((v >> 32) != seq || i >= ranges || next >= chunks) return first;
      if (!claim_.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
      // Claimed: the caller waits for this chunk, so job_ is this job's.
      try {
        (*job_)(static_cast<int64_t>(next), static_cast<int64_t>(next) + 1);
      } catch (...) {
        // A worker's is kept before its chunk counts as finished, so the caller sees it.
        if (i == 0) {
          if (!first) first = std::current_exception();
        } else {
          std::lock_guard<std::mutex> lock(m_);
          if (!error_) error_ = std::current_exception();
        }
      }
      if (finished_.fetch_add(1, std::memory_order_acq_rel) + 1 == static_cast<int64_t>(chunks) && i > 0) {
        // The last chunk, on a worker: the caller may be asleep (it checks under the lock).
        std::lock_guard<std::mutex> lock(m_);
        done_.notify_one();
      }
      v = claim_.load(std::memory_order_acquire);
    }
  }

  // Polls cond() for up to kSpin (then the caller sleeps); true when it came true. By time,
  // not by count: 4096 polls were ~3 us, shorter than the gap between a model's kernels,
  // so workers slept between them, and waking a sleeping thread on a quiet VM (its vCPU
  // halted) took ~1 ms a job. Yields every 256 polls, so on a machine with more runnable
  // threads than cores the thread we wait for runs.
  static constexpr auto kSpin = std::chrono::microseconds(200);
  template <typename Cond>
  static bool spinUntil(const Cond& cond) {
    const auto until = std::chrono::steady_clock::now() + kSpin;
    for (int k = 1;; ++k) {
      if (cond()) return true;
      if ((k & 255) == 0) {
        if (std::chrono::steady_clock::now() >= until) return cond();
        std::this_thread::yield();
      }
    }
  }

  void start() {
    if (static_cast<int>(workers_.size()) == count_ - 1) return;
    uint64_t now;
    {
      std::lock_guard<std::mutex> lock(m_);
      stopping_ = false;
      now = seq_;
    }
    // A worker waits for the job after `now`, even if it is posted before the thread
    // first runs.
    for (int i = 1; i < count_; ++i) workers_.emplace_back([this, i, now] { loop(i, now); });
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stopping_ = true;
      wake_.notify_all();
    }
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  void loop(int i, uint64_t seen) {
    inParallel = true;
    for (;;) {
      auto posted = [&] { return (claim_.load(std::memory_order_acquire) >> 32) != seen; };
      if (!spinUntil([&] { return posted() || stopping_.load(std::memory_order_relaxed); })) {
        std::unique_lock<std::mutex> lock(m_);
        ++sleepers_;
        wake_.wait(lock, [&] { return stopping_.load(std::memory_order_relaxed) || posted(); });
        --sleepers_;
      }
      if (stopping_.load(std::memory_order_acquire)) return;
      seen = claim_.load(std::memory_order_acquire) >> 32;
      claimChunks(seen, i);
    }
  }

  int count_ = defaultThreads();
  std::mutex runMutex_;  // one job at a time
  std::mutex m_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  uint64_t seq_ = 0;  // the last job's number (under runMutex_; m_ when posting)
  std::atomic<uint64_t> claim_{0};  // the current job and its next chunk (claimChunks)
  // The job: written by the caller before claim_ names it, read by threads holding a claim.
  const std::function<void(int64_t, int64_t)>* job_ = nullptr;
  std::atomic<int64_t> finished_{0};  // chunks of the current job done
  int sleepers_ = 0;  // workers waiting on wake_ (under m_)
  std::atomic<bool> stopping_{false};
  std::exception_ptr error_;  // the first worker's exception (under m_)
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: workers may outlive static destructors
  return *p;
}
#endif

}  // namespace

bool threadsSupported() { return WL_HAS_THREADS != 0; }

int threadsCount() {
#if WL_HAS_THREADS
  return pool().count();
#else
  return 1;
#endif
}

void setThreadsCount(int n) {
#if WL_HAS_THREADS
  WL_CHECK(n >= 1 && n <= WL_MAX_THREADS,
           "The number of threads must be an integer between 1 and " << WL_MAX_THREADS << ", but got " << n);
  WL_CHECK(!inParallel, "setThreadsCount() cannot be called from inside a kernel");
  pool().setCount(n);
#else
  WL_CHECK(n == 1, "This build of wasm-layers has no threads (the single-thread WebAssembly binary): the number of "
                   "threads can only be 1, but got " << n);
#endif
}

int64_t parallelJobs() { return jobs.load(std::memory_order_relaxed); }

int parallelRanges(int64_t n, int64_t grain) {
#if WL_HAS_THREADS
  if (inParallel) return 1;
  const int t = pool().count();
  if (t <= 1) return 1;
  const int64_t byGrain = n / std::max<int64_t>(grain, 1);
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(t, byGrain)));
#else
  (void)n;
  (void)grain;
  return 1;
#endif
}

// More chunks balance better; fewer keep a GEMM's B panels in cache across more rows.
constexpr int kChunksPerThread = 4;

int parallelChunks(int64_t n, int ranges) {
  return ranges <= 1 ? 1 : static_cast<int>(std::min<int64_t>(n, int64_t{ranges} * kChunksPerThread));
}

void parallelForImpl(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  const int ranges = parallelRanges(n, grain);
  const int chunks = parallelChunks(n, ranges);
  parallelChunksImpl(chunks, ranges, [&](int64_t c, int64_t) {
    fn(rangeBegin(n, chunks, static_cast<int>(c)), rangeBegin(n, chunks, static_cast<int>(c) + 1));
  });
}

void parallelChunksImpl(int64_t chunks, int ranges, const std::function<void(int64_t, int64_t)>& fn) {
#if WL_HAS_THREADS
  if (ranges > 1 && chunks > 1 && pool().run(chunks, ranges, fn)) return;
#endif
  (void)ranges;
  for (int64_t c = 0; c < chunks; ++c) fn(c, c + 1);
}

}  // namespace wl

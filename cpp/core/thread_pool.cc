// The engine's thread pool (core/thread_pool.h): threadsCount() - 1 workers started on
// first use, each waiting for the next job; the calling thread runs range 0 and waits
// for the others. Built without threads (WebAssembly without -pthread), parallelFor
// never gets here: parallelRanges() is 1.
#include "core/thread_pool.h"

#include <algorithm>
#include <atomic>
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

class Pool {
 public:
  ~Pool() { stop(); }

  int count() const { return count_; }

  void setCount(int n) {
    std::lock_guard<std::mutex> run(runMutex_);
    stop();
    count_ = n;
  }

  // false: the pool is busy (another thread runs a job): the caller runs inline.
  bool run(int64_t n, int ranges, const std::function<void(int64_t, int64_t)>& fn) {
    std::unique_lock<std::mutex> run(runMutex_, std::try_to_lock);
    if (!run.owns_lock()) return false;
    start();
    jobs.fetch_add(1, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(m_);
      job_ = &fn;
      n_ = n;
      ranges_ = ranges;
      pending_ = ranges - 1;
      error_ = nullptr;
      ++generation_;
    }
    wake_.notify_all();
    inParallel = true;
    std::exception_ptr mine;
    try {
      fn(0, bound(n, ranges, 1));
    } catch (...) {
      mine = std::current_exception();
    }
    inParallel = false;
    std::unique_lock<std::mutex> lock(m_);
    done_.wait(lock, [&] { return pending_ == 0; });
    job_ = nullptr;
    std::exception_ptr err = mine ? mine : error_;
    lock.unlock();
    if (err) std::rethrow_exception(err);
    return true;
  }

  static int64_t bound(int64_t n, int ranges, int i) { return n * i / ranges; }

 private:
  void start() {
    if (static_cast<int>(workers_.size()) == count_ - 1) return;
    uint64_t now;
    {
      std::lock_guard<std::mutex> lock(m_);
      stopping_ = false;
      now = generation_;
    }
    // A worker waits for the generation after `now`, even if the job is posted before
    // the thread first runs.
    for (int i = 1; i < count_; ++i) workers_.emplace_back([this, i, now] { loop(i, now); });
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  void loop(int i, uint64_t seen) {
    inParallel = true;
    for (;;) {
      const std::function<void(int64_t, int64_t)>* job;
      int64_t n;
      int ranges;
      {
        std::unique_lock<std::mutex> lock(m_);
        wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
        job = job_;
        n = n_;
        ranges = ranges_;
      }
      if (i >= ranges) continue;
      std::exception_ptr err;
      try {
        (*job)(bound(n, ranges, i), bound(n, ranges, i + 1));
      } catch (...) {
        err = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(m_);
      if (err && !error_) error_ = err;
      if (--pending_ == 0) done_.notify_one();
    }
  }

  int count_ = defaultThreads();
  std::mutex runMutex_;  // one job at a time
  std::mutex m_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  uint64_t generation_ = 0;
  const std::function<void(int64_t, int64_t)>* job_ = nullptr;
  int64_t n_ = 0;
  int ranges_ = 0;
  int pending_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
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

void parallelForImpl(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  const int ranges = parallelRanges(n, grain);
#if WL_HAS_THREADS
  if (ranges > 1 && pool().run(n, ranges, fn)) return;
#endif
  (void)ranges;
  fn(0, n);
}

}  // namespace wl

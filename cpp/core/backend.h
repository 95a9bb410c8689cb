// Backends as objects, in the manner of tfjs-core's KernelBackend and ggml's
// backend / buffer-type split.
//
//   Memory   where bytes live (ggml's buffer type): allocate, write, read (sync and
//            async), release, and its own memory figures. Backends that share a
//            Memory share data with no copy ("cpu" and "wasm" both use the host heap).
//   Backend  a name, a priority, a Memory, the next backend in its fallback chain,
//            and supports(op, query): whether it has a kernel for this call's dtype,
//            rank and attributes (not just the op name).
//
// A tensor's Storage is owned by one Memory (data id + memory, as tfjs's dataId +
// backend). Only kernels (through KernelCall, core/dispatch.h) and the explicit host
// view (Tensor::data<T>() on host memory, readHost/fromHost) touch values. When the
// backend chosen for a kernel lives on another Memory, the inputs move there: an
// explicit, counted move (transferStats()), so a test can assert that a forward pass
// did no host round trip.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

namespace wl {

enum class DType;

class Memory {
 public:
  explicit Memory(std::string name) : name_(std::move(name)) {}
  virtual ~Memory() = default;
  const std::string& name() const { return name_; }
  // Host memory: a handle is a plain pointer the CPU may read and write.
  virtual bool isHost() const = 0;
  virtual void* allocate(size_t bytes) = 0;  // throws wl::Error when out of memory
  virtual void release(void* handle, size_t bytes) = 0;
  virtual void write(void* handle, const void* src, size_t bytes) = 0;
  virtual void read(const void* handle, void* dst, size_t bytes) = 0;
  // Completes `done` once dst holds the bytes; a backend that computes
  // asynchronously defers it (completed by pump()). The default reads at once.
  virtual void readAsync(const void* handle, void* dst, size_t bytes, std::function<void()> done) {
    read(handle, dst, bytes);
    done();
  }
  // dst = src within this memory (copy-on-write of a shared buffer). The default
  // stages through the host.
  virtual void copy(void* dst, const void* src, size_t bytes);
  // Completes deferred reads; returns how many are still pending.
  virtual int pump() { return 0; }
  // What a kernel of a backend on this memory receives for a buffer: the address for
  // CPU memories; a GPU memory hands its own object (texture, buffer) through it.
  virtual void* bind(void* handle) { return handle; }
  int64_t numBuffers() const { return numBuffers_; }
  int64_t numBytes() const { return numBytes_; }

 protected:
  void counted(int64_t buffers, int64_t bytes) {
    numBuffers_ += buffers;
    numBytes_ += bytes;
  }

 private:
  std::string name_;
  int64_t numBuffers_ = 0;
  int64_t numBytes_ = 0;
};

// The 64-byte aligned host heap ("cpu" and "wasm").
Memory& hostMemory();

// What a kernel call asks of a backend beyond the op name.
struct KernelQuery {
  DType dtype;     // of the main input (float32 unless said otherwise)
  int rank = -1;   // of the main input; -1 when it does not matter
  uint64_t attrs = 0;  // the op's own attribute bits, where a backend cares
};

class Backend {
 public:
  Backend(std::string name, int priority, Memory* memory, std::string fallback)
      : name_(std::move(name)), priority_(priority), memory_(memory), fallback_(std::move(fallback)) {}
  virtual ~Backend() = default;
  const std::string& name() const { return name_; }
  int priority() const { return priority_; }
  Memory& memory() const { return *memory_; }
  // The next backend in the chain ("" at the end: "cpu", which has every kernel).
  const std::string& fallback() const { return fallback_; }
  // Default: a kernel (op, this backend) is registered. Backends narrow this by
  // dtype, rank or attributes (a GPU backend without int32 textures, an XNNPACK
  // operator that only takes NHWC float32).
  virtual bool supports(const char* op, const KernelQuery& q) const;

 private:
  std::string name_;
  int priority_;
  Memory* memory_;
  std::string fallback_;
};

// The one list of backends: C++, the JS API (tf.engine().backendNames(),
// tf.findBackend, tf.setBackend) and the tests all read it.
class BackendRegistry {
 public:
  static BackendRegistry& instance();
  Backend& add(std::unique_ptr<Backend> backend);  // throws when the name is taken
  void remove(const std::string& name);           // throws for "cpu" and the active one
  Backend* find(const std::string& name) const;
  std::vector<std::string> names() const;  // highest priority first
  Backend& active() const { return *active_; }
  void setActive(const std::string& name);  // throws for an unknown name

 private:
  BackendRegistry();
  std::vector<std::unique_ptr<Backend>> backends_;
  Backend* active_ = nullptr;
};

// Counted data movement, for tests and tf.engine().transferStats().
struct TransferStats {
  int64_t moves = 0;       // storages moved between memories (a fallback or explicit move)
  int64_t bytesMoved = 0;
  int64_t hostReads = 0;   // reads of a non-host memory into host memory (dataSync, data)
  int64_t hostWrites = 0;  // host values written into a non-host memory (fromHost, setWeights)
};
TransferStats& transferStats();

// Bumped whenever a kernel lookup could change (a kernel or backend registered,
// the active backend switched): caches of lookups compare it.
uint64_t& dispatchGeneration();

// The backend the engine runs on ("cpu", "wasm", ...); same as BackendRegistry::active().
const std::string& activeBackend();
void setBackend(const std::string& name);

// Switches the active backend for a scope and restores it, also when a test
// assertion or an exception leaves the scope early.
class BackendScope {
 public:
  explicit BackendScope(const std::string& name) : saved_(activeBackend()) { setBackend(name); }
  ~BackendScope() { setBackend(saved_); }
  BackendScope(const BackendScope&) = delete;
  BackendScope& operator=(const BackendScope&) = delete;

 private:
  std::string saved_;
};

}  // namespace wl

// Tensor: a shape, a dtype and reference-counted storage.
//
// A Tensor is a cheap handle (shared_ptr to TensorImpl). Several TensorImpls may
// share one Storage (reshape is a view). Live TensorImpls and Storages are counted
// so that tf.memory() reports what the engine really holds, not what JS thinks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

namespace wl {

// bool is stored as int32 0/1 (4 bytes per element, like every dtype here).
enum class DType { Float32, Int32, Bool };

const char* dtypeName(DType dtype);
DType parseDType(const std::string& name);  // "float32" | "int32" | "bool"
inline bool isIntStorage(DType d) { return d != DType::Float32; }

// Dimensions; -1 stands for an unknown (batch) dimension in layer shapes only.
using Shape = std::vector<int64_t>;
std::string shapeStr(const Shape& shape);  // "[4,1]", unknown dims as "null"

// --- Checked sizes ----------------------------------------------------------
// Every element count, byte count, stride and offset is an int64_t computed with
// these, so nothing wraps: in wasm32 size_t is 32 bits, and a wrapped size once
// meant a small buffer that later writes ran past. One tensor must stay below what
// wasm32 can address; natively the same limit applies, so native tests catch it.
constexpr int64_t kMaxTensorBytes = (int64_t{1} << 31) - (int64_t{1} << 20);  // just under 2 GiB
constexpr int64_t kMaxTensorElements = kMaxTensorBytes / 4;

// a * b, or throws (naming `what`) when the product overflows int64.
int64_t checkedMul(int64_t a, int64_t b, const char* what = "size");
// a + b, or throws when the sum overflows int64.
int64_t checkedAdd(int64_t a, int64_t b, const char* what = "size");
// The number of elements; throws when the product overflows int64 (unknown -1
// dims multiply through as -1, as layer shapes use them).
int64_t shapeSize(const Shape& shape);
// The bytes a tensor of this shape takes; throws wl::Error "Cannot allocate a
// float32 tensor of shape [50000,50000] (10.0 GB): ..." when a dim is unknown or
// negative or the tensor would not fit in kMaxTensorBytes. Call it before any
// work that a too-large shape would make slow (e.g. initializing weights).
int64_t checkedTensorBytes(const Shape& shape, DType dtype = DType::Float32);
// "10.0 GB": a byte count for messages, from a double so it never wraps.
std::string formatBytes(double bytes);

struct MemoryStats {
  int64_t numTensors = 0;
  int64_t numDataBuffers = 0;
  int64_t numBytes = 0;
};
MemoryStats memoryStats();
class Tensor;

class Memory;
struct BufferKey;

// A data id and the Memory that owns its bytes (core/backend.h). Several tensors
// may share one Storage (reshape is a view); a move between memories moves the
// Storage, so every view follows. The version counts writes: kernels that cache
// state for a weight (packed panels, an operator) key it by (uid, version).
class Storage {
 public:
  Storage(size_t bytes, Memory& memory);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  Memory& memory() const { return *memory_; }
  void* handle() const { return handle_; }
  // The host address; throws when the bytes live in a memory the CPU cannot read
  // (only kernels, through KernelCall, and the host view may touch values). The
  // caller may write through it, so it counts as a write (bumps the version);
  // constData() is the read-only view.
  void* data() const;
  const void* constData() const;
  size_t bytes() const { return bytes_; }
  uint64_t uid() const { return uid_; }
  uint64_t version() const { return version_; }
  void bumpVersion() { ++version_; }
  // Weights (variables) are persistent: kernels may cache state derived from them.
  bool persistent() const { return persistent_; }
  void setPersistent() { persistent_ = true; }
  // Moves the bytes into `dst`: explicit and counted in transferStats(). A storage
  // copy=false: a fresh output the kernel will overwrite is only reallocated there.
  void moveTo(Memory& dst, bool copy = true);
  // Leaves tf.memory()'s buffer and byte counts (see Tensor::markCacheOwned).
  void uncount();

 private:
  Memory* memory_;
  void* handle_ = nullptr;
  size_t bytes_ = 0;
  uint64_t uid_;
  mutable uint64_t version_ = 0;  // data() bumps it
  bool persistent_ = false;
  bool counted_ = true;  // in memoryStats()
};

struct TensorImpl {
  TensorImpl(Shape shape, DType dtype, std::shared_ptr<Storage> storage);
  ~TensorImpl();
  int64_t id;
  Shape shape;
  DType dtype;
  std::shared_ptr<Storage> storage;
  bool counted = true;  // in memoryStats()
};

class Tensor {
 public:
  Tensor() = default;

  // Uninitialized storage of the given shape (all dims known, >= 0), in the memory
  // of the active backend.
  static Tensor empty(const Shape& shape, DType dtype = DType::Float32);
  static Tensor emptyIn(const Shape& shape, DType dtype, Memory& memory);
  // Filled by the "Fill" kernel on the active backend.
  static Tensor zeros(const Shape& shape, DType dtype = DType::Float32);
  static Tensor full(const Shape& shape, float value, DType dtype = DType::Float32);
  static Tensor scalar(float value);
  // Host values written into the active backend's memory (4-byte elements: float
  // for float32, int32 for int32/bool).
  static Tensor fromHost(const Shape& shape, DType dtype, const void* values);
  static Tensor fromVector(const Shape& shape, const std::vector<float>& values);
  static Tensor fromInts(const Shape& shape, const std::vector<int32_t>& values, DType dtype = DType::Int32);

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl_->shape; }
  int rank() const { return static_cast<int>(impl_->shape.size()); }
  int64_t dim(int axis) const;  // negative axes count from the end
  int64_t size() const { return shapeSize(impl_->shape); }
  DType dtype() const { return impl_->dtype; }
  int64_t id() const { return impl_->id; }
  Storage& storage() const { return *impl_->storage; }

  // The host view: only for tensors in host memory (tests, host kernels); ops use
  // KernelCall, and readHost/fromHost/write move values explicitly.
  template <typename T>
  T* data() const { return static_cast<T*>(impl_->storage->data()); }
  template <typename T>
  const T* constData() const { return static_cast<const T*>(impl_->storage->constData()); }
  // Reads the values into host memory (counted when the tensor is not on the host).
  void readHost(void* dst) const;
  std::vector<float> toVector() const;    // float32 values
  std::vector<int32_t> toInts() const;    // int32/bool values
  float item() const;  // value of a one-element tensor, as float
  // Host values written in place (bumps the version: cached kernel state is rebuilt).
  void write(const void* values) const;
  BufferKey bufferKey() const;
  // State a cache derives from weights and keeps (the folded BatchNorm vectors) is
  // not a tensor the user holds: tf.memory() leaves it out, as it leaves out packed
  // weights. Only for a fresh tensor that owns its storage alone.
  void markCacheOwned() const;
  // Before an in-place write: when other tensors (views: reshape, a cast to the same
  // dtype) share this storage, this tensor moves to a storage of its own (with a
  // copy of the values when keepValues), so they keep the values they had — as a
  // tfjs tensor taken from a variable keeps its values after variable.assign().
  void prepareWrite(bool keepValues) const;

  // A new tensor (new id) sharing this storage, with a shape of equal size.
  Tensor view(const Shape& shape) const;
  Tensor clone() const;  // a copy with its own storage (the "Copy" kernel)
  bool sharesStorageWith(const Tensor& other) const {
    return impl_->storage == other.impl_->storage;
  }

 private:
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<TensorImpl> impl_;
};

// The documented host fallback. Ops that compute on the CPU whatever the backend
// (topk and its gradient, random, range, linspace, eye, host constants) build their
// results in host memory with hostEmpty and hand them to the active backend with
// upload; they read inputs through hostView, a counted read when the data lives
// in another memory. Everything else runs in kernels.
Tensor hostEmpty(const Shape& shape, DType dtype = DType::Float32);
Tensor hostView(const Tensor& x);
Tensor upload(const Tensor& host);

}  // namespace wl

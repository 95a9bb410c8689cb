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

// 64-byte aligned bytes; 4-byte elements for both float32 and int32.
class Storage {
 public:
  explicit Storage(size_t bytes);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  void* data() { return ptr_; }
  size_t bytes() const { return bytes_; }

 private:
  void* ptr_ = nullptr;
  size_t bytes_ = 0;
};

struct TensorImpl {
  TensorImpl(Shape shape, DType dtype, std::shared_ptr<Storage> storage);
  ~TensorImpl();
  int64_t id;
  Shape shape;
  DType dtype;
  std::shared_ptr<Storage> storage;
};

class Tensor {
 public:
  Tensor() = default;

  // Uninitialized storage of the given shape (all dims must be known, >= 0).
  static Tensor empty(const Shape& shape, DType dtype = DType::Float32);
  static Tensor zeros(const Shape& shape, DType dtype = DType::Float32);
  static Tensor full(const Shape& shape, float value);
  static Tensor fromVector(const Shape& shape, const std::vector<float>& values);
  static Tensor scalar(float value);

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl_->shape; }
  int rank() const { return static_cast<int>(impl_->shape.size()); }
  int64_t dim(int axis) const;  // negative axes count from the end
  int64_t size() const { return shapeSize(impl_->shape); }
  DType dtype() const { return impl_->dtype; }
  int64_t id() const { return impl_->id; }

  template <typename T>
  T* data() const { return static_cast<T*>(impl_->storage->data()); }
  float item() const;  // value of a one-element float tensor
  std::vector<float> toVector() const;

  // A new tensor (new id) sharing this storage, with a shape of equal size.
  Tensor view(const Shape& shape) const;
  Tensor clone() const;  // a copy with its own storage
  bool sharesStorageWith(const Tensor& other) const {
    return impl_->storage == other.impl_->storage;
  }

 private:
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<TensorImpl> impl_;
};

}  // namespace wl

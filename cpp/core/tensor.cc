#include "core/tensor.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace wl {

namespace {
// Single-threaded engine (WASM has one thread here); plain counters suffice.
int64_t g_liveTensors = 0;
int64_t g_liveBuffers = 0;
int64_t g_liveBytes = 0;
int64_t g_nextId = 0;
}  // namespace

const char* dtypeName(DType dtype) {
  switch (dtype) {
    case DType::Float32: return "float32";
    case DType::Int32: return "int32";
    case DType::Bool: return "bool";
  }
  return "unknown";
}

DType parseDType(const std::string& name) {
  if (name == "float32") return DType::Float32;
  if (name == "int32") return DType::Int32;
  if (name == "bool") return DType::Bool;
  throw Error("Unknown dtype '" + name + "': expected 'float32', 'int32' or 'bool'");
}

int64_t checkedMul(int64_t a, int64_t b, const char* what) {
  int64_t out;
  WL_CHECK(!__builtin_mul_overflow(a, b, &out), "Integer overflow computing a " << what << ": " << a << " * " << b);
  return out;
}

int64_t checkedAdd(int64_t a, int64_t b, const char* what) {
  int64_t out;
  WL_CHECK(!__builtin_add_overflow(a, b, &out), "Integer overflow computing a " << what << ": " << a << " + " << b);
  return out;
}

int64_t shapeSize(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    WL_CHECK(!__builtin_mul_overflow(n, d, &n),
             "The shape " << shapeStr(shape) << " has more elements than can be counted (over 2^63)");
  }
  return n;
}

std::string formatBytes(double bytes) {
  const char* units[] = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
  int u = 0;
  while (bytes >= 1000 && u < 6) {
    bytes /= 1000;
    ++u;
  }
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(u == 0 ? 0 : 1);
  os << bytes << " " << units[u];
  return os.str();
}

int64_t checkedTensorBytes(const Shape& shape, DType dtype) {
  for (int64_t d : shape) {
    WL_CHECK(d >= 0, "Tensor shape " << shapeStr(shape) << " has a negative or unknown dimension");
  }
  // The byte count in double, only for the message: the int64 product may overflow.
  double approx = 4;
  for (int64_t d : shape) approx *= static_cast<double>(d);
  int64_t n = 1;
  bool overflow = false;
  for (int64_t d : shape) overflow = overflow || __builtin_mul_overflow(n, d, &n);
  WL_CHECK(!overflow && n <= kMaxTensorElements,
           "Cannot allocate a " << dtypeName(dtype) << " tensor of shape " << shapeStr(shape) << " ("
                                << formatBytes(approx) << "): a single tensor must be under "
                                << formatBytes(static_cast<double>(kMaxTensorBytes))
                                << ", the most one WebAssembly (wasm32) allocation can address");
  return n * 4;
}

std::string shapeStr(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += shape[i] < 0 ? std::string("null") : std::to_string(shape[i]);
  }
  return s + "]";
}

MemoryStats memoryStats() { return {g_liveTensors, g_liveBuffers, g_liveBytes}; }

Storage::Storage(size_t bytes) : bytes_(bytes) {
  // aligned_alloc needs a size that is a multiple of the alignment.
  size_t rounded = ((bytes + 63) / 64) * 64;
  ptr_ = std::aligned_alloc(64, rounded == 0 ? 64 : rounded);
  if (!ptr_) {
    throw Error("Out of memory allocating " + formatBytes(static_cast<double>(bytes)) + " (" + std::to_string(bytes) +
                " bytes) for a tensor: the WebAssembly heap cannot grow that far");
  }
  ++g_liveBuffers;
  g_liveBytes += static_cast<int64_t>(bytes_);
}

Storage::~Storage() {
  std::free(ptr_);
  --g_liveBuffers;
  g_liveBytes -= static_cast<int64_t>(bytes_);
}

TensorImpl::TensorImpl(Shape s, DType d, std::shared_ptr<Storage> st)
    : id(g_nextId++), shape(std::move(s)), dtype(d), storage(std::move(st)) {
  ++g_liveTensors;
}

TensorImpl::~TensorImpl() { --g_liveTensors; }

Tensor Tensor::empty(const Shape& shape, DType dtype) {
  // Checked before anything is allocated: the byte count fits size_t even on wasm32.
  const int64_t bytes = checkedTensorBytes(shape, dtype);
  auto storage = std::make_shared<Storage>(static_cast<size_t>(bytes));
  return Tensor(std::make_shared<TensorImpl>(shape, dtype, std::move(storage)));
}

Tensor Tensor::zeros(const Shape& shape, DType dtype) {
  Tensor t = empty(shape, dtype);
  std::memset(t.data<void>(), 0, static_cast<size_t>(t.size()) * 4);
  return t;
}

Tensor Tensor::full(const Shape& shape, float value) {
  Tensor t = empty(shape);
  float* p = t.data<float>();
  for (int64_t i = 0, n = t.size(); i < n; ++i) p[i] = value;
  return t;
}

Tensor Tensor::fromVector(const Shape& shape, const std::vector<float>& values) {
  WL_CHECK(static_cast<int64_t>(values.size()) == shapeSize(shape),
           "Based on the provided shape, " << shapeStr(shape) << ", the tensor should have "
               << shapeSize(shape) << " values but has " << values.size());
  Tensor t = empty(shape);
  std::memcpy(t.data<float>(), values.data(), values.size() * 4);
  return t;
}

Tensor Tensor::scalar(float value) { return full({}, value); }

int64_t Tensor::dim(int axis) const {
  int r = rank();
  if (axis < 0) axis += r;
  WL_CHECK(axis >= 0 && axis < r, "Axis " << axis << " is out of range for a tensor of rank " << r);
  return impl_->shape[axis];
}

float Tensor::item() const {
  WL_CHECK(size() == 1, "item() needs a tensor with one element, got shape " << shapeStr(shape()));
  return dtype() == DType::Float32 ? data<float>()[0] : static_cast<float>(data<int32_t>()[0]);
}

std::vector<float> Tensor::toVector() const {
  WL_CHECK(dtype() == DType::Float32, "toVector() needs a float32 tensor");
  return std::vector<float>(data<float>(), data<float>() + size());
}

Tensor Tensor::view(const Shape& shape) const {
  WL_CHECK(shapeSize(shape) == size(), "Cannot reshape a tensor of shape " << shapeStr(impl_->shape)
                                           << " (" << size() << " values) into shape " << shapeStr(shape));
  return Tensor(std::make_shared<TensorImpl>(shape, impl_->dtype, impl_->storage));
}

Tensor Tensor::clone() const {
  Tensor t = empty(shape(), dtype());
  std::memcpy(t.data<void>(), data<void>(), static_cast<size_t>(size()) * 4);
  return t;
}

}  // namespace wl

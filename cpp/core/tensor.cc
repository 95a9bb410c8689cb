#include "core/tensor.h"

#include "core/dispatch.h"
#include "kernels/params.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <vector>

namespace wl {

namespace {
// Single-threaded engine (WASM has one thread here); plain counters suffice.
int64_t g_liveTensors = 0;
int64_t g_liveBuffers = 0;
int64_t g_liveBytes = 0;
int64_t g_nextId = 0;
uint64_t g_nextStorageUid = 0;
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

Storage::Storage(size_t bytes, Memory& memory) : memory_(&memory), bytes_(bytes), uid_(++g_nextStorageUid) {
  handle_ = memory.allocate(bytes);
  ++g_liveBuffers;
  g_liveBytes += static_cast<int64_t>(bytes_);
}

Storage::~Storage() {
  if (persistent_) KernelCache::instance().forget(uid_);
  memory_->release(handle_, bytes_);
  uncount();
}

void Storage::uncount() {
  if (!counted_) return;
  counted_ = false;
  --g_liveBuffers;
  g_liveBytes -= static_cast<int64_t>(bytes_);
}

const void* Storage::constData() const {
  WL_CHECK(memory_->isHost(), "Host access to a tensor whose data lives in the '"
                                  << memory_->name()
                                  << "' memory: read it with dataSync()/data() (readHost) or run a kernel on it");
  return handle_;
}

void* Storage::data() const {
  const void* p = constData();
  ++version_;
  return const_cast<void*>(p);
}

void Storage::moveTo(Memory& dst, bool copy) {
  if (&dst == memory_) return;
  void* fresh = dst.allocate(bytes_);
  if (copy && bytes_ > 0) {
    // Through a host staging buffer unless one side is the host (then direct).
    if (memory_->isHost()) {
      dst.write(fresh, handle_, bytes_);
    } else if (dst.isHost()) {
      memory_->read(handle_, fresh, bytes_);
    } else {
      std::vector<unsigned char> staging(bytes_);
      memory_->read(handle_, staging.data(), bytes_);
      dst.write(fresh, staging.data(), bytes_);
    }
    TransferStats& t = transferStats();
    ++t.moves;
    t.bytesMoved += static_cast<int64_t>(bytes_);
  }
  memory_->release(handle_, bytes_);
  memory_ = &dst;
  handle_ = fresh;
}

TensorImpl::TensorImpl(Shape s, DType d, std::shared_ptr<Storage> st)
    : id(g_nextId++), shape(std::move(s)), dtype(d), storage(std::move(st)) {
  ++g_liveTensors;
}

TensorImpl::~TensorImpl() {
  if (counted) --g_liveTensors;
}

void Tensor::markCacheOwned() const {
  WL_CHECK(impl_->storage.use_count() == 1, "markCacheOwned: the storage is shared with another tensor");
  if (impl_->counted) --g_liveTensors;
  impl_->counted = false;
  impl_->storage->uncount();
}

Tensor Tensor::emptyIn(const Shape& shape, DType dtype, Memory& memory) {
  // Checked before anything is allocated: the byte count fits size_t even on wasm32.
  const int64_t bytes = checkedTensorBytes(shape, dtype);
  auto storage = std::make_shared<Storage>(static_cast<size_t>(bytes), memory);
  return Tensor(std::make_shared<TensorImpl>(shape, dtype, std::move(storage)));
}

Tensor Tensor::empty(const Shape& shape, DType dtype) {
  return emptyIn(shape, dtype, BackendRegistry::instance().active().memory());
}

Tensor Tensor::full(const Shape& shape, float value, DType dtype) {
  Tensor t = empty(shape, dtype);
  uint32_t bits;
  if (dtype == DType::Float32) {
    std::memcpy(&bits, &value, 4);
  } else {
    int32_t v = dtype == DType::Bool ? (value != 0.f ? 1 : 0) : static_cast<int32_t>(value);
    std::memcpy(&bits, &v, 4);
  }
  KernelCall k("Fill", {dtype});
  k.kernel<FillKernel>()({k.out<uint32_t>(t), t.size(), bits});
  return t;
}

Tensor Tensor::zeros(const Shape& shape, DType dtype) { return full(shape, 0.f, dtype); }

Tensor Tensor::fromHost(const Shape& shape, DType dtype, const void* values) {
  Tensor t = empty(shape, dtype);
  t.write(values);
  return t;
}

Tensor Tensor::fromVector(const Shape& shape, const std::vector<float>& values) {
  WL_CHECK(static_cast<int64_t>(values.size()) == shapeSize(shape),
           "Based on the provided shape, " << shapeStr(shape) << ", the tensor should have "
               << shapeSize(shape) << " values but has " << values.size());
  return fromHost(shape, DType::Float32, values.data());
}

Tensor Tensor::fromInts(const Shape& shape, const std::vector<int32_t>& values, DType dtype) {
  WL_CHECK(static_cast<int64_t>(values.size()) == shapeSize(shape),
           "Based on the provided shape, " << shapeStr(shape) << ", the tensor should have "
               << shapeSize(shape) << " values but has " << values.size());
  return fromHost(shape, dtype, values.data());
}

Tensor Tensor::scalar(float value) { return full({}, value); }

int64_t Tensor::dim(int axis) const {
  int r = rank();
  if (axis < 0) axis += r;
  WL_CHECK(axis >= 0 && axis < r, "Axis " << axis << " is out of range for a tensor of rank " << r);
  return impl_->shape[axis];
}

void Tensor::readHost(void* dst) const {
  Storage& s = *impl_->storage;
  const size_t bytes = static_cast<size_t>(size()) * 4;
  if (!s.memory().isHost()) ++transferStats().hostReads;
  s.memory().read(s.handle(), dst, bytes);
}

void Tensor::write(const void* values) const {
  prepareWrite(false);
  Storage& s = *impl_->storage;
  if (!s.memory().isHost()) ++transferStats().hostWrites;
  s.memory().write(s.handle(), values, static_cast<size_t>(size()) * 4);
  s.bumpVersion();
}

void Tensor::prepareWrite(bool keepValues) const {
  std::shared_ptr<Storage>& shared = impl_->storage;
  if (shared.use_count() <= 1 || shared->version() == 0) return;  // sole owner, or a fresh output
  auto own = std::make_shared<Storage>(shared->bytes(), shared->memory());
  if (keepValues) {
    shared->memory().copy(own->handle(), shared->handle(), shared->bytes());
    own->bumpVersion();
  }
  if (shared->persistent()) own->setPersistent();
  shared = std::move(own);
}

BufferKey Tensor::bufferKey() const {
  const Storage& s = *impl_->storage;
  return s.persistent() ? BufferKey{s.uid(), s.version()} : BufferKey{};
}

float Tensor::item() const {
  WL_CHECK(size() == 1, "item() needs a tensor with one element, got shape " << shapeStr(shape()));
  uint32_t bits = 0;
  readHost(&bits);
  if (dtype() == DType::Float32) {
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  int32_t i;
  std::memcpy(&i, &bits, 4);
  return static_cast<float>(i);
}

std::vector<float> Tensor::toVector() const {
  WL_CHECK(dtype() == DType::Float32, "toVector() needs a float32 tensor");
  std::vector<float> out(static_cast<size_t>(size()));
  readHost(out.data());
  return out;
}

std::vector<int32_t> Tensor::toInts() const {
  WL_CHECK(dtype() != DType::Float32, "toInts() needs an int32 or bool tensor");
  std::vector<int32_t> out(static_cast<size_t>(size()));
  readHost(out.data());
  return out;
}

Tensor Tensor::view(const Shape& shape) const {
  WL_CHECK(shapeSize(shape) == size(), "Cannot reshape a tensor of shape " << shapeStr(impl_->shape)
                                           << " (" << size() << " values) into shape " << shapeStr(shape));
  return Tensor(std::make_shared<TensorImpl>(shape, impl_->dtype, impl_->storage));
}

Tensor Tensor::clone() const {
  Tensor t = empty(shape(), dtype());
  KernelCall k("Copy", {dtype()});
  k.kernel<CopyKernel>()({k.in<uint32_t>(*this), k.out<uint32_t>(t), size()});
  return t;
}

Tensor hostEmpty(const Shape& shape, DType dtype) { return Tensor::emptyIn(shape, dtype, hostMemory()); }

Tensor hostView(const Tensor& x) {
  if (x.storage().memory().isHost()) return x;
  Tensor h = hostEmpty(x.shape(), x.dtype());
  x.readHost(h.data<void>());
  return h;
}

Tensor upload(const Tensor& host) {
  Memory& active = BackendRegistry::instance().active().memory();
  if (&host.storage().memory() == &active) return host;
  return Tensor::fromHost(host.shape(), host.dtype(), host.constData<void>());
}

}  // namespace wl

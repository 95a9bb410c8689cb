// Reference reductions and broadcasts (the two are each other's gradient).
#include <cstring>
#include <limits>

#include "core/kernel_registry.h"
#include "kernels/params.h"

namespace wl {
namespace {

template <typename T>
T initial(ReduceOp op) {
  switch (op) {
    case ReduceOp::Prod:
    case ReduceOp::All: return T(1);
    case ReduceOp::Max:
      return std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                  : std::numeric_limits<T>::lowest();
    case ReduceOp::Min:
      return std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity()
                                                  : std::numeric_limits<T>::max();
    default: return T(0);
  }
}

template <typename T>
T combine(ReduceOp op, T acc, T v) {
  switch (op) {
    case ReduceOp::Sum: return acc + v;
    case ReduceOp::Prod: return acc * v;
    case ReduceOp::Max: return v > acc || v != v ? v : acc;  // NaN propagates
    case ReduceOp::Min: return v < acc || v != v ? v : acc;
    case ReduceOp::All: return (acc != 0) && (v != 0);
    case ReduceOp::Any: return (acc != 0) || (v != 0);
  }
  return acc;
}

template <typename T>
void reduceLoop(const ReduceParams& p) {
  const T* x = static_cast<const T*>(p.x);
  T* out = static_cast<T*>(p.out);
  for (int64_t i = 0; i < p.outSize; ++i) out[i] = initial<T>(p.op);
  int64_t idx[kMaxRank] = {0};
  int64_t io = 0;
  for (int64_t i = 0; i < p.inSize; ++i) {
    out[io] = combine<T>(p.op, out[io], x[i]);
    for (int d = p.rank - 1; d >= 0; --d) {
      if (++idx[d] < p.inDims[d]) {
        io += p.outStrides[d];
        break;
      }
      io -= p.outStrides[d] * (p.inDims[d] - 1);
      idx[d] = 0;
    }
  }
}

void reduce(const ReduceParams& p) { reduceLoop<float>(p); }
void reduceInt(const ReduceParams& p) { reduceLoop<int32_t>(p); }

void argReduce(const ArgReduceParams& p) {
  for (int64_t r = 0; r < p.rows; ++r) {
    const float* x = p.x + r * p.cols;
    int64_t best = 0;
    for (int64_t c = 1; c < p.cols; ++c) {
      if (p.isMax ? x[c] > x[best] : x[c] < x[best]) best = c;
    }
    p.out[r] = static_cast<int32_t>(best);
  }
}

void cumsum(const CumsumParams& p) {
  for (int64_t o = 0; o < p.outer; ++o) {
    for (int64_t in = 0; in < p.inner; ++in) {
      const float* x = p.x + o * p.n * p.inner + in;
      float* y = p.out + o * p.n * p.inner + in;
      float acc = 0.f;
      for (int64_t k = 0; k < p.n; ++k) {
        int64_t j = p.reverse ? p.n - 1 - k : k;
        if (p.exclusive) {
          y[j * p.inner] = acc;
          acc += x[j * p.inner];
        } else {
          acc += x[j * p.inner];
          y[j * p.inner] = acc;
        }
      }
    }
  }
}

void broadcastTo(const BroadcastParams& p) {
  int64_t idx[kMaxRank] = {0};
  int64_t ix = 0;
  for (int64_t i = 0; i < p.size; ++i) {
    p.out[i] = p.x[ix];
    for (int d = p.rank - 1; d >= 0; --d) {
      if (++idx[d] < p.outDims[d]) {
        ix += p.xStrides[d];
        break;
      }
      ix -= p.xStrides[d] * (p.outDims[d] - 1);
      idx[d] = 0;
    }
  }
}

}  // namespace

WL_REGISTER_KERNEL("Reduce", "cpu", ReduceKernel, reduce);
WL_REGISTER_KERNEL("ReduceInt", "cpu", ReduceKernel, reduceInt);
WL_REGISTER_KERNEL("ArgReduce", "cpu", ArgReduceKernel, argReduce);
WL_REGISTER_KERNEL("Cumsum", "cpu", CumsumKernel, cumsum);
WL_REGISTER_KERNEL("BroadcastTo", "cpu", BroadcastKernel, broadcastTo);

}  // namespace wl

// Reference reductions and broadcasts (the two are each other's gradient).
#include <cstring>

#include "core/kernel_registry.h"
#include "kernels/params.h"

namespace wl {
namespace {

void sum(const ReduceParams& p) {
  std::memset(p.out, 0, static_cast<size_t>(p.outSize) * sizeof(float));
  int64_t idx[kMaxRank] = {0};
  int64_t io = 0;
  for (int64_t i = 0; i < p.inSize; ++i) {
    p.out[io] += p.x[i];
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

WL_REGISTER_KERNEL("Sum", "reference", ReduceKernel, sum);
WL_REGISTER_KERNEL("BroadcastTo", "reference", BroadcastKernel, broadcastTo);

}  // namespace wl

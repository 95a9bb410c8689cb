// Reference data-movement kernels: fill, copy, strided copy, gather, scatter-add.
#include <cstring>

#include "core/kernel_registry.h"
#include "kernels/params.h"

namespace wl {
namespace {

void fill(const FillParams& p) {
  for (int64_t i = 0; i < p.size; ++i) p.out[i] = p.bits;
}

void copy(const CopyParams& p) {
  if (p.size > 0 && p.x != p.out) std::memcpy(p.out, p.x, static_cast<size_t>(p.size) * 4);
}

void stridedCopy(const StridedCopyParams& p) {
  int64_t total = 1;
  for (int d = 0; d < p.rank; ++d) total *= p.dims[d];
  if (total == 0) return;
  int64_t idx[kMaxRank] = {0};
  int64_t is = p.srcOffset, id = p.dstOffset;
  for (int64_t i = 0; i < total; ++i) {
    p.dst[id] = p.src[is];
    for (int d = p.rank - 1; d >= 0; --d) {
      if (++idx[d] < p.dims[d]) {
        is += p.srcStrides[d];
        id += p.dstStrides[d];
        break;
      }
      is -= p.srcStrides[d] * (p.dims[d] - 1);
      id -= p.dstStrides[d] * (p.dims[d] - 1);
      idx[d] = 0;
    }
  }
}

void gather(const GatherParams& p) {
  *p.badAt = -1;
  for (int64_t k = 0; k < p.numIndices; ++k) {
    if (p.indices[k] < 0 || p.indices[k] >= p.axisDim) {
      *p.badAt = k;
      *p.badValue = p.indices[k];
      return;  // the op throws; out is discarded
    }
  }
  for (int64_t o = 0; o < p.outer; ++o) {
    for (int64_t k = 0; k < p.numIndices; ++k) {
      std::memcpy(p.out + (o * p.numIndices + k) * p.inner, p.x + (o * p.axisDim + p.indices[k]) * p.inner,
                  static_cast<size_t>(p.inner) * 4);
    }
  }
}

void scatterAdd(const ScatterAddParams& p) {
  for (int64_t o = 0; o < p.outer; ++o) {
    for (int64_t k = 0; k < p.numIndices; ++k) {
      const float* s = p.src + (o * p.numIndices + k) * p.inner;
      float* d = p.out + (o * p.axisDim + p.indices[k]) * p.inner;
      for (int64_t i = 0; i < p.inner; ++i) d[i] += s[i];
    }
  }
}

}  // namespace

WL_REGISTER_KERNEL("Fill", "cpu", FillKernel, fill);
WL_REGISTER_KERNEL("Copy", "cpu", CopyKernel, copy);
WL_REGISTER_KERNEL("StridedCopy", "cpu", StridedCopyKernel, stridedCopy);
WL_REGISTER_KERNEL("Gather", "cpu", GatherKernel, gather);
WL_REGISTER_KERNEL("ScatterAdd", "cpu", ScatterAddKernel, scatterAdd);

}  // namespace wl

// matMul and its gradient.
#include "ops/op_utils.h"

namespace wl {

Tensor matMul(const Tensor& a, const Tensor& b, bool transposeA, bool transposeB) {
  requireFloat("MatMul", a);
  requireFloat("MatMul", b);
  WL_CHECK((a.rank() == 2 || a.rank() == 3) && a.rank() == b.rank(),
           "matMul: both inputs must be of rank 2 or both of rank 3, got shapes " << shapeStr(a.shape()) << " and "
                                                                              << shapeStr(b.shape()));
  bool batched = a.rank() == 3;
  int64_t batchA = batched ? a.dim(0) : 1, batchB = batched ? b.dim(0) : 1;
  WL_CHECK(batchA == batchB || batchA == 1 || batchB == 1,
           "matMul: batch dimensions " << batchA << " and " << batchB << " do not match");
  int64_t m = transposeA ? a.dim(-1) : a.dim(-2);
  int64_t ka = transposeA ? a.dim(-2) : a.dim(-1);
  int64_t kb = transposeB ? b.dim(-1) : b.dim(-2);
  int64_t n = transposeB ? b.dim(-2) : b.dim(-1);
  WL_CHECK(ka == kb, "Error in matMul: inner shapes (" << ka << ") and (" << kb << ") of Tensors with shapes "
                                                       << shapeStr(a.shape()) << " and " << shapeStr(b.shape())
                                                       << " and transposeA=" << (transposeA ? "true" : "false")
                                                       << " and transposeB=" << (transposeB ? "true" : "false")
                                                       << " must match.");
  int64_t batch = std::max(batchA, batchB);
  Tensor c = Tensor::empty(batched ? Shape{batch, m, n} : Shape{m, n});
  MatMulParams p{};
  p.a = a.data<float>();
  p.b = b.data<float>();
  p.c = c.data<float>();
  p.batch = batch;
  p.m = m;
  p.n = n;
  p.k = ka;
  p.transposeA = transposeA;
  p.transposeB = transposeB;
  p.aBatchStride = batchA == 1 ? 0 : m * ka;
  p.bBatchStride = batchB == 1 ? 0 : ka * n;
  kernelFor<MatMulKernel>("MatMul")(p);
  recordOp("MatMul", {a, b}, c, [a, b, transposeA, transposeB](const Tensor& dy) -> std::vector<Tensor> {
    Tensor da, db;
    if (!transposeA && !transposeB) {
      da = matMul(dy, b, false, true);
      db = matMul(a, dy, true, false);
    } else if (!transposeA && transposeB) {
      da = matMul(dy, b, false, false);
      db = matMul(dy, a, true, false);
    } else if (transposeA && !transposeB) {
      da = matMul(b, dy, false, true);
      db = matMul(a, dy, false, false);
    } else {
      da = matMul(b, dy, true, true);
      db = matMul(dy, a, true, true);
    }
    // A broadcast batch of 1 receives the sum over the batch.
    return {sumTo(da, a.shape()), sumTo(db, b.shape())};
  });
  return c;
}

}  // namespace wl

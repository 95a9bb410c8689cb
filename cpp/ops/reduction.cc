// Reductions, broadcasting and reshapes: sum and broadcastTo are each other's gradient.
#include <algorithm>

#include "ops/op_utils.h"

namespace wl {

namespace {
std::vector<bool> reducedAxes(const char* op, int rank, const std::vector<int>& axes) {
  std::vector<bool> reduced(rank, axes.empty());
  for (int a : axes) {
    int axis = a < 0 ? a + rank : a;
    WL_CHECK(axis >= 0 && axis < rank, op << ": axis " << a << " is out of range for a tensor of rank " << rank);
    reduced[axis] = true;
  }
  return reduced;
}
}  // namespace

Tensor sum(const Tensor& x, std::vector<int> axes, bool keepDims) {
  requireFloat("Sum", x);
  requireRank("Sum", x);
  int rank = x.rank();
  std::vector<bool> reduced = reducedAxes("Sum", rank, axes);
  Shape kept(rank), outShape;
  for (int i = 0; i < rank; ++i) {
    kept[i] = reduced[i] ? 1 : x.shape()[i];
    if (!reduced[i] || keepDims) outShape.push_back(kept[i]);
  }
  Tensor y = Tensor::empty(outShape);
  ReduceParams p{};
  p.x = x.data<float>();
  p.out = y.data<float>();
  p.inSize = x.size();
  p.outSize = y.size();
  p.rank = rank;
  int64_t stride = 1;
  for (int i = rank - 1; i >= 0; --i) {
    p.inDims[i] = x.shape()[i];
    p.outStrides[i] = reduced[i] ? 0 : stride;
    stride *= kept[i];
  }
  kernelFor<ReduceKernel>("Sum")(p);
  recordOp("Sum", {x}, y, [x, kept](const Tensor& dy) -> std::vector<Tensor> {
    return {broadcastTo(reshape(dy, kept), x.shape())};
  });
  return y;
}

Tensor mean(const Tensor& x, std::vector<int> axes, bool keepDims) {
  int64_t count = x.size();
  if (!axes.empty()) {
    std::vector<bool> reduced = reducedAxes("Mean", x.rank(), axes);
    count = 1;
    for (int i = 0; i < x.rank(); ++i) count *= reduced[i] ? x.shape()[i] : 1;
  }
  // tfjs divides the sum by the count; keeping that order keeps results bit-close.
  return div(sum(x, axes, keepDims), Tensor::scalar(static_cast<float>(count)));
}

Tensor broadcastTo(const Tensor& x, const Shape& shape) {
  requireFloat("BroadcastTo", x);
  WL_CHECK(x.rank() <= static_cast<int>(shape.size()) && broadcastShapes(x.shape(), shape) == shape,
           "broadcastTo: cannot broadcast shape " << shapeStr(x.shape()) << " to " << shapeStr(shape));
  if (x.shape() == shape) return x;
  Tensor y = Tensor::empty(shape);
  WL_CHECK(y.rank() <= kMaxRank, "broadcastTo: rank " << y.rank() << " is not supported");
  BroadcastParams p{};
  p.x = x.data<float>();
  p.out = y.data<float>();
  p.size = y.size();
  p.rank = y.rank();
  for (int i = 0; i < p.rank; ++i) p.outDims[i] = shape[i];
  broadcastStrides(x.shape(), shape, p.xStrides);
  kernelFor<BroadcastKernel>("BroadcastTo")(p);
  recordOp("BroadcastTo", {x}, y, [x](const Tensor& dy) -> std::vector<Tensor> {
    return {sumTo(dy, x.shape())};
  });
  return y;
}

Tensor sumTo(const Tensor& dy, const Shape& shape) {
  if (dy.shape() == shape) return dy;
  int rank = dy.rank(), offset = rank - static_cast<int>(shape.size());
  WL_CHECK(offset >= 0, "sumTo: shape " << shapeStr(shape) << " has more dims than " << shapeStr(dy.shape()));
  std::vector<int> axes;
  for (int i = 0; i < rank; ++i) {
    if (i < offset || (shape[i - offset] == 1 && dy.shape()[i] != 1)) axes.push_back(i);
  }
  Tensor s = axes.empty() ? dy : sum(dy, axes, true);
  return reshape(s, shape);
}

Tensor reshape(const Tensor& x, const Shape& shape) {
  WL_CHECK(x.defined(), "reshape: the input tensor is undefined (was it disposed?)");
  Shape resolved = shape;
  int unknown = -1;
  int64_t known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      WL_CHECK(unknown < 0, "reshape: shape " << shapeStr(shape) << " can only have one -1 dimension");
      unknown = static_cast<int>(i);
    } else {
      WL_CHECK(shape[i] >= 0, "reshape: shape " << shapeStr(shape) << " has a negative dimension");
      known *= shape[i];
    }
  }
  if (unknown >= 0) {
    WL_CHECK(known > 0 && x.size() % known == 0,
             "reshape: cannot reshape a tensor of shape " << shapeStr(x.shape()) << " into " << shapeStr(shape));
    resolved[unknown] = x.size() / known;
  }
  if (resolved == x.shape()) return x;
  Tensor y = x.view(resolved);
  recordOp("Reshape", {x}, y, [x](const Tensor& dy) -> std::vector<Tensor> { return {reshape(dy, x.shape())}; });
  return y;
}

Tensor gatherRows(const Tensor& x, const Tensor& indices) {
  requireFloat("GatherRows", x);
  WL_CHECK(indices.defined() && indices.dtype() == DType::Int32 && indices.rank() == 1,
           "gatherRows: indices must be a 1-D int32 tensor");
  WL_CHECK(x.rank() >= 1, "gatherRows: x must have rank >= 1");
  int64_t rows = x.dim(0), rowSize = rows ? x.size() / rows : 0;
  const int32_t* idx = indices.data<int32_t>();
  for (int64_t i = 0; i < indices.size(); ++i) {
    WL_CHECK(idx[i] >= 0 && idx[i] < rows, "gatherRows: index " << idx[i] << " is out of range [0, " << rows << ")");
  }
  Shape outShape = x.shape();
  outShape[0] = indices.size();
  Tensor y = Tensor::empty(outShape);
  kernelFor<GatherRowsKernel>("GatherRows")({x.data<float>(), idx, y.data<float>(), indices.size(), rowSize});
  return y;
}

}  // namespace wl

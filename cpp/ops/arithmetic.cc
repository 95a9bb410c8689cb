// Elementwise arithmetic ops with broadcasting, and their gradients.
#include <algorithm>

#include "ops/op_utils.h"

namespace wl {

Shape broadcastShapes(const Shape& a, const Shape& b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    WL_CHECK(da == db || da == 1 || db == 1,
             "Operands could not be broadcast together with shapes " << shapeStr(a) << " and " << shapeStr(b)
                                                                     << ".");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

void broadcastStrides(const Shape& shape, const Shape& outShape, int64_t* strides) {
  size_t rank = outShape.size(), offset = rank - shape.size();
  int64_t stride = 1;
  for (size_t i = rank; i-- > 0;) {
    if (i < offset) {
      strides[i] = 0;
      continue;
    }
    int64_t d = shape[i - offset];
    strides[i] = (d == 1 && outShape[i] != 1) ? 0 : stride;
    stride *= d;
  }
}

Tensor zeros(const Shape& shape) { return Tensor::zeros(shape); }
Tensor ones(const Shape& shape) { return Tensor::full(shape, 1.f); }

namespace {

Tensor runBinary(const char* op, const Tensor& a, const Tensor& b) {
  requireFloat(op, a);
  requireFloat(op, b);
  Shape outShape = broadcastShapes(a.shape(), b.shape());
  Tensor out = Tensor::empty(outShape);
  WL_CHECK(out.rank() <= kMaxRank, op << ": rank " << out.rank() << " is not supported");
  BinaryParams p{};
  p.a = a.data<float>();
  p.b = b.data<float>();
  p.out = out.data<float>();
  p.size = out.size();
  p.rank = out.rank();
  p.sameShape = a.shape() == outShape && b.shape() == outShape;
  for (int i = 0; i < p.rank; ++i) p.outDims[i] = outShape[i];
  broadcastStrides(a.shape(), outShape, p.aStrides);
  broadcastStrides(b.shape(), outShape, p.bStrides);
  kernelFor<BinaryKernel>(op)(p);
  return out;
}

}  // namespace

Tensor runUnary(const char* op, const Tensor& x) {
  requireFloat(op, x);
  Tensor out = Tensor::empty(x.shape());
  kernelFor<UnaryKernel>(op)({x.data<float>(), out.data<float>(), x.size()});
  return out;
}

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor y = runBinary("Add", a, b);
  recordOp("Add", {a, b}, y, [a, b](const Tensor& dy) -> std::vector<Tensor> {
    return {sumTo(dy, a.shape()), sumTo(dy, b.shape())};
  });
  return y;
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor y = runBinary("Sub", a, b);
  recordOp("Sub", {a, b}, y, [a, b](const Tensor& dy) -> std::vector<Tensor> {
    return {sumTo(dy, a.shape()), sumTo(neg(dy), b.shape())};
  });
  return y;
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor y = runBinary("Mul", a, b);
  recordOp("Mul", {a, b}, y, [a, b](const Tensor& dy) -> std::vector<Tensor> {
    return {sumTo(mul(dy, b), a.shape()), sumTo(mul(dy, a), b.shape())};
  });
  return y;
}

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor y = runBinary("Div", a, b);
  recordOp("Div", {a, b}, y, [a, b](const Tensor& dy) -> std::vector<Tensor> {
    // d(a/b)/db = -a / b^2
    return {sumTo(div(dy, b), a.shape()), sumTo(neg(div(mul(dy, a), square(b))), b.shape())};
  });
  return y;
}

Tensor neg(const Tensor& x) {
  Tensor y = runUnary("Neg", x);
  recordOp("Neg", {x}, y, [](const Tensor& dy) -> std::vector<Tensor> { return {neg(dy)}; });
  return y;
}

Tensor square(const Tensor& x) {
  Tensor y = runUnary("Square", x);
  recordOp("Square", {x}, y, [x](const Tensor& dy) -> std::vector<Tensor> {
    return {mul(dy, mul(x, Tensor::scalar(2.f)))};
  });
  return y;
}

Tensor exp(const Tensor& x) {
  Tensor y = runUnary("Exp", x);
  recordOp("Exp", {x}, y, [y](const Tensor& dy) -> std::vector<Tensor> { return {mul(dy, y)}; });
  return y;
}

Tensor log(const Tensor& x) {
  Tensor y = runUnary("Log", x);
  recordOp("Log", {x}, y, [x](const Tensor& dy) -> std::vector<Tensor> { return {div(dy, x)}; });
  return y;
}

void axpyInPlace(float alpha, const Tensor& x, Tensor& y) {
  requireFloat("Axpy", x);
  requireFloat("Axpy", y);
  WL_CHECK(x.shape() == y.shape(),
           "Axpy: shapes " << shapeStr(x.shape()) << " and " << shapeStr(y.shape()) << " differ");
  kernelFor<AxpyKernel>("Axpy")({alpha, x.data<float>(), y.data<float>(), y.size()});
}

}  // namespace wl

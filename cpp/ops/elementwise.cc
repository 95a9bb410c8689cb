// Elementwise ops: unary math and activations, binary arithmetic with
// broadcasting, comparisons, logic, cast, where — and their gradients.
// Dtypes follow tfjs: binary ops upcast (bool < int32 < float32); comparisons
// return bool; float-only math on int32 inputs computes in float32.
#include <algorithm>

#include "ops/op_utils.h"
#include "ops/registry.h"

namespace wl {

// ---- shapes ----------------------------------------------------------------

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

// ---- creation and dtype ------------------------------------------------------

Tensor zeros(const Shape& shape, DType dtype) { return Tensor::zeros(shape, dtype); }
Tensor ones(const Shape& shape) { return Tensor::full(shape, 1.f); }
Tensor zerosLike(const Tensor& x) { return Tensor::zeros(x.shape(), x.dtype()); }

Tensor cast(const Tensor& x, DType dtype) {
  WL_CHECK(x.defined(), "cast: the input tensor is undefined (was it disposed?)");
  if (x.dtype() == dtype) return x;
  Tensor y = Tensor::empty(x.shape(), dtype);
  KernelCall k("Cast", {x.dtype()});
  k.kernel<CastKernel>()({k.in(x), k.out(y), x.size(), x.dtype() == DType::Float32, dtype == DType::Float32,
                          dtype == DType::Bool});
  // Only float -> float is differentiable; integer casts pass no gradient (as tfjs).
  if (x.dtype() == DType::Float32 || dtype == DType::Float32) {
    recordOp("Cast", {x}, y, [x](const Tensor& dy) -> std::vector<Tensor> {
      return {x.dtype() == DType::Float32 ? dy : Tensor()};
    });
  }
  return y;
}

DType upcast(DType a, DType b) {
  if (a == DType::Float32 || b == DType::Float32) return DType::Float32;
  if (a == DType::Int32 || b == DType::Int32) return DType::Int32;
  return DType::Bool;
}

// ---- unary -------------------------------------------------------------------

namespace {
bool hasIntKernel(UnaryOp op) {
  return op == UnaryOp::Neg || op == UnaryOp::Abs || op == UnaryOp::Sign || op == UnaryOp::Square;
}
bool returnsBool(UnaryOp op) { return op == UnaryOp::IsNaN || op == UnaryOp::IsFinite || op == UnaryOp::IsInf; }
bool gradNeedsOutput(UnaryOp op) {
  return op == UnaryOp::Sqrt || op == UnaryOp::Exp || op == UnaryOp::Elu || op == UnaryOp::Sigmoid ||
         op == UnaryOp::Tanh;
}
}  // namespace

namespace {
// unaryGradScalar (kernels/elementwise_ops.h) written with ops: differentiable again.
Tensor unaryGradWithOps(UnaryOp op, const Tensor& x, const Tensor& y, const Tensor& dy, float alpha, float beta) {
  auto c = [](float v) { return Tensor::scalar(v); };
  auto mask = [](const Tensor& cond) { return cast(cond, DType::Float32); };
  auto u = [](UnaryOp o, const Tensor& t) { return unary(o, t); };
  auto gt = [](const Tensor& a, const Tensor& b) { return binary(BinaryOp::Greater, a, b); };
  const Tensor zero = c(0.f), one = c(1.f);
  switch (op) {
    case UnaryOp::Neg: return neg(dy);
    // step(x) rather than a comparison: it records (gradient zero), so x stays
    // connected as in tfjs (variableGrads lists it, with zeros).
    case UnaryOp::Abs: return mul(dy, sub(mul(c(2.f), u(UnaryOp::Step, x)), one));
    case UnaryOp::Square: return mul(dy, mul(c(2.f), x));
    case UnaryOp::Sqrt: return div(dy, mul(c(2.f), y));
    case UnaryOp::Rsqrt: return div(dy, mul(c(-2.f), mul(x, sqrt(x))));
    case UnaryOp::Reciprocal: return neg(div(dy, square(x)));
    case UnaryOp::Exp: return mul(dy, y);
    case UnaryOp::Expm1: return mul(dy, exp(x));
    case UnaryOp::Log: return div(dy, x);
    case UnaryOp::Log1p: return div(dy, add(one, x));
    case UnaryOp::Relu: return mul(dy, u(UnaryOp::Step, x));
    case UnaryOp::Relu6: return mul(dy, mul(mask(gt(x, zero)), mask(binary(BinaryOp::LessEqual, x, c(6.f)))));
    case UnaryOp::Elu: return where(binary(BinaryOp::GreaterEqual, y, zero), dy, mul(dy, add(y, one)));
    case UnaryOp::Selu:
      return where(gt(x, zero), mul(dy, c(kSeluScale)), mul(dy, mul(c(kSeluScale * kSeluAlpha), exp(x))));
    case UnaryOp::LeakyRelu: return where(gt(x, zero), dy, mul(dy, c(alpha)));
    case UnaryOp::Sigmoid: return mul(dy, mul(y, sub(one, y)));
    case UnaryOp::LogSigmoid: return mul(dy, sigmoid(neg(x)));
    case UnaryOp::Softplus: return mul(dy, sigmoid(x));
    case UnaryOp::Softsign: return div(dy, square(add(one, abs(x))));
    case UnaryOp::Tanh: return mul(dy, sub(one, square(y)));
    case UnaryOp::Sin: return mul(dy, u(UnaryOp::Cos, x));
    case UnaryOp::Cos: return neg(mul(dy, u(UnaryOp::Sin, x)));
    case UnaryOp::Tan: return div(dy, square(u(UnaryOp::Cos, x)));
    case UnaryOp::Asin: return div(dy, sqrt(sub(one, square(x))));
    case UnaryOp::Acos: return neg(div(dy, sqrt(sub(one, square(x)))));
    case UnaryOp::Atan: return div(dy, add(one, square(x)));
    case UnaryOp::Sinh: return mul(dy, u(UnaryOp::Cosh, x));
    case UnaryOp::Cosh: return mul(dy, u(UnaryOp::Sinh, x));
    case UnaryOp::Asinh: return div(dy, sqrt(add(one, square(x))));
    case UnaryOp::Acosh: return div(dy, sqrt(sub(square(x), one)));
    case UnaryOp::Atanh: return div(dy, sub(one, square(x)));
    case UnaryOp::Erf: return mul(dy, mul(c(1.1283791670955126f), exp(neg(square(x)))));
    case UnaryOp::ClipByValue:
      return mul(dy, mul(mask(binary(BinaryOp::GreaterEqual, x, c(alpha))),
                         mask(binary(BinaryOp::LessEqual, x, c(beta)))));
    default: return zerosLike(x);  // piecewise constant: Sign, Round, Floor, Ceil, Step
  }
}
}  // namespace

Tensor unary(UnaryOp op, const Tensor& xIn, float alpha, float beta) {
  WL_CHECK(xIn.defined(), "The input tensor is undefined (was it disposed?)");
  if (xIn.dtype() != DType::Float32 && hasIntKernel(op)) {
    Tensor x = cast(xIn, DType::Int32);
    Tensor y = Tensor::empty(x.shape(), DType::Int32);
    KernelCall k("UnaryInt", {DType::Int32});
    k.kernel<UnaryKernel>()({op, alpha, beta, k.in(x), k.out(y), x.size()});
    return y;
  }
  Tensor x = cast(xIn, DType::Float32);
  Tensor y = Tensor::empty(x.shape());
  KernelCall k("Unary");
  k.kernel<UnaryKernel>()({op, alpha, beta, k.in(x), k.out(y), x.size()});
  if (returnsBool(op)) return cast(y, DType::Bool);
  recordOp("Unary", {x}, y, [op, x, y, alpha, beta](const Tensor& dy) -> std::vector<Tensor> {
    // Under an outer tape (a gradient of this gradient) the derivative is written
    // with ops, which record; otherwise one UnaryGrad kernel pass.
    if (activeTape() != nullptr) return {unaryGradWithOps(op, x, y, dy, alpha, beta)};
    Tensor dx = Tensor::empty(x.shape());
    KernelCall k("UnaryGrad");
    k.kernel<UnaryGradKernel>()({op, alpha, beta, k.in<float>(x), gradNeedsOutput(op) ? k.in<float>(y) : nullptr,
                                 k.in<float>(dy), k.out<float>(dx), x.size()});
    return {dx};
  });
  return y;
}

// ---- binary ------------------------------------------------------------------

namespace {

Tensor runBinaryKernel(BinaryOp op, const Tensor& a, const Tensor& b, DType computeType) {
  Shape outShape = broadcastShapes(a.shape(), b.shape());
  WL_CHECK(static_cast<int>(outShape.size()) <= kMaxRank, "Binary ops support tensors up to rank " << kMaxRank);
  DType outType = isComparison(op) ? DType::Bool : computeType;
  Tensor out = Tensor::empty(outShape, outType);
  KernelCall k(computeType == DType::Float32 ? "Binary" : "BinaryInt", {computeType, static_cast<int>(outShape.size())});
  BinaryParams p{};
  p.op = op;
  p.a = k.in(a);
  p.b = k.in(b);
  p.out = k.out(out);
  p.size = out.size();
  p.rank = static_cast<int>(outShape.size());
  p.sameShape = a.shape() == outShape && b.shape() == outShape;
  for (int i = 0; i < p.rank; ++i) p.outDims[i] = outShape[i];
  broadcastStrides(a.shape(), outShape, p.aStrides);
  broadcastStrides(b.shape(), outShape, p.bStrides);
  k.kernel<BinaryKernel>()(p);
  return out;
}

const char* binaryName(BinaryOp op) {
  static const char* names[] = {"add", "sub", "mul", "div", "divNoNan", "floorDiv", "mod", "pow", "maximum",
                                "minimum", "squaredDifference", "atan2", "equal", "notEqual", "less",
                                "lessEqual", "greater", "greaterEqual", "logicalAnd", "logicalOr", "logicalXor"};
  return names[static_cast<int>(op)];
}

Tensor boolMask(const Tensor& cond) { return cast(cond, DType::Float32); }

// d/da and d/db of op at (a, b, y), before reducing over broadcast axes.
std::vector<Tensor> binaryGrad(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& y, const Tensor& dy) {
  switch (op) {
    case BinaryOp::Add: return {dy, dy};
    case BinaryOp::Sub: return {dy, neg(dy)};
    case BinaryOp::Mul: return {mul(dy, b), mul(dy, a)};
    case BinaryOp::Div: return {div(dy, b), neg(div(mul(dy, a), square(b)))};
    case BinaryOp::DivNoNan: {
      Tensor nonzero = boolMask(binary(BinaryOp::NotEqual, b, zerosLike(b)));
      Tensor safeB = add(b, sub(Tensor::scalar(1.f), nonzero));  // 1 where b == 0
      return {mul(div(dy, safeB), nonzero), mul(neg(div(mul(dy, a), square(safeB))), nonzero)};
    }
    case BinaryOp::Mod: return {dy, mul(dy, neg(unary(UnaryOp::Floor, div(a, b))))};
    case BinaryOp::Pow: {
      // d/da = b * a^(b-1); d/db = y * log(a) where a > 0
      Tensor da = mul(dy, mul(b, binary(BinaryOp::Pow, a, sub(b, Tensor::scalar(1.f)))));
      Tensor positive = binary(BinaryOp::Greater, a, zerosLike(a));
      Tensor logA = where(positive, unary(UnaryOp::Log, where(positive, a, ones(a.shape()))), zerosLike(a));
      return {da, mul(dy, mul(y, logA))};
    }
    case BinaryOp::Maximum:
      return {mul(dy, boolMask(binary(BinaryOp::GreaterEqual, a, b))), mul(dy, boolMask(binary(BinaryOp::Less, a, b)))};
    case BinaryOp::Minimum:
      return {mul(dy, boolMask(binary(BinaryOp::LessEqual, a, b))), mul(dy, boolMask(binary(BinaryOp::Greater, a, b)))};
    case BinaryOp::SquaredDifference: {
      Tensor d = mul(dy, mul(Tensor::scalar(2.f), sub(a, b)));
      return {d, neg(d)};
    }
    case BinaryOp::Atan2: {
      Tensor denom = add(square(a), square(b));
      return {mul(dy, div(b, denom)), mul(dy, neg(div(a, denom)))};
    }
    default: return {Tensor(), Tensor()};  // FloorDiv and comparisons: no gradient (as tfjs)
  }
}

}  // namespace

Tensor binary(BinaryOp op, const Tensor& aIn, const Tensor& bIn) {
  const char* name = binaryName(op);
  WL_CHECK(aIn.defined() && bIn.defined(), name << ": an input tensor is undefined (was it disposed?)");
  if (op >= BinaryOp::LogicalAnd) {
    WL_CHECK(aIn.dtype() == DType::Bool && bIn.dtype() == DType::Bool,
             name << ": both inputs must be bool tensors, got " << dtypeName(aIn.dtype()) << " and "
                  << dtypeName(bIn.dtype()));
    return runBinaryKernel(op, aIn, bIn, DType::Int32);
  }
  DType type = upcast(aIn.dtype(), bIn.dtype());
  if (type == DType::Bool) type = DType::Int32;
  Tensor a = cast(aIn, type), b = cast(bIn, type);
  Tensor y = runBinaryKernel(op, a, b, type);
  if (op == BinaryOp::FloorDiv) return cast(y, DType::Int32);  // tfjs: floorDiv is always int32
  if (type == DType::Float32 && !isComparison(op) && op != BinaryOp::FloorDiv) {
    recordOp("Binary", {a, b}, y, [op, a, b, y](const Tensor& dy) -> std::vector<Tensor> {
      std::vector<Tensor> g = binaryGrad(op, a, b, y, dy);
      return {g[0].defined() ? sumTo(g[0], a.shape()) : Tensor(), g[1].defined() ? sumTo(g[1], b.shape()) : Tensor()};
    });
  }
  return y;
}

Tensor where(const Tensor& cond, const Tensor& aIn, const Tensor& bIn) {
  WL_CHECK(cond.defined() && aIn.defined() && bIn.defined(), "where: an input tensor is undefined (was it disposed?)");
  WL_CHECK(cond.dtype() == DType::Bool, "where: the condition must be a bool tensor, got " << dtypeName(cond.dtype()));
  DType type = upcast(aIn.dtype(), bIn.dtype());
  Tensor a = cast(aIn, type), b = cast(bIn, type);
  Shape shape = broadcastShapes(broadcastShapes(cond.shape(), a.shape()), b.shape());
  Tensor c = broadcastTo(cond, shape), ab = broadcastTo(a, shape), bb = broadcastTo(b, shape);
  Tensor y = Tensor::empty(shape, type);
  KernelCall k("Select", {type});
  k.kernel<SelectKernel>()({k.in<int32_t>(c), k.in<uint32_t>(ab), k.in<uint32_t>(bb), k.out<uint32_t>(y), y.size()});
  if (type == DType::Float32) {
    recordOp("Select", {ab, bb}, y, [c](const Tensor& dy) -> std::vector<Tensor> {
      Tensor z = zerosLike(dy);
      return {where(c, dy, z), where(c, z, dy)};
    });
  }
  return y;
}

Tensor prelu(const Tensor& x, const Tensor& alpha) {
  // y = x > 0 ? x : alpha * x, alpha broadcast against x.
  Tensor positive = binary(BinaryOp::Greater, x, zerosLike(x));
  return where(positive, x, mul(alpha, x));
}

Tensor clipByValue(const Tensor& x, float lo, float hi) {
  WL_CHECK(lo <= hi, "clipByValue: clipValueMin (" << lo << ") must be <= clipValueMax (" << hi << ").");
  return unary(UnaryOp::ClipByValue, x, lo, hi);
}

Tensor addN(const std::vector<Tensor>& xs) {
  WL_CHECK(!xs.empty(), "addN: must pass at least one tensor");
  for (const Tensor& x : xs) {
    WL_CHECK(x.defined() && x.shape() == xs[0].shape() && x.dtype() == xs[0].dtype(),
             "addN: all tensors must have the same shape and dtype, got " << shapeStr(xs[0].shape()) << " and "
                                                                           << shapeStr(x.shape()));
  }
  Tensor acc = xs[0];
  for (size_t i = 1; i < xs.size(); ++i) acc = add(acc, xs[i]);
  return xs.size() == 1 ? mul(acc, Tensor::scalar(1.f)) : acc;
}

void axpyInPlace(float alpha, const Tensor& x, Tensor& y) {
  requireFloat("Axpy", x);
  requireFloat("Axpy", y);
  WL_CHECK(x.shape() == y.shape(),
           "Axpy: shapes " << shapeStr(x.shape()) << " and " << shapeStr(y.shape()) << " differ");
  KernelCall k("Axpy");
  k.kernel<AxpyKernel>()({alpha, k.in<float>(x), k.out<float>(y), y.size()});
}

void assignInPlace(const Tensor& target, const Tensor& value) {
  WL_CHECK(target.defined() && value.defined(), "assign: a tensor is undefined (was it disposed?)");
  WL_CHECK(target.size() == value.size() && target.dtype() == value.dtype(),
           "assign: cannot write a " << dtypeName(value.dtype()) << " tensor of shape " << shapeStr(value.shape())
                                     << " into a " << dtypeName(target.dtype()) << " tensor of shape "
                                     << shapeStr(target.shape()));
  if (value.sharesStorageWith(target)) return;
  KernelCall k("Copy", {target.dtype()});
  k.kernel<CopyKernel>()({k.in<uint32_t>(value), k.out<uint32_t>(target), target.size()});
}

void adamUpdateInPlace(Tensor& w, const Tensor& g, Tensor& m, Tensor& v, double beta1, double beta2, double c1,
                       double c2, double lr, double epsilon, double decay) {
  for (const Tensor* t : std::initializer_list<const Tensor*>{&w, &g, &m, &v}) {
    requireFloat("AdamUpdate", *t);
    WL_CHECK(t->shape() == w.shape(), "AdamUpdate: shapes " << shapeStr(t->shape()) << " and "
                                                            << shapeStr(w.shape()) << " differ");
  }
  // Scalars rounded to float32 exactly as the composed ops' scalar tensors were.
  auto f = [](double x) { return static_cast<float>(x); };
  KernelCall k("AdamUpdate");
  k.kernel<AdamKernel>()({k.out<float>(w), k.out<float>(m), k.out<float>(v), k.in<float>(g), w.size(), f(beta1),
                          f(1 - beta1), f(beta2), f(1 - beta2), f(c1), f(c2), f(-lr), f(epsilon), f(decay)});
}

// ---- registration --------------------------------------------------------------

namespace {
const bool registered = [] {
  auto& reg = OpRegistry::instance();
  static const std::pair<const char*, UnaryOp> unaries[] = {
      {"neg", UnaryOp::Neg},          {"abs", UnaryOp::Abs},         {"sign", UnaryOp::Sign},
      {"square", UnaryOp::Square},    {"sqrt", UnaryOp::Sqrt},       {"rsqrt", UnaryOp::Rsqrt},
      {"reciprocal", UnaryOp::Reciprocal}, {"exp", UnaryOp::Exp},    {"expm1", UnaryOp::Expm1},
      {"log", UnaryOp::Log},          {"log1p", UnaryOp::Log1p},     {"round", UnaryOp::Round},
      {"floor", UnaryOp::Floor},      {"ceil", UnaryOp::Ceil},       {"relu", UnaryOp::Relu},
      {"relu6", UnaryOp::Relu6},      {"elu", UnaryOp::Elu},         {"selu", UnaryOp::Selu},
      {"sigmoid", UnaryOp::Sigmoid},  {"logSigmoid", UnaryOp::LogSigmoid}, {"softplus", UnaryOp::Softplus},
      {"softsign", UnaryOp::Softsign}, {"tanh", UnaryOp::Tanh},      {"sin", UnaryOp::Sin},
      {"cos", UnaryOp::Cos},          {"tan", UnaryOp::Tan},         {"asin", UnaryOp::Asin},
      {"acos", UnaryOp::Acos},        {"atan", UnaryOp::Atan},       {"sinh", UnaryOp::Sinh},
      {"cosh", UnaryOp::Cosh},        {"asinh", UnaryOp::Asinh},     {"acosh", UnaryOp::Acosh},
      {"atanh", UnaryOp::Atanh},      {"erf", UnaryOp::Erf},         {"isNaN", UnaryOp::IsNaN},
      {"isFinite", UnaryOp::IsFinite}, {"isInf", UnaryOp::IsInf},
  };
  for (const auto& [name, op] : unaries) {
    UnaryOp code = op;
    reg.add(name, 1, [code](const std::vector<Tensor>& in, const Attrs&) -> std::vector<Tensor> {
      return {unary(code, in[0])};
    });
  }
  reg.add("leakyRelu", 1, [](const std::vector<Tensor>& in, const Attrs& at) -> std::vector<Tensor> {
    return {unary(UnaryOp::LeakyRelu, in[0], static_cast<float>(at.getFloat("alpha", 0.2)))};
  });
  reg.add("step", 1, [](const std::vector<Tensor>& in, const Attrs& at) -> std::vector<Tensor> {
    return {unary(UnaryOp::Step, in[0], static_cast<float>(at.getFloat("alpha", 0.0)))};
  });
  reg.add("clipByValue", 1, [](const std::vector<Tensor>& in, const Attrs& at) -> std::vector<Tensor> {
    return {clipByValue(in[0], static_cast<float>(at.getFloat("clipValueMin")),
                        static_cast<float>(at.getFloat("clipValueMax")))};
  });
  for (int i = 0; i <= static_cast<int>(BinaryOp::LogicalXor); ++i) {
    BinaryOp code = static_cast<BinaryOp>(i);
    reg.add(binaryName(code), 2, [code](const std::vector<Tensor>& in, const Attrs&) -> std::vector<Tensor> {
      return {binary(code, in[0], in[1])};
    });
  }
  reg.add("logicalNot", 1, [](const std::vector<Tensor>& in, const Attrs&) -> std::vector<Tensor> {
    WL_CHECK(in[0].dtype() == DType::Bool, "logicalNot: the input must be a bool tensor, got "
                                               << dtypeName(in[0].dtype()));
    return {binary(BinaryOp::Equal, cast(in[0], DType::Int32), Tensor::zeros({}, DType::Int32))};
  });
  reg.add("where", 3, [](const std::vector<Tensor>& in, const Attrs&) -> std::vector<Tensor> {
    return {where(in[0], in[1], in[2])};
  });
  reg.add("prelu", 2, [](const std::vector<Tensor>& in, const Attrs&) -> std::vector<Tensor> {
    return {prelu(in[0], in[1])};
  });
  reg.add("addN", -1, [](const std::vector<Tensor>& in, const Attrs&) -> std::vector<Tensor> { return {addN(in)}; });
  reg.add("cast", 1, [](const std::vector<Tensor>& in, const Attrs& at) -> std::vector<Tensor> {
    Tensor y = cast(in[0], parseDType(at.getString("dtype", "float32")));
    if (y.id() != in[0].id()) return {y};
    // Same dtype: a new tensor that shares the storage and passes the gradient through.
    Tensor x = in[0], out = x.view(x.shape());
    if (x.dtype() == DType::Float32) {
      recordOp("Identity", {x}, out, [](const Tensor& dy) -> std::vector<Tensor> { return {dy}; });
    }
    return {out};
  });
  return true;
}();
}  // namespace

}  // namespace wl

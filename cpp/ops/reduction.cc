// Reductions (sum, mean, max, min, prod, all, any, argMax/argMin, cumsum and the
// composites logSumExp, moments, norm) and their gradients.
#include <algorithm>
#include <cmath>

#include "ops/op_utils.h"
#include "ops/registry.h"
#include "ops/shape_ops.h"

namespace wl {

std::vector<bool> reducedAxes(const char* op, int rank, const std::vector<int>& axes) {
  std::vector<bool> reduced(rank, axes.empty());
  for (int a : axes) {
    int axis = a < 0 ? a + rank : a;
    WL_CHECK(axis >= 0 && axis < rank, op << ": axis " << a << " is out of range for a tensor of rank " << rank);
    reduced[axis] = true;
  }
  return reduced;
}

namespace {

// Runs a reduction kernel; `kept` receives the output shape with reduced dims as 1.
Tensor runReduce(const char* op, ReduceOp code, const Tensor& x, const std::vector<int>& axes, bool keepDims,
                 Shape* keptOut) {
  requireRank(op, x);
  int rank = x.rank();
  std::vector<bool> reduced = reducedAxes(op, rank, axes);
  Shape kept(rank), outShape;
  for (int i = 0; i < rank; ++i) {
    kept[i] = reduced[i] ? 1 : x.shape()[i];
    if (!reduced[i] || keepDims) outShape.push_back(kept[i]);
  }
  bool isFloat = x.dtype() == DType::Float32;
  DType outType = (code == ReduceOp::All || code == ReduceOp::Any) ? DType::Bool : x.dtype();
  Tensor y = Tensor::empty(outShape, outType);
  KernelCall k(isFloat ? "Reduce" : "ReduceInt", {x.dtype(), rank});
  ReduceParams p{};
  p.op = code;
  p.x = k.in(x);
  p.out = k.out(y);
  p.inSize = x.size();
  p.outSize = y.size();
  p.rank = rank;
  int64_t stride = 1;
  for (int i = rank - 1; i >= 0; --i) {
    p.inDims[i] = x.shape()[i];
    p.outStrides[i] = reduced[i] ? 0 : stride;
    stride *= kept[i];
  }
  k.kernel<ReduceKernel>()(p);
  if (keptOut) *keptOut = kept;
  return y;
}

Tensor numericInput(const char* op, const Tensor& x) {
  WL_CHECK(x.defined(), op << ": the input tensor is undefined (was it disposed?)");
  return x.dtype() == DType::Bool ? cast(x, DType::Int32) : x;
}

}  // namespace

Tensor sum(const Tensor& xIn, std::vector<int> axes, bool keepDims) {
  Tensor x = numericInput("sum", xIn);
  Shape kept;
  Tensor y = runReduce("sum", ReduceOp::Sum, x, axes, keepDims, &kept);
  if (x.dtype() == DType::Float32) {
    recordOp("Sum", {x}, y, [x, kept](const Tensor& dy) -> std::vector<Tensor> {
      return {broadcastTo(reshape(dy, kept), x.shape())};
    });
  }
  return y;
}

Tensor mean(const Tensor& xIn, std::vector<int> axes, bool keepDims) {
  Tensor x = cast(xIn, DType::Float32);
  std::vector<bool> reduced = reducedAxes("mean", x.rank(), axes);
  int64_t count = 1;
  for (int i = 0; i < x.rank(); ++i) count *= reduced[i] ? x.shape()[i] : 1;
  // tfjs divides the sum by the count; keeping that order keeps results bit-close.
  // The mean of nothing is 0 in tfjs (it scales before summing), not NaN.
  return div(sum(x, axes, keepDims), Tensor::scalar(static_cast<float>(count == 0 ? 1 : count)));
}

namespace {
Tensor extremum(const char* op, ReduceOp code, const Tensor& xIn, const std::vector<int>& axes, bool keepDims) {
  Tensor x = numericInput(op, xIn);
  Shape kept;
  Tensor y = runReduce(op, code, x, axes, keepDims, &kept);
  if (x.size() == 0 && y.size() > 0 && x.dtype() == DType::Float32) {
    y = Tensor::full(y.shape(), std::nanf(""));  // tfjs: max/min of nothing is NaN
  }
  if (x.dtype() == DType::Float32) {
    recordOp(op, {x}, y, [x, y, kept](const Tensor& dy) -> std::vector<Tensor> {
      // The gradient flows to every element equal to the extremum (as tfjs).
      Tensor mask = cast(binary(BinaryOp::Equal, x, reshape(y, kept)), DType::Float32);
      return {mul(mask, reshape(dy, kept))};
    });
  }
  return y;
}
}  // namespace

Tensor max(const Tensor& x, std::vector<int> axes, bool keepDims) {
  return extremum("max", ReduceOp::Max, x, axes, keepDims);
}
Tensor min(const Tensor& x, std::vector<int> axes, bool keepDims) {
  return extremum("min", ReduceOp::Min, x, axes, keepDims);
}

Tensor prod(const Tensor& xIn, std::vector<int> axes, bool keepDims) {
  Tensor x = numericInput("prod", xIn);
  Shape kept;
  Tensor y = runReduce("prod", ReduceOp::Prod, x, axes, keepDims, &kept);
  if (x.dtype() == DType::Float32) {
    recordOp("Prod", {x}, y, [x, y, kept](const Tensor& dy) -> std::vector<Tensor> {
      // d(prod)/dx_i = prod / x_i (for nonzero x; zeros get the product of the others
      // only when they are the single zero — a documented simplification).
      return {mul(reshape(dy, kept), div(reshape(y, kept), x))};
    });
  }
  return y;
}

Tensor logicalReduce(const char* op, ReduceOp code, const Tensor& x, const std::vector<int>& axes, bool keepDims) {
  WL_CHECK(x.defined() && x.dtype() == DType::Bool, op << ": the input must be a bool tensor, got "
                                                       << (x.defined() ? dtypeName(x.dtype()) : "undefined"));
  Tensor y = runReduce(op, code, x, axes, keepDims, nullptr);
  if (x.size() == 0) y = Tensor::zeros(y.shape(), y.dtype());  // tfjs: all/any of nothing is false
  return y;
}

Tensor argReduce(const char* op, bool isMax, const Tensor& xIn, int axis) {
  Tensor x = cast(numericInput(op, xIn), DType::Float32);
  int rank = x.rank();
  WL_CHECK(rank >= 1, op << ": needs a tensor of rank >= 1");
  int a = axis < 0 ? axis + rank : axis;
  WL_CHECK(a >= 0 && a < rank, op << ": axis " << axis << " is out of range for a tensor of rank " << rank);
  std::vector<int64_t> perm;
  for (int i = 0; i < rank; ++i) {
    if (i != a) perm.push_back(i);
  }
  perm.push_back(a);
  Tensor xt = a == rank - 1 ? x : transpose(x, perm);
  Shape outShape(xt.shape().begin(), xt.shape().end() - 1);
  Tensor y = Tensor::empty(outShape, DType::Int32);
  int64_t cols = xt.dim(-1);
  WL_CHECK(cols > 0, op << ": cannot reduce an empty axis");
  KernelCall k("ArgReduce");
  k.kernel<ArgReduceKernel>()({isMax, k.in<float>(xt), k.out<int32_t>(y), xt.size() / cols, cols});
  return y;
}

Tensor cumsum(const Tensor& xIn, int axis, bool exclusive, bool reverse) {
  Tensor x = cast(xIn, DType::Float32);
  int rank = x.rank();
  int a = axis < 0 ? axis + rank : axis;
  WL_CHECK(a >= 0 && a < rank, "cumsum: axis " << axis << " is out of range for a tensor of rank " << rank);
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < a; ++i) outer *= x.shape()[i];
  for (int i = a + 1; i < rank; ++i) inner *= x.shape()[i];
  Tensor y = Tensor::empty(x.shape());
  KernelCall k("Cumsum");
  k.kernel<CumsumKernel>()({k.in<float>(x), k.out<float>(y), outer, x.shape()[a], inner, exclusive, reverse});
  recordOp("Cumsum", {x}, y, [axis, exclusive, reverse](const Tensor& dy) -> std::vector<Tensor> {
    return {cumsum(dy, axis, exclusive, !reverse)};
  });
  return y;
}

Tensor logSumExp(const Tensor& xIn, std::vector<int> axes, bool keepDims) {
  Tensor x = cast(xIn, DType::Float32);
  if (x.size() == 0) return max(x, axes, keepDims);  // NaN, as tfjs
  Tensor m = max(x, axes, true);
  Tensor safeM = where(unary(UnaryOp::IsFinite, m), m, zerosLike(m));
  Tensor out = add(log(sum(exp(sub(x, safeM)), axes, true)), safeM);
  if (keepDims) return out;
  Shape s;
  std::vector<bool> reduced = reducedAxes("logSumExp", x.rank(), axes);
  for (int i = 0; i < x.rank(); ++i) {
    if (!reduced[i]) s.push_back(x.shape()[i]);
  }
  return reshape(out, s);
}

std::vector<Tensor> moments(const Tensor& xIn, std::vector<int> axes, bool keepDims) {
  Tensor x = cast(xIn, DType::Float32);
  Tensor m = mean(x, axes, true);
  Tensor variance = mean(square(sub(x, m)), axes, keepDims);
  return {keepDims ? m : mean(x, axes, false), variance};
}

Tensor norm(const Tensor& xIn, const std::string& ord, std::vector<int> axes, bool keepDims) {
  Tensor x = cast(xIn, DType::Float32);
  if (axes.size() == 2 && (ord == "1" || ord == "Infinity" || ord == "-Infinity")) {
    // Matrix norms (tfjs): 1 = max column sum of |x|, Infinity = max row sum, -Infinity = min row sum.
    int a0 = axes[0] < 0 ? axes[0] + x.rank() : axes[0], a1 = axes[1] < 0 ? axes[1] + x.rank() : axes[1];
    Tensor colSums = sum(abs(x), {ord == "1" ? a0 : a1}, true);
    int other = ord == "1" ? a1 : a0;
    Tensor r = ord == "-Infinity" ? min(colSums, {other}, true) : max(colSums, {other}, true);
    if (keepDims) return r;
    Shape s;
    for (int i = 0; i < x.rank(); ++i) {
      if (i != a0 && i != a1) s.push_back(x.shape()[i]);
    }
    return reshape(r, s);
  }
  if (ord == "euclidean" || ord == "fro" || ord == "2") return sqrt(sum(square(x), axes, keepDims));
  if (ord == "1") return sum(abs(x), axes, keepDims);
  if (ord == "Infinity") return max(abs(x), axes, keepDims);
  if (ord == "-Infinity") return min(abs(x), axes, keepDims);
  throw Error("norm: unsupported ord '" + ord + "'. Supported: 'euclidean', 'fro', 1, 2, Infinity, -Infinity");
}

namespace {
const bool registered = [] {
  auto& reg = OpRegistry::instance();
  using In = const std::vector<Tensor>&;
  reg.add("sum", 1, [](In in, const Attrs& at) -> std::vector<Tensor> {
    return {sum(in[0], at.getAxes("axis"), at.getBool("keepDims", false))};
  });
  reg.add("mean", 1, [](In in, const Attrs& at) -> std::vector<Tensor> {
    return {mean(in[0], at.getAxes("axis"), at.getBool("keepDims", false))};
  });
  reg.add("max", 1, [](In in, const Attrs& at) -> std::vector<Tensor> {
    return {max(in[0], at.getAxes("axis"), at.getBool("keepDims", false))};
  });
  reg.add("min", 1, [](In in, const Attrs& at) -> std::vector<Tensor> {
    return {min(in[0], at.getAxes("axis"), at.getBool("keepDims", false))};
  });
  reg.add("prod", 1, [](In in, const Attrs& at) -> std::vector<Tensor> {
    return {prod(in[0], at.getAxes("axis"), at.getBool("keepDims", false))};
  });
  reg.add("all", 1, [](In in, const Attrs& at) -> std::vector<Tensor> {
    return {logicalReduce("all", ReduceOp::All, in[0], at.getAxes("axis"), at.getBool("keepDims", false))};
  });
  reg.add("any", 1, [](In in, const Attrs& at) -> std::vector<Tensor> {
    return {logicalReduce("any", ReduceOp::Any, in[0], at.getAxes("axis"), at.getBool("keepDims", false))};
  });
  reg.add("argMax", 1, [](In in, const Attrs& at) -> std::vector<Tensor> {
    return {argReduce("argMax", true, in[0], static_cast<int>(at.getInt("axis", 0)))};
  });
  reg.add("argMin", 1, [](In in, const Attrs& at) -> std::vector<Tensor> {
    return {argReduce("argMin", false, in[0], static_cast<int>(at.getInt("axis", 0)))};
  });
  reg.add("cumsum", 1, [](In in, const Attrs& at) -> std::vector<Tensor> {
    Tensor y = cumsum(in[0], static_cast<int>(at.getInt("axis", 0)), at.getBool("exclusive", false),
                      at.getBool("reverse", false));
    return {in[0].dtype() == DType::Float32 ? y : cast(y, DType::Int32)};  // int inputs stay int32, as tfjs
  });
  reg.add("logSumExp", 1, [](In in, const Attrs& at) -> std::vector<Tensor> {
    return {logSumExp(in[0], at.getAxes("axis"), at.getBool("keepDims", false))};
  });
  reg.add("moments", 1, [](In in, const Attrs& at) -> std::vector<Tensor> {
    return moments(in[0], at.getAxes("axes"), at.getBool("keepDims", false));
  });
  reg.add("norm", 1, [](In in, const Attrs& at) -> std::vector<Tensor> {
    std::string ord = at.has("ord") ? (at.json()["ord"].is_string() ? at.getString("ord", "euclidean")
                                                                     : at.json()["ord"].dump())
                                    : "euclidean";
    return {norm(in[0], ord, at.getAxes("axis"), at.getBool("keepDims", false))};
  });
  return true;
}();
}  // namespace

}  // namespace wl

// The webgl kernels: each builds one (or two) GLSL ES 3.00 passes over the bound
// GL buffers (the parameter structs' pointers carry webgl::GLBuffer handles).
// Shapes are baked into the source, so the program cache keys by (kernel, shape);
// per-call scalars are uniforms. Formulas follow kernels/elementwise_ops.h and the
// reference kernels (same accumulation order), so results differ from "cpu" only
// by the GPU's rounding of transcendental functions — except the packed GEMM of
// MatMul and Conv2D/Conv3D, which sums K in vec4 dot products (another order).
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "backends/webgl/gl_runtime.h"
#include "core/kernel_cache.h"
#include "core/kernel_registry.h"
#include "kernels/conv_params.h"
#include "kernels/params.h"

namespace wl {
namespace webgl {
namespace {

// Temporary buffers given back to the pool when the scope ends, a throw included.
struct Borrowed {
  std::vector<GLBuffer*> bufs;
  Borrowed(std::initializer_list<GLBuffer*> b) : bufs(b) {}
  Borrowed(const Borrowed&) = delete;
  Borrowed& operator=(const Borrowed&) = delete;
  ~Borrowed() {
    for (GLBuffer* b : bufs) giveBack(b);
  }
};

// Scalar helpers shared by the elementwise shaders.
std::string mathPrelude() {
  static const std::string s = [] {
    std::ostringstream o;
    o << "const float INF = uintBitsToFloat(0x7f800000u);\n"
         "const float QNAN = uintBitsToFloat(0x7fc00000u);\n"
         "float expm1_(float x) { return abs(x) < 1e-3 ? x + x * x * 0.5 + x * x * x / 6.0 : exp(x) - 1.0; }\n"
         "float log1p_(float x) { float u = 1.0 + x; return u == 1.0 ? x : log(u) * (x / (u - 1.0)); }\n"
         "float sigmoid_(float x) { return 1.0 / (1.0 + exp(-x)); }\n"
      << "float softplus_(float x) { const float T = " << glslFloat(std::log(1.1920928955078125e-7f) + 2.f) << ";\n"
      << "  if (x > -T) return x; if (x < T) return exp(x); return log1p_(exp(x)); }\n"
         // Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7).
         "float erf_(float x) { float t = 1.0 / (1.0 + 0.3275911 * abs(x));\n"
         "  float y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + "
         "0.254829592) * t * exp(-x * x);\n"
         "  return x < 0.0 ? -y : y; }\n"
         "float tanh_(float x) { if (abs(x) < 0.004) return x - x * x * x / 3.0; if (abs(x) > 10.0) return sign(x);\n"
         "  float e = exp(2.0 * x); return (e - 1.0) / (e + 1.0); }\n"
         "float pow_(float a, float b) {\n"
         "  if (b == 0.0) return 1.0;\n"
         "  if (isnan(a) || isnan(b)) return QNAN;\n"
         "  if (a == 0.0) return b > 0.0 ? 0.0 : INF;\n"
         "  if (a < 0.0) { if (floor(b) != b) return QNAN;\n"
         "    float r = exp2(b * log2(-a)); return mod(b, 2.0) == 1.0 ? -r : r; }\n"
         "  return exp2(b * log2(a)); }\n"
         "float relu_(float x) { return x > 0.0 ? x : (isnan(x) ? x : 0.0); }\n"
         "float relu6_(float x) { return x > 0.0 ? (x < 6.0 ? x : 6.0) : (isnan(x) ? x : 0.0); }\n";
    o << "const float SELU_SCALE = " << glslFloat(kSeluScale) << ";\nconst float SELU_ALPHA = " << glslFloat(kSeluAlpha)
      << ";\n";
    return o.str();
  }();
  return s;
}

std::string unaryExpr(UnaryOp op) {
  switch (op) {
    case UnaryOp::Neg: return "-x";
    case UnaryOp::Abs: return "abs(x)";
    case UnaryOp::Sign: return "x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : 0.0)";
    case UnaryOp::Square: return "x * x";
    case UnaryOp::Sqrt: return "sqrt(x)";
    case UnaryOp::Rsqrt: return "1.0 / sqrt(x)";
    case UnaryOp::Reciprocal: return "1.0 / x";
    case UnaryOp::Exp: return "exp(x)";
    case UnaryOp::Expm1: return "expm1_(x)";
    case UnaryOp::Log: return "log(x)";
    case UnaryOp::Log1p: return "log1p_(x)";
    case UnaryOp::Round: return "roundEven(x)";
    case UnaryOp::Floor: return "floor(x)";
    case UnaryOp::Ceil: return "ceil(x)";
    case UnaryOp::Relu: return "relu_(x)";
    case UnaryOp::Relu6: return "relu6_(x)";
    case UnaryOp::Elu: return "x >= 0.0 ? x : expm1_(x)";
    case UnaryOp::Selu: return "x >= 0.0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * expm1_(x)";
    case UnaryOp::LeakyRelu: return "x >= 0.0 ? x : alpha * x";
    case UnaryOp::Sigmoid: return "sigmoid_(x)";
    case UnaryOp::LogSigmoid: return "-softplus_(-x)";
    case UnaryOp::Softplus: return "softplus_(x)";
    case UnaryOp::Softsign: return "x / (1.0 + abs(x))";
    case UnaryOp::Tanh: return "tanh_(x)";
    case UnaryOp::Step: return "x > 0.0 ? 1.0 : (isnan(x) ? x : alpha)";
    case UnaryOp::Sin: return "sin(x)";
    case UnaryOp::Cos: return "cos(x)";
    case UnaryOp::Tan: return "tan(x)";
    // Through atan: Mesa lowers asin/acos to a polynomial good to only ~2e-4.
    case UnaryOp::Asin: return "atan(x, sqrt((1.0 - x) * (1.0 + x)))";
    case UnaryOp::Acos: return "atan(sqrt((1.0 - x) * (1.0 + x)), x)";
    case UnaryOp::Atan: return "atan(x)";
    case UnaryOp::Sinh: return "sinh(x)";
    case UnaryOp::Cosh: return "cosh(x)";
    case UnaryOp::Asinh: return "asinh(x)";
    case UnaryOp::Acosh: return "acosh(x)";
    case UnaryOp::Atanh: return "atanh(x)";
    case UnaryOp::Erf: return "erf_(x)";
    case UnaryOp::ClipByValue: return "x < alpha ? alpha : (x > beta ? beta : x)";
    case UnaryOp::IsNaN: return "isnan(x) ? 1.0 : 0.0";
    case UnaryOp::IsFinite: return "(isnan(x) || isinf(x)) ? 0.0 : 1.0";
    case UnaryOp::IsInf: return "isinf(x) ? 1.0 : 0.0";
  }
  return "0.0";
}

// d(op)/dx times dy, from x, y (the output, where the op's gradient needs it) and dy.
std::string unaryGradExpr(UnaryOp op) {
  switch (op) {
    case UnaryOp::Neg: return "-dy";
    case UnaryOp::Abs: return "x > 0.0 ? dy : -dy";
    case UnaryOp::Square: return "dy * 2.0 * x";
    case UnaryOp::Sqrt: return "dy / (2.0 * y)";
    case UnaryOp::Rsqrt: return "dy / (-2.0 * x * sqrt(x))";
    case UnaryOp::Reciprocal: return "-dy / (x * x)";
    case UnaryOp::Exp: return "dy * y";
    case UnaryOp::Expm1: return "dy * exp(x)";
    case UnaryOp::Log: return "dy / x";
    case UnaryOp::Log1p: return "dy / (1.0 + x)";
    case UnaryOp::Relu: return "x > 0.0 ? dy : 0.0";
    case UnaryOp::Relu6: return "x > 0.0 && x <= 6.0 ? dy : 0.0";
    case UnaryOp::Elu: return "y >= 0.0 ? dy : dy * (y + 1.0)";
    case UnaryOp::Selu: return "x > 0.0 ? dy * SELU_SCALE : dy * SELU_SCALE * SELU_ALPHA * exp(x)";
    case UnaryOp::LeakyRelu: return "x > 0.0 ? dy : dy * alpha";
    case UnaryOp::Sigmoid: return "dy * y * (1.0 - y)";
    case UnaryOp::LogSigmoid: return "dy * sigmoid_(-x)";
    case UnaryOp::Softplus: return "dy * sigmoid_(x)";
    case UnaryOp::Softsign: return "dy / ((1.0 + abs(x)) * (1.0 + abs(x)))";
    case UnaryOp::Tanh: return "dy * (1.0 - y * y)";
    case UnaryOp::Sin: return "dy * cos(x)";
    case UnaryOp::Cos: return "-dy * sin(x)";
    case UnaryOp::Tan: return "dy / (cos(x) * cos(x))";
    case UnaryOp::Asin: return "dy / sqrt(1.0 - x * x)";
    case UnaryOp::Acos: return "-dy / sqrt(1.0 - x * x)";
    case UnaryOp::Atan: return "dy / (1.0 + x * x)";
    case UnaryOp::Sinh: return "dy * cosh(x)";
    case UnaryOp::Cosh: return "dy * sinh(x)";
    case UnaryOp::Asinh: return "dy / sqrt(1.0 + x * x)";
    case UnaryOp::Acosh: return "dy / sqrt(x * x - 1.0)";
    case UnaryOp::Atanh: return "dy / (1.0 - x * x)";
    case UnaryOp::Erf: return "dy * 1.1283791670955126 * exp(-x * x)";
    case UnaryOp::ClipByValue: return "x >= alpha && x <= beta ? dy : 0.0";
    default: return "0.0";  // piecewise constant: Sign, Round, Floor, Ceil, Step, Is*
  }
}

// GLSL for float a, b -> float (or bool for comparisons, `isBool`).
std::string binaryExpr(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "a + b";
    case BinaryOp::Sub: return "a - b";
    case BinaryOp::Mul: return "a * b";
    case BinaryOp::Div: return "a / b";
    case BinaryOp::DivNoNan: return "b == 0.0 ? 0.0 : a / b";
    case BinaryOp::FloorDiv: return "floor(a / b)";
    case BinaryOp::Mod: return "mod(a, b)";
    case BinaryOp::Pow: return "pow_(a, b)";
    case BinaryOp::Maximum: return "a > b || isnan(a) ? a : b";
    case BinaryOp::Minimum: return "a < b || isnan(a) ? a : b";
    case BinaryOp::SquaredDifference: return "(a - b) * (a - b)";
    case BinaryOp::Atan2: return "atan(a, b)";
    case BinaryOp::Equal: return "a == b";
    case BinaryOp::NotEqual: return "a != b";
    case BinaryOp::Less: return "a < b";
    case BinaryOp::LessEqual: return "a <= b";
    case BinaryOp::Greater: return "a > b";
    case BinaryOp::GreaterEqual: return "a >= b";
    case BinaryOp::LogicalAnd: return "(a != 0.0) && (b != 0.0)";
    case BinaryOp::LogicalOr: return "(a != 0.0) || (b != 0.0)";
    case BinaryOp::LogicalXor: return "(a != 0.0) != (b != 0.0)";
  }
  return "0.0";
}

// The common pass: `size` outputs of body's run(i), into one buffer.
void runSimple(std::string body, std::vector<const GLBuffer*> inputs, GLBuffer* out, int64_t size) {
  Pass pass;
  pass.body = std::move(body);
  pass.inputs = std::move(inputs);
  pass.outputs = {out};
  pass.size = size;
  runPass(pass);
}

// GLSL that splits flat index `src` over `dims` (row-major) and accumulates
// coord * strides[d] into each of the named int variables. One division a
// coordinate (SwiftShader divides lane by lane), none for the slowest: it is what is left.
std::string decompose(const char* src, int rank, const int64_t* dims,
                      std::initializer_list<std::pair<const char*, const int64_t*>> targets) {
  std::ostringstream o;
  o << "  { int r_ = " << src << ";\n";
  for (int d = rank - 1; d >= 0; --d) {
    if (d == 0) {
      o << "    { int c_ = r_;";
    } else {
      o << "    { int q_ = r_ / " << dims[d] << "; int c_ = r_ - q_ * " << dims[d] << "; r_ = q_;";
    }
    for (const auto& t : targets) {
      if (t.second[d] != 0) o << " " << t.first << " += c_ * (" << t.second[d] << ");";
    }
    o << " }\n";
  }
  o << "  }\n";
  return o.str();
}

// GLSL declaring int coordinates split from flat index `src`: dims fastest first
// (name, size); the slowest takes what is left. One division a coordinate (not a
// division and a modulo: SwiftShader divides lane by lane), none once the dims left
// are all 1 (those coordinates are 0).
std::string splitIndex(const std::string& src, const std::vector<std::pair<std::string, int64_t>>& dims) {
  std::ostringstream o;
  std::string rest = src;
  for (size_t k = 0; k < dims.size(); ++k) {
    int64_t slower = 1;
    for (size_t j = k + 1; j < dims.size(); ++j) slower *= dims[j].second;
    const std::string& name = dims[k].first;
    const int64_t d = dims[k].second;
    if (slower == 1) {  // this one takes the rest; the slower ones are 0
      o << "  int " << name << " = " << rest << ";\n";
      for (size_t j = k + 1; j < dims.size(); ++j) o << "  int " << dims[j].first << " = 0;\n";
      break;
    }
    if (d == 1) {
      o << "  int " << name << " = 0;\n";
      continue;
    }
    const std::string q = "q_" + name;
    o << "  int " << q << " = " << rest << " / " << d << ";\n  int " << name << " = " << rest << " - " << q << " * " << d
      << ";\n";
    rest = q;
  }
  return o.str();
}

// ---- data movement (any 4-byte dtype: uint bit patterns) ----------------------

void fill(const FillParams& p) {
  Pass pass;
  pass.body = "void run(int i) { o0 = bits; }";
  pass.outputs = {buf(p.out)};
  pass.size = p.size;
  pass.uu = {{"bits", p.bits}};
  pass.sizeFree = true;
  runPass(pass);
}

void copy(const CopyParams& p) {
  if (p.x == p.out) return;
  Pass pass;
  pass.body = "void run(int i) { o0 = ld0(i); }";
  pass.inputs = {buf(p.x)};
  pass.outputs = {buf(p.out)};
  pass.size = p.size;
  runPass(pass);
}

void broadcastTo(const BroadcastParams& p) {
  Pass pass;
  pass.body = "void run(int i) {\n  int ix = 0;\n" +
              decompose("i", p.rank, p.outDims, {{"ix", p.xStrides}}) + "  o0 = ld0(ix);\n}\n";
  pass.inputs = {buf(p.x)};
  pass.outputs = {buf(p.out)};
  pass.size = p.size;
  runPass(pass);
}

// When the copy fills all of dst in row-major order (transpose, slice, reverse,
// a batch of fit): one fragment per output element reads its source. Otherwise
// (writing into part of dst: pad, concat) a scatter: each element of the index space
// is a point drawn at its destination, so any strides work (but points are slow
// on some rasterizers: SwiftShader's transpose was 5x tfjs's).
void stridedCopy(const StridedCopyParams& p) {
  int64_t total = 1;
  for (int d = 0; d < p.rank; ++d) total *= p.dims[d];
  if (total == 0) return;
  bool fillsDst = p.dstOffset == 0 && total == buf(p.dst)->n;
  for (int64_t d = p.rank - 1, stride = 1; d >= 0; --d) {
    fillsDst = fillsDst && (p.dims[d] == 1 || p.dstStrides[d] == stride);
    stride *= p.dims[d];
  }
  if (fillsDst) {
    Pass pass;
    pass.body = "void run(int i) {\n  int is = " + std::to_string(p.srcOffset) + ";\n" +
                decompose("i", p.rank, p.dims, {{"is", p.srcStrides}}) + "  o0 = ld0(is);\n}\n";
    pass.inputs = {buf(p.src)};
    pass.outputs = {buf(p.dst)};
    pass.size = total;
    runPass(pass);
    return;
  }
  ScatterPass pass;
  std::ostringstream o;
  o << "int place(int v) {\n  int is = " << p.srcOffset << ", id = " << p.dstOffset << ";\n"
    << decompose("v", p.rank, p.dims, {{"is", p.srcStrides}, {"id", p.dstStrides}})
    << "  val = ld0(is);\n  return id;\n}\n";
  pass.vertexBody = o.str();
  pass.inputs = {buf(p.src)};
  pass.output = buf(p.dst);
  pass.count = total;
  runScatter(pass);
}

// ---- conversions and selection (bit patterns: any dtype) ------------------------------

void cast(const CastParams& p) {
  std::string v;
  if (p.fromFloat && p.toFloat) {
    v = "ld0(i)";
  } else if (p.fromFloat) {
    v = p.toBool ? "f0(i) != 0.0 ? 1u : 0u" : "uint(int(f0(i)))";  // truncation, as static_cast
  } else if (p.toFloat) {
    v = "floatBitsToUint(float(int(ld0(i))))";
  } else {
    v = p.toBool ? "ld0(i) != 0u ? 1u : 0u" : "ld0(i)";
  }
  Pass pass;
  pass.body = "void run(int i) { o0 = " + v + "; }";
  pass.inputs = {buf(p.x)};
  pass.outputs = {buf(p.out)};
  pass.size = p.size;
  runPass(pass);
}

void select(const SelectParams& p) {
  Pass pass;
  pass.body = "void run(int i) { o0 = ld0(i) != 0u ? ld1(i) : ld2(i); }";
  pass.inputs = {buf(p.cond), buf(p.a), buf(p.b)};
  pass.outputs = {buf(p.out)};
  pass.size = p.size;
  runPass(pass);
}

void batchNormInference(const BatchNormParams& p) {
  Pass pass;
  pass.body = "void run(int i) {\n  int c = i % " + std::to_string(p.channels) +
              ";\n  o0 = floatBitsToUint((f0(i) - f1(c)) * f2(c) + f3(c));\n}\n";
  pass.inputs = {buf(p.x), buf(p.mean), buf(p.inv), buf(p.offset)};
  pass.outputs = {buf(p.y)};
  pass.size = p.rows * p.channels;
  runPass(pass);
}

// Index of the max (min) along each row; the first wins ties and NaN never wins (as cpu).
void argReduce(const ArgReduceParams& p) {
  std::ostringstream o;
  o << "void run(int r) {\n  int b = r * " << p.cols << ", best = 0;\n  float bv = f0(b);\n"
    << "  for (int c = 1; c < " << p.cols << "; ++c) { float v = f0(b + c); if (v " << (p.isMax ? ">" : "<")
    << " bv) { bv = v; best = c; } }\n  o0 = uint(best);\n}\n";
  runSimple(o.str(), {buf(p.x)}, buf(p.out), p.rows);
}

// Each output sums its prefix (suffix when reversed) in the reference's order.
void cumsum(const CumsumParams& p) {
  std::ostringstream o;
  o << "void run(int i) {\n  int in_ = i % " << p.inner << ", j = (i / " << p.inner << ") % " << p.n
    << ", base = (i / " << p.inner * p.n << ") * " << p.inner * p.n << " + in_;\n  float acc = 0.0;\n";
  const char* strict = p.exclusive ? "" : "=";
  if (p.reverse) {
    o << "  for (int k = " << p.n - 1 << "; k >" << strict << " j; --k) acc += f0(base + k * " << p.inner << ");\n";
  } else {
    o << "  for (int k = 0; k <" << strict << " j; ++k) acc += f0(base + k * " << p.inner << ");\n";
  }
  o << "  o0 = floatBitsToUint(acc);\n}\n";
  runSimple(o.str(), {buf(p.x)}, buf(p.out), p.outer * p.n * p.inner);
}

// ---- elementwise (float32) ------------------------------------------------------

void unary(const UnaryParams& p) {
  Pass pass;
  pass.body = mathPrelude() + "void run(int i) {\n  float x = f0(i);\n  o0 = floatBitsToUint(" + unaryExpr(p.op) +
              ");\n}\n";
  pass.inputs = {buf(p.x)};
  pass.outputs = {buf(p.out)};
  pass.size = p.size;
  pass.uf = {{"alpha", p.alpha}, {"beta", p.beta}};
  pass.sizeFree = true;
  runPass(pass);
}

void unaryGrad(const UnaryGradParams& p) {
  Pass pass;
  std::string y = p.y != nullptr ? "f2(i)" : "0.0";
  pass.body = mathPrelude() + "void run(int i) {\n  float x = f0(i), dy = f1(i), y = " + y +
              ";\n  o0 = floatBitsToUint(" + unaryGradExpr(p.op) + ");\n}\n";
  pass.inputs = {buf(p.x), buf(p.dy)};
  if (p.y != nullptr) pass.inputs.push_back(buf(p.y));
  pass.outputs = {buf(p.dx)};
  pass.size = p.size;
  pass.uf = {{"alpha", p.alpha}, {"beta", p.beta}};
  pass.sizeFree = true;
  runPass(pass);
}

// How an operand of a broadcasting op follows the output: element i (its strides are
// out's, row-major), always element 0 (a scalar: all strides 0), or neither.
enum class Follows { Index, Zero, Other };
Follows follows(int rank, const int64_t* dims, const int64_t* strides) {
  bool zero = true, index = true;
  int64_t expect = 1;
  for (int d = rank - 1; d >= 0; --d) {
    zero = zero && (strides[d] == 0 || dims[d] == 1);
    index = index && (strides[d] == expect || dims[d] == 1);
    expect *= dims[d];
  }
  return zero ? Follows::Zero : index ? Follows::Index : Follows::Other;
}

void binary(const BinaryParams& p) {
  Pass pass;
  std::ostringstream o;
  o << mathPrelude() << "void run(int i) {\n  int ia = 0, ib = 0;\n";
  const Follows fa = p.sameShape ? Follows::Index : follows(p.rank, p.outDims, p.aStrides);
  const Follows fb = p.sameShape ? Follows::Index : follows(p.rank, p.outDims, p.bStrides);
  if (fa != Follows::Other && fb != Follows::Other) {
    // No index arithmetic (x + scalar included): the source holds no size.
    o << "  ia = " << (fa == Follows::Index ? "i" : "0") << "; ib = " << (fb == Follows::Index ? "i" : "0") << ";\n";
    pass.sizeFree = true;
  } else {
    o << decompose("i", p.rank, p.outDims, {{"ia", p.aStrides}, {"ib", p.bStrides}});
  }
  o << "  float a = f0(ia), b = f1(ib);\n";
  if (isComparison(p.op)) {
    o << "  o0 = (" << binaryExpr(p.op) << ") ? 1u : 0u;\n}\n";  // int32 0/1
  } else {
    o << "  o0 = floatBitsToUint(" << binaryExpr(p.op) << ");\n}\n";
  }
  pass.body = o.str();
  pass.inputs = {buf(p.a), buf(p.b)};
  pass.outputs = {buf(p.out)};
  pass.size = p.size;
  runPass(pass);
}

void axpy(const AxpyParams& p) {
  Pass pass;
  pass.body = "void run(int i) { o0 = floatBitsToUint(f1(i) + alpha * f0(i)); }";
  pass.inputs = {buf(p.x), buf(p.y)};
  pass.outputs = {buf(p.y)};  // in place: rendered into a fresh texture that replaces y's
  pass.size = p.size;
  pass.uf = {{"alpha", p.alpha}};
  pass.sizeFree = true;
  runPass(pass);
}

// Three outputs (w, m, v) in one pass; the formula of adamStepScalar.
void adamUpdate(const AdamParams& p) {
  Pass pass;
  pass.body =
      "void run(int i) {\n"
      "  float g = f3(i);\n"
      "  float m = f1(i) * beta1 + g * oneMinusBeta1;\n"
      "  float v = f2(i) * beta2 + (g * g) * oneMinusBeta2;\n"
      "  float w = f0(i);\n"
      "  float base = decay != 0.0 ? w - w * decay : w;\n"
      "  o0 = floatBitsToUint(negLr * ((m / c1) / (sqrt(v / c2) + epsilon)) + base);\n"
      "  o1 = floatBitsToUint(m);\n"
      "  o2 = floatBitsToUint(v);\n"
      "}\n";
  pass.inputs = {buf(p.w), buf(p.m), buf(p.v), buf(p.g)};
  pass.outputs = {buf(p.w), buf(p.m), buf(p.v)};
  pass.size = p.size;
  pass.uf = {{"beta1", p.beta1}, {"oneMinusBeta1", p.oneMinusBeta1}, {"beta2", p.beta2},
             {"oneMinusBeta2", p.oneMinusBeta2}, {"c1", p.c1}, {"c2", p.c2}, {"negLr", p.negLr},
             {"epsilon", p.epsilon}, {"decay", p.decay}};
  pass.sizeFree = true;
  runPass(pass);
}

// ---- int32 arithmetic (exact: GLSL ES 3.00 highp int is 32-bit two's complement) ----------

// Helpers with the semantics of binaryScalar<int32_t>: floor division and a modulo
// with the divisor's sign, 0 for a zero divisor; magnitudes in uint so INT_MIN works.
const char* kIntPrelude =
    "uint mag_(int a) { return a < 0 ? uint(-(a + 1)) + 1u : uint(a); }\n"
    "int floordiv_(int a, int b) {\n"
    "  if (b == 0) return 0;\n"
    "  uint q = mag_(a) / mag_(b), r = mag_(a) % mag_(b);\n"
    "  if ((a < 0) == (b < 0)) return int(q);\n"
    "  return -int(q) - (r != 0u ? 1 : 0); }\n"
    "int truncdiv_(int a, int b) {\n"
    "  if (b == 0) return 0;\n"
    "  int q = int(mag_(a) / mag_(b)); return (a < 0) == (b < 0) ? q : -q; }\n"
    "int mod_(int a, int b) {\n"
    "  if (b == 0) return 0;\n"
    "  int r = int(mag_(a) % mag_(b)); if (a < 0) r = -r;\n"
    "  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r; }\n"
    "int ipow_(int a, int b) {\n"
    "  if (b < 0) return a == 1 ? 1 : (a == -1 ? ((b & 1) != 0 ? -1 : 1) : 0);\n"
    "  int r = 1; for (int k = 0; k < 32 && b != 0; ++k) { if ((b & 1) != 0) r *= a; a *= a; b >>= 1; }\n"
    "  return r; }\n";

std::string binaryIntExpr(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "a + b";
    case BinaryOp::Sub: return "a - b";
    case BinaryOp::Mul: return "a * b";
    case BinaryOp::Div:
    case BinaryOp::FloorDiv: return "floordiv_(a, b)";
    case BinaryOp::DivNoNan: return "truncdiv_(a, b)";
    case BinaryOp::Mod: return "mod_(a, b)";
    case BinaryOp::Pow: return "ipow_(a, b)";
    case BinaryOp::Maximum: return "max(a, b)";
    case BinaryOp::Minimum: return "min(a, b)";
    case BinaryOp::SquaredDifference: return "(a - b) * (a - b)";
    case BinaryOp::Atan2: return "int(atan(float(a), float(b)))";
    case BinaryOp::Equal: return "int(a == b)";
    case BinaryOp::NotEqual: return "int(a != b)";
    case BinaryOp::Less: return "int(a < b)";
    case BinaryOp::LessEqual: return "int(a <= b)";
    case BinaryOp::Greater: return "int(a > b)";
    case BinaryOp::GreaterEqual: return "int(a >= b)";
    case BinaryOp::LogicalAnd: return "int(a != 0 && b != 0)";
    case BinaryOp::LogicalOr: return "int(a != 0 || b != 0)";
    case BinaryOp::LogicalXor: return "int((a != 0) != (b != 0))";
  }
  return "0";
}

void binaryInt(const BinaryParams& p) {
  std::ostringstream o;
  o << kIntPrelude << "void run(int i) {\n  int ia = 0, ib = 0;\n";
  if (p.sameShape) {
    o << "  ia = i; ib = i;\n";
  } else {
    o << decompose("i", p.rank, p.outDims, {{"ia", p.aStrides}, {"ib", p.bStrides}});
  }
  o << "  int a = int(ld0(ia)), b = int(ld1(ib));\n  o0 = uint(" << binaryIntExpr(p.op) << ");\n}\n";
  runSimple(o.str(), {buf(p.a), buf(p.b)}, buf(p.out), p.size);
}

// Neg, Abs, Sign, Square (the int ops the engine has); others go through float, as cpu.
void unaryInt(const UnaryParams& p) {
  std::string e;
  switch (p.op) {
    case UnaryOp::Neg: e = "-v"; break;
    case UnaryOp::Abs: e = "v < 0 ? -v : v"; break;
    case UnaryOp::Sign: e = "v > 0 ? 1 : (v < 0 ? -1 : 0)"; break;
    case UnaryOp::Square: e = "v * v"; break;
    default: e = "int(" + unaryExpr(p.op) + ")"; break;
  }
  Pass pass;
  pass.body = mathPrelude() + "void run(int i) {\n  int v = int(ld0(i));\n  float x = float(v);\n  o0 = uint(" + e +
              ");\n}\n";
  pass.inputs = {buf(p.x)};
  pass.outputs = {buf(p.out)};
  pass.size = p.size;
  pass.uf = {{"alpha", p.alpha}, {"beta", p.beta}};
  runPass(pass);
}

// ---- reductions ------------------------------------------------------------------

void reduceImpl(const ReduceParams& p, bool isInt) {
  // Kept axes give the output's coordinates; reduced axes are walked in x's order
  // (the reference's accumulation order).
  int64_t xStrides[kMaxRank], keptStrides[kMaxRank], redDims[kMaxRank], redStrides[kMaxRank];
  int64_t s = 1;
  for (int d = p.rank - 1; d >= 0; --d) {
    xStrides[d] = s;
    s *= p.inDims[d];
  }
  int nRed = 0;
  int64_t total = 1;
  std::ostringstream base;
  for (int d = 0; d < p.rank; ++d) {
    keptStrides[d] = 0;
    if (p.outStrides[d] == 0 && p.inDims[d] != 1) {
      redDims[nRed] = p.inDims[d];
      redStrides[nRed] = xStrides[d];
      ++nRed;
      total *= p.inDims[d];
    } else if (p.outStrides[d] != 0) {
      base << "  xb += ((o / " << p.outStrides[d] << ") % " << p.inDims[d] << ") * " << xStrides[d] << ";\n";
    }
  }
  (void)keptStrides;
  const char* init = "0.0";
  const char* combine = "acc + v";
  if (!isInt) {
    switch (p.op) {
      case ReduceOp::Sum: break;
      case ReduceOp::Prod: init = "1.0"; combine = "acc * v"; break;
      case ReduceOp::Max: init = "-INF"; combine = "v > acc || isnan(v) ? v : acc"; break;
      case ReduceOp::Min: init = "INF"; combine = "v < acc || isnan(v) ? v : acc"; break;
      case ReduceOp::All: init = "1.0"; combine = "(acc != 0.0) && (v != 0.0) ? 1.0 : 0.0"; break;
      case ReduceOp::Any: combine = "(acc != 0.0) || (v != 0.0) ? 1.0 : 0.0"; break;
    }
  } else {
    init = "0";
    switch (p.op) {
      case ReduceOp::Sum: break;
      case ReduceOp::Prod: init = "1"; combine = "acc * v"; break;
      case ReduceOp::Max: init = "int(0x80000000u)"; combine = "max(acc, v)"; break;
      case ReduceOp::Min: init = "0x7fffffff"; combine = "min(acc, v)"; break;
      case ReduceOp::All: init = "1"; combine = "int(acc != 0 && v != 0)"; break;
      case ReduceOp::Any: combine = "int(acc != 0 || v != 0)"; break;
    }
  }
  const char* type = isInt ? "int" : "float";
  std::ostringstream o;
  o << mathPrelude() << "void run(int o) {\n  int xb = 0;\n" << base.str() << "  " << type << " acc = " << init
    << ";\n  for (int r = 0; r < " << total << "; ++r) {\n    int ix = xb;\n"
    << decompose("r", nRed, redDims, {{"ix", redStrides}}) << "    " << type << " v = "
    << (isInt ? "int(ld0(ix))" : "f0(ix)") << ";\n    acc = " << combine << ";\n  }\n  o0 = "
    << (isInt ? "uint(acc)" : "floatBitsToUint(acc)") << ";\n}\n";
  runSimple(o.str(), {buf(p.x)}, buf(p.out), p.outSize);
}

void reduce(const ReduceParams& p) { reduceImpl(p, false); }
void reduceInt(const ReduceParams& p) { reduceImpl(p, true); }

// Two passes: each row's max and sum of exponentials, then the quotients.
void softmax(const SoftmaxParams& p) {
  if (p.rows == 0 || p.cols == 0) return;
  GLBuffer* mx = acquire(p.rows);
  GLBuffer* sum = acquire(p.rows);
  std::ostringstream o;
  o << "void run(int r) {\n  int b = r * " << p.cols << ";\n  float m = f0(b);\n"
    << "  for (int c = 1; c < " << p.cols << "; ++c) { float v = f0(b + c); m = v > m ? v : m; }\n"
    << "  float s = 0.0;\n  for (int c = 0; c < " << p.cols << "; ++c) s += exp(f0(b + c) - m);\n"
    << "  o0 = floatBitsToUint(m);\n  o1 = floatBitsToUint(s);\n}\n";
  Pass stats;
  stats.body = o.str();
  stats.inputs = {buf(p.x)};
  stats.outputs = {mx, sum};
  stats.size = p.rows;
  Pass out;
  out.body = "void run(int i) {\n  int r = i / " + std::to_string(p.cols) +
             ";\n  o0 = floatBitsToUint(exp(f0(i) - f1(r)) / f2(r));\n}\n";
  out.inputs = {buf(p.x), mx, sum};
  out.outputs = {buf(p.out)};
  out.size = p.rows * p.cols;
  Borrowed held{mx, sum};
  runPass(stats);
  runPass(out);
}

// ---- matrix multiply -------------------------------------------------------------

// One output element per fragment, K walked in the reference's order: for K == 0
// (the epilogue over zeros). Every other MatMul takes the packed path below.
void matMulDirect(const MatMulParams& p) {
  std::ostringstream o;
  o << mathPrelude() << "void run(int i) {\n"
    << "  int bi = i / " << p.m * p.n << ", rc = i % " << p.m * p.n << ";\n"
    << "  int row = rc / " << p.n << ", col = rc % " << p.n << ";\n"
    << "  int ab = bi * " << p.aBatchStride << ", bb = bi * " << p.bBatchStride << ";\n"
    << "  float acc = 0.0;\n"
    << "  for (int q = 0; q < " << p.k << "; ++q) {\n"
    << "    float av = f0(ab + " << (p.transposeA ? "q * " + std::to_string(p.m) + " + row" : "row * " + std::to_string(p.k) + " + q") << ");\n"
    << "    float bv = f1(bb + " << (p.transposeB ? "col * " + std::to_string(p.k) + " + q" : "q * " + std::to_string(p.n) + " + col") << ");\n"
    << "    acc += av * bv;\n  }\n";
  Pass pass;
  pass.inputs = {buf(p.a), buf(p.b)};
  if (p.epilogue.scale != nullptr) {
    o << "  acc *= f" << pass.inputs.size() << "(col);\n";
    pass.inputs.push_back(buf(p.epilogue.scale));
  }
  if (p.epilogue.bias != nullptr) {
    o << "  acc += f" << pass.inputs.size() << "(col);\n";
    pass.inputs.push_back(buf(p.epilogue.bias));
  }
  if (p.epilogue.activation == FusedActivation::Relu) o << "  acc = relu_(acc);\n";
  if (p.epilogue.activation == FusedActivation::Relu6) o << "  acc = relu6_(acc);\n";
  o << "  o0 = floatBitsToUint(acc);\n}\n";
  pass.body = o.str();
  pass.outputs = {buf(p.c)};
  pass.size = p.batch * p.m * p.n;
  runPass(pass);
}


// ---- convolutions and pools (forward; their gradients fall back) ---------------------

// GLSL opening one loop per output position (b, od, oh, ow) and channel `oc`, then
// the tap walk of kernels/conv_loops.h (fd, fh, fw order, taps outside x skipped);
// inside, `xc` is the input cell.
std::string tapLoopOpen(const ConvGeometry& g, int64_t channels) {
  std::ostringstream o;
  o << splitIndex("i", {{"oc", channels}, {"ow", g.outW}, {"oh", g.outH}, {"od", g.outD}, {"b", g.batch}})
    << "  for (int fd = 0; fd < " << g.fD << "; ++fd) {\n"
    << "    int id = od * " << g.strideD << " - " << g.padFront << " + fd * " << g.dilD << ";\n"
    << "    if (id < 0 || id >= " << g.inD << ") continue;\n"
    << "    for (int fh = 0; fh < " << g.fH << "; ++fh) {\n"
    << "      int ih = oh * " << g.strideH << " - " << g.padTop << " + fh * " << g.dilH << ";\n"
    << "      if (ih < 0 || ih >= " << g.inH << ") continue;\n"
    << "      for (int fw = 0; fw < " << g.fW << "; ++fw) {\n"
    << "        int iw = ow * " << g.strideW << " - " << g.padLeft << " + fw * " << g.dilW << ";\n"
    << "        if (iw < 0 || iw >= " << g.inW << ") continue;\n"
    << "        int xc = ((b * " << g.inD << " + id) * " << g.inH << " + ih) * " << g.inW << " + iw;\n"
    << "        int tap = (fd * " << g.fH << " + fh) * " << g.fW << " + fw;\n";
  return o.str();
}
const char* kTapLoopClose = "      }\n    }\n  }\n";

std::string epilogueGlsl(const Epilogue& e, Pass& pass, const char* channel) {
  std::ostringstream o;
  if (e.scale != nullptr) {
    o << "  acc *= f" << pass.inputs.size() << "(" << channel << ");\n";
    pass.inputs.push_back(buf(e.scale));
  }
  if (e.bias != nullptr) {
    o << "  acc += f" << pass.inputs.size() << "(" << channel << ");\n";
    pass.inputs.push_back(buf(e.bias));
  }
  if (e.activation == FusedActivation::Relu) o << "  acc = relu_(acc);\n";
  if (e.activation == FusedActivation::Relu6) o << "  acc = relu6_(acc);\n";
  return o.str();
}

int64_t outCells(const ConvGeometry& g) { return g.batch * g.outD * g.outH * g.outW; }

// ---- packed GEMM: matMul and conv (im2col) ----------------------------------------------
// Storage keeps one value per texel; the GEMM repacks its operands into RGBA32UI
// temporaries on the fly and computes R x 4 outputs per fragment (R = 8 rows where
// the context has 8 draw buffers and the product has 32 rows or more, else 4):
//   A4  texel (r, kk) = A[r][4kk .. 4kk+3]  (rows r = batch x M, zero past K)
//   B4  texel (c, kk) = B[4kk .. 4kk+3][c]  (rows c = batch x N: B's columns)
//   C4  an RGBA array of R layers; fragment f = (batch, row block, column block)
//       holds rows R x rb + j in layer j (its output j), columns 4 x cb .. 4 x cb + 3,
//       with the epilogue applied (its per-column vectors read once per 4R outputs)
// then one pass copies C4 into the output (one fetch an output: the layer is a
// coordinate). Per fragment and step of 4 in K: R + 4 texel fetches and 4R vec4 dot
// products. R = 8 against 4: the GEMM pass of a 512^3 product 48 -> 39 ms (SwiftShader).
// A packed row never straddles two texel rows when ceil(K/4) <= 4096, so the inner
// loop steps x only; longer rows wrap (a division per fetch).

struct Packed {
  GLBuffer* buf = nullptr;
  int64_t rows = 0, kk = 0;  // matrix rows, texels per row
};

// pack()'s element function: GLSL defining `uint el(int r, int k)` over the pass's
// inputs, and the int uniforms it reads its sizes from when it bakes none in (then
// one program packs every size: a first call packs a filter of each conv shape).
struct Element {
  std::string glsl;
  std::vector<std::pair<std::string, int32_t>> sizes;  // none: the sizes are baked in
  Element(std::string g) : glsl(std::move(g)) {}  // NOLINT: a baked element from its GLSL
  Element(std::string g, std::vector<std::pair<std::string, int32_t>> s) : glsl(std::move(g)), sizes(std::move(s)) {}
  bool sizeFree() const { return !sizes.empty(); }
};

// Row r of a row-major [rows, cols] matrix (el(r, k) = m[r][k]), and column r
// (el(r, k) = m[k][r]: the packed rows of a transpose, or of a filter stored [K, outC]
// whose packed rows are its output channels).
Element rowsEl(int64_t cols) { return {"uint el(int r, int k) { return ld0(r * u_cols + k); }\n", {{"u_cols", cols}}}; }
Element columnsEl(int64_t cols) { return {"uint el(int r, int k) { return ld0(k * u_cols + r); }\n", {{"u_cols", cols}}}; }

// Texels per texel row for `rows` packed rows of `kk` texels: whole packed rows,
// about as many texel rows as texels in a row (see squarishWidth).
int packedWidth(int64_t rows, int64_t kk) {
  const int64_t maxW = maxRowWidth();
  if (kk > maxW) return static_cast<int>(maxW);
  const int64_t perRow = (squarishWidth(rows * kk) + kk - 1) / kk;
  return static_cast<int>(kk * std::max<int64_t>(1, std::min({rows, maxW / kk, perRow})));
}

// Whether `rows` packed rows of K values fit one texture (else the direct kernels run).
bool packFits(int64_t rows, int64_t k) {
  const int64_t kk = (k + 3) / 4, w = packedWidth(rows, kk);
  const int64_t texRows = kk <= maxRowWidth() ? (rows + w / kk - 1) / (w / kk) : (rows * kk + w - 1) / w;
  return texRows <= maxTextureRows();
}

// Packs `rows` x K values into an RGBA temporary; `element` is GLSL defining
// `uint el(int r, int k)` over the pass's inputs (0 <= k < K).
Packed pack(const Element& element, std::vector<const GLBuffer*> inputs, int64_t rows, int64_t k) {
  Packed out;
  out.rows = rows;
  out.kk = (k + 3) / 4;
  out.buf = acquireRGBA(rows * out.kk, packedWidth(rows, out.kk));
  Pass pass;
  std::ostringstream o;
  // Sizes as uniforms where the element reads its own so (one program for every size).
  const bool sizeFree = element.sizeFree();
  const std::string kk = sizeFree ? "u_kk" : std::to_string(out.kk), kEnd = sizeFree ? "u_k" : std::to_string(k);
  o << (sizeFree ? kExactDivGLSL : "") << element.glsl << "void run(int t) {\n  int r = "
    << (sizeFree ? "udiv_(t, u_kk, u_rkk)" : "t / " + kk) << ", k0 = (t - r * " << kk << ") * 4;\n"
    << "  uvec4 v = uvec4(0u);\n"
    << "  for (int c = 0; c < 4; ++c) { if (k0 + c < " << kEnd << ") v[c] = el(r, k0 + c); }\n  o0 = v;\n}\n";
  if (sizeFree) {
    pass.ui = element.sizes;
    pass.ui.push_back({"u_kk", static_cast<int32_t>(out.kk)});
    pass.ui.push_back({"u_k", static_cast<int32_t>(k)});
    pass.uf = {{"u_rkk", 1.f / static_cast<float>(out.kk)}};
    pass.sizeFree = true;
  }
  pass.body = o.str();
  pass.inputs = std::move(inputs);
  pass.outputs = {out.buf};
  pass.size = rows * out.kk;
  try {
    runPass(pass);
  } catch (...) {
    giveBack(out.buf);
    throw;
  }
  return out;
}

// out[b][m][n] = epilogue(sum_k A[b][m][k] B[b][k][n]) from the packed operands;
// aBatched / bBatched: A4 / B4 hold one matrix per batch (else one for all).
void gemmPacked(const Packed& a, bool aBatched, const Packed& b, bool bBatched, int64_t batch, int64_t m,
                int64_t n, const Epilogue& epilogue, GLBuffer* out) {
  const int R = maxDrawBuffers() >= 8 && m >= 32 ? 8 : 4, logR = R == 8 ? 3 : 2;
  const int64_t mb = (m + R - 1) / R, nb = (n + 3) / 4, kk = a.kk, frags = batch * mb * nb;
  const bool wrapA = kk > maxRowWidth(), wrapB = wrapA;
  GLBuffer* blocks = acquireRGBALayers(frags, squarishWidth(frags), R);
  auto release = [&] { giveBack(blocks); };
  try {
    // Sizes are uniforms (one program for every shape of a given epilogue and layout:
    // a first MobileNetV2 predict compiled 37 GEMM programs, one per 1x1 conv shape).
    std::ostringstream o;
    o << kExactDivGLSL << "ivec2 at(int t, int w) { return ivec2(t % w, t / w); }\n"
      << "void run(int f) {\n  int rest = udiv_(f, u_nb, u_rnb), cb = f - rest * u_nb;\n"
      << "  int bi = udiv_(rest, u_mb, u_rmb), rb = rest - bi * u_mb;\n"
      << "  int ra = " << (aBatched ? "bi * u_m" : "0") << ", rbase = " << (bBatched ? "bi * u_n" : "0") << ";\n";
    for (int j = 0; j < R; ++j) {
      o << "  int ta" << j << " = (ra + min(rb * " << R << " + " << j << ", u_m - 1)) * u_kk;\n"
        << "  vec4 acc" << j << " = vec4(0.0);\n";
    }
    for (int j = 0; j < 4; ++j) o << "  int tb" << j << " = (rbase + min(cb * 4 + " << j << ", u_n - 1)) * u_kk;\n";
    if (!wrapA) {
      for (int j = 0; j < R; ++j) o << "  ivec2 pa" << j << " = at(ta" << j << ", W0);\n";
      for (int j = 0; j < 4; ++j) o << "  ivec2 pb" << j << " = at(tb" << j << ", W1);\n";
    }
    o << "  for (int q = 0; q < u_kk; ++q) {\n";
    for (int j = 0; j < 4; ++j) {
      o << "    vec4 b" << j << " = uintBitsToFloat(texelFetch(u_in1, "
        << (wrapB ? "at(tb" + std::to_string(j) + " + q, W1)" : "pb" + std::to_string(j) + " + ivec2(q, 0)")
        << ", 0));\n";
    }
    for (int j = 0; j < R; ++j) {
      o << "    vec4 a" << j << " = uintBitsToFloat(texelFetch(u_in0, "
        << (wrapA ? "at(ta" + std::to_string(j) + " + q, W0)" : "pa" + std::to_string(j) + " + ivec2(q, 0)")
        << ", 0));\n"
        << "    acc" << j << " += vec4(dot(a" << j << ", b0), dot(a" << j << ", b1), dot(a" << j << ", b2), dot(a" << j
        << ", b3));\n";
    }
    o << "  }\n";
    // The epilogue here, on the block's 4 columns (a fetch per column and vector for
    // 16 outputs), not in the unpack (2 fetches an output); whole-vector operations:
    // an accumulator indexed by a loop variable would live in memory.
    Pass mm;
    mm.inputs = {a.buf, b.buf};
    auto columns = [&](const void* v) {
      const std::string f = "f" + std::to_string(mm.inputs.size());
      mm.inputs.push_back(buf(v));
      std::ostringstream c;
      c << "vec4(";
      for (int j = 0; j < 4; ++j) c << (j ? ", " : "") << f << "(min(cb * 4 + " << j << ", u_n - 1))";
      return c.str() + ")";
    };
    if (epilogue.scale != nullptr) o << "  vec4 sc = " << columns(epilogue.scale) << ";\n";
    if (epilogue.bias != nullptr) o << "  vec4 bs = " << columns(epilogue.bias) << ";\n";
    for (int j = 0; j < R; ++j) {
      const std::string acc = "acc" + std::to_string(j);
      if (epilogue.scale != nullptr) o << "  " << acc << " *= sc;\n";
      if (epilogue.bias != nullptr) o << "  " << acc << " += bs;\n";
      // The scalar relu_ / relu6_ per component (their isnan keeps NaN: Mesa compares
      // NaN as it likes, so a vector mix over comparisons turned NaN into 0).
      if (epilogue.activation != FusedActivation::Linear) {
        const char* fn = epilogue.activation == FusedActivation::Relu ? "relu_" : "relu6_";
        o << "  " << acc << " = vec4(";
        for (const char* c : {"x", "y", "z", "w"}) o << (*c == 'x' ? "" : ", ") << fn << "(" << acc << "." << c << ")";
        o << ");\n";
      }
    }
    for (int j = 0; j < R; ++j) o << "  o" << j << " = floatBitsToUint(acc" << j << ");\n";
    o << "}\n";
    mm.body = mathPrelude() + o.str();
    mm.outputs = {blocks};
    mm.size = frags;
    const auto i32 = [](int64_t v) { return static_cast<int32_t>(v); };
    const auto rcp = [](int64_t v) { return 1.f / static_cast<float>(v); };
    mm.ui = {{"u_nb", i32(nb)}, {"u_mb", i32(mb)}, {"u_m", i32(m)}, {"u_n", i32(n)}, {"u_kk", i32(kk)}};
    mm.uf = {{"u_rnb", rcp(nb)}, {"u_rmb", rcp(mb)}};
    mm.sizeFree = true;
    mm.rgbaByTexel = true;
    runPass(mm);

    Pass unpack;
    unpack.inputs = {blocks};
    const std::string div = batch * m * n < (int64_t{1} << 24) ? "udiv24_" : "udiv_";
    // The layers share one grid (squarish: a mask and a shift): one fetch, the layer a
    // coordinate.
    unpack.body = std::string(kExactDivGLSL) + "void run(int i) {\n  int q = " + div +
                  "(i, u_n, u_rn), col = i - q * u_n;\n  int bi = " + div + "(q, u_m, u_rm), row = q - bi * u_m;\n"
                  "  int f = (bi * u_mb + (row >> " + std::to_string(logR) + ")) * u_nb + (col >> 2);\n"
                  "  o0 = texelFetch(u_in0, ivec3(f & u_m0, f >> u_s0, row & " + std::to_string(R - 1) +
                  "), 0)[col & 3];\n}\n";
    unpack.ui = {{"u_n", i32(n)}, {"u_m", i32(m)}, {"u_mb", i32(mb)}, {"u_nb", i32(nb)}};
    unpack.uf = {{"u_rn", rcp(n)}, {"u_rm", rcp(m)}};
    unpack.sizeFree = true;
    unpack.rgbaByTexel = true;
    unpack.outputs = {out};
    unpack.size = batch * m * n;
    runPass(unpack);
  } catch (...) {
    release();
    throw;
  }
  release();
}

// A packed weight kept in the kernel cache (per weight version): predict packs each
// dense kernel and conv filter once.
struct CachedPack {
  Packed packed;
  CachedPack() = default;
  CachedPack(const CachedPack&) = delete;
  CachedPack& operator=(const CachedPack&) = delete;
  ~CachedPack() {
    if (packed.buf != nullptr) giveBack(packed.buf);
  }
};

// B packed: from the cache when `key` names a weight, else a one-off.
std::shared_ptr<CachedPack> packWeight(const char* kernel, BufferKey key, uint64_t attrs, const Element& element,
                                       const GLBuffer* source, int64_t rows, int64_t k) {
  auto make = [&] {
    auto c = std::make_shared<CachedPack>();
    c->packed = pack(element, {source}, rows, k);
    return c;
  };
  if (!key.cacheable()) return make();
  return KernelCache::instance().get<CachedPack>(kernel, key, attrs, make);
}

uint64_t shapeKey(int64_t a, int64_t b, int64_t c) {
  return (static_cast<uint64_t>(a) * 1000003u + static_cast<uint64_t>(b)) * 1000003u + static_cast<uint64_t>(c);
}

void matMul(const MatMulParams& p) {
  if (p.batch * p.m * p.n == 0) return;
  const bool aBatched0 = p.aBatchStride != 0 && p.batch > 1, bBatched0 = p.bBatchStride != 0 && p.batch > 1;
  if (p.k == 0 || !packFits((aBatched0 ? p.batch : 1) * p.m, p.k) || !packFits((bBatched0 ? p.batch : 1) * p.n, p.k)) {
    return matMulDirect(p);  // nothing to sum, or an operand too large to pack into one texture
  }
  const std::string M = std::to_string(p.m), N = std::to_string(p.n), K = std::to_string(p.k);
  const bool aBatched = p.aBatchStride != 0 && p.batch > 1, bBatched = p.bBatchStride != 0 && p.batch > 1;
  // A's row r = (b, row); B's row r = (b, col): B transposed as it is packed.
  const std::string elA = "uint el(int r, int k) {\n  int b = r / " + M + ", row = r % " + M + ";\n  return ld0(b * " +
                          std::to_string(p.aBatchStride) + " + " + (p.transposeA ? "k * " + M + " + row" : "row * " + K + " + k") +
                          ");\n}\n";
  const std::string elB = "uint el(int r, int k) {\n  int b = r / " + N + ", col = r % " + N + ";\n  return ld0(b * " +
                          std::to_string(p.bBatchStride) + " + " + (p.transposeB ? "col * " + K + " + k" : "k * " + N + " + col") +
                          ");\n}\n";
  // One matrix (or one shared by the batch): sizes as uniforms.
  const Element packA = aBatched ? Element(elA) : p.transposeA ? columnsEl(p.m) : rowsEl(p.k);
  const Element packB = bBatched ? Element(elB) : p.transposeB ? rowsEl(p.k) : columnsEl(p.n);
  Packed a = pack(packA, {buf(p.a)}, (aBatched ? p.batch : 1) * p.m, p.k);
  Borrowed held{a.buf};
  auto b = packWeight("webgl.MatMul", bBatched ? BufferKey{} : p.bKey, shapeKey(p.k, p.n, p.transposeB), packB,
                      buf(p.b), (bBatched ? p.batch : 1) * p.n, p.k);
  gemmPacked(a, aBatched, b->packed, bBatched, p.batch, p.m, p.n, p.epilogue, buf(p.c));
}

// Conv2D / Conv3D as one GEMM: A = im2col(x) packed straight from x (rows: output
// cells; K: taps x inC in the filter's order), B = the filter [K, outC].
void convPacked(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t k = g.fD * g.fH * g.fW * g.inC, cells = outCells(g);
  std::ostringstream e;
  const bool pointwise = g.fD == 1 && g.fH == 1 && g.fW == 1 && g.strideD == 1 && g.strideH == 1 && g.strideW == 1 &&
                         g.padFront == 0 && g.padTop == 0 && g.padLeft == 0 && g.outD == g.inD && g.outH == g.inH &&
                         g.outW == g.inW;
  if (!pointwise) {
    e << "uint el(int r, int k) {\n" << splitIndex("k", {{"ic", g.inC}, {"fw", g.fW}, {"fh", g.fH}, {"fd", g.fD}})
      << splitIndex("r", {{"ow", g.outW}, {"oh", g.outH}, {"od", g.outD}, {"b", g.batch}})
      << "  int id = od * " << g.strideD << " - " << g.padFront << " + fd * " << g.dilD << ";\n"
      << "  int ih = oh * " << g.strideH << " - " << g.padTop << " + fh * " << g.dilH << ";\n"
      << "  int iw = ow * " << g.strideW << " - " << g.padLeft << " + fw * " << g.dilW << ";\n"
      << "  if (id < 0 || id >= " << g.inD << " || ih < 0 || ih >= " << g.inH << " || iw < 0 || iw >= " << g.inW
      << ") return 0u;\n"
      << "  return ld0((((b * " << g.inD << " + id) * " << g.inH << " + ih) * " << g.inW << " + iw) * " << g.inC
      << " + ic);\n}\n";
  }
  // A pointwise conv's im2col is x itself ([cells, inC]): no index arithmetic.
  Packed a = pack(pointwise ? rowsEl(g.inC) : Element(e.str()), {buf(p.x)}, cells, k);
  Borrowed held{a.buf};
  auto b = packWeight("webgl.Conv", p.filterKey, shapeKey(k, g.outC, 0), columnsEl(g.outC), buf(p.filter), g.outC, k);
  gemmPacked(a, false, b->packed, false, 1, cells, g.outC, p.epilogue, buf(p.y));
}

// y = conv(x, filter) (Conv2D, Conv3D: filter [fD, fH, fW, inC, outC]): one output
// element per fragment, taps in the reference's order. Used for tiny convs only.
void convDirect(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  Pass pass;
  pass.inputs = {buf(p.x), buf(p.filter)};
  std::ostringstream o;
  o << "void run(int i) {\n  float acc = 0.0;\n" << tapLoopOpen(g, g.outC)
    << "        for (int ic = 0; ic < " << g.inC << "; ++ic) acc += f0(xc * " << g.inC << " + ic) * f1((tap * "
    << g.inC << " + ic) * " << g.outC << " + oc);\n"
    << kTapLoopClose << epilogueGlsl(p.epilogue, pass, "oc") << "  o0 = floatBitsToUint(acc);\n}\n";
  pass.body = mathPrelude() + o.str();
  pass.outputs = {buf(p.y)};
  pass.size = outCells(g) * g.outC;
  runPass(pass);
}

void conv(const ConvParams& p) {
  if (outCells(p.g) * p.g.outC == 0) return;
  const int64_t k = p.g.fD * p.g.fH * p.g.fW * p.g.inC;
  if (k == 0 || !packFits(outCells(p.g), k) || !packFits(p.g.outC, k)) return convDirect(p);
  convPacked(p);
}

// Depthwise with the tap loop and one filter fetch per tap: windows of more than
// 64 taps (the unrolled kernel below would be long) and filters too large to pack.
void depthwiseDirect(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t mult = g.channelMultiplier;
  Pass pass;
  pass.inputs = {buf(p.x), buf(p.filter)};
  std::ostringstream o;
  o << "void run(int i) {\n  float acc = 0.0;\n" << tapLoopOpen(g, g.outC)
    << "        acc += f0(xc * " << g.inC << " + oc / " << mult << ") * f1(tap * " << g.inC * mult << " + oc);\n"
    << kTapLoopClose << epilogueGlsl(p.epilogue, pass, "oc") << "  o0 = floatBitsToUint(acc);\n}\n";
  pass.body = mathPrelude() + o.str();
  pass.outputs = {buf(p.y)};
  pass.size = outCells(g) * g.outC;
  runPass(pass);
}

// Depthwise: filter [fD, fH, fW, inC, mult]; output channel oc = c * mult + m.
// One output per fragment (storage is one value per texel). The filter is packed
// once per weight version (the kernel cache) into RGBA rows, one per output channel
// with 4 taps a texel, so a 3x3 window reads 3 filter texels instead of 9; the tap
// walk is unrolled with the bounds baked in: a row (fd, fh) outside x skips its taps
// with one test, and each column is tested once for all rows. Taps are summed in
// the reference's order (fd, fh, fw ascending, taps outside x skipped).
void depthwise(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t mult = g.channelMultiplier, taps = g.fD * g.fH * g.fW, outC = g.outC;
  if (outCells(g) * outC == 0) return;
  if (taps == 0 || taps > 64 || !packFits(outC, taps)) return depthwiseDirect(p);
  auto w = packWeight("webgl.Depthwise", p.filterKey, shapeKey(taps, outC, 0), columnsEl(outC), buf(p.filter), outC,
                      taps);
  const int64_t kk = w->packed.kk;
  Pass pass;
  pass.inputs = {buf(p.x), w->packed.buf};
  std::ostringstream o;
  o << "void run(int i) {\n"
    << splitIndex("i", {{"oc", outC}, {"ow", g.outW}, {"oh", g.outH}, {"od", g.outD}, {"b", g.batch}})
    << "  int c = " << (mult == 1 ? std::string("oc") : "oc / " + std::to_string(mult)) << ";\n  int w0 = oc * " << kk << ";\n"
    << "  int id0 = od * " << g.strideD << " - " << g.padFront << ", ih0 = oh * " << g.strideH << " - " << g.padTop
    << ", iw0 = ow * " << g.strideW << " - " << g.padLeft << ";\n"
    << "  bool inW[" << g.fW << "];\n";
  for (int64_t fw = 0; fw < g.fW; ++fw) {
    o << "  inW[" << fw << "] = iw0 + " << fw * g.dilW << " >= 0 && iw0 + " << fw * g.dilW << " < " << g.inW << ";\n";
  }
  o << "  float acc = 0.0;\n  vec4 wt;\n";
  for (int64_t fd = 0; fd < g.fD; ++fd) {
    for (int64_t fh = 0; fh < g.fH; ++fh) {
      const int64_t first = (fd * g.fH + fh) * g.fW;
      o << "  {\n    int id = id0 + " << fd * g.dilD << ", ih = ih0 + " << fh * g.dilH << ";\n"
        << "    if (id >= 0 && id < " << g.inD << " && ih >= 0 && ih < " << g.inH << ") {\n"
        << "      int row = ((b * " << g.inD << " + id) * " << g.inH << " + ih) * " << g.inW << " + iw0;\n";
      for (int64_t fw = 0; fw < g.fW; ++fw) {
        const int64_t tap = first + fw;
        // The filter texel of this tap, fetched where the row starts using it (every
        // row reads its own: a skipped row must not leave a later one unloaded).
        if (fw == 0 || tap / 4 != (tap - 1) / 4) o << "      wt = f1(w0 + " << tap / 4 << ");\n";
        o << "      if (inW[" << fw << "]) acc += f0((row + " << fw * g.dilW << ") * " << g.inC << " + c) * wt["
          << tap % 4 << "];\n";
      }
      o << "    }\n  }\n";
    }
  }
  o << epilogueGlsl(p.epilogue, pass, "oc") << "  o0 = floatBitsToUint(acc);\n}\n";
  pass.body = mathPrelude() + o.str();
  pass.outputs = {buf(p.y)};
  pass.size = outCells(g) * outC;
  runPass(pass);
}

template <bool isMax>
void pool(const PoolParams& p) {
  const ConvGeometry& g = p.g;
  std::ostringstream o;
  o << mathPrelude() << "void run(int i) {\n  float acc = " << (isMax ? "-INF" : "0.0") << ";\n  int count = 0;\n"
    << tapLoopOpen(g, g.inC) << "        float v = f0(xc * " << g.inC << " + oc);\n"
    << (isMax ? "        if (v > acc) acc = v;\n" : "        acc += v;\n") << "        ++count;\n"
    << kTapLoopClose;
  if (!isMax) o << "  acc = count == 0 ? 0.0 : acc / float(count);\n";
  o << "  o0 = floatBitsToUint(acc);\n}\n";
  runSimple(o.str(), {buf(p.x)}, buf(p.out), outCells(g) * g.inC);
}

// ---- gradients of convolutions and pools: gathers in the reference's order ---------------

// GLSL for input cell (b, id, ih, iw) (from `cell`): the output cells whose windows
// contain it, in ascending output order (taps walked backwards), with `yc` and `tap`.
std::string reverseTapLoopOpen(const ConvGeometry& g) {
  std::ostringstream o;
  o << "  int iw = cell % " << g.inW << "; cell /= " << g.inW << ";\n"
    << "  int ih = cell % " << g.inH << "; cell /= " << g.inH << ";\n"
    << "  int id = cell % " << g.inD << "; int b = cell / " << g.inD << ";\n"
    << "  for (int fd = " << g.fD - 1 << "; fd >= 0; --fd) {\n"
    << "    int nd = id + " << g.padFront << " - fd * " << g.dilD << ";\n"
    << "    if (nd < 0 || nd % " << g.strideD << " != 0 || nd / " << g.strideD << " >= " << g.outD << ") continue;\n"
    << "    int od = nd / " << g.strideD << ";\n"
    << "    for (int fh = " << g.fH - 1 << "; fh >= 0; --fh) {\n"
    << "      int nh = ih + " << g.padTop << " - fh * " << g.dilH << ";\n"
    << "      if (nh < 0 || nh % " << g.strideH << " != 0 || nh / " << g.strideH << " >= " << g.outH << ") continue;\n"
    << "      int oh = nh / " << g.strideH << ";\n"
    << "      for (int fw = " << g.fW - 1 << "; fw >= 0; --fw) {\n"
    << "        int nw = iw + " << g.padLeft << " - fw * " << g.dilW << ";\n"
    << "        if (nw < 0 || nw % " << g.strideW << " != 0 || nw / " << g.strideW << " >= " << g.outW << ") continue;\n"
    << "        int ow = nw / " << g.strideW << ";\n"
    << "        int yc = ((b * " << g.outD << " + od) * " << g.outH << " + oh) * " << g.outW << " + ow;\n"
    << "        int tap = (fd * " << g.fH << " + fh) * " << g.fW << " + fw;\n";
  return o.str();
}

int64_t inCells(const ConvGeometry& g) { return g.batch * g.inD * g.inH * g.inW; }

// dx (in p.x) from dy (p.y) and the filter.
void convBackpropInput(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  std::ostringstream o;
  o << "void run(int i) {\n  int ic = i % " << g.inC << ", cell = i / " << g.inC << ";\n  float total = 0.0;\n"
    << reverseTapLoopOpen(g) << "        float acc = 0.0;\n"
    << "        for (int oc = 0; oc < " << g.outC << "; ++oc) acc += f0(yc * " << g.outC << " + oc) * f1((tap * "
    << g.inC << " + ic) * " << g.outC << " + oc);\n"
    << "        total += acc;\n" << kTapLoopClose << "  o0 = floatBitsToUint(total);\n}\n";
  runSimple(o.str(), {buf(p.y), buf(p.filter)}, buf(p.x), inCells(g) * g.inC);
}

void depthwiseBackpropInput(const ConvParams& p) {
  const ConvGeometry& g = p.g;
  const int64_t mult = g.channelMultiplier;
  std::ostringstream o;
  o << "void run(int i) {\n  int c = i % " << g.inC << ", cell = i / " << g.inC << ";\n  float total = 0.0;\n"
    << reverseTapLoopOpen(g) << "        for (int m = 0; m < " << mult << "; ++m) total += f0(yc * " << g.outC
    << " + c * " << mult << " + m) * f1(tap * " << g.inC * mult << " + c * " << mult << " + m);\n"
    << kTapLoopClose << "  o0 = floatBitsToUint(total);\n}\n";
  runSimple(o.str(), {buf(p.y), buf(p.filter)}, buf(p.x), inCells(g) * g.inC);
}

// GLSL walking every output cell in order with the input cell `xc` under tap (fd, fh, fw).
std::string outputLoopForTap(const ConvGeometry& g) {
  std::ostringstream o;
  o << "  for (int b = 0; b < " << g.batch << "; ++b)\n"
    << "  for (int od = 0; od < " << g.outD << "; ++od) {\n"
    << "    int id = od * " << g.strideD << " - " << g.padFront << " + fd * " << g.dilD << ";\n"
    << "    if (id < 0 || id >= " << g.inD << ") continue;\n"
    << "    for (int oh = 0; oh < " << g.outH << "; ++oh) {\n"
    << "      int ih = oh * " << g.strideH << " - " << g.padTop << " + fh * " << g.dilH << ";\n"
    << "      if (ih < 0 || ih >= " << g.inH << ") continue;\n"
    << "      for (int ow = 0; ow < " << g.outW << "; ++ow) {\n"
    << "        int iw = ow * " << g.strideW << " - " << g.padLeft << " + fw * " << g.dilW << ";\n"
    << "        if (iw < 0 || iw >= " << g.inW << ") continue;\n"
    << "        int xc = ((b * " << g.inD << " + id) * " << g.inH << " + ih) * " << g.inW << " + iw;\n"
    << "        int yc = ((b * " << g.outD << " + od) * " << g.outH << " + oh) * " << g.outW << " + ow;\n";
  return o.str();
}

// dfilter (in p.filter) from x and dy (p.y); `perTap` filter values per tap.
void convBackpropFilterImpl(const ConvParams& p, bool depthwise) {
  const ConvGeometry& g = p.g;
  const int64_t mult = g.channelMultiplier;
  const int64_t perTap = depthwise ? g.inC * mult : g.inC * g.outC;
  std::ostringstream o;
  o << "void run(int i) {\n  int tap = i / " << perTap << ", k = i % " << perTap << ";\n"
    << "  int fw = tap % " << g.fW << ", fh = (tap / " << g.fW << ") % " << g.fH << ", fd = tap / " << g.fW * g.fH
    << ";\n";
  if (depthwise) {
    o << "  int ic = k / " << mult << ", oc = k;\n";  // output channel c * mult + m
  } else {
    o << "  int ic = k / " << g.outC << ", oc = k % " << g.outC << ";\n";
  }
  o << "  float total = 0.0;\n" << outputLoopForTap(g) << "        total += f0(xc * " << g.inC << " + ic) * f1(yc * "
    << g.outC << " + oc);\n" << kTapLoopClose << "  o0 = floatBitsToUint(total);\n}\n";
  runSimple(o.str(), {buf(p.x), buf(p.y)}, buf(p.filter), g.fD * g.fH * g.fW * perTap);
}
void convBackpropFilter(const ConvParams& p) { convBackpropFilterImpl(p, false); }
void depthwiseBackpropFilter(const ConvParams& p) { convBackpropFilterImpl(p, true); }

// GLSL: the number of taps of output cell (od, oh, ow) inside x, as `count`.
std::string windowCount(const ConvGeometry& g) {
  std::ostringstream o;
  o << "        int count = 0;\n"
    << "        for (int gd = 0; gd < " << g.fD << "; ++gd) { int jd = od * " << g.strideD << " - " << g.padFront
    << " + gd * " << g.dilD << "; if (jd < 0 || jd >= " << g.inD << ") continue;\n"
    << "        for (int gh = 0; gh < " << g.fH << "; ++gh) { int jh = oh * " << g.strideH << " - " << g.padTop
    << " + gh * " << g.dilH << "; if (jh < 0 || jh >= " << g.inH << ") continue;\n"
    << "        for (int gw = 0; gw < " << g.fW << "; ++gw) { int jw = ow * " << g.strideW << " - " << g.padLeft
    << " + gw * " << g.dilW << "; if (jw < 0 || jw >= " << g.inW << ") continue;\n";
  return o.str();
}

// dx from dy: avg spreads dy / count over each window; max routes dy to the first
// maximum of each window (as cpu), recomputed per window here.
template <bool isMax>
void poolGrad(const PoolGradParams& p) {
  const ConvGeometry& g = p.g;
  std::ostringstream o;
  o << "void run(int i) {\n  int c = i % " << g.inC << ", cell = i / " << g.inC << ";\n  int self = cell;\n"
    << "  float total = 0.0;\n" << reverseTapLoopOpen(g) << windowCount(g);
  if (isMax) {
    o << "          int jc = ((b * " << g.inD << " + jd) * " << g.inH << " + jh) * " << g.inW << " + jw;\n"
      << "          float v = f1(jc * " << g.inC << " + c);\n"
      << "          if (count == 0 || v > best) { best = v; arg = jc; }\n"
      << "          ++count;\n        }}}\n"
      << "        if (arg == self) total += f0(yc * " << g.inC << " + c);\n";
  } else {
    o << "          ++count;\n        }}}\n"
      << "        float scale = 1.0 / float(count);\n"
      << "        total += f0(yc * " << g.inC << " + c) * scale;\n";
  }
  o << kTapLoopClose << "  o0 = floatBitsToUint(total);\n}\n";
  std::string body = o.str();
  if (isMax) {
    const std::string from = "        int count = 0;\n";
    body.replace(body.find(from), from.size(), "        int count = 0, arg = -1;\n        float best = 0.0;\n");
  }
  Pass pass;
  pass.body = body;
  pass.inputs = {buf(p.dy)};
  if (isMax) pass.inputs.push_back(buf(p.x));
  pass.outputs = {buf(p.dx)};
  pass.size = inCells(g) * g.inC;
  runPass(pass);
}

// ---- resizing (forward; the gradients fall back) ------------------------------------------
// Source rows/columns are computed on the host in double precision exactly as the cpu
// kernel does and baked into the shader as constant tables (the shape is the key).

double resizeRatio(int64_t in, int64_t out, bool alignCorners) {
  const bool ac = alignCorners && out > 1;
  return static_cast<double>(ac ? in - 1 : in) / static_cast<double>(ac ? out - 1 : out);
}

template <typename T>
std::string glslTable(const char* type, const char* name, const std::vector<T>& v) {
  std::ostringstream o;
  o << "const " << type << " " << name << "[" << v.size() << "] = " << type << "[" << v.size() << "](";
  for (size_t i = 0; i < v.size(); ++i) o << (i ? ", " : "") << v[i];
  o << ");\n";
  return o.str();
}

void bilinearTables(std::ostringstream& o, const char* prefix, int64_t in, int64_t out, const ResizeParams& p) {
  const double ratio = resizeRatio(in, out, p.alignCorners);
  std::vector<int64_t> lo, hi;
  std::vector<std::string> frac;
  for (int64_t i = 0; i < out; ++i) {
    double src = p.halfPixelCenters ? ratio * (static_cast<double>(i) + 0.5) - 0.5 : ratio * static_cast<double>(i);
    int64_t l = std::max<int64_t>(0, static_cast<int64_t>(std::floor(src)));
    lo.push_back(l);
    hi.push_back(std::min<int64_t>(in - 1, static_cast<int64_t>(std::ceil(src))));
    frac.push_back(glslFloat(static_cast<float>(src - static_cast<double>(l))));
  }
  o << glslTable("int", (std::string(prefix) + "LO").c_str(), lo) << glslTable("int", (std::string(prefix) + "HI").c_str(), hi)
    << glslTable("float", (std::string(prefix) + "F").c_str(), frac);
}

void resizeBilinear(const ResizeParams& p) {
  const int64_t C = p.channels;
  std::ostringstream o;
  bilinearTables(o, "R", p.inH, p.outH, p);
  bilinearTables(o, "C", p.inW, p.outW, p);
  o << "void run(int i) {\n" << splitIndex("i", {{"d", C}, {"c", p.outW}, {"r", p.outH}, {"b", p.batch}})
    << "  int base = b * " << p.inH << ";\n"
    << "  float tl = f0(((base + RLO[r]) * " << p.inW << " + CLO[c]) * " << C << " + d);\n"
    << "  float tr = f0(((base + RLO[r]) * " << p.inW << " + CHI[c]) * " << C << " + d);\n"
    << "  float bl = f0(((base + RHI[r]) * " << p.inW << " + CLO[c]) * " << C << " + d);\n"
    << "  float br = f0(((base + RHI[r]) * " << p.inW << " + CHI[c]) * " << C << " + d);\n"
    << "  float top = tl + (tr - tl) * CF[c];\n  float bottom = bl + (br - bl) * CF[c];\n"
    << "  o0 = floatBitsToUint(top + (bottom - top) * RF[r]);\n}\n";
  runSimple(o.str(), {buf(p.x)}, buf(p.out), p.batch * p.outH * p.outW * C);
}

std::vector<int64_t> nearestTable(int64_t in, int64_t out, const ResizeParams& p) {
  const double ratio = resizeRatio(in, out, p.alignCorners);
  std::vector<int64_t> t;
  for (int64_t i = 0; i < out; ++i) {
    double src = p.halfPixelCenters ? ratio * (static_cast<double>(i) + 0.5) : ratio * static_cast<double>(i);
    int64_t n = p.alignCorners ? static_cast<int64_t>(std::floor(src + 0.5)) : static_cast<int64_t>(std::floor(src));
    n = std::min<int64_t>(in - 1, n);
    if (p.halfPixelCenters) n = std::max<int64_t>(0, n);
    t.push_back(n);
  }
  return t;
}

void resizeNearest(const ResizeParams& p) {
  const int64_t C = p.channels;
  std::ostringstream o;
  o << glslTable("int", "RS", nearestTable(p.inH, p.outH, p)) << glslTable("int", "CS", nearestTable(p.inW, p.outW, p))
    << "void run(int i) {\n" << splitIndex("i", {{"d", C}, {"c", p.outW}, {"r", p.outH}, {"b", p.batch}})
    << "  o0 = ld0(((b * " << p.inH << " + RS[r]) * " << p.inW << " + CS[c]) * " << C << " + d);\n}\n";
  runSimple(o.str(), {buf(p.x)}, buf(p.out), p.batch * p.outH * p.outW * C);
}

// The gradients (dy in p.x with the output's shape, written into p.out with the
// input's shape): per input cell, the output cells that read it, in the cpu
// kernels' order (output cells ascending; the four bilinear corners in order).
void resizeBilinearGrad(const ResizeParams& p) {
  const int64_t C = p.channels;
  std::ostringstream o;
  bilinearTables(o, "R", p.inH, p.outH, p);
  bilinearTables(o, "C", p.inW, p.outW, p);
  o << "void run(int i) {\n" << splitIndex("i", {{"d", C}, {"ci", p.inW}, {"ri", p.inH}, {"b", p.batch}})
    << "  float acc = 0.0;\n"
    << "  for (int r = 0; r < " << p.outH << "; ++r) {\n"
    << "    if (RLO[r] != ri && RHI[r] != ri) continue;\n"
    << "    for (int c = 0; c < " << p.outW << "; ++c) {\n"
    << "      if (CLO[c] != ci && CHI[c] != ci) continue;\n"
    << "      float g = f0(((b * " << p.outH << " + r) * " << p.outW << " + c) * " << C << " + d);\n"
    << "      float rf = RF[r], cf = CF[c];\n"
    << "      if (RLO[r] == ri && CLO[c] == ci) acc += g * ((1.0 - rf) * (1.0 - cf));\n"
    << "      if (RLO[r] == ri && CHI[c] == ci) acc += g * ((1.0 - rf) * cf);\n"
    << "      if (RHI[r] == ri && CLO[c] == ci) acc += g * (rf * (1.0 - cf));\n"
    << "      if (RHI[r] == ri && CHI[c] == ci) acc += g * (rf * cf);\n"
    << "    }\n  }\n  o0 = floatBitsToUint(acc);\n}\n";
  runSimple(o.str(), {buf(p.x)}, buf(p.out), p.batch * p.inH * p.inW * C);
}

void resizeNearestGrad(const ResizeParams& p) {
  const int64_t C = p.channels;
  std::ostringstream o;
  o << glslTable("int", "RS", nearestTable(p.inH, p.outH, p)) << glslTable("int", "CS", nearestTable(p.inW, p.outW, p))
    << "void run(int i) {\n" << splitIndex("i", {{"d", C}, {"ci", p.inW}, {"ri", p.inH}, {"b", p.batch}})
    << "  float acc = 0.0;\n"
    << "  for (int r = 0; r < " << p.outH << "; ++r) {\n    if (RS[r] != ri) continue;\n"
    << "    for (int c = 0; c < " << p.outW << "; ++c) {\n      if (CS[c] != ci) continue;\n"
    << "      acc += f0(((b * " << p.outH << " + r) * " << p.outW << " + c) * " << C << " + d);\n"
    << "    }\n  }\n  o0 = floatBitsToUint(acc);\n}\n";
  runSimple(o.str(), {buf(p.x)}, buf(p.out), p.batch * p.inH * p.inW * C);
}

// ---- gather -------------------------------------------------------------------------------
// out[o, k, in] = x[o, indices[k], in] (4-byte elements). The op throws on an index
// outside [0, axisDim): a first pass finds each block's first bad position, read
// back at once (a small synchronous read: the op needs the answer before it returns),
// unless the caller checked them (indicesInRange: the fit loop's batches).
void gatherPass(const GatherParams& p);
void gather(const GatherParams& p) {
  *p.badAt = -1;
  if (p.numIndices == 0) return;
  if (p.indicesInRange) {  // rows the caller made (fit's batches): no check pass, no stall
    gatherPass(p);
    return;
  }
  constexpr int64_t kBlock = 256;
  const int64_t blocks = (p.numIndices + kBlock - 1) / kBlock;
  GLBuffer* at = acquire(blocks);
  GLBuffer* value = acquire(blocks);
  std::vector<uint32_t> bad(static_cast<size_t>(blocks)), vals(static_cast<size_t>(blocks));
  Borrowed held{at, value};
  {
    std::ostringstream o;
    o << "void run(int blk) {\n  o0 = 0xffffffffu; o1 = 0u;\n"
      << "  for (int k = blk * " << kBlock << "; k < min(blk * " << kBlock << " + " << kBlock << ", " << p.numIndices
      << "); ++k) {\n    int v = int(ld0(k));\n"
      << "    if (v < 0 || v >= " << p.axisDim << ") { o0 = uint(k); o1 = uint(v); return; }\n  }\n}\n";
    Pass check;
    check.body = o.str();
    check.inputs = {buf(p.indices)};
    check.outputs = {at, value};
    check.size = blocks;
    runPass(check);
    readNow(at, bad.data(), blocks);
    readNow(value, vals.data(), blocks);
  }
  for (int64_t blk = 0; blk < blocks; ++blk) {
    if (bad[static_cast<size_t>(blk)] != 0xffffffffu) {
      *p.badAt = bad[static_cast<size_t>(blk)];
      *p.badValue = static_cast<int32_t>(vals[static_cast<size_t>(blk)]);
      return;  // the op throws; out is discarded
    }
  }
  gatherPass(p);
}

void gatherPass(const GatherParams& p) {
  std::ostringstream o;
  o << "void run(int i) {\n  int in_ = i % " << p.inner << ", k = (i / " << p.inner << ") % " << p.numIndices
    << ", outer = i / " << p.inner * p.numIndices << ";\n"
    << "  o0 = ld0((outer * " << p.axisDim << " + int(ld1(k))) * " << p.inner << " + in_);\n}\n";
  runSimple(o.str(), {buf(p.x), buf(p.indices)}, buf(p.out), p.outer * p.numIndices * p.inner);
}

// ---- scatter-add (the gradient of gather) -------------------------------------------------
// out[o, a, in] += the src rows whose index is a, in index order (as cpu); a gather
// over the indices per output element, in place (out is read and written).
void scatterAdd(const ScatterAddParams& p) {
  std::ostringstream o;
  o << "void run(int i) {\n  int in_ = i % " << p.inner << ", a = (i / " << p.inner << ") % " << p.axisDim
    << ", outer = i / " << p.inner * p.axisDim << ";\n  float acc = f2(i);\n"
    << "  for (int k = 0; k < " << p.numIndices << "; ++k) {\n"
    << "    if (int(ld1(k)) == a) acc += f0((outer * " << p.numIndices << " + k) * " << p.inner << " + in_);\n  }\n"
    << "  o0 = floatBitsToUint(acc);\n}\n";
  runSimple(o.str(), {buf(p.src), buf(p.indices), buf(p.out)}, buf(p.out), p.outer * p.axisDim * p.inner);
}

}  // namespace
}  // namespace webgl

WL_REGISTER_KERNEL("Fill", "webgl", FillKernel, webgl::fill);
WL_REGISTER_KERNEL("Copy", "webgl", CopyKernel, webgl::copy);
WL_REGISTER_KERNEL("BroadcastTo", "webgl", BroadcastKernel, webgl::broadcastTo);
WL_REGISTER_KERNEL("StridedCopy", "webgl", StridedCopyKernel, webgl::stridedCopy);
WL_REGISTER_KERNEL("Unary", "webgl", UnaryKernel, webgl::unary);
WL_REGISTER_KERNEL("UnaryGrad", "webgl", UnaryGradKernel, webgl::unaryGrad);
WL_REGISTER_KERNEL("Binary", "webgl", BinaryKernel, webgl::binary);
WL_REGISTER_KERNEL("Axpy", "webgl", AxpyKernel, webgl::axpy);
WL_REGISTER_KERNEL("AdamUpdate", "webgl", AdamKernel, webgl::adamUpdate);
WL_REGISTER_KERNEL("Reduce", "webgl", ReduceKernel, webgl::reduce);
WL_REGISTER_KERNEL("ReduceInt", "webgl", ReduceKernel, webgl::reduceInt);
WL_REGISTER_KERNEL("BinaryInt", "webgl", BinaryKernel, webgl::binaryInt);
WL_REGISTER_KERNEL("UnaryInt", "webgl", UnaryKernel, webgl::unaryInt);
WL_REGISTER_KERNEL("Softmax", "webgl", SoftmaxKernel, webgl::softmax);
WL_REGISTER_KERNEL("MatMul", "webgl", MatMulKernel, webgl::matMul);
WL_REGISTER_KERNEL("Cast", "webgl", CastKernel, webgl::cast);
WL_REGISTER_KERNEL("Select", "webgl", SelectKernel, webgl::select);
WL_REGISTER_KERNEL("BatchNormInference", "webgl", BatchNormKernel, webgl::batchNormInference);
WL_REGISTER_KERNEL("ArgReduce", "webgl", ArgReduceKernel, webgl::argReduce);
WL_REGISTER_KERNEL("Cumsum", "webgl", CumsumKernel, webgl::cumsum);
WL_REGISTER_KERNEL("Conv2D", "webgl", ConvKernel, webgl::conv);
WL_REGISTER_KERNEL("Conv3D", "webgl", ConvKernel, webgl::conv);
WL_REGISTER_KERNEL("DepthwiseConv2dNative", "webgl", ConvKernel, webgl::depthwise);
WL_REGISTER_KERNEL("Conv2DBackpropInput", "webgl", ConvKernel, webgl::convBackpropInput);
WL_REGISTER_KERNEL("Conv3DBackpropInputV2", "webgl", ConvKernel, webgl::convBackpropInput);
WL_REGISTER_KERNEL("Conv2DBackpropFilter", "webgl", ConvKernel, webgl::convBackpropFilter);
WL_REGISTER_KERNEL("Conv3DBackpropFilterV2", "webgl", ConvKernel, webgl::convBackpropFilter);
WL_REGISTER_KERNEL("DepthwiseConv2dNativeBackpropInput", "webgl", ConvKernel, webgl::depthwiseBackpropInput);
WL_REGISTER_KERNEL("DepthwiseConv2dNativeBackpropFilter", "webgl", ConvKernel, webgl::depthwiseBackpropFilter);
WL_REGISTER_KERNEL("MaxPoolGrad", "webgl", PoolGradKernel, webgl::poolGrad<true>);
WL_REGISTER_KERNEL("MaxPool3DGrad", "webgl", PoolGradKernel, webgl::poolGrad<true>);
WL_REGISTER_KERNEL("AvgPoolGrad", "webgl", PoolGradKernel, webgl::poolGrad<false>);
WL_REGISTER_KERNEL("AvgPool3DGrad", "webgl", PoolGradKernel, webgl::poolGrad<false>);
WL_REGISTER_KERNEL("ResizeBilinear", "webgl", ResizeKernel, webgl::resizeBilinear);
WL_REGISTER_KERNEL("ResizeNearestNeighbor", "webgl", ResizeKernel, webgl::resizeNearest);
WL_REGISTER_KERNEL("ResizeBilinearGrad", "webgl", ResizeKernel, webgl::resizeBilinearGrad);
WL_REGISTER_KERNEL("ResizeNearestNeighborGrad", "webgl", ResizeKernel, webgl::resizeNearestGrad);
WL_REGISTER_KERNEL("ScatterAdd", "webgl", ScatterAddKernel, webgl::scatterAdd);
WL_REGISTER_KERNEL("Gather", "webgl", GatherKernel, webgl::gather);
WL_REGISTER_KERNEL("MaxPool", "webgl", PoolKernel, webgl::pool<true>);
WL_REGISTER_KERNEL("MaxPool3D", "webgl", PoolKernel, webgl::pool<true>);
WL_REGISTER_KERNEL("AvgPool", "webgl", PoolKernel, webgl::pool<false>);
WL_REGISTER_KERNEL("AvgPool3D", "webgl", PoolKernel, webgl::pool<false>);

}  // namespace wl

// Elementwise op codes and their scalar definitions, shared by every backend:
// a SIMD kernel vectorizes the common codes and calls these for the rest.
// To add an elementwise op: a code here, its scalar formula in unaryScalar /
// binaryScalar, its derivative in unaryGradScalar, and its op in ops/elementwise.cc.
#pragma once

#include <type_traits>
#include <cmath>
#include <cstdint>

namespace wl {

// Activations a producing kernel can apply in its epilogue (kernels/params.h).
enum class FusedActivation : int32_t { Linear, Relu, Relu6 };

enum class UnaryOp {
  Neg, Abs, Sign, Square, Sqrt, Rsqrt, Reciprocal, Exp, Expm1, Log, Log1p, Round, Floor, Ceil,
  Relu, Relu6, Elu, Selu, LeakyRelu, Sigmoid, LogSigmoid, Softplus, Softsign, Tanh, Step,
  Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Asinh, Acosh, Atanh, Erf, ClipByValue,
  IsNaN, IsFinite, IsInf,
};

enum class BinaryOp {
  Add, Sub, Mul, Div, DivNoNan, FloorDiv, Mod, Pow, Maximum, Minimum, SquaredDifference, Atan2,
  // comparisons and logic: bool (0/1) results
  Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual, LogicalAnd, LogicalOr, LogicalXor,
};

constexpr float kSeluScale = 1.0507009873554804934193349852946f;
constexpr float kSeluAlpha = 1.6732632423543772848170429916717f;

inline float sigmoidScalar(float x) { return 1.f / (1.f + std::exp(-x)); }

inline float softplusScalar(float x) {
  // As tfjs: avoid overflow of exp for large |x|.
  const float threshold = std::log(1.1920928955078125e-7f) + 2.f;
  if (x > -threshold) return x;
  if (x < threshold) return std::exp(x);
  return std::log1p(std::exp(x));
}

inline float unaryScalar(UnaryOp op, float x, float alpha, float beta) {
  switch (op) {
    case UnaryOp::Neg: return -x;
    case UnaryOp::Abs: return std::fabs(x);
    case UnaryOp::Sign: return x > 0.f ? 1.f : (x < 0.f ? -1.f : 0.f);  // sign(NaN) = 0, as tfjs
    case UnaryOp::Square: return x * x;
    case UnaryOp::Sqrt: return std::sqrt(x);
    case UnaryOp::Rsqrt: return 1.f / std::sqrt(x);
    case UnaryOp::Reciprocal: return 1.f / x;
    case UnaryOp::Exp: return std::exp(x);
    case UnaryOp::Expm1: return std::expm1(x);
    case UnaryOp::Log: return std::log(x);
    case UnaryOp::Log1p: return std::log1p(x);
    case UnaryOp::Round: return std::nearbyint(x);  // banker's rounding, as tfjs
    case UnaryOp::Floor: return std::floor(x);
    case UnaryOp::Ceil: return std::ceil(x);
    case UnaryOp::Relu: return x > 0.f ? x : (x == x ? 0.f : x);
    case UnaryOp::Relu6: return x > 0.f ? (x < 6.f ? x : 6.f) : (x == x ? 0.f : x);
    case UnaryOp::Elu: return x >= 0.f ? x : std::expm1(x);
    case UnaryOp::Selu: return x >= 0.f ? kSeluScale * x : kSeluScale * kSeluAlpha * std::expm1(x);
    case UnaryOp::LeakyRelu: return x >= 0.f ? x : alpha * x;
    case UnaryOp::Sigmoid: return sigmoidScalar(x);
    case UnaryOp::LogSigmoid: return -softplusScalar(-x);
    case UnaryOp::Softplus: return softplusScalar(x);
    case UnaryOp::Softsign: return x / (1.f + std::fabs(x));
    case UnaryOp::Tanh: return std::tanh(x);
    case UnaryOp::Step: return x > 0.f ? 1.f : (x == x ? alpha : x);
    case UnaryOp::Sin: return std::sin(x);
    case UnaryOp::Cos: return std::cos(x);
    case UnaryOp::Tan: return std::tan(x);
    case UnaryOp::Asin: return std::asin(x);
    case UnaryOp::Acos: return std::acos(x);
    case UnaryOp::Atan: return std::atan(x);
    case UnaryOp::Sinh: return std::sinh(x);
    case UnaryOp::Cosh: return std::cosh(x);
    case UnaryOp::Asinh: return std::asinh(x);
    case UnaryOp::Acosh: return std::acosh(x);
    case UnaryOp::Atanh: return std::atanh(x);
    case UnaryOp::Erf: return std::erf(x);
    case UnaryOp::ClipByValue: return x < alpha ? alpha : (x > beta ? beta : x);
    case UnaryOp::IsNaN: return std::isnan(x) ? 1.f : 0.f;
    case UnaryOp::IsFinite: return std::isfinite(x) ? 1.f : 0.f;
    case UnaryOp::IsInf: return std::isinf(x) ? 1.f : 0.f;
  }
  return 0.f;
}

// d(op)/dx at x (input) and y (output), times dy.
inline float unaryGradScalar(UnaryOp op, float x, float y, float dy, float alpha, float beta) {
  switch (op) {
    case UnaryOp::Neg: return -dy;
    case UnaryOp::Abs: return x > 0.f ? dy : -dy;
    case UnaryOp::Square: return dy * 2.f * x;
    case UnaryOp::Sqrt: return dy / (2.f * y);
    case UnaryOp::Rsqrt: return dy / (-2.f * x * std::sqrt(x));
    case UnaryOp::Reciprocal: return -dy / (x * x);
    case UnaryOp::Exp: return dy * y;
    case UnaryOp::Expm1: return dy * std::exp(x);
    case UnaryOp::Log: return dy / x;
    case UnaryOp::Log1p: return dy / (1.f + x);
    case UnaryOp::Relu: return x > 0.f ? dy : 0.f;
    case UnaryOp::Relu6: return x > 0.f && x <= 6.f ? dy : 0.f;
    case UnaryOp::Elu: return y >= 0.f ? dy : dy * (y + 1.f);
    case UnaryOp::Selu: return x > 0.f ? dy * kSeluScale : dy * kSeluScale * kSeluAlpha * std::exp(x);
    case UnaryOp::LeakyRelu: return x > 0.f ? dy : dy * alpha;
    case UnaryOp::Sigmoid: return dy * y * (1.f - y);
    case UnaryOp::LogSigmoid: return dy * sigmoidScalar(-x);
    case UnaryOp::Softplus: return dy * sigmoidScalar(x);
    case UnaryOp::Softsign: return dy / ((1.f + std::fabs(x)) * (1.f + std::fabs(x)));
    case UnaryOp::Tanh: return dy * (1.f - y * y);
    case UnaryOp::Sin: return dy * std::cos(x);
    case UnaryOp::Cos: return -dy * std::sin(x);
    case UnaryOp::Tan: return dy / (std::cos(x) * std::cos(x));
    case UnaryOp::Asin: return dy / std::sqrt(1.f - x * x);
    case UnaryOp::Acos: return -dy / std::sqrt(1.f - x * x);
    case UnaryOp::Atan: return dy / (1.f + x * x);
    case UnaryOp::Sinh: return dy * std::cosh(x);
    case UnaryOp::Cosh: return dy * std::sinh(x);
    case UnaryOp::Asinh: return dy / std::sqrt(1.f + x * x);
    case UnaryOp::Acosh: return dy / std::sqrt(x * x - 1.f);
    case UnaryOp::Atanh: return dy / (1.f - x * x);
    case UnaryOp::Erf: return dy * 1.1283791670955126f * std::exp(-x * x);
    case UnaryOp::ClipByValue: return x >= alpha && x <= beta ? dy : 0.f;
    default: return 0.f;  // piecewise constant: Sign, Round, Floor, Ceil, Step, Is*
  }
}

// Integer add, subtract and multiply wrap (two's complement), as tfjs's int32 tensors
// (Int32Array) do; computed unsigned, since a signed overflow is undefined in C++.
template <typename T, typename F>
inline T wrapping(T a, T b, F f) {
  if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    // (at least unsigned int: a narrower unsigned type would be promoted to int)
    using U = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;
    return static_cast<T>(static_cast<U>(f(static_cast<U>(a), static_cast<U>(b))));
  } else {
    return f(a, b);
  }
}

template <typename T>
inline T binaryScalar(BinaryOp op, T a, T b) {
  switch (op) {
    case BinaryOp::Add: return wrapping(a, b, [](auto x, auto y) { return x + y; });
    case BinaryOp::Sub: return wrapping(a, b, [](auto x, auto y) { return x - y; });
    case BinaryOp::Mul: return wrapping(a, b, [](auto x, auto y) { return x * y; });
    case BinaryOp::Div:
      if constexpr (std::is_integral_v<T>) {
        return b == 0 ? 0 : static_cast<T>(std::floor(static_cast<double>(a) / b));
      } else {
        return a / b;
      }
    case BinaryOp::DivNoNan: return b == 0 ? T(0) : a / b;
    case BinaryOp::FloorDiv:
      if constexpr (std::is_integral_v<T>) {
        return b == 0 ? 0 : static_cast<T>(std::floor(static_cast<double>(a) / b));
      } else {
        return std::floor(a / b);
      }
    case BinaryOp::Mod: {
      if constexpr (std::is_integral_v<T>) {
        if (b == 0) return 0;
        T r = a % b;
        return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
      } else {
        T r = std::fmod(a, b);
        return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
      }
    }
    case BinaryOp::Pow: return static_cast<T>(std::pow(a, b));
    case BinaryOp::Maximum: return a > b || a != a ? a : b;
    case BinaryOp::Minimum: return a < b || a != a ? a : b;
    case BinaryOp::SquaredDifference: return (a - b) * (a - b);
    case BinaryOp::Atan2: return static_cast<T>(std::atan2(a, b));
    case BinaryOp::Equal: return a == b;
    case BinaryOp::NotEqual: return a != b;
    case BinaryOp::Less: return a < b;
    case BinaryOp::LessEqual: return a <= b;
    case BinaryOp::Greater: return a > b;
    case BinaryOp::GreaterEqual: return a >= b;
    case BinaryOp::LogicalAnd: return (a != 0) && (b != 0);
    case BinaryOp::LogicalOr: return (a != 0) || (b != 0);
    case BinaryOp::LogicalXor: return (a != 0) != (b != 0);
  }
  return 0;
}

inline bool isComparison(BinaryOp op) { return op >= BinaryOp::Equal; }

}  // namespace wl

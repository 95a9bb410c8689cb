// Second-order gradients: nested tapes differentiate the backward pass itself.
//
// Each case wraps an op f in its first-order gradient g(x) = d sum(f(x)) / dx
// (an inner tape) and checks g's gradient (an outer tape) against central finite
// differences of g: the same harness as test_gradients.cc, one level up.
#include <gtest/gtest.h>

#include "core/tape.h"
#include "grad_check.h"
#include "ops/conv.h"
#include "ops/ops.h"
#include "ops/shape_ops.h"

namespace wl {
namespace {

using test::checkGradients;
using test::GradFnUnderTest;
using test::randomTensor;

// x -> d sum(f(x) * w) / dx[0], computed on a tape nested in the caller's.
GradFnUnderTest firstOrder(GradFnUnderTest f) {
  return [f](const std::vector<Tensor>& v) {
    GradientTape inner;
    Tensor y = f(v);
    Tensor w = randomTensor(y.shape(), 0.5f, 1.5f, 3);
    return inner.gradient(sum(mul(y, w)), {v[0]})[0];
  };
}

#define SECOND_ORDER_CASE(name, fn, ...) \
  TEST(SecondOrder, name) { checkGradients(firstOrder(fn), {__VA_ARGS__}); }

Tensor R(const Shape& s, unsigned seed, float lo = -1.5f, float hi = 1.5f) { return randomTensor(s, lo, hi, seed); }
Tensor unaryOf(UnaryOp op, const Tensor& x) { return unary(op, x); }

SECOND_ORDER_CASE(Cube, [](auto& v) { return mul(square(v[0]), v[0]); }, R({4}, 1))
SECOND_ORDER_CASE(Exp, [](auto& v) { return exp(v[0]); }, R({4}, 2))
SECOND_ORDER_CASE(Log, [](auto& v) { return log(v[0]); }, R({4}, 3, 0.5f, 2.f))
SECOND_ORDER_CASE(Sqrt, [](auto& v) { return sqrt(v[0]); }, R({4}, 4, 0.5f, 2.f))
SECOND_ORDER_CASE(Tanh, [](auto& v) { return tanh(v[0]); }, R({4}, 5))
SECOND_ORDER_CASE(Sigmoid, [](auto& v) { return sigmoid(v[0]); }, R({4}, 6))
SECOND_ORDER_CASE(Sin, [](auto& v) { return unaryOf(UnaryOp::Sin, v[0]); }, R({4}, 7))
SECOND_ORDER_CASE(Softplus, [](auto& v) { return unaryOf(UnaryOp::Softplus, v[0]); }, R({4}, 8))
SECOND_ORDER_CASE(Reciprocal, [](auto& v) { return unaryOf(UnaryOp::Reciprocal, v[0]); }, R({4}, 9, 0.5f, 2.f))
SECOND_ORDER_CASE(Atan, [](auto& v) { return unaryOf(UnaryOp::Atan, v[0]); }, R({4}, 10))
SECOND_ORDER_CASE(Erf, [](auto& v) { return unaryOf(UnaryOp::Erf, v[0]); }, R({4}, 11))
SECOND_ORDER_CASE(EluNegative, [](auto& v) { return unaryOf(UnaryOp::Elu, v[0]); }, R({4}, 12, -2.f, -0.2f))
SECOND_ORDER_CASE(ReluTimesX, [](auto& v) { return mul(relu(v[0]), v[0]); },
                  Tensor::fromVector({4}, {-1.2f, -0.4f, 0.5f, 1.3f}))
SECOND_ORDER_CASE(MatMulTanh, [](auto& v) { return tanh(matMul(v[0], v[1])); }, R({2, 3}, 13), R({3, 2}, 14))
SECOND_ORDER_CASE(MatMulSecondInput, [](auto& v) { return tanh(matMul(v[1], v[0])); }, R({3, 2}, 15), R({2, 3}, 16))
SECOND_ORDER_CASE(Softmax, [](auto& v) { return softmax(v[0]); }, R({2, 3}, 17))
SECOND_ORDER_CASE(GatherSquare, [](auto& v) {
  return square(gather(v[0], Tensor::fromVector({3}, {2.f, 0.f, 2.f}), 0));
}, R({3, 2}, 18))
SECOND_ORDER_CASE(AvgPoolSquare, [](auto& v) {
  return square(avgPool(v[0], {2, 2}, {1, 1}, Padding::valid()));
}, R({1, 3, 3, 1}, 19))
SECOND_ORDER_CASE(ResizeBilinearSquare, [](auto& v) { return square(resizeBilinear(v[0], {3, 3})); },
                  R({1, 2, 2, 1}, 20))
SECOND_ORDER_CASE(BroadcastMulSum, [](auto& v) { return mul(sum(square(v[0]), {1}, true), v[0]); }, R({2, 3}, 21))

TEST(SecondOrder, ThrowsWhereARuleCannotBeDifferentiatedAgain) {
  Tensor x = R({1, 4, 4, 1}, 22);
  GradientTape outer;
  Tensor g;
  {
    GradientTape inner;
    Tensor y = sum(maxPool(x, {2, 2}, {2, 2}, Padding::valid()));
    g = inner.gradient(y, {x})[0];
  }
  EXPECT_THROW(
      {
        try {
          outer.gradient(sum(square(g)), {x});
        } catch (const Error& e) {
          EXPECT_NE(std::string(e.what()).find("second-order gradient through 'MaxPoolGrad'"), std::string::npos);
          throw;
        }
      },
      Error);
}

TEST(SecondOrder, FirstOrderAloneRecordsNothingOutside) {
  // Without an outer tape, computing a gradient leaves no tape active.
  Tensor x = R({3}, 23);
  {
    GradientTape tape;
    Tensor y = sum(exp(x));
    tape.gradient(y, {x});
  }
  EXPECT_EQ(activeTape(), nullptr);
}

}  // namespace
}  // namespace wl

// Every op's gradient against central finite differences.
//
// To add an op: one GRAD_CASE line with a function of its inputs and inputs in a
// range where the op is smooth. The loss is sum(f(x) * r) for a fixed random r,
// so each output element gets a distinct upstream gradient.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

#include "core/tape.h"
#include "grad_check.h"
#include "ops/ops.h"

namespace wl {
namespace {

using test::checkGradients;
using test::randomTensor;

#define GRAD_CASE(name, fn, ...) \
  TEST(Gradients, name) { checkGradients(fn, {__VA_ARGS__}); }

Tensor R(const Shape& s, unsigned seed, float lo = -2.f, float hi = 2.f) { return randomTensor(s, lo, hi, seed); }

GRAD_CASE(Add, [](auto& v) { return add(v[0], v[1]); }, R({2, 3}, 1), R({2, 3}, 2))
GRAD_CASE(AddBroadcast, [](auto& v) { return add(v[0], v[1]); }, R({2, 3}, 1), R({3}, 2))
GRAD_CASE(AddBroadcastColumn, [](auto& v) { return add(v[0], v[1]); }, R({2, 1}, 1), R({1, 3}, 2))
GRAD_CASE(Sub, [](auto& v) { return sub(v[0], v[1]); }, R({2, 3}, 3), R({1, 3}, 4))
GRAD_CASE(Mul, [](auto& v) { return mul(v[0], v[1]); }, R({2, 3}, 5), R({2, 1}, 6))
GRAD_CASE(Div, [](auto& v) { return div(v[0], v[1]); }, R({2, 3}, 7), R({3}, 8, 0.5f, 2.f))
GRAD_CASE(Neg, [](auto& v) { return neg(v[0]); }, R({4}, 9))
GRAD_CASE(Square, [](auto& v) { return square(v[0]); }, R({2, 2}, 10))
GRAD_CASE(Exp, [](auto& v) { return exp(v[0]); }, R({3}, 11, -1.f, 1.f))
GRAD_CASE(Log, [](auto& v) { return log(v[0]); }, R({3}, 12, 0.5f, 3.f))
GRAD_CASE(Relu, [](auto& v) { return relu(v[0]); }, Tensor::fromVector({4}, {-1.5f, -0.3f, 0.4f, 1.7f}))
GRAD_CASE(Sigmoid, [](auto& v) { return sigmoid(v[0]); }, R({5}, 13))
GRAD_CASE(Tanh, [](auto& v) { return tanh(v[0]); }, R({5}, 14))
GRAD_CASE(Softmax, [](auto& v) { return softmax(v[0]); }, R({2, 4}, 15))
GRAD_CASE(SumAll, [](auto& v) { return sum(v[0]); }, R({2, 3}, 16))
GRAD_CASE(SumAxis, [](auto& v) { return sum(v[0], {0}); }, R({2, 3, 2}, 17))
GRAD_CASE(SumKeepDims, [](auto& v) { return sum(v[0], {-1}, true); }, R({2, 3}, 18))
GRAD_CASE(Mean, [](auto& v) { return mean(v[0], {1}); }, R({2, 3}, 19))
GRAD_CASE(Reshape, [](auto& v) { return square(reshape(v[0], {3, 2})); }, R({2, 3}, 20))
GRAD_CASE(BroadcastTo, [](auto& v) { return broadcastTo(v[0], {2, 3}); }, R({1, 3}, 21))
GRAD_CASE(MatMul, [](auto& v) { return matMul(v[0], v[1]); }, R({2, 3}, 22), R({3, 4}, 23))
GRAD_CASE(MatMulTransposeA, [](auto& v) { return matMul(v[0], v[1], true, false); }, R({3, 2}, 24), R({3, 4}, 25))
GRAD_CASE(MatMulTransposeB, [](auto& v) { return matMul(v[0], v[1], false, true); }, R({2, 3}, 26), R({4, 3}, 27))
GRAD_CASE(MatMulTransposeBoth, [](auto& v) { return matMul(v[0], v[1], true, true); }, R({3, 2}, 28), R({4, 3}, 29))
GRAD_CASE(MatMulBatched, [](auto& v) { return matMul(v[0], v[1]); }, R({2, 2, 3}, 30), R({1, 3, 2}, 31))
GRAD_CASE(Composite, [](auto& v) { return mean(square(sub(add(matMul(v[0], v[1]), v[2]), v[3])), {-1}); },
          R({4, 1}, 32), R({1, 1}, 33), R({1}, 34), R({4, 1}, 35))

TEST(Gradients, UnusedInputGetsZeros) {
  Tensor a = R({2}, 40), b = R({3}, 41);
  GradientTape tape;
  Tensor loss = sum(square(a));
  auto g = tape.gradient(loss, {a, b});
  EXPECT_EQ(g[1].toVector(), (std::vector<float>{0, 0, 0}));
}

TEST(Gradients, NothingIsRecordedWithoutATape) {
  MemoryStats before = memoryStats();
  {
    Tensor a = R({8}, 42);
    Tensor y = sum(square(a));
  }
  EXPECT_EQ(memoryStats().numTensors, before.numTensors);
}

}  // namespace
}  // namespace wl

// A gradient rule skips the work for inputs no requested gradient depends on
// (tape.h gradientNeeded): fit asks for the weights' gradients only, so the first
// layer's input-batch gradient (MatMul's da, a convolution's BackpropInput) is never
// computed. The weights' gradients must be the same either way.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <utility>

#include "core/dispatch.h"
#include "core/tape.h"
#include "grad_check.h"
#include "ops/conv.h"
#include "ops/ops.h"

namespace wl {
namespace {

using Ran = std::set<std::pair<std::string, std::string>>;

bool ranOp(const Ran& ran, const std::string& op) {
  for (const auto& r : ran) {
    if (r.first == op) return true;
  }
  return false;
}

// Gradients of sum(f(x, w)) with respect to `xs`, and the kernels that ran for them.
std::vector<Tensor> gradients(const std::function<Tensor(const Tensor&, const Tensor&)>& f, const Tensor& x,
                              const Tensor& w, const std::vector<Tensor>& xs, Ran& ran, uint64_t& calls) {
  GradientTape tape;
  Tensor loss = sum(f(x, w));
  setDispatchLog(&ran);
  const uint64_t before = kernelCallCount();
  std::vector<Tensor> g = tape.gradient(loss, xs);
  calls = kernelCallCount() - before;
  setDispatchLog(nullptr);
  return g;
}

void expectSame(const Tensor& a, const Tensor& b) {
  ASSERT_EQ(a.shape(), b.shape());
  for (int64_t i = 0; i < a.size(); ++i) EXPECT_EQ(a.data<float>()[i], b.data<float>()[i]) << i;
}

TEST(GradientNeeded, ConvolutionsSkipTheInputGradient) {
  struct Case {
    const char* backpropInput;
    std::function<Tensor(const Tensor&, const Tensor&)> f;
    Shape x, w;
  };
  const Case cases[] = {
      {"Conv2DBackpropInput", [](const Tensor& x, const Tensor& w) { return conv2d(x, w, {1}, Padding::same()); },
       {2, 5, 6, 3}, {3, 3, 3, 4}},
      {"DepthwiseConv2dNativeBackpropInput",
       [](const Tensor& x, const Tensor& w) { return depthwiseConv2d(x, w, {2}, Padding::valid()); }, {2, 7, 5, 3},
       {3, 3, 3, 2}},
  };
  for (const Case& c : cases) {
    Tensor x = test::randomTensor(c.x, -1.f, 1.f, 1), w = test::randomTensor(c.w, -1.f, 1.f, 2);
    Ran onlyW, both;
    uint64_t callsW = 0, callsBoth = 0;
    std::vector<Tensor> gw = gradients(c.f, x, w, {w}, onlyW, callsW);
    std::vector<Tensor> gxw = gradients(c.f, x, w, {x, w}, both, callsBoth);
    EXPECT_FALSE(ranOp(onlyW, c.backpropInput)) << c.backpropInput << " ran for the weights' gradient only";
    EXPECT_TRUE(ranOp(both, c.backpropInput)) << c.backpropInput;
    EXPECT_LT(callsW, callsBoth);
    expectSame(gw[0], gxw[1]);
  }
}

TEST(GradientNeeded, MatMulSkipsTheUnusedOperand) {
  Tensor x = test::randomTensor({4, 6}, -1.f, 1.f, 3), w = test::randomTensor({6, 5}, -1.f, 1.f, 4);
  auto f = [](const Tensor& a, const Tensor& b) { return matMul(a, b); };
  Ran ran;
  uint64_t callsW = 0, callsX = 0, callsBoth = 0;
  std::vector<Tensor> gw = gradients(f, x, w, {w}, ran, callsW);
  std::vector<Tensor> gx = gradients(f, x, w, {x}, ran, callsX);
  std::vector<Tensor> gxw = gradients(f, x, w, {x, w}, ran, callsBoth);
  EXPECT_LT(callsW, callsBoth);
  EXPECT_LT(callsX, callsBoth);
  expectSame(gw[0], gxw[1]);
  expectSame(gx[0], gxw[0]);
}

// A weight behind an op of the input (x * v, then conv): x's path still needs its
// gradient, because v depends on it; nothing is skipped that a result uses.
TEST(GradientNeeded, InputGradientKeptWhenAWeightIsBehindIt) {
  Tensor x = test::randomTensor({1, 4, 4, 2}, -1.f, 1.f, 5), v = test::randomTensor({2}, -1.f, 1.f, 6);
  Tensor w = test::randomTensor({3, 3, 2, 3}, -1.f, 1.f, 7);
  GradientTape tape;
  Tensor loss = sum(conv2d(mul(x, v), w, {1}, Padding::same()));
  Ran ran;
  setDispatchLog(&ran);
  std::vector<Tensor> g = tape.gradient(loss, {v});
  setDispatchLog(nullptr);
  EXPECT_TRUE(ranOp(ran, "Conv2DBackpropInput"));
  // And its value: d/dv against central finite differences.
  test::checkGradients([&](const std::vector<Tensor>& in) { return conv2d(mul(x, in[0]), w, {1}, Padding::same()); },
                       {v});
}

}  // namespace
}  // namespace wl

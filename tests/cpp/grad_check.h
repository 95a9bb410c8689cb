// Shared by the GoogleTest suites: seeded random tensors, the central
// finite-difference check of an op's gradient with respect to each input, and
// errorOf (the message a call throws).
// The loss is sum(f(x) * r) for a fixed random r, so every output element
// gets a distinct upstream gradient.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/tape.h"
#include "ops/ops.h"

namespace wl::test {

inline Tensor randomTensor(const Shape& shape, float lo, float hi, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(static_cast<size_t>(shapeSize(shape)));
  for (float& x : v) x = d(gen);
  return Tensor::fromVector(shape, v);  // in the active backend's memory
}

inline double weightedSum(const Tensor& y, const Tensor& r) {
  const std::vector<float> yv = y.toVector(), rv = r.toVector();  // host reads work on any backend
  double s = 0;
  for (size_t i = 0; i < yv.size(); ++i) s += static_cast<double>(yv[i]) * rv[i];
  return s;
}

using GradFnUnderTest = std::function<Tensor(const std::vector<Tensor>&)>;

inline void checkGradients(const GradFnUnderTest& f, std::vector<Tensor> inputs) {
  Tensor probe = f(inputs);
  Tensor r = randomTensor(probe.shape(), 0.5f, 1.5f, 7);
  std::vector<Tensor> analytic;
  {
    GradientTape tape;
    Tensor loss = sum(mul(f(inputs), r));
    analytic = tape.gradient(loss, inputs);
  }
  const float eps = 1e-2f;
  for (size_t k = 0; k < inputs.size(); ++k) {
    ASSERT_EQ(analytic[k].shape(), inputs[k].shape());
    // Each write through data() (which bumps the storage's version), not through one
    // pointer kept across calls: state cached per weight version (packed panels, the
    // folded batchNorm vectors) would not see the perturbation.
    auto set = [&](int64_t i, float v) { inputs[k].data<float>()[i] = v; };
    for (int64_t i = 0; i < inputs[k].size(); ++i) {
      const float saved = inputs[k].constData<float>()[i];
      set(i, saved + eps);
      double up = weightedSum(f(inputs), r);
      set(i, saved - eps);
      double down = weightedSum(f(inputs), r);
      set(i, saved);
      double numeric = (up - down) / (2.0 * eps);
      EXPECT_NEAR(analytic[k].data<float>()[i], numeric, 2e-2 * std::max(1.0, std::fabs(numeric)))
          << "input " << k << " element " << i;
    }
  }
}

// The message of the wl::Error f() throws, or "(no error)".
template <typename F>
std::string errorOf(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace wl::test

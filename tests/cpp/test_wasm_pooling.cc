// The "wasm" pooling kernels (cpp/kernels/wasm/pooling.cc) against the "cpu"
// ones: max/avg forward and gradients, 2D and 3D, over channel tails, window sizes,
// strides, padding (windows cut by the border), ties and NaNs. The same cells are
// visited in the same order, so results must be bit-identical.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "core/kernel_registry.h"
#include "kernels/conv_params.h"

namespace wl {
namespace {

std::vector<float> randomVec(int64_t n, unsigned seed, bool ties) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> d(-2.f, 2.f);
  std::vector<float> v(static_cast<size_t>(n));
  // ties: few distinct values, so windows hold equal maxima (the first one must win).
  for (auto& x : v) x = ties ? std::round(d(gen)) : d(gen);
  if (n > 7) v[7] = std::numeric_limits<float>::quiet_NaN();
  return v;
}

bool sameBits(float a, float b) { return std::memcmp(&a, &b, sizeof(float)) == 0 || (a != a && b != b); }

template <typename K>
std::pair<K, K> pair(const char* name) {
  auto& reg = KernelRegistry::instance();
  return {reinterpret_cast<K>(reg.find(name, "wasm")), reinterpret_cast<K>(reg.find(name, "cpu"))};
}

TEST(WasmPooling, MatchesReference) {
  int cases = 0;
  unsigned seed = 1;
  for (bool threeD : {false, true}) {
    for (int64_t ch : {1, 3, 4, 5, 8, 13}) {
      for (int64_t k : {1, 2, 3}) {
        for (int64_t stride : {1, 2}) {
          for (int64_t pad : {0, 1}) {
            for (bool ties : {false, true}) {
              ConvGeometry g{};
              g.batch = 2;
              g.inD = threeD ? 3 : 1, g.inH = 5, g.inW = 4, g.inC = ch, g.outC = ch;
              g.fD = threeD ? k : 1, g.fH = k, g.fW = k;
              g.strideD = threeD ? stride : 1, g.strideH = stride, g.strideW = stride;
              g.dilD = g.dilH = g.dilW = 1;
              g.padFront = threeD ? pad : 0, g.padTop = pad, g.padLeft = pad;
              g.outD = threeD ? (g.inD + 2 * pad - k) / stride + 1 : 1;
              g.outH = (g.inH + 2 * pad - k) / stride + 1;
              g.outW = (g.inW + 2 * pad - k) / stride + 1;
              g.channelMultiplier = 1;
              const int64_t xn = g.batch * g.inD * g.inH * g.inW * ch, yn = g.batch * g.outD * g.outH * g.outW * ch;
              const auto x = randomVec(xn, seed++, ties);
              const auto dy = randomVec(yn, seed++, false);
              for (const char* name : {"MaxPool", "AvgPool", "MaxPool3D", "AvgPool3D"}) {
                auto [mine, ref] = pair<PoolKernel>(name);
                ASSERT_NE(mine, nullptr) << name;
                std::vector<float> y1(yn, 5.f), y2(yn, -5.f);
                mine({g, x.data(), y1.data()});
                ref({g, x.data(), y2.data()});
                for (int64_t i = 0; i < yn; ++i) ASSERT_TRUE(sameBits(y1[i], y2[i])) << name << " at " << i;
              }
              for (const char* name : {"MaxPoolGrad", "AvgPoolGrad", "MaxPool3DGrad", "AvgPool3DGrad"}) {
                auto [mine, ref] = pair<PoolGradKernel>(name);
                ASSERT_NE(mine, nullptr) << name;
                std::vector<float> d1(xn, 5.f), d2(xn, -5.f);
                mine({g, x.data(), dy.data(), d1.data()});
                ref({g, x.data(), dy.data(), d2.data()});
                for (int64_t i = 0; i < xn; ++i) ASSERT_TRUE(sameBits(d1[i], d2[i])) << name << " at " << i;
              }
              ++cases;
            }
          }
        }
      }
    }
  }
  EXPECT_GT(cases, 200);
}

}  // namespace
}  // namespace wl

// The "wasm" DepthwiseConv2dNative kernel and its two gradients
// (cpp/kernels/wasm/depthwise.cc) against the "cpu" kernels over batches, sizes,
// channel tails, kernel sizes, strides, dilations, padding offsets and multipliers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "core/kernel_registry.h"
#include "kernels/conv_params.h"

namespace wl {
namespace {

std::vector<float> randomVec(int64_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> d(-2.f, 2.f);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = d(gen);
  return v;
}

TEST(WasmDepthwise, MatchesReference) {
  auto& reg = KernelRegistry::instance();
  auto wasmK = reinterpret_cast<ConvKernel>(reg.find("DepthwiseConv2dNative", "wasm"));
  auto refK = reinterpret_cast<ConvKernel>(reg.find("DepthwiseConv2dNative", "cpu"));
  ASSERT_NE(wasmK, nullptr);
  ASSERT_NE(refK, nullptr);
  auto dInW = reinterpret_cast<ConvKernel>(reg.find("DepthwiseConv2dNativeBackpropInput", "wasm"));
  auto dInR = reinterpret_cast<ConvKernel>(reg.find("DepthwiseConv2dNativeBackpropInput", "cpu"));
  auto dFW = reinterpret_cast<ConvKernel>(reg.find("DepthwiseConv2dNativeBackpropFilter", "wasm"));
  auto dFR = reinterpret_cast<ConvKernel>(reg.find("DepthwiseConv2dNativeBackpropFilter", "cpu"));
  ASSERT_TRUE(dInW && dInR && dFW && dFR);
  ASSERT_NE(dInW, dInR);  // the wasm backend has its own, not the fallback
  unsigned seed = 1;
  int cases = 0;
  for (int64_t batch : {1, 2}) {
    for (int64_t hw : {1, 2, 5, 9}) {
      for (int64_t ch : {1, 3, 4, 5, 8, 17, 23, 32}) {
        for (int64_t k : {1, 3, 5}) {
          for (int64_t stride : {1, 2}) {
            for (int64_t dil : {1, 2}) {
              for (bool same : {true, false}) {
                for (int64_t mult : {1, 2}) {
                  const int64_t inH = hw, inW = hw == 1 ? 1 : hw - 1;
                  const int64_t effK = (k - 1) * dil + 1;
                  ConvGeometry g{};
                  g.batch = batch;
                  g.inD = 1; g.inH = inH; g.inW = inW; g.inC = ch;
                  g.fD = 1; g.fH = k; g.fW = k;
                  g.strideD = 1; g.strideH = stride; g.strideW = stride;
                  g.dilD = 1; g.dilH = dil; g.dilW = dil;
                  g.channelMultiplier = mult;
                  g.outD = 1; g.outC = ch * mult; g.padFront = 0;
                  if (same) {
                    g.outH = (inH + stride - 1) / stride;
                    g.outW = (inW + stride - 1) / stride;
                    const int64_t padH = std::max<int64_t>(0, (g.outH - 1) * stride + effK - inH);
                    const int64_t padW = std::max<int64_t>(0, (g.outW - 1) * stride + effK - inW);
                    g.padTop = padH / 2;
                    g.padLeft = padW / 2;
                  } else {
                    if (inH < effK || inW < effK) continue;
                    g.outH = (inH - effK) / stride + 1;
                    g.outW = (inW - effK) / stride + 1;
                    g.padTop = 0;
                    g.padLeft = 0;
                  }
                  std::vector<float> x = randomVec(batch * inH * inW * ch, seed++);
                  std::vector<float> f = randomVec(k * k * ch * mult, seed++);
                  const size_t ySize = static_cast<size_t>(batch * g.outH * g.outW * g.outC);
                  std::vector<float> yW(ySize, 123.f), yR(ySize, -7.f);
                  // Every fourth case each: no epilogue, bias + relu, scale + bias + relu6, scale.
                  std::vector<float> scale = randomVec(g.outC, seed++), bias = randomVec(g.outC, seed++);
                  Epilogue ep;
                  const int variant = cases % 4;
                  if (variant == 2 || variant == 3) ep.scale = scale.data();
                  if (variant == 1 || variant == 2) ep.bias = bias.data();
                  if (variant == 1) ep.activation = FusedActivation::Relu;
                  if (variant == 2) ep.activation = FusedActivation::Relu6;
                  wasmK(ConvParams{g, x.data(), f.data(), yW.data(), ep});
                  refK(ConvParams{g, x.data(), f.data(), yR.data(), ep});
                  ++cases;
                  for (size_t i = 0; i < ySize; ++i) {
                    ASSERT_LE(std::fabs(yW[i] - yR[i]), 1e-5f * std::max(1.f, std::fabs(yR[i])))
                        << "i=" << i << " batch=" << batch << " hw=" << hw << " ch=" << ch << " k=" << k
                        << " stride=" << stride << " dil=" << dil << " same=" << same << " mult=" << mult;
                  }
                  // Gradients: the same (cell, tap) walk, so bit-identical sums.
                  std::vector<float> dy = randomVec(static_cast<int64_t>(ySize), seed++);
                  std::vector<float> dxW(x.size(), 9.f), dxR(x.size(), -9.f), dfW(f.size(), 9.f), dfR(f.size(), -9.f);
                  dInW(ConvParams{g, dxW.data(), f.data(), dy.data(), {}});
                  dInR(ConvParams{g, dxR.data(), f.data(), dy.data(), {}});
                  dFW(ConvParams{g, x.data(), dfW.data(), dy.data(), {}});
                  dFR(ConvParams{g, x.data(), dfR.data(), dy.data(), {}});
                  for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(dxW[i], dxR[i]) << "dx " << i;
                  for (size_t i = 0; i < f.size(); ++i) ASSERT_EQ(dfW[i], dfR[i]) << "dfilter " << i;
                }
              }
            }
          }
        }
      }
    }
  }
  EXPECT_GT(cases, 1000);
}

}  // namespace
}  // namespace wl

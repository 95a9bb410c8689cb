// Dense: output = activation(dot(input, kernel) + bias) (tfjs-layers core.ts).
//
// Options (tfjs names and defaults): units (required, positive integer),
// activation ("linear"), useBias (true), kernelInitializer ("glorotNormal"),
// biasInitializer ("zeros"), kernelRegularizer/biasRegularizer, kernelConstraint/
// biasConstraint (null).
// Input shape: (batch, ..., inputDim). Output shape: (batch, ..., units).
// Weights, in tfjs's order: kernel [inputDim, units], bias [units].
// Keras 3's LoRA (loraRank, loraAlpha; layers/lora.h): weights then kernel (frozen), bias,
// lora_kernel_a [inputDim, r], lora_kernel_b [r, units], as Keras orders them.
#pragma once

#include "layers/layer.h"
#include "layers/lora.h"
#include "layers/weight_options.h"

namespace wl {

class Dense : public Layer {
 public:
  explicit Dense(const nlohmann::json& config);
  std::string className() const override { return "Dense"; }
  Shape computeOutputShape(const Shape& inputShape) const override;
  nlohmann::json getConfig() const override;
  Tensor applyFused(const Tensor& x, const FusedEpilogue& post) override;

 protected:
  void build(const Shape& inputShape) override;
  Tensor call(const Tensor& x, bool training) override;
  // tfjs's inputSpec {minNDim: 2, axes: {-1: inputDim}}: any rank >= 2 with the built last dim.
  void checkInputShapes(const std::vector<Shape>& shapes) const override;

 private:
  // x * kernel followed by `post` (bias and activation in the GEMM's epilogue).
  Tensor product(const Tensor& x, const FusedEpilogue& post);

  int64_t units_;
  std::string activation_;
  bool useBias_;
  WeightOptions kernelOptions_, biasOptions_;
  std::shared_ptr<Variable> kernel_, bias_;
  Lora lora_;
};

}  // namespace wl

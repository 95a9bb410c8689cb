// tfjs's fused ops: a product (matMul, conv2d, depthwiseConv2d) followed by a
// per-channel scale, bias and activation. At inference the producing kernel applies
// them as it stores its output (kernels/params.h Epilogue), saving a pass over the
// output per step; under a tape they are ordinary ops, so gradients need no rules
// of their own.
#include "ops/op_utils.h"

namespace wl {

bool fusedActivationOf(const std::string& name, FusedActivation* out) {
  if (name.empty() || name == "linear") *out = FusedActivation::Linear;
  else if (name == "relu") *out = FusedActivation::Relu;
  else if (name == "relu6") *out = FusedActivation::Relu6;
  else return false;
  return true;
}

KernelEpilogue kernelEpilogue(const FusedEpilogue& post, int64_t channels) {
  KernelEpilogue k;
  if (!inferenceMode()) return k;
  // Each vector must be one value per channel (or one value for all of them).
  auto perChannel = [&](const Tensor& t, Tensor* out) {
    if (!t.defined()) return true;
    if (t.dtype() != DType::Float32 || (t.size() != channels && t.size() != 1)) return false;
    for (int64_t d = 0; d + 1 < t.rank(); ++d) {
      if (t.dim(d) != 1) return false;
    }
    if (t.rank() == 1 && t.size() == channels) *out = t;  // the common case: no new tensor
    else *out = t.size() == channels ? reshape(t, {channels}) : broadcastTo(reshape(t, {1}), {channels});
    return true;
  };
  if (!perChannel(post.scale, &k.scale) || !perChannel(post.bias, &k.bias)) return k;
  k.activation = post.activation;
  k.ok = true;
  return k;
}

Tensor applyEpilogue(const Tensor& yIn, const FusedEpilogue& post) {
  Tensor y = yIn;
  if (post.scale.defined()) y = mul(y, post.scale);
  if (post.bias.defined()) y = add(y, post.bias);
  if (post.activation == FusedActivation::Relu) y = relu(y);
  if (post.activation == FusedActivation::Relu6) y = unary(UnaryOp::Relu6, y);
  return y;
}

bool ownEpilogue(const Tensor& bias, const std::string& activation, FusedEpilogue* out) {
  out->bias = bias;
  if (fusedActivationOf(activation, &out->activation)) return true;
  out->activation = FusedActivation::Linear;
  return false;
}

Tensor fusedActivationAfter(const Tensor& y, const std::string& name, const Tensor& preluWeights,
                            float leakyreluAlpha) {
  if (name == "elu") return unary(UnaryOp::Elu, y);
  if (name == "sigmoid") return sigmoid(y);
  if (name == "leakyrelu") return unary(UnaryOp::LeakyRelu, y, leakyreluAlpha);
  if (name == "prelu") {
    WL_CHECK(preluWeights.defined(), "fused op: activation 'prelu' needs preluActivationWeights");
    return prelu(y, preluWeights);
  }
  WL_CHECK(false, "Unknown fused activation " << name << ". Accepted: 'linear', 'relu', 'relu6', 'elu', 'sigmoid', "
                                                 "'leakyrelu', 'prelu'");
  return y;
}

FusedEpilogue composeEpilogues(const FusedEpilogue& a, const FusedEpilogue& b) {
  WL_CHECK(a.activation == FusedActivation::Linear, "composeEpilogues: the first epilogue has an activation");
  // (y * sa + ba) * sb + bb = y * (sa * sb) + (ba * sb + bb)
  FusedEpilogue c;
  c.scale = a.scale.defined() && b.scale.defined() ? mul(a.scale, b.scale) : a.scale.defined() ? a.scale : b.scale;
  const Tensor bias = a.bias.defined() && b.scale.defined() ? mul(a.bias, b.scale) : a.bias;
  c.bias = bias.defined() && b.bias.defined() ? add(bias, b.bias) : bias.defined() ? bias : b.bias;
  c.activation = b.activation;
  return c;
}

}  // namespace wl

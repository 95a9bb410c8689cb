// Ops: the differentiable primitives layers, losses and optimizers are made of.
//
// An op checks its arguments, infers the output shape, calls its kernel through
// the registry (a KernelCall, core/dispatch.h), and records its gradient rule on the active tape.
// Binary ops broadcast as numpy/tfjs do. Every public op is also registered by
// its tfjs name in the OpRegistry (ops/registry.h) at the bottom of its file.
// To add an op: declare it here, define it with its gradient in the ops/*.cc
// file of its family, give the reference backend a kernel, register it, and add
// it to tests/cpp/test_gradients.cc and tests/node/ops_parity.test.mjs.
#pragma once

#include <vector>

#include "core/tensor.h"
#include "kernels/elementwise_ops.h"

namespace wl {

// Creation and dtype.
Tensor zeros(const Shape& shape, DType dtype = DType::Float32);
Tensor ones(const Shape& shape);
Tensor zerosLike(const Tensor& x);
Tensor cast(const Tensor& x, DType dtype);
DType upcast(DType a, DType b);

// Elementwise (ops/elementwise.cc).
Tensor unary(UnaryOp op, const Tensor& x, float alpha = 0.f, float beta = 0.f);
Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b);
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
Tensor prelu(const Tensor& x, const Tensor& alpha);
Tensor clipByValue(const Tensor& x, float lo, float hi);
Tensor addN(const std::vector<Tensor>& xs);
inline Tensor add(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Add, a, b); }
inline Tensor sub(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Sub, a, b); }
inline Tensor mul(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Mul, a, b); }
inline Tensor div(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Div, a, b); }
inline Tensor maximum(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Maximum, a, b); }
inline Tensor minimum(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Minimum, a, b); }
inline Tensor neg(const Tensor& x) { return unary(UnaryOp::Neg, x); }
inline Tensor square(const Tensor& x) { return unary(UnaryOp::Square, x); }
inline Tensor sqrt(const Tensor& x) { return unary(UnaryOp::Sqrt, x); }
inline Tensor exp(const Tensor& x) { return unary(UnaryOp::Exp, x); }
inline Tensor log(const Tensor& x) { return unary(UnaryOp::Log, x); }
inline Tensor abs(const Tensor& x) { return unary(UnaryOp::Abs, x); }
inline Tensor relu(const Tensor& x) { return unary(UnaryOp::Relu, x); }
inline Tensor sigmoid(const Tensor& x) { return unary(UnaryOp::Sigmoid, x); }
inline Tensor tanh(const Tensor& x) { return unary(UnaryOp::Tanh, x); }

// Activations with their own kernels (ops/softmax.cc).
Tensor softmax(const Tensor& x);     // over the last axis
Tensor logSoftmax(const Tensor& x);  // over the last axis

// Reductions over `axes` (negative counts from the end; empty means all) (ops/reduction.cc).
Tensor sum(const Tensor& x, std::vector<int> axes = {}, bool keepDims = false);
Tensor mean(const Tensor& x, std::vector<int> axes = {}, bool keepDims = false);
Tensor max(const Tensor& x, std::vector<int> axes = {}, bool keepDims = false);
Tensor min(const Tensor& x, std::vector<int> axes = {}, bool keepDims = false);
Tensor prod(const Tensor& x, std::vector<int> axes = {}, bool keepDims = false);

// Shapes.
Tensor reshape(const Tensor& x, const Shape& shape);  // one dim may be -1
Tensor broadcastTo(const Tensor& x, const Shape& shape);
// Sums dy over the axes along which `shape` was broadcast to dy's shape.
Tensor sumTo(const Tensor& dy, const Shape& shape);
// Rows of x (along axis 0) at int32 indices; not differentiable.
Tensor gatherRows(const Tensor& x, const Tensor& indices);

// Linear algebra: rank >= 2, batch dims broadcast.
Tensor matMul(const Tensor& a, const Tensor& b, bool transposeA = false, bool transposeB = false);
// tf.einsum: the equations tfjs's Einsum kernel takes (ops/linalg.cc).
Tensor einsum(const std::string& equation, const std::vector<Tensor>& xs);

// What tfjs's fused ops (tf.fused.matMul/conv2d/depthwiseConv2d) do after the product,
// per channel of the output's last axis: y = activation(y * scale + bias). scale is
// ours: a batch norm folded in at inference. Undefined tensors skip their step.
struct FusedEpilogue {
  Tensor scale, bias;
  FusedActivation activation = FusedActivation::Linear;
};
// When no tape records (inference) and scale/bias are per channel, the producing
// kernel applies the epilogue as it stores its output; otherwise these ops compose
// the same ordinary ops a tape can differentiate (ops/fused.cc).
Tensor fusedMatMul(const Tensor& a, const Tensor& b, bool transposeA, bool transposeB, const FusedEpilogue& post);
// The composed form: y * scale + bias, then the activation.
Tensor applyEpilogue(const Tensor& y, const FusedEpilogue& post);
// a, then b, as one epilogue (a's activation must be linear).
FusedEpilogue composeEpilogues(const FusedEpilogue& a, const FusedEpilogue& b);
// "linear", "relu", "relu6" (and tfjs's fused names) -> the kernel activation; false otherwise.
bool fusedActivationOf(const std::string& name, FusedActivation* out);
// A layer's own bias (undefined: none) and activation as an epilogue. True when the
// activation went in; otherwise *out holds the bias only and the caller applies it.
bool ownEpilogue(const Tensor& bias, const std::string& activation, FusedEpilogue* out);
// tfjs's other fused activations, applied after the product: 'elu', 'sigmoid',
// 'leakyrelu' (slope leakyreluAlpha), 'prelu' (preluWeights); an unknown name throws.
Tensor fusedActivationAfter(const Tensor& y, const std::string& name, const Tensor& preluWeights,
                            float leakyreluAlpha);

// In place y += alpha * x, not recorded (optimizer updates, never differentiated).
void axpyInPlace(float alpha, const Tensor& x, Tensor& y);
// target's storage = value (same shape and dtype): the one path for in-place writes
// of values that are tensors (optimizer state, Variable.assign, setWeights); it
// bumps the storage's version, so state kernels cached for the old values goes.
void assignInPlace(const Tensor& target, const Tensor& value);
// One Adam step on w and its slots m, v in place (kernels/params.h AdamParams).
void adamUpdateInPlace(Tensor& w, const Tensor& g, Tensor& m, Tensor& v, double beta1, double beta2, double c1,
                       double c2, double lr, double epsilon, double decay);

// Broadcast result shape of a and b, or an Error naming both shapes.
Shape broadcastShapes(const Shape& a, const Shape& b);

}  // namespace wl

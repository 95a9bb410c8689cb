// Ops: the differentiable primitives layers, losses and optimizers are made of.
//
// An op checks its arguments, infers the output shape, calls its kernel through
// the registry (kernelFor), and records its gradient rule on the active tape.
// Binary ops broadcast as numpy/tfjs do. To add an op: declare it here, define it
// with its gradient in the ops/*.cc file of its family, give the reference
// backend a kernel, and add it to tests/cpp/test_gradients.cc.
#pragma once

#include <vector>

#include "core/tensor.h"

namespace wl {

// Creation (no gradient).
Tensor zeros(const Shape& shape);
Tensor ones(const Shape& shape);

// Arithmetic, with broadcasting.
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor neg(const Tensor& x);
Tensor square(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);

// Activations.
Tensor relu(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor softmax(const Tensor& x);  // over the last axis

// Reductions over `axes` (negative counts from the end; empty means all).
Tensor sum(const Tensor& x, std::vector<int> axes = {}, bool keepDims = false);
Tensor mean(const Tensor& x, std::vector<int> axes = {}, bool keepDims = false);

// Shapes.
Tensor reshape(const Tensor& x, const Shape& shape);  // one dim may be -1
Tensor broadcastTo(const Tensor& x, const Shape& shape);
// Sums dy over the axes along which `shape` was broadcast to dy's shape.
Tensor sumTo(const Tensor& dy, const Shape& shape);
// Rows of x (along axis 0) at int32 indices; not differentiable.
Tensor gatherRows(const Tensor& x, const Tensor& indices);

// Linear algebra: rank 2, or rank 3 batched (a batch of 1 broadcasts).
Tensor matMul(const Tensor& a, const Tensor& b, bool transposeA = false, bool transposeB = false);

// In place y += alpha * x, not recorded (optimizer updates, never differentiated).
void axpyInPlace(float alpha, const Tensor& x, Tensor& y);

// Broadcast result shape of a and b, or an Error naming both shapes.
Shape broadcastShapes(const Shape& a, const Shape& b);

}  // namespace wl

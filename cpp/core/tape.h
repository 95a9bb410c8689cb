// Gradient tape: while a GradientTape is alive, every differentiable op records
// (inputs, output, gradient rule). gradient() walks the records backwards.
//
// Gradient rules live with their ops (ops/*.cc), one per op, and are written with
// ops themselves. Tapes nest (tf.grad inside tf.grad): an op records on every open
// tape, and while a tape computes gradients only the tapes outside it keep
// recording, so the backward pass is itself differentiable (second order). A rule
// that computes with a raw backward kernel records with recordOp as well, with a
// rule of its own or one that throws (never a silent zero).
#pragma once

#include <functional>
#include <vector>

#include "core/tensor.h"

namespace wl {

// Given dy (the gradient of the output), returns one gradient per input; an
// undefined Tensor for an input that takes no gradient.
using GradFn = std::function<std::vector<Tensor>(const Tensor& dy)>;

// An op with several outputs (recordOpOutputs): given one gradient per output, an
// undefined Tensor for an output that got none, returns one gradient per input.
using MultiGradFn = std::function<std::vector<Tensor>(const std::vector<Tensor>& dys)>;

// While a tape runs a node's gradient rule: whether the rule's input `i` leads from
// the tape's xs (only then is its gradient used: a rule may skip the others' work,
// as tfjs prunes them). True outside a gradient rule.
bool gradientNeeded(size_t i);

struct TapeNode {
  const char* op;
  std::vector<Tensor> inputs;
  Tensor output;
  GradFn grad;
  // Set for an op with several outputs (then `output` is the first and `grad` unused).
  std::vector<Tensor> outputs = {};
  MultiGradFn multiGrad = nullptr;
  // recordWithoutSecondOrder's node: its inputs may not name all it depends on, so its
  // output counts as depending on every x (gradientNeeded stays conservative).
  bool opaque = false;
};

class GradientTape {
 public:
  GradientTape();   // becomes the active tape
  ~GradientTape();  // restores the previous one and frees the records
  GradientTape(const GradientTape&) = delete;
  GradientTape& operator=(const GradientTape&) = delete;

  // d(sum of y * dy)/dx for each x (dy defaults to ones); zeros for an x that y
  // does not depend on.
  std::vector<Tensor> gradient(const Tensor& y, const std::vector<Tensor>& xs, const Tensor& dy = Tensor());

  void record(TapeNode node) { nodes_.push_back(std::move(node)); }
  GradientTape* outer() const { return previous_; }
  // After gradient(): whether each x is connected to y (tfjs's variableGrads omits
  // the others, and throws when none is).
  const std::vector<bool>& connected() const { return connected_; }

 private:
  std::vector<TapeNode> nodes_;
  std::vector<bool> connected_;
  GradientTape* previous_;
};

// The tape ops record onto, or nullptr when none is recording.
GradientTape* activeTape();

// The one place that decides between the inference and the training form of a
// computation: with no tape recording nothing will be differentiated, so ops may
// fuse (kernel epilogues, batch norm folded into its producer, one projection for
// all RNN steps); under a tape they compose recorded ops, each with its gradient.
inline bool inferenceMode() { return activeTape() == nullptr; }

// Stops recording while alive (tf.customGrad's forward pass), then restores it.
class PausedTape {
 public:
  PausedTape();
  ~PausedTape();
  PausedTape(const PausedTape&) = delete;
  PausedTape& operator=(const PausedTape&) = delete;

 private:
  GradientTape* saved_;
};

// Ops call this after computing their output: it records on every recording tape.
void recordOp(const char* op, std::vector<Tensor> inputs, const Tensor& output, GradFn grad);

// The same for an op with several outputs (a fused recurrent step's h and c): its rule
// runs once, when any output has a gradient, with the gradients of all of them.
void recordOpOutputs(const char* op, std::vector<Tensor> inputs, const std::vector<Tensor>& outputs, MultiGradFn grad);

// For a gradient rule's raw-kernel result whose own derivative is not written: when
// an outer tape records (a gradient of a gradient), records a node whose rule throws
// a clear error naming `op`, so second-order gradients never come out as zeros.
void recordWithoutSecondOrder(const char* op, std::vector<Tensor> inputs, const Tensor& output);

}  // namespace wl

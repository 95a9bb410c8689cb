// Gradient tape: while a GradientTape is alive, every differentiable op records
// (inputs, output, gradient rule). gradient() walks the records backwards.
//
// Gradient rules live with their ops (ops/*.cc), one per op, and are written with
// ops themselves; recording is paused while they run (first-order only for now).
#pragma once

#include <functional>
#include <vector>

#include "core/tensor.h"

namespace wl {

// Given dy (the gradient of the output), returns one gradient per input; an
// undefined Tensor for an input that takes no gradient.
using GradFn = std::function<std::vector<Tensor>(const Tensor& dy)>;

struct TapeNode {
  const char* op;
  std::vector<Tensor> inputs;
  Tensor output;
  GradFn grad;
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

 private:
  std::vector<TapeNode> nodes_;
  GradientTape* previous_;
};

// The tape ops record onto, or nullptr when none is recording.
GradientTape* activeTape();

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

// Ops call this after computing their output.
inline void recordOp(const char* op, std::vector<Tensor> inputs, const Tensor& output, GradFn grad) {
  if (GradientTape* tape = activeTape()) tape->record({op, std::move(inputs), output, std::move(grad)});
}

}  // namespace wl

// Recurrent layers and cells (tfjs-layers/src/layers/recurrent.ts). See recurrent.cc.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "layers/layer.h"

namespace wl {

// tfjs's RNNCell: one step of a recurrent computation, run by an RNN layer over
// the timesteps. A cell is a layer (it owns its weights, has a config and a
// className) that is built from the step input shape [batch, features]; it is
// not applied on its own (tfjs cannot either), only through tf.layers.rnn.
class RNNCell : public Layer {
 public:
  using Layer::Layer;
  // tfjs's stateSize as a list: one entry per state; state 0's size is the output size.
  virtual std::vector<int64_t> stateSizes() const = 0;
  int64_t outputSize() const { return stateSizes().at(0); }
  // The rank of one step's input without the batch: 1 ([features]) for the dense
  // cells, 3 ([h, w, channels]) for ConvLSTM2DCell.
  virtual size_t stepRank() const { return 1; }
  // Each state's shape without the batch, for a step input of shape `stepInput`
  // (with the batch; unknown dims -1): [size] for the dense cells. State 0 is the output.
  virtual std::vector<Shape> stateShapes(const Shape& stepInput) const;
  // Around the steps of one sequence: dropout masks are drawn once per sequence.
  virtual void beginSequence(int64_t /*batch*/, bool /*training*/) {}
  virtual void endSequence() {}
  // One step: x [batch, features] and the states -> the output, then the new states.
  virtual std::vector<Tensor> step(const Tensor& x, const std::vector<Tensor>& states) = 0;

  Shape computeOutputShape(const Shape& in) const override;
  std::vector<Shape> computeOutputShapes(const std::vector<Shape>& in) const override;

 protected:
  std::vector<Tensor> callMany(const std::vector<Tensor>& xs, bool training) override;
};

// Renames the weights of `layer` whose names start with `from` to start with `to`
// instead (tfjs's name scopes: a cell's weights live in its RNN's scope).
void renameWeightScope(const Layer& layer, const std::string& from, const std::string& to);

// tf.layers.rnn({cell}) and tf.layers.stackedRNNCells({cells}) around cell layers
// the caller made (the very objects the user passed, as tfjs keeps them).
std::shared_ptr<Layer> createWithCells(const std::string& className, const nlohmann::json& config,
                                       const std::vector<std::shared_ptr<Layer>>& cells);

// tfjs's layer.resetStates(states?) for a stateful recurrent layer (or a
// Bidirectional of one): `states` empty = zeros.
void resetLayerStates(Layer& layer, const std::vector<Tensor>& states);
// Its current states (undefined entries before the first call).
std::vector<Tensor> layerStates(const Layer& layer);

}  // namespace wl

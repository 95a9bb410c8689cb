// Fused recurrent gate ops (ops/recurrent.cc): one kernel for a step's gate
// nonlinearities and state update, with a one-pass gradient. The recurrent layers
// (layers/recurrent.cc) use them when both activations have a GateActivation and
// compose ops otherwise.
#pragma once

#include <string>
#include <vector>

#include "core/tensor.h"
#include "kernels/params_recurrent.h"

namespace wl {

// The GateActivation of an activation name ('linear', 'sigmoid', 'hardSigmoid',
// 'tanh', 'relu'); false for any other.
bool gateActivationOf(const std::string& name, GateActivation* out);

// Whether a layer's step may use the gate ops: both activations have a GateActivation
// and no tape records outside the active one (the gate ops' gradients are kernels, so
// a gradient of a gradient needs the composed ops).
bool useGateOps(const std::string& activation, const std::string& recurrentActivation, GateActivation* act,
                GateActivation* recAct);

// LSTM: xz, hz [batch, 4u] (input and recurrent projections, gates i, f, c, o),
// c [batch, u] -> {h, c'} (kernels/params_recurrent.h).
std::vector<Tensor> lstmGates(const Tensor& xz, const Tensor& hz, const Tensor& c, GateActivation act,
                              GateActivation recAct);

// GRU: xz [batch, 3u], h [batch, u] -> the new h.
//   resetAfter (Keras): hz = h * recurrent_kernel [batch, 3u], extra = the recurrent
//     bias [3u] (or undefined), h the state before recurrent dropout.
//   !resetAfter (tfjs): hz = h * recurrent_kernel[:, :2u] [batch, 2u], extra =
//     recurrent_kernel[:, 2u:] [u, u], h the state after recurrent dropout.
Tensor gruGates(const Tensor& xz, const Tensor& hz, const Tensor& h, const Tensor& extra, GateActivation act,
                GateActivation recAct, bool resetAfter);

}  // namespace wl

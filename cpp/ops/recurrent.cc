// Fused recurrent gate ops: lstmGates and gruGates (ops/recurrent_ops.h). Each runs
// one gate kernel per step (kernels/params_recurrent.h) where the composed form runs
// ~10 recorded ops, and records one gradient rule that runs the backward kernel in
// one pass. Under a tape the forward kernel also stores the activated gates the
// backward pass needs ("saved"), so the backward recomputes no nonlinearity.
// Second order through these ops throws (their gradients are raw kernels).
// Registered as "lstmGates" and "gruGates" (attrs activation, recurrentActivation,
// resetAfter) for the op harness; the recurrent layers call the functions.
#include "ops/recurrent_ops.h"

#include "ops/op_utils.h"
#include "ops/registry.h"

namespace wl {

bool gateActivationOf(const std::string& name, GateActivation* out) {
  if (name == "linear") *out = GateActivation::Linear;
  else if (name == "sigmoid") *out = GateActivation::Sigmoid;
  else if (name == "hardSigmoid") *out = GateActivation::HardSigmoid;
  else if (name == "tanh") *out = GateActivation::Tanh;
  else if (name == "relu") *out = GateActivation::Relu;
  else return false;
  return true;
}

bool useGateOps(const std::string& activation, const std::string& recurrentActivation, GateActivation* act,
                GateActivation* recAct) {
  if (activeTape() != nullptr && activeTape()->outer() != nullptr) return false;
  return gateActivationOf(activation, act) && gateActivationOf(recurrentActivation, recAct);
}

namespace {

void checkShape(const char* op, const char* what, const Tensor& t, const Shape& want) {
  WL_CHECK(t.defined(), op << ": " << what << " is undefined");
  requireFloat(op, t);
  WL_CHECK(t.shape() == want, op << ": " << what << " must have shape " << shapeStr(want) << ", got "
                                 << shapeStr(t.shape()));
}

// A raw backward kernel's outputs: an outer tape (second order) gets a rule that throws.
void noSecondOrder(const char* op, const std::vector<Tensor>& deps, const std::vector<Tensor>& outs) {
  if (activeTape() == nullptr) return;
  std::vector<Tensor> in;
  for (const Tensor& t : deps) {
    if (t.defined()) in.push_back(t);
  }
  for (const Tensor& t : outs) recordWithoutSecondOrder(op, in, t);
}

}  // namespace

std::vector<Tensor> lstmGates(const Tensor& xz, const Tensor& hz, const Tensor& c, GateActivation act,
                              GateActivation recAct) {
  const char* op = "lstmGates";
  WL_CHECK(c.defined() && c.rank() == 2, op << ": c must be [batch, units]");
  const int64_t batch = c.dim(0), u = c.dim(1);
  checkShape(op, "xz", xz, {batch, 4 * u});
  checkShape(op, "hz", hz, {batch, 4 * u});
  checkShape(op, "c", c, {batch, u});
  Tensor h = Tensor::empty({batch, u}), cOut = Tensor::empty({batch, u});
  const bool record = !inferenceMode();
  Tensor saved = record ? Tensor::empty({batch, 5 * u}) : Tensor();
  {
    KernelCall k("LSTMGates");
    k.kernel<LSTMGatesKernel>()({k.in<float>(xz), k.in<float>(hz), k.in<float>(c), k.out<float>(h), k.out<float>(cOut),
                                 record ? k.out<float>(saved) : nullptr, batch, u, act, recAct});
  }
  if (record) {
    recordOpOutputs("LSTMGates", {xz, hz, c}, {h, cOut},
                    [xz, hz, c, saved, batch, u, act, recAct](const std::vector<Tensor>& dys) -> std::vector<Tensor> {
                      Tensor dz = Tensor::empty({batch, 4 * u}), dc = Tensor::empty({batch, u});
                      KernelCall k("LSTMGatesGrad");
                      k.kernel<LSTMGatesGradKernel>()({k.in<float>(saved), k.in<float>(c), k.inOrNull<float>(dys[0]),
                                                       k.inOrNull<float>(dys[1]), k.out<float>(dz), k.out<float>(dc),
                                                       batch, u, act, recAct});
                      noSecondOrder("LSTMGatesGrad", {xz, hz, c, dys[0], dys[1]}, {dz, dc});
                      return {dz, dz, dc};
                    });
  }
  return {h, cOut};
}

Tensor gruGates(const Tensor& xz, const Tensor& hz, const Tensor& h, const Tensor& extra, GateActivation act,
                GateActivation recAct, bool resetAfter) {
  const char* op = "gruGates";
  WL_CHECK(h.defined() && h.rank() == 2, op << ": h must be [batch, units]");
  const int64_t batch = h.dim(0), u = h.dim(1);
  checkShape(op, "xz", xz, {batch, 3 * u});
  checkShape(op, "h", h, {batch, u});
  const bool record = !inferenceMode();
  Tensor out = Tensor::empty({batch, u});
  if (resetAfter) {
    checkShape(op, "hz", hz, {batch, 3 * u});
    if (extra.defined()) checkShape(op, "the recurrent bias", extra, {3 * u});
    Tensor saved = record ? Tensor::empty({batch, 4 * u}) : Tensor();
    {
      KernelCall k("GRUGates");
      k.kernel<GRUGatesKernel>()({k.in<float>(xz), k.in<float>(hz), k.inOrNull<float>(extra), k.in<float>(h), nullptr,
                                  k.out<float>(out), record ? k.out<float>(saved) : nullptr, batch, u, act, recAct, true,
                                  0});
    }
    if (record) {
      const bool hasBias = extra.defined();
      recordOp("GRUGates", hasBias ? std::vector<Tensor>{xz, hz, h, extra} : std::vector<Tensor>{xz, hz, h}, out,
               [xz, hz, extra, h, hasBias, saved, batch, u, act, recAct](const Tensor& dy) -> std::vector<Tensor> {
                 Tensor dxz = Tensor::empty({batch, 3 * u}), dhz = Tensor::empty({batch, 3 * u});
                 Tensor dh = Tensor::empty({batch, u});
                 KernelCall k("GRUGatesGrad");
                 k.kernel<GRUGatesGradKernel>()({k.in<float>(saved), k.in<float>(h), k.in<float>(dy), nullptr,
                                                 k.out<float>(dxz), k.out<float>(dhz), k.out<float>(dh), nullptr, batch,
                                                 u, act, recAct, true, 0});
                 noSecondOrder("GRUGatesGrad", {xz, hz, extra, h, dy}, {dxz, dhz, dh});
                 if (!hasBias) return {dxz, dhz, dh};
                 return {dxz, dhz, dh, sum(dhz, {0})};
               });
    }
    return out;
  }
  checkShape(op, "hz", hz, {batch, 2 * u});
  checkShape(op, "the recurrent kernel's h part", extra, {u, u});
  // Phase 0: z, r (into saved) and r * h; then (r * h) * U_h; phase 1: the new h.
  Tensor saved = Tensor::empty({batch, 4 * u}), rh = Tensor::empty({batch, u});
  {
    KernelCall k("GRUGates");
    k.kernel<GRUGatesKernel>()({k.in<float>(xz), k.in<float>(hz), nullptr, k.in<float>(h), nullptr, k.out<float>(rh),
                                k.out<float>(saved), batch, u, act, recAct, false, 0});
  }
  Tensor rhU;
  {
    PausedTape paused;  // part of this op: its gradient is in the rule below
    rhU = matMul(rh, extra);
  }
  {
    KernelCall k("GRUGates");
    float* s = k.in<float>(saved);
    k.out<float>(saved);
    k.kernel<GRUGatesKernel>()({k.in<float>(xz), nullptr, nullptr, k.in<float>(h), k.in<float>(rhU), k.out<float>(out),
                                s, batch, u, act, recAct, false, 1});
  }
  if (record) {
    recordOp("GRUGates", {xz, hz, h, extra}, out,
             [xz, hz, h, extra, saved, rh, batch, u, act, recAct](const Tensor& dy) -> std::vector<Tensor> {
               Tensor dxz = Tensor::empty({batch, 3 * u}), dhz = Tensor::empty({batch, 2 * u});
               Tensor dh = Tensor::empty({batch, u}), dA = Tensor::empty({batch, u});
               {
                 KernelCall k("GRUGatesGrad");
                 k.kernel<GRUGatesGradKernel>()({k.in<float>(saved), k.in<float>(h), k.in<float>(dy), nullptr,
                                                 k.out<float>(dxz), nullptr, k.out<float>(dh), k.out<float>(dA), batch, u,
                                                 act, recAct, false, 0});
               }
               noSecondOrder("GRUGatesGrad", {xz, hz, h, extra, dy}, {dA});
               Tensor dRh = matMul(dA, extra, false, true);  // d(r * h)
               Tensor dU = matMul(rh, dA, true, false);
               {
                 KernelCall k("GRUGatesGrad");
                 float* dxzp = k.in<float>(dxz);
                 float* dhp = k.in<float>(dh);
                 k.out<float>(dxz);
                 k.out<float>(dh);
                 k.kernel<GRUGatesGradKernel>()({k.in<float>(saved), k.in<float>(h), nullptr, k.in<float>(dRh), dxzp,
                                                 k.out<float>(dhz), dhp, nullptr, batch, u, act, recAct, false, 1});
               }
               noSecondOrder("GRUGatesGrad", {xz, hz, h, extra, dy}, {dxz, dhz, dh});
               return {dxz, dhz, dh, dU};
             });
  }
  return out;
}

namespace {

GateActivation activationAttr(const Attrs& at, const char* key, const char* dflt) {
  GateActivation a;
  std::string name = at.getString(key, dflt);
  WL_CHECK(gateActivationOf(name, &a), at.op() << ": " << key << " '" << name
                                                << "' has no gate kernel (linear, sigmoid, hardSigmoid, tanh, relu)");
  return a;
}

const bool registered = [] {
  auto& reg = OpRegistry::instance();
  reg.add("lstmGates", 3, [](const std::vector<Tensor>& in, const Attrs& at) -> std::vector<Tensor> {
    return lstmGates(in[0], in[1], in[2], activationAttr(at, "activation", "tanh"),
                     activationAttr(at, "recurrentActivation", "hardSigmoid"));
  });
  // [xz, hz, h, U_h] (resetAfter false) or [xz, hz, h, recurrent bias?] (resetAfter true).
  reg.add("gruGates", -1, [](const std::vector<Tensor>& in, const Attrs& at) -> std::vector<Tensor> {
    WL_CHECK(in.size() == 3 || in.size() == 4, "gruGates: expected [xz, hz, h, extra], got " << in.size() << " inputs");
    return {gruGates(in[0], in[1], in[2], in.size() == 4 ? in[3] : Tensor(), activationAttr(at, "activation", "tanh"),
                     activationAttr(at, "recurrentActivation", "hardSigmoid"), at.getBool("resetAfter", false))};
  });
  return true;
}();

}  // namespace

}  // namespace wl

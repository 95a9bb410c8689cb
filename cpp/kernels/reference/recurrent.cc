// Fused recurrent gate kernels, scalar (kernels/params_recurrent.h has the formulas).
#include "core/kernel_registry.h"
#include "kernels/params_recurrent.h"

namespace wl {
namespace {

void lstmGates(const LSTMGatesParams& p) {
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t j = 0; j < p.units; ++j) lstmUnit(p, b, j);
  }
}

void lstmGatesGrad(const LSTMGatesGradParams& p) {
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t j = 0; j < p.units; ++j) lstmGradUnit(p, b, j);
  }
}

void gruGates(const GRUGatesParams& p) {
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t j = 0; j < p.units; ++j) gruUnit(p, b, j);
  }
}

void gruGatesGrad(const GRUGatesGradParams& p) {
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t j = 0; j < p.units; ++j) gruGradUnit(p, b, j);
  }
}

}  // namespace

WL_REGISTER_KERNEL("LSTMGates", "cpu", LSTMGatesKernel, lstmGates);
WL_REGISTER_KERNEL("LSTMGatesGrad", "cpu", LSTMGatesGradKernel, lstmGatesGrad);
WL_REGISTER_KERNEL("GRUGates", "cpu", GRUGatesKernel, gruGates);
WL_REGISTER_KERNEL("GRUGatesGrad", "cpu", GRUGatesGradKernel, gruGatesGrad);

}  // namespace wl

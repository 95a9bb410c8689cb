// Reference kernels that fit no family above: softmax.
#include <cmath>
#include <cstring>

#include "core/kernel_registry.h"
#include "kernels/params.h"

namespace wl {
namespace {

void softmax(const SoftmaxParams& p) {
  for (int64_t r = 0; r < p.rows; ++r) {
    const float* x = p.x + r * p.cols;
    float* y = p.out + r * p.cols;
    float mx = x[0];
    for (int64_t c = 1; c < p.cols; ++c) mx = x[c] > mx ? x[c] : mx;
    float s = 0.f;
    for (int64_t c = 0; c < p.cols; ++c) s += (y[c] = std::exp(x[c] - mx));
    for (int64_t c = 0; c < p.cols; ++c) y[c] /= s;
  }
}

}  // namespace

WL_REGISTER_KERNEL("Softmax", "cpu", SoftmaxKernel, softmax);

}  // namespace wl

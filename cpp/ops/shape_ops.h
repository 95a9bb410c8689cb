// Shape and data-movement ops (ops/shape.cc) and creation ops (ops/creation.cc).
#pragma once

#include <string>
#include <vector>

#include "core/tensor.h"

namespace wl {

Tensor transpose(const Tensor& x, std::vector<int64_t> perm = {});  // default: reverse the axes
Tensor slice(const Tensor& x, std::vector<int64_t> begin, std::vector<int64_t> size);
Tensor reverse(const Tensor& x, std::vector<int> axes);
Tensor concat(const std::vector<Tensor>& xs, int axis);
Tensor stack(const std::vector<Tensor>& xs, int axis);
std::vector<Tensor> unstack(const Tensor& x, int axis);
std::vector<Tensor> split(const Tensor& x, std::vector<int64_t> sizes, int axis);
Tensor pad(const Tensor& x, const std::vector<std::pair<int64_t, int64_t>>& paddings, float value = 0.f);
Tensor mirrorPad(const Tensor& x, const std::vector<std::pair<int64_t, int64_t>>& paddings, const std::string& mode);
Tensor tile(const Tensor& x, std::vector<int64_t> reps);
Tensor gather(const Tensor& x, const Tensor& indices, int axis);
Tensor gather(const Tensor& x, const Tensor& indices, int axis, int batchDims);  // tfjs's batchDims
Tensor expandDims(const Tensor& x, int axis);
Tensor squeeze(const Tensor& x, std::vector<int> axes = {});
Tensor oneHot(const Tensor& indices, int64_t depth, float onValue, float offValue);

std::vector<bool> reducedAxes(const char* op, int rank, const std::vector<int>& axes);

}  // namespace wl

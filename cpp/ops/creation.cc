// Creation ops (no inputs): fill, range, linspace, eye, random* — and topk,
// which returns two tensors. Random ops take an optional integer seed.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "core/js_random.h"
#include "ops/op_utils.h"
#include "ops/registry.h"

namespace wl {

namespace {

// An op's optional seed, as tfjs passes it to its generators (absent or null: none).
std::optional<double> seedOf(const Attrs& at) {
  if (!at.has("seed")) return std::nullopt;
  return at.getFloat("seed");
}

// tfjs's randomNormal / truncatedNormal: MPRandGauss values; int32 takes Math.round.
Tensor gaussian(const Attrs& at, double mean, double stddev, bool truncated) {
  DType dtype = parseDType(at.getString("dtype", "float32"));
  WL_CHECK(dtype == DType::Float32 || dtype == DType::Int32, "Unsupported data type " << at.getString("dtype", ""));
  Tensor t = hostEmpty(at.getInts("shape"), dtype);
  jsrand::Gauss g(mean, stddev, truncated, seedOf(at));
  for (int64_t i = 0; i < t.size(); ++i) {
    double v = g.next();
    if (dtype == DType::Float32) {
      t.data<float>()[i] = static_cast<float>(v);
    } else {
      t.data<int32_t>()[i] = static_cast<int32_t>(std::floor(v + 0.5));
    }
  }
  return upload(t);
}

Tensor filled(const Shape& shape, DType dtype, double value) {
  if (dtype == DType::Float32) return Tensor::full(shape, static_cast<float>(value));
  // int32 values beyond float32's 24 bits stay exact through the host.
  Tensor t = hostEmpty(shape, dtype);
  std::fill(t.data<int32_t>(), t.data<int32_t>() + t.size(), static_cast<int32_t>(value));
  return upload(t);
}

// Values and indices of the k largest entries along the last axis (not recorded).
std::vector<Tensor> topkValues(const Tensor& xIn, int64_t k) {
  PausedTape paused;
  Tensor x = hostView(cast(xIn, DType::Float32));
  WL_CHECK(x.rank() >= 1, "topk: input must be at least rank 1");
  int64_t n = x.dim(-1);
  WL_CHECK(k >= 0 && k <= n, "topk: 'k' passed to topk() must be >= 0 and <= the last dimension (" << n << ") but got "
                                                                                                    << k);
  Shape outShape = x.shape();
  outShape.back() = k;
  Tensor values = hostEmpty(outShape), indices = hostEmpty(outShape, DType::Int32);
  int64_t rows = n ? x.size() / n : 0;
  std::vector<int32_t> order(n);
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x.constData<float>() + r * n;
    std::iota(order.begin(), order.end(), 0);
    // Largest first; ties keep the lower index first (as tfjs).
    std::stable_sort(order.begin(), order.end(), [row](int32_t i, int32_t j) { return row[i] > row[j]; });
    for (int64_t i = 0; i < k; ++i) {
      values.data<float>()[r * k + i] = row[order[i]];
      indices.data<int32_t>()[r * k + i] = order[i];
    }
  }
  return {upload(values), upload(indices)};
}

std::vector<Tensor> topk(const Tensor& x, int64_t k) {
  std::vector<Tensor> out = topkValues(x, k);
  if (x.dtype() != DType::Float32) {
    out[0] = cast(out[0], x.dtype());  // tfjs keeps the input dtype
    return out;
  }
  Tensor indices = out[1];
  recordOp("TopK", {x}, out[0], [x, indices](const Tensor& dy) -> std::vector<Tensor> {
    // dx gets dy at the selected positions of each row (a scatter; tiny, so done here).
    Tensor dx = hostEmpty(x.shape());
    std::fill(dx.data<float>(), dx.data<float>() + dx.size(), 0.f);
    const Tensor hi = hostView(indices), hdy = hostView(dy);
    int64_t n = x.dim(-1), kk = indices.rank() ? indices.dim(-1) : 0;
    int64_t rows = kk ? indices.size() / kk : 0;
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t i = 0; i < kk; ++i) {
        dx.data<float>()[r * n + hi.constData<int32_t>()[r * kk + i]] += hdy.constData<float>()[r * kk + i];
      }
    }
    dx = upload(dx);
    recordWithoutSecondOrder("TopKGrad", {dy}, dx);
    return {dx};
  });
  return out;
}

const bool registered = [] {
  auto& reg = OpRegistry::instance();
  using In = const std::vector<Tensor>&;
  using Out = std::vector<Tensor>;
  reg.add("fill", 0, [](In, const Attrs& at) -> Out {
    return {filled(at.getInts("shape"), parseDType(at.getString("dtype", "float32")), at.getFloat("value"))};
  });
  reg.add("range", 0, [](In, const Attrs& at) -> Out {
    double start = at.getFloat("start"), stop = at.getFloat("stop"), step = at.getFloat("step", 1.0);
    WL_CHECK(step != 0, "range: cannot have a step of zero");
    // tfjs: empty when the step points away from stop (except the default step 1 on a
    // decreasing range, which counts down).
    bool empty = start == stop || (start < stop && step < 0) || (stop < start && step > 1);
    if (stop < start && step == 1) step = -1;
    int64_t n = empty ? 0 : std::max<int64_t>(0, static_cast<int64_t>(std::ceil(std::fabs((stop - start) / step))));
    DType dtype = parseDType(at.getString("dtype", "float32"));
    Tensor t = hostEmpty({n}, dtype);
    for (int64_t i = 0; i < n; ++i) {
      double v = start + static_cast<double>(i) * step;
      if (dtype == DType::Float32) {
        t.data<float>()[i] = static_cast<float>(v);
      } else {
        t.data<int32_t>()[i] = static_cast<int32_t>(v);
      }
    }
    return {upload(t)};
  });
  reg.add("linspace", 0, [](In, const Attrs& at) -> Out {
    double start = at.getFloat("start"), stop = at.getFloat("stop");
    int64_t num = at.getInt("num");
    WL_CHECK(num > 0, "linspace: the number of values should be positive, got " << num);
    Tensor t = hostEmpty({num});
    double step = num > 1 ? (stop - start) / static_cast<double>(num - 1) : 0;
    for (int64_t i = 0; i < num; ++i) t.data<float>()[i] = static_cast<float>(start + static_cast<double>(i) * step);
    return {upload(t)};
  });
  reg.add("eye", 0, [](In, const Attrs& at) -> Out {
    int64_t rows = at.getInt("numRows"), cols = at.getInt("numColumns", rows);
    WL_CHECK(rows >= 0 && cols >= 0, "eye: numRows and numColumns must be non-negative");
    Shape shape = at.getInts("batchShape", {});
    shape.push_back(rows);
    shape.push_back(cols);
    DType dtype = parseDType(at.getString("dtype", "float32"));
    Tensor t = hostEmpty(shape, dtype);
    std::fill(t.data<int32_t>(), t.data<int32_t>() + t.size(), 0);  // 0.f and 0 share their bits
    int64_t batch = (rows > 0 && cols > 0) ? t.size() / (rows * cols) : 0;
    for (int64_t b = 0; b < batch; ++b) {
      for (int64_t i = 0; i < std::min(rows, cols); ++i) {
        int64_t at2 = b * rows * cols + i * cols + i;
        if (dtype == DType::Float32) {
          t.data<float>()[at2] = 1.f;
        } else {
          t.data<int32_t>()[at2] = 1;
        }
      }
    }
    return {upload(t)};
  });
  reg.add("randomNormal", 0, [](In, const Attrs& at) -> Out {
    double mean = at.getFloat("mean", 0.0), stddev = at.getFloat("stdDev", 1.0);
    WL_CHECK(stddev >= 0, "randomNormal: stdDev must be >= 0, got " << stddev);
    return {gaussian(at, mean, stddev, false)};
  });
  reg.add("truncatedNormal", 0, [](In, const Attrs& at) -> Out {
    double mean = at.getFloat("mean", 0.0), stddev = at.getFloat("stdDev", 1.0);
    // Redrawn until within 2 stddev of the mean: a negative stddev never is (tfjs loops forever).
    WL_CHECK(stddev >= 0, "truncatedNormal: stdDev must be >= 0, got " << stddev);
    return {gaussian(at, mean, stddev, true)};
  });
  reg.add("randomUniform", 0, [](In, const Attrs& at) -> Out {
    double lo = at.getFloat("minval", 0.0), hi = at.getFloat("maxval", 1.0);
    WL_CHECK(lo < hi, "randomUniform: minval (" << lo << ") must be less than maxval (" << hi << ")");
    DType dtype = parseDType(at.getString("dtype", "float32"));
    Tensor t = hostEmpty(at.getInts("shape"), dtype);
    jsrand::Uniform u(lo, hi, seedOf(at));
    // tfjs draws doubles into the dtype's array: int32 truncates toward zero.
    for (int64_t i = 0; i < t.size(); ++i) {
      double v = u.next();
      if (dtype == DType::Float32) {
        t.data<float>()[i] = static_cast<float>(v);
      } else {
        t.data<int32_t>()[i] = static_cast<int32_t>(v);
      }
    }
    return {upload(t)};
  });
  reg.add("topk", 1, [](In in, const Attrs& at) -> Out {
    return topk(in[0], at.getInt("k", 1));  // always sorted
  });
  return true;
}();

}  // namespace
}  // namespace wl

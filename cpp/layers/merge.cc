// Merge layers (tfjs-layers/src/layers/merge.ts): Add, Average, Concatenate,
// Maximum, Minimum, Multiply, Dot, and Keras 3's Subtract (two inputs). They take a
// list of inputs.
//
// Elementwise merges broadcast as tfjs's Merge: the shapes without the batch dim
// broadcast from the right (a 1 against anything, unknown dims stay unknown);
// when ranks differ, lower-rank inputs get size-1 dims inserted at axis 1 first.
// Concatenate (axis -1) needs equal shapes except on the concat axis. Dot (axes,
// normalize) takes exactly 2 inputs of rank <= 3 and computes tfjs's batchDot.
#include <algorithm>
#include <array>
#include <set>

#include "layers/layer.h"
#include "ops/ops.h"
#include "ops/registry.h"
#include "ops/shape_ops.h"

namespace wl {

namespace {

std::string shapesJson(const std::vector<Shape>& shapes) {
  nlohmann::json j = nlohmann::json::array();
  for (const Shape& s : shapes) j.push_back(shapeToJson(s));
  return j.dump();
}

// tfjs's Merge.computeElementwiseOpOutputShape (shapes without the batch dim).
Shape elementwiseShape(const Shape& a, const Shape& b) {
  if (a.size() < b.size()) return elementwiseShape(b, a);
  if (b.empty()) return a;
  Shape out(a.begin(), a.begin() + (a.size() - b.size()));
  for (size_t k = 0; k < b.size(); ++k) {
    int64_t i = a[a.size() - b.size() + k], j = b[k];
    if (i < 0 || j < 0) {
      out.push_back(-1);
    } else if (i == 1) {
      out.push_back(j);
    } else if (j == 1) {
      out.push_back(i);
    } else {
      WL_CHECK(i == j, "Operands could not be broadcast together with shapes " << shapeToJson(a).dump() << " "
                                                                              << shapeToJson(b).dump());
      out.push_back(i);
    }
  }
  return out;
}

}  // namespace

class Merge : public Layer {
 public:
  Merge(const nlohmann::json& config, const std::string& className) : Layer(config, className) {
    supportsMasking_ = true;
  }

  // The output is valid where every masked input is (Keras's Merge.compute_mask).
  // Porting note: tfjs 4.22's Merge.computeMask keeps only the first mask with an
  // extra leading axis (its loop stops one short and never reduces), which no
  // consumer can use; we combine them as Keras does.
  std::vector<Tensor> computeMask(const std::vector<Tensor>& inputs, const std::vector<Tensor>& masks) const override {
    if (!anyMask(masks)) return {};
    WL_CHECK(masks.size() == inputs.size(), "The Array 'inputs' and 'mask' are expected to have the same length, but "
                                            "have different lengths ("
                                                << inputs.size() << " vs " << masks.size() << ")");
    Tensor out;
    for (const Tensor& m : masks) {
      if (!m.defined()) continue;
      Tensor b = m.dtype() == DType::Bool ? m : cast(m, DType::Bool);
      out = out.defined() ? binary(BinaryOp::LogicalAnd, out, b) : b;
    }
    return {out};
  }

  std::vector<Shape> computeOutputShapes(const std::vector<Shape>& inputShapes) const override {
    WL_CHECK(!inputShapes.empty(), "A merge layer should be called on an Array of at least 2 inputs. Got 0 input(s).");
    Shape out(inputShapes[0].begin() + (inputShapes[0].empty() ? 0 : 1), inputShapes[0].end());
    for (size_t i = 1; i < inputShapes.size(); ++i) {
      Shape s(inputShapes[i].begin() + (inputShapes[i].empty() ? 0 : 1), inputShapes[i].end());
      out = elementwiseShape(out, s);
    }
    std::set<int64_t> batch;
    for (const Shape& s : inputShapes) {
      if (!s.empty() && s[0] >= 0) batch.insert(s[0]);
    }
    out.insert(out.begin(), batch.size() == 1 ? *batch.begin() : -1);
    return {out};
  }

 protected:
  virtual Tensor mergeFunction(const std::vector<Tensor>& inputs) const = 0;

  void checkMerge(const std::vector<Shape>& inputShapes) const {
    WL_CHECK(inputShapes.size() >= 2, "A merge layer should be called on an Array of at least 2 inputs. Got "
                                          << inputShapes.size() << " input(s).");
    std::set<int64_t> batch;
    for (const Shape& s : inputShapes) {
      if (!s.empty() && s[0] >= 0) batch.insert(s[0]);
    }
    WL_CHECK(batch.size() <= 1, "Can not merge tensors with different batch sizes. Got tensors with shapes: "
                                    << shapesJson(inputShapes) << ".");
    computeOutputShapes(inputShapes);  // throws when the shapes do not broadcast
  }

  void buildMany(const std::vector<Shape>& inputShapes) override { checkMerge(inputShapes); }
  void checkInputShapes(const std::vector<Shape>& shapes) const override { checkMerge(shapes); }

  std::vector<Tensor> callMany(const std::vector<Tensor>& xs, bool /*training*/) override {
    checkMerge([&] {
      std::vector<Shape> s;
      for (const Tensor& x : xs) s.push_back(x.shape());
      return s;
    }());
    int maxRank = 0;
    for (const Tensor& x : xs) maxRank = std::max(maxRank, x.rank());
    std::vector<Tensor> reshaped;
    for (Tensor x : xs) {
      for (int k = x.rank(); k < maxRank; ++k) x = expandDims(x, 1);
      reshaped.push_back(x);
    }
    return {mergeFunction(reshaped)};
  }
};

#define WL_ELEMENTWISE_MERGE(Name, body)                                                    \
  class Name : public Merge {                                                               \
   public:                                                                                  \
    explicit Name(const nlohmann::json& config) : Merge(config, #Name) {}                   \
    std::string className() const override { return #Name; }                                \
                                                                                            \
   protected:                                                                               \
    Tensor mergeFunction(const std::vector<Tensor>& inputs) const override { body }         \
  };

WL_ELEMENTWISE_MERGE(Add, {
  Tensor out = inputs[0];
  for (size_t i = 1; i < inputs.size(); ++i) out = add(out, inputs[i]);
  return out;
})

WL_ELEMENTWISE_MERGE(Multiply, {
  Tensor out = inputs[0];
  for (size_t i = 1; i < inputs.size(); ++i) out = mul(out, inputs[i]);
  return out;
})

WL_ELEMENTWISE_MERGE(Average, {
  Tensor out = inputs[0];
  for (size_t i = 1; i < inputs.size(); ++i) out = add(out, inputs[i]);
  return mul(Tensor::scalar(static_cast<float>(1.0 / static_cast<double>(inputs.size()))), out);
})

WL_ELEMENTWISE_MERGE(Maximum, {
  Tensor out = inputs[0];
  for (size_t i = 1; i < inputs.size(); ++i) out = maximum(out, inputs[i]);
  return out;
})

WL_ELEMENTWISE_MERGE(Minimum, {
  Tensor out = inputs[0];
  for (size_t i = 1; i < inputs.size(); ++i) out = minimum(out, inputs[i]);
  return out;
})

#undef WL_ELEMENTWISE_MERGE

// Subtract (Keras 3; not in tfjs 4.22): inputs[0] - inputs[1], exactly two inputs.
class Subtract : public Merge {
 public:
  explicit Subtract(const nlohmann::json& config) : Merge(config, "Subtract") {}
  std::string className() const override { return "Subtract"; }

 protected:
  void buildMany(const std::vector<Shape>& inputShapes) override {
    checkTwo(inputShapes.size());
    Merge::buildMany(inputShapes);
  }
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    checkTwo(shapes.size());
    Merge::checkInputShapes(shapes);
  }
  Tensor mergeFunction(const std::vector<Tensor>& inputs) const override {
    checkTwo(inputs.size());
    return sub(inputs[0], inputs[1]);
  }

 private:
  static void checkTwo(size_t n) {
    WL_CHECK(n == 2, "A `Subtract` layer should be called on exactly 2 inputs. Received: " << n << " input(s).");
  }
};

// ---- Concatenate -------------------------------------------------------------------

class Concatenate : public Merge {
 public:
  explicit Concatenate(const nlohmann::json& config) : Merge(config, "Concatenate") {
    if (config.contains("axis") && !config["axis"].is_null()) {
      const auto& a = config["axis"];
      WL_CHECK(a.is_number_integer(), "Expected axis to be an integer, but got " << a.dump());
      axis_ = a.get<int>();
    }
  }
  std::string className() const override { return "Concatenate"; }

  std::vector<Shape> computeOutputShapes(const std::vector<Shape>& inputShapes) const override {
    WL_CHECK(!inputShapes.empty(), "A `Concatenate` layer should be called on a list of inputs.");
    Shape out = inputShapes[0];
    int a = resolve(static_cast<int>(out.size()));
    for (size_t i = 1; i < inputShapes.size(); ++i) {
      const Shape& s = inputShapes[i];
      WL_CHECK(a < static_cast<int>(s.size()), "A `Concatenate` layer requires inputs with matching shapes except "
                                               "for the concat axis. Got input shapes: "
                                                   << shapesJson(inputShapes));
      if (out[a] < 0 || s[a] < 0) {
        out[a] = -1;
        break;
      }
      out[a] += s[a];
    }
    return {out};
  }

  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["axis"] = axis_;
    return c;
  }

 protected:
  int resolve(int rank) const {
    int a = axis_ < 0 ? axis_ + rank : axis_;
    WL_CHECK(a >= 0 && a < rank, "Concatenate: axis " << axis_ << " is out of range for inputs of rank " << rank);
    return a;
  }

  void check(const std::vector<Shape>& inputShapes) const {
    WL_CHECK(inputShapes.size() >= 2, "A `Concatenate` layer should be called on a list of at least 2 inputs");
    std::vector<Shape> set;
    for (const Shape& s0 : inputShapes) {
      Shape s = s0;
      int rank = static_cast<int>(s.size());
      int a = axis_ < 0 ? axis_ + rank : axis_;
      if (a >= 0 && a < rank) s.erase(s.begin() + a);
      for (auto& d : s) d = d < 0 ? -1 : d;
      if (std::find(set.begin(), set.end(), s) == set.end()) set.push_back(s);
    }
    WL_CHECK(set.size() <= 1, "A `Concatenate` layer requires inputs with matching shapes except for the concat "
                              "axis. Got input shapes: "
                                  << shapesJson(inputShapes));
    resolve(static_cast<int>(inputShapes[0].size()));
  }

  void buildMany(const std::vector<Shape>& inputShapes) override { check(inputShapes); }
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    // Eager inputs carry concrete batch sizes: compare without them.
    std::vector<Shape> s = shapes;
    for (Shape& x : s) {
      if (!x.empty()) x[0] = -1;
    }
    check(s);
  }

  std::vector<Tensor> callMany(const std::vector<Tensor>& xs, bool /*training*/) override {
    return {mergeFunction(xs)};
  }
  Tensor mergeFunction(const std::vector<Tensor>& inputs) const override {
    return concat(inputs, resolve(inputs.at(0).rank()));
  }

  // As tfjs: each input's mask (all true for an unmasked input), expanded to the
  // input's rank, concatenated on the axis, then all() over the last axis.
  std::vector<Tensor> computeMask(const std::vector<Tensor>& inputs, const std::vector<Tensor>& masks) const override {
    if (!anyMask(masks)) return {};
    WL_CHECK(masks.size() == inputs.size(), "Mismatch in the length of mask (" << masks.size()
                                                                              << ") and the legnth of inputs ("
                                                                              << inputs.size() << ")");
    std::vector<Tensor> parts;
    for (size_t i = 0; i < inputs.size(); ++i) {
      Tensor m = masks[i].defined() ? cast(masks[i], DType::Float32) : ones(inputs[i].shape());
      if (m.rank() < inputs[i].rank()) m = expandDims(m, -1);
      parts.push_back(m);
    }
    Tensor all = concat(parts, resolve(inputs.at(0).rank()));
    Tensor valid = binary(BinaryOp::NotEqual, all, Tensor::scalar(0.f));
    return OpRegistry::instance().run("all", {valid}, {{"axis", -1}, {"keepDims", false}});
  }

 private:
  int axis_ = -1;
};

// ---- Dot ---------------------------------------------------------------------------

namespace {

int interpretAxis(int axis, int dim) {
  while (axis < 0) axis += dim;
  return axis;
}

// tfjs's losses.l2Normalize: x / sqrt(max(sum(x^2, axis, keepDims), epsilon)).
Tensor l2Normalize(const Tensor& x, int axis) {
  Tensor squareSum = sum(square(x), {axis}, true);
  Tensor norm = sqrt(maximum(squareSum, Tensor::scalar(1e-7f)));
  return div(x, norm);
}

// tfjs's batchDot (tfjs-layers merge.ts).
Tensor batchDot(Tensor x, Tensor y, const std::array<int, 2>& axes) {
  WL_CHECK(x.rank() <= 3 && y.rank() <= 3, "batchDot is not implemented for tensors of 4D or higher rank yet");
  WL_CHECK(x.rank() >= 2, "batchDot requires the rank of x to be >= 2, but got " << x.rank());
  WL_CHECK(y.rank() >= 2, "batchDot requires the rank of y to be >= 2, but got " << y.rank());
  int xNDim = x.rank(), yNDim = y.rank();
  int diff = 0;
  if (xNDim > yNDim) {
    diff = xNDim - yNDim;
    Shape s = y.shape();
    for (int i = 0; i < diff; ++i) s.push_back(1);
    y = reshape(y, s);
  } else if (yNDim > xNDim) {
    diff = yNDim - xNDim;
    Shape s = x.shape();
    for (int i = 0; i < diff; ++i) s.push_back(1);
    x = reshape(x, s);
  }
  Tensor out;
  if (x.rank() == 2 && y.rank() == 2) {
    if (axes[0] == axes[1]) {
      out = sum(mul(x, y), {axes[0]});
    } else {
      out = sum(mul(transpose(x, {1, 0}), y), {axes[1]});
    }
  } else {
    bool adjX = axes[0] != x.rank() - 1;
    bool adjY = axes[1] == y.rank() - 1;
    out = matMul(x, y, adjX, adjY);
  }
  if (diff > 0) {
    int idx = xNDim > yNDim ? xNDim + yNDim - 3 : xNDim - 1;
    std::vector<int> sq;
    for (int i = idx; i < idx + diff; ++i) sq.push_back(i);
    out = squeeze(out, sq);
  }
  if (out.rank() == 1) out = expandDims(out, 1);
  return out;
}

}  // namespace

class Dot : public Merge {
 public:
  explicit Dot(const nlohmann::json& config) : Merge(config, "Dot") {
    WL_CHECK(config.contains("axes") && !config["axes"].is_null(),
             "Dot: the axes option is required (an integer or an array of 2 integers), but got undefined");
    axesJson_ = config["axes"];
    if (axesJson_.is_number_integer()) {
      axes_ = {axesJson_.get<int>(), axesJson_.get<int>()};
    } else {
      WL_CHECK(axesJson_.is_array() && axesJson_.size() == 2 && axesJson_[0].is_number_integer() &&
                   axesJson_[1].is_number_integer(),
               "Dot: expected axes to be an integer or an array of 2 integers, but got " << axesJson_.dump());
      axes_ = {axesJson_[0].get<int>(), axesJson_[1].get<int>()};
    }
    if (config.contains("normalize") && !config["normalize"].is_null()) {
      WL_CHECK(config["normalize"].is_boolean(),
               "Expected normalize to be a boolean, but got " << config["normalize"].dump());
      normalize_ = config["normalize"].get<bool>();
    }
  }
  std::string className() const override { return "Dot"; }
  // As tfjs: Dot accepts masked inputs and its output has no mask.
  std::vector<Tensor> computeMask(const std::vector<Tensor>&, const std::vector<Tensor>&) const override { return {}; }

  std::vector<Shape> computeOutputShapes(const std::vector<Shape>& inputShapes) const override {
    check(inputShapes);
    Shape s1 = inputShapes[0], s2 = inputShapes[1];
    auto ax = interpret(s1, s2);
    s1.erase(s1.begin() + ax[0]);
    s2.erase(s2.begin() + ax[1]);
    s2.erase(s2.begin());
    Shape out = s1;
    out.insert(out.end(), s2.begin(), s2.end());
    if (out.size() == 1) out.push_back(1);
    return {out};
  }

  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["axes"] = axesJson_;
    c["normalize"] = normalize_;
    return c;
  }

 protected:
  std::array<int, 2> interpret(const Shape& s1, const Shape& s2) const {
    return {interpretAxis(axes_[0], static_cast<int>(s1.size())), interpretAxis(axes_[1], static_cast<int>(s2.size()))};
  }

  void check(const std::vector<Shape>& inputShapes) const {
    WL_CHECK(inputShapes.size() == 2, "A `Dot` layer should be called on a list of exactly 2 inputs.");
    const Shape& s1 = inputShapes[0];
    const Shape& s2 = inputShapes[1];
    WL_CHECK(s1.size() <= 3 && s2.size() <= 3, "Dot layer does not support tensors of 4D or higher rank yet.");
    auto ax = interpret(s1, s2);
    WL_CHECK(ax[0] < static_cast<int>(s1.size()) && ax[1] < static_cast<int>(s2.size()),
             "Dot: axes " << axesJson_.dump() << " are out of range for inputs of shapes " << shapesJson(inputShapes));
    auto dimStr = [](int64_t d) { return d < 0 ? std::string("null") : std::to_string(d); };
    WL_CHECK(s1[ax[0]] == s2[ax[1]] || (s1[ax[0]] < 0 && s2[ax[1]] < 0),
             "Dimension incompatibility: " << dimStr(s1[ax[0]]) << " !== " << dimStr(s2[ax[1]]));
  }

  void buildMany(const std::vector<Shape>& inputShapes) override { check(inputShapes); }
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 2, "A `Dot` layer must be called on exactly 2 inputs, but received " << shapes.size()
                                                                                                  << " input(s).");
  }

  std::vector<Tensor> callMany(const std::vector<Tensor>& xs, bool /*training*/) override {
    return {mergeFunction(xs)};
  }

  Tensor mergeFunction(const std::vector<Tensor>& inputs) const override {
    WL_CHECK(inputs.size() == 2, "A `Dot` layer must be called on exactly 2 inputs, but received " << inputs.size()
                                                                                                  << " input(s).");
    Tensor x1 = inputs[0], x2 = inputs[1];
    std::array<int, 2> ax = {interpretAxis(axes_[0], x1.rank()), interpretAxis(axes_[1], x2.rank())};
    if (normalize_) {
      x1 = l2Normalize(cast(x1, DType::Float32), ax[0]);
      x2 = l2Normalize(cast(x2, DType::Float32), ax[1]);
    }
    return batchDot(x1, x2, ax);
  }

 private:
  nlohmann::json axesJson_;
  std::array<int, 2> axes_{};
  bool normalize_ = false;
};

WL_REGISTER_LAYER(Add);
WL_REGISTER_LAYER(Subtract);
WL_REGISTER_LAYER(Multiply);
WL_REGISTER_LAYER(Average);
WL_REGISTER_LAYER(Maximum);
WL_REGISTER_LAYER(Minimum);
WL_REGISTER_LAYER(Concatenate);
WL_REGISTER_LAYER(Dot);

}  // namespace wl

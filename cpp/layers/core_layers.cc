// Core layers without weights (tfjs-layers/src/layers/core.ts): Activation,
// Dropout, SpatialDropout1D, Flatten, Reshape, Permute, RepeatVector, Masking;
// and Keras 3's SpatialDropout2D, SpatialDropout3D and Identity (not in tfjs 4.22).
#include <algorithm>
#include <cmath>

#include "layers/activations.h"
#include "layers/core_layers.h"
#include "layers/layer.h"
#include "ops/ops.h"
#include "ops/registry.h"
#include "ops/shape_ops.h"

namespace wl {

namespace {
namespace lo = layer_opts;

int64_t knownProd(const Shape& s, size_t from) {
  int64_t p = 1;
  for (size_t i = from; i < s.size(); ++i) p *= s[i];
  return p;
}
}  // namespace

// Activation: output = activation(input).
class Activation : public Layer {
 public:
  explicit Activation(const nlohmann::json& config) : Layer(config, "Activation") {
    nlohmann::json a = lo::get(config, "activation");
    if (!a.is_null()) {
      WL_CHECK(a.is_string(), "activation must be a string, got " << a.dump());
      activation_ = a.get<std::string>();
    }
    validateActivation(activation_);
    supportsMasking_ = true;  // as tfjs: the mask passes through
  }
  std::string className() const override { return "Activation"; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["activation"] = activation_;
    return c;
  }
  bool inferenceEpilogue(const Shape&, FusedEpilogue* post) const override {
    return fusedActivationOf(activation_, &post->activation);
  }

 protected:
  Tensor call(const Tensor& x, bool) override { return applyActivation(activation_, x); }

 private:
  std::string activation_ = "linear";
};

// Dropout: in training, zeroes each unit with probability `rate` and scales the
// kept ones by 1 / (1 - rate) (tfc.dropout); identity at inference.
class Dropout : public Layer {
 public:
  explicit Dropout(const nlohmann::json& config, const std::string& cls = "Dropout") : Layer(config, cls) {
    rate_ = lo::rate(config);
    noiseShape_ = lo::get(config, "noiseShape");
    if (!noiseShape_.is_null()) {
      WL_CHECK(noiseShape_.is_array(), "Expected noiseShape to be an array of dimensions, but got " << noiseShape_.dump());
      for (const auto& d : noiseShape_) {
        WL_CHECK(d.is_null() || (d.is_number_integer() && d.get<int64_t>() > 0),
                 "Expected noiseShape to contain positive integers or null, but got " << noiseShape_.dump());
      }
    }
    seed_ = lo::get(config, "seed");
    WL_CHECK(seed_.is_null() || seed_.is_number(), "Expected seed to be a number, but got " << seed_.dump());
    supportsMasking_ = true;  // as tfjs (SpatialDropout1D too): the mask passes through
  }
  std::string className() const override { return "Dropout"; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["rate"] = rate_;
    if (!noiseShape_.is_null()) c["noiseShape"] = noiseShape_;
    if (!seed_.is_null()) c["seed"] = seed_;
    return c;
  }

 protected:
  virtual Shape noiseShape(const Tensor& x) const {
    if (noiseShape_.is_null()) return x.shape();
    WL_CHECK(noiseShape_.size() == x.shape().size(), "Dropout " << name() << ": noiseShape " << noiseShape_.dump()
                                                                << " does not match the input rank " << x.rank());
    Shape s;
    for (size_t i = 0; i < noiseShape_.size(); ++i) {
      s.push_back(noiseShape_[i].is_null() ? x.shape()[i] : noiseShape_[i].get<int64_t>());
    }
    return s;
  }
  Tensor call(const Tensor& x, bool training) override {
    if (!(rate_ > 0 && rate_ < 1) || !training) return x;
    // As tfc.dropout: multiplier = floor(uniform[0, 1) + keepProb) / keepProb.
    float keep = static_cast<float>(1.0 - rate_);
    nlohmann::json attrs = {{"shape", noiseShape(x)}};
    if (!seed_.is_null()) attrs["seed"] = seed_;
    Tensor u = OpRegistry::instance().run("randomUniform", {}, attrs).at(0);
    Tensor mult = div(unary(UnaryOp::Floor, add(u, Tensor::scalar(keep))), Tensor::scalar(keep));
    return mul(x, mult);
  }

  double rate_;
  nlohmann::json noiseShape_, seed_;
};

// SpatialDropout1D: Dropout of whole channels: noise shape [batch, 1, channels].
class SpatialDropout1D : public Dropout {
 public:
  explicit SpatialDropout1D(const nlohmann::json& config) : Dropout(config, "SpatialDropout1D") {}
  std::string className() const override { return "SpatialDropout1D"; }

 protected:
  void build(const Shape& s) override {
    WL_CHECK(s.size() == 3, "Input 0 is incompatible with layer " << name() << ": expected ndim=3, found ndim="
                                                                  << s.size());
  }
  Shape noiseShape(const Tensor& x) const override { return {x.dim(0), 1, x.dim(2)}; }
};

// SpatialDropout2D / SpatialDropout3D (Keras 3; tfjs 4.22 has only the 1D one): whole
// feature maps dropped, noise shape [batch, 1, ..., 1, channels] (channelsFirst:
// [batch, channels, 1, ...]). Options: rate, dataFormat ('channelsLast'), seed.
class SpatialDropoutNd : public Dropout {
 public:
  SpatialDropoutNd(const nlohmann::json& config, const std::string& cls, int n)
      : Dropout(config, cls), cls_(cls), n_(n) {
    WL_CHECK(noiseShape_.is_null(), cls << " does not take noiseShape (its noise is one value per channel), got "
                                        << noiseShape_.dump());
    nlohmann::json f = lo::get(config, "dataFormat");
    WL_CHECK(f.is_null() || f == "channelsFirst" || f == "channelsLast",
             "Invalid dataFormat: " << f.dump() << ". Valid values are 'channelsFirst', 'channelsLast'.");
    if (!f.is_null()) dataFormat_ = f.get<std::string>();
  }
  std::string className() const override { return cls_; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Dropout::getConfig();
    c["dataFormat"] = dataFormat_;
    return c;
  }

 protected:
  void build(const Shape& s) override { checkRank(s); }
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, "Layer " << name() << " expects 1 input, but it received " << shapes.size()
                                          << " input tensors.");
    checkRank(shapes[0]);
  }
  Shape noiseShape(const Tensor& x) const override {
    checkRank(x.shape());
    Shape s(x.rank(), 1);
    s[0] = x.dim(0);
    const int c = dataFormat_ == "channelsFirst" ? 1 : x.rank() - 1;
    s[c] = x.dim(c);
    return s;
  }

 private:
  void checkRank(const Shape& s) const {
    WL_CHECK(static_cast<int>(s.size()) == n_ + 2, "Input 0 is incompatible with layer "
                                                       << name() << ": expected ndim=" << n_ + 2
                                                       << ", found ndim=" << s.size());
  }
  std::string cls_;
  int n_;
  std::string dataFormat_ = "channelsLast";
};

class SpatialDropout2D : public SpatialDropoutNd {
 public:
  explicit SpatialDropout2D(const nlohmann::json& c) : SpatialDropoutNd(c, "SpatialDropout2D", 2) {}
};
class SpatialDropout3D : public SpatialDropoutNd {
 public:
  explicit SpatialDropout3D(const nlohmann::json& c) : SpatialDropoutNd(c, "SpatialDropout3D", 3) {}
};

// Identity (Keras 3): the input, unchanged; masks pass through.
class Identity : public Layer {
 public:
  explicit Identity(const nlohmann::json& config) : Layer(config, "Identity") { supportsMasking_ = true; }
  std::string className() const override { return "Identity"; }

 protected:
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, "Layer " << name() << " expects 1 input, but it received " << shapes.size()
                                          << " input tensors.");
  }
  Tensor call(const Tensor& x, bool) override { return x; }
};

// Flatten: (batch, ...) -> (batch, prod(...)); channelsFirst moves axis 1 last first.
class Flatten : public Layer {
 public:
  explicit Flatten(const nlohmann::json& config) : Layer(config, "Flatten") {
    dataFormat_ = lo::get(config, "dataFormat");
    WL_CHECK(dataFormat_.is_null() || dataFormat_ == "channelsFirst" || dataFormat_ == "channelsLast",
             "Invalid dataFormat: " << dataFormat_.dump() << ". Valid values are 'channelsFirst', 'channelsLast'.");
  }
  std::string className() const override { return "Flatten"; }
  Shape computeOutputShape(const Shape& in) const override {
    for (size_t i = 1; i < in.size(); ++i) {
      WL_CHECK(in[i] >= 0, "The shape of the input to \"Flatten\" is not fully defined (got "
                               << shapeStr(Shape(in.begin() + 1, in.end()))
                               << "). Make sure to pass a complete \"input_shape\" or \"batch_input_shape\" "
                                  "argument to the first layer in your model.");
    }
    return {in.empty() ? -1 : in[0], knownProd(in, 1)};
  }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    if (!dataFormat_.is_null()) c["dataFormat"] = dataFormat_;
    return c;
  }

 protected:
  void build(const Shape& s) override {
    WL_CHECK(s.size() >= 3, "Input 0 is incompatible with layer " << name() << ": expected min_ndim=3, found ndim="
                                                                  << s.size());
    computeOutputShape(s);
  }
  Tensor call(const Tensor& xIn, bool) override {
    Tensor x = xIn;
    if (dataFormat_ == "channelsFirst" && x.rank() > 1) {
      std::vector<int64_t> perm = {0};
      for (int i = 2; i < x.rank(); ++i) perm.push_back(i);
      perm.push_back(1);
      x = transpose(x, perm);
    }
    return reshape(x, {x.dim(0), knownProd(x.shape(), 1)});
  }

 private:
  nlohmann::json dataFormat_;
};

// Reshape: (batch, ...) -> (batch, ...targetShape); one dim may be -1 (or null).
class Reshape : public Layer {
 public:
  explicit Reshape(const nlohmann::json& config) : Layer(config, "Reshape") {
    nlohmann::json t = lo::get(config, "targetShape");
    WL_CHECK(t.is_array(), "Expected targetShape to be an array of dimensions, but got " << lo::describe(t));
    int unknown = 0;
    for (const auto& d : t) {
      if (d.is_null() || (d.is_number() && d.get<double>() < 0)) {
        target_.push_back(-1);
        ++unknown;
      } else {
        WL_CHECK(d.is_number_integer(), "Expected targetShape to contain integers, but got " << t.dump());
        target_.push_back(d.get<int64_t>());
      }
    }
    WL_CHECK(unknown <= 1, "Can only specifiy one unknown dimension. (targetShape: " << t.dump() << ")");
  }
  std::string className() const override { return "Reshape"; }
  // As tfjs: with any unknown input dim (the batch dim included, so always when
  // building a model) the unknown target dim stays unknown (null).
  Shape computeOutputShape(const Shape& in) const override {
    Shape rest(in.begin() + (in.empty() ? 0 : 1), in.end());
    bool anyUnknown = std::any_of(in.begin(), in.end(), [](int64_t d) { return d < 0; });
    Shape out = {in.empty() ? -1 : in[0]};
    Shape t = anyUnknown ? target_ : fixUnknown(rest);
    out.insert(out.end(), t.begin(), t.end());
    return out;
  }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["targetShape"] = shapeToJson(target_);
    return c;
  }

 protected:
  void build(const Shape& s) override {
    Shape rest(s.begin() + (s.empty() ? 0 : 1), s.end());
    if (std::all_of(rest.begin(), rest.end(), [](int64_t d) { return d >= 0; })) fixUnknown(rest);
  }
  Tensor call(const Tensor& x, bool) override {
    Shape out = {x.dim(0)};
    Shape t = fixUnknown(Shape(x.shape().begin() + 1, x.shape().end()));
    out.insert(out.end(), t.begin(), t.end());
    return reshape(x, out);
  }

 private:
  Shape fixUnknown(const Shape& in) const {
    Shape out = target_;
    int64_t known = 1;
    int unknownAt = -1;
    for (size_t i = 0; i < out.size(); ++i) {
      if (out[i] < 0) {
        unknownAt = static_cast<int>(i);
      } else {
        known *= out[i];
      }
    }
    int64_t original = knownProd(in, 0);
    if (unknownAt >= 0) {
      WL_CHECK(known != 0 && original % known == 0, "Total size of new array must be unchanged. (input shape "
                                                        << shapeStr(in) << ", targetShape " << shapeStr(target_) << ")");
      out[unknownAt] = original / known;
    } else {
      WL_CHECK(original == known, "Total size of new array must be unchanged. (input shape "
                                      << shapeStr(in) << ", targetShape " << shapeStr(target_) << ")");
    }
    return out;
  }
  Shape target_;
};

// Permute: transposes the non-batch axes by `dims` (1-based).
class Permute : public Layer {
 public:
  explicit Permute(const nlohmann::json& config) : Layer(config, "Permute") {
    nlohmann::json d = lo::get(config, "dims");
    WL_CHECK(!d.is_null(), "Required configuration field `dims` is missing during Permute constructor call.");
    WL_CHECK(d.is_array(), "Permute constructor requires `dims` to be an Array, but received " << d.dump()
                                                                                               << " instead.");
    std::vector<int64_t> sorted;
    bool ok = true;
    for (const auto& v : d) {
      if (!v.is_number_integer()) {
        ok = false;
        break;
      }
      dims_.push_back(v.get<int64_t>());
    }
    sorted = dims_;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; ok && i < sorted.size(); ++i) ok = sorted[i] == static_cast<int64_t>(i) + 1;
    WL_CHECK(ok, "Invalid permutation `dims`: " << d.dump()
                                                 << " `dims` must contain consecutive integers starting from 1.");
  }
  std::string className() const override { return "Permute"; }
  Shape computeOutputShape(const Shape& in) const override {
    Shape out = in;
    for (size_t i = 0; i < dims_.size() && i + 1 < out.size(); ++i) out[i + 1] = in.at(dims_[i]);
    return out;
  }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["dims"] = dims_;
    return c;
  }

 protected:
  void build(const Shape& s) override {
    WL_CHECK(s.size() == dims_.size() + 1, "Input 0 is incompatible with layer "
                                               << name() << ": expected ndim=" << dims_.size() + 1
                                               << ", found ndim=" << s.size());
  }
  Tensor call(const Tensor& x, bool) override {
    std::vector<int64_t> perm = {0};
    perm.insert(perm.end(), dims_.begin(), dims_.end());
    return transpose(x, perm);
  }

 private:
  std::vector<int64_t> dims_;
};

// RepeatVector: (batch, features) -> (batch, n, features).
class RepeatVector : public Layer {
 public:
  explicit RepeatVector(const nlohmann::json& config) : Layer(config, "RepeatVector") {
    n_ = lo::positiveInt(config, "n");
  }
  std::string className() const override { return "RepeatVector"; }
  Shape computeOutputShape(const Shape& in) const override { return {in.at(0), n_, in.at(1)}; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["n"] = n_;
    return c;
  }

 protected:
  void build(const Shape& s) override {
    WL_CHECK(s.size() == 2, "Input 0 is incompatible with layer " << name() << ": expected ndim=2, found ndim="
                                                                  << s.size());
  }
  Tensor call(const Tensor& x, bool) override { return tile(expandDims(x, 1), {1, n_, 1}); }

 private:
  int64_t n_;
};

// Masking: zeroes the timesteps whose features all equal maskValue:
// output = input * any(input != maskValue, -1, keepDims), and masks them (computeMask).
class Masking : public Layer {
 public:
  explicit Masking(const nlohmann::json& config) : Layer(config, "Masking") {
    maskValue_ = lo::number(config, "maskValue", 0.0);
    supportsMasking_ = true;
  }
  // The timesteps with some feature != maskValue: any(input != maskValue, -1).
  std::vector<Tensor> computeMask(const std::vector<Tensor>& inputs, const std::vector<Tensor>&) const override {
    WL_CHECK(inputs.size() == 1, "Masking layer " << name() << " expects 1 input, got " << inputs.size());
    Tensor ne = binary(BinaryOp::NotEqual, inputs[0], Tensor::scalar(static_cast<float>(maskValue_)));
    return OpRegistry::instance().run("any", {ne}, {{"axis", -1}, {"keepDims", false}});
  }
  std::string className() const override { return "Masking"; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["maskValue"] = maskValue_;
    return c;
  }

 protected:
  Tensor call(const Tensor& x, bool) override {
    Tensor ne = binary(BinaryOp::NotEqual, x, Tensor::scalar(static_cast<float>(maskValue_)));
    Tensor keep = OpRegistry::instance().run("any", {ne}, {{"axis", -1}, {"keepDims", true}}).at(0);
    return mul(x, cast(keep, x.dtype()));
  }

 private:
  double maskValue_;
};

WL_REGISTER_LAYER(Activation);
WL_REGISTER_LAYER(Dropout);
WL_REGISTER_LAYER(SpatialDropout1D);
WL_REGISTER_LAYER(SpatialDropout2D);
WL_REGISTER_LAYER(SpatialDropout3D);
WL_REGISTER_LAYER(Identity);
WL_REGISTER_LAYER(Flatten);
WL_REGISTER_LAYER(Reshape);
WL_REGISTER_LAYER(Permute);
WL_REGISTER_LAYER(RepeatVector);
WL_REGISTER_LAYER(Masking);

}  // namespace wl

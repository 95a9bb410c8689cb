// Preprocessing layers (tfjs-layers/src/layers/preprocessing/*.ts):
//   Rescaling: x * scale + offset (offset 0), as float32.
//   CenterCrop: height, width. Crops the center of (batch,) H, W, C images with
//     tf.image.cropAndResize(..., 'nearest') semantics (tfjs's boxes, including
//     its quirk wBuffer = 1 when floor((W - width) / 2) is 0); upsizes with
//     resizeBilinear when the image is smaller than the crop.
//   Resizing: height, width, interpolation ('bilinear' | 'nearest'), cropToAspectRatio
//     (false). Runs tf.image.resizeBilinear / resizeNearestNeighbor by name with
//     alignCorners = !cropToAspectRatio, as tfjs 4.22 does.
//   CategoryEncoding: numTokens, outputMode ('multiHot' default | 'oneHot' | 'count').
//   Normalization (Keras's; tfjs has none): axis, mean, variance, invert; its statistics as
//     non-trainable weights when the config has none.
// Only Normalization has weights.
#include <algorithm>
#include <cmath>

#include "core/json_numbers.h"
#include "layers/layer.h"
#include "ops/ops.h"
#include "ops/registry.h"
#include "ops/shape_ops.h"
#include "layers/core_layers.h"

namespace wl {

namespace {



int64_t positiveIntOpt(const nlohmann::json& config, const char* key) {
  nlohmann::json v = layer_opts::get(config, key);
  bool ok = isInt64Number(v);
  WL_CHECK(ok && v.get<double>() > 0, "Expected " << key << " to be a positive integer, but got " << layer_opts::describe(v) << ".");
  return static_cast<int64_t>(v.get<double>());
}

Tensor runResize(const char* op, const Tensor& x, int64_t h, int64_t w, bool alignCorners) {
  WL_CHECK(OpRegistry::instance().has(op), "The op " << op << " is not available in this build");
  return OpRegistry::instance()
      .run(op, {x}, {{"size", {h, w}}, {"alignCorners", alignCorners}, {"halfPixelCenters", false}})
      .at(0);
}

}  // namespace

// ---- Rescaling ---------------------------------------------------------------------

class Rescaling : public Layer {
 public:
  explicit Rescaling(const nlohmann::json& config) : Layer(config, "Rescaling") {
    // A number, or (Keras: Keras 2 EfficientNet's 1 / sqrt(stddev per channel)) a list that
    // broadcasts against the input's last axes.
    nlohmann::json s = layer_opts::get(config, "scale");
    WL_CHECK(s.is_number() || isNumberList(s), "Expected scale to be a number, but got " << layer_opts::describe(s));
    scale_ = s;
    nlohmann::json o = layer_opts::get(config, "offset");
    if (!o.is_null() && !(o.is_number() && o.get<double>() == 0)) {
      WL_CHECK(o.is_number() || isNumberList(o), "Expected offset to be a number, but got " << o.dump());
      offset_ = o;
    }
  }
  std::string className() const override { return "Rescaling"; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["scale"] = scale_;
    c["offset"] = offset_;
    return c;
  }

 protected:
  Tensor call(const Tensor& x, bool /*training*/) override {
    Tensor xf = cast(x, DType::Float32);
    return add(mul(xf, value(scale_)), value(offset_));
  }

 private:
  static bool isNumberList(const nlohmann::json& v) {
    return v.is_array() && !v.empty() &&
           std::all_of(v.begin(), v.end(), [](const nlohmann::json& e) { return e.is_number(); });
  }
  static Tensor value(const nlohmann::json& v) {
    if (v.is_number()) return Tensor::scalar(v.get<float>());
    std::vector<float> values;
    for (const auto& e : v) values.push_back(e.get<float>());
    return Tensor::fromVector({static_cast<int64_t>(values.size())}, values);
  }

 private:
  nlohmann::json scale_, offset_ = 0;
};

// ---- CenterCrop --------------------------------------------------------------------

class CenterCrop : public Layer {
 public:
  explicit CenterCrop(const nlohmann::json& config) : Layer(config, "CenterCrop") {
    height_ = positiveIntOpt(config, "height");
    width_ = positiveIntOpt(config, "width");
  }
  std::string className() const override { return "CenterCrop"; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["height"] = height_;
    c["width"] = width_;
    return c;
  }
  Shape computeOutputShape(const Shape& inputShape) const override {
    WL_CHECK(inputShape.size() >= 3, "CenterCrop expects inputs of shape (batch, height, width, channels) or "
                                     "(height, width, channels), got "
                                         << shapeStr(inputShape));
    Shape out = inputShape;
    out[out.size() - 3] = height_;
    out[out.size() - 2] = width_;
    return out;
  }

 protected:
  void build(const Shape& inputShape) override {
    WL_CHECK(inputShape.size() == 3 || inputShape.size() == 4,
             "CenterCrop expects inputs of rank 3 or 4 (height, width, channels), got " << shapeStr(inputShape));
  }

  Tensor call(const Tensor& x, bool /*training*/) override {
    WL_CHECK(x.rank() == 3 || x.rank() == 4, "CenterCrop expects inputs of rank 3 or 4, got " << shapeStr(x.shape()));
    const int64_t H = x.dim(-3), W = x.dim(-2);
    int64_t hBuffer = 0, wBuffer = 0;
    if (H != height_) hBuffer = static_cast<int64_t>(std::floor((H - height_) / 2.0));
    if (W != width_) {
      wBuffer = static_cast<int64_t>(std::floor((W - width_) / 2.0));
      if (wBuffer == 0) wBuffer = 1;
    }
    if (hBuffer < 0 || wBuffer < 0) {
      return cast(runResize("resizeBilinear", x, height_, width_, false), x.dtype());
    }
    // tf.image.cropAndResize(image, boxes, boxInd, [height, width], 'nearest') with
    // one box (float32 coordinates) per image.
    auto f32 = [](double v) { return static_cast<double>(static_cast<float>(v)); };
    const double y1 = f32(static_cast<double>(hBuffer) / H), x1 = f32(static_cast<double>(wBuffer) / W);
    const double y2 = f32(static_cast<double>(height_ + hBuffer) / H);
    const double x2 = f32(static_cast<double>(width_ + wBuffer) / W);
    auto indices = [](double a, double b, int64_t in, int64_t crop) {
      std::vector<int64_t> idx(crop);
      double scale = crop > 1 ? (b - a) * (in - 1) / (crop - 1) : 0;
      for (int64_t i = 0; i < crop; ++i) {
        double v = crop > 1 ? a * (in - 1) + i * scale : 0.5 * (a + b) * (in - 1);
        idx[i] = (v < 0 || v > in - 1) ? -1 : static_cast<int64_t>(std::floor(v + 0.5));
      }
      return idx;
    };
    std::vector<int64_t> rows = indices(y1, y2, H, height_), cols = indices(x1, x2, W, width_);
    // Two gathers (rows, then columns) with host-constant indices; positions
    // outside the image (-1) gather row/column 0 and are zeroed by a mask.
    Tensor xf = cast(x, DType::Float32);
    Tensor x4 = x.rank() == 4 ? xf : expandDims(xf, 0);
    auto pick = [](const std::vector<int64_t>& idx, Tensor* mask) {
      std::vector<int32_t> at;
      std::vector<float> keep;
      bool outside = false;
      for (int64_t i : idx) {
        at.push_back(static_cast<int32_t>(std::max<int64_t>(i, 0)));
        keep.push_back(i < 0 ? 0.f : 1.f);
        outside = outside || i < 0;
      }
      if (outside) *mask = Tensor::fromVector({static_cast<int64_t>(keep.size())}, keep);
      return Tensor::fromInts({static_cast<int64_t>(at.size())}, at);
    };
    Tensor rowMask, colMask;
    Tensor rowAt = pick(rows, &rowMask), colAt = pick(cols, &colMask);
    Tensor out = gather(gather(x4, rowAt, 1), colAt, 2);
    if (rowMask.defined()) out = mul(out, reshape(rowMask, {1, height_, 1, 1}));
    if (colMask.defined()) out = mul(out, reshape(colMask, {1, 1, width_, 1}));
    return cast(reshape(out, computeOutputShape(x.shape())), x.dtype());
  }

 private:
  int64_t height_, width_;
};

// ---- Resizing ----------------------------------------------------------------------

class Resizing : public Layer {
 public:
  explicit Resizing(const nlohmann::json& config) : Layer(config, "Resizing") {
    height_ = positiveIntOpt(config, "height");
    width_ = positiveIntOpt(config, "width");
    nlohmann::json interp = layer_opts::get(config, "interpolation");
    if (!interp.is_null() && !(interp.is_string() && interp.get<std::string>().empty())) {
      WL_CHECK(interp.is_string() && (interp == "bilinear" || interp == "nearest"),
               "Invalid interpolation parameter: " << (interp.is_string() ? interp.get<std::string>() : interp.dump())
                                                   << " is not implemented");
      interpolation_ = interp.get<std::string>();
    }
    nlohmann::json crop = layer_opts::get(config, "cropToAspectRatio");
    cropToAspectRatio_ = crop.is_boolean() ? crop.get<bool>() : (crop.is_number() ? crop.get<double>() != 0 : false);
  }
  std::string className() const override { return "Resizing"; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["height"] = height_;
    c["width"] = width_;
    c["interpolation"] = interpolation_;
    c["cropToAspectRatio"] = cropToAspectRatio_;
    return c;
  }
  // tfjs 4.22 returns [height, width, inputShape[2]] (no batch dim, and the width as
  // channels for batched inputs); this returns the shape the output really has.
  Shape computeOutputShape(const Shape& inputShape) const override {
    WL_CHECK(inputShape.size() >= 3, "Resizing expects inputs of shape (batch, height, width, channels) or "
                                     "(height, width, channels), got "
                                         << shapeStr(inputShape));
    Shape out = inputShape;
    out[out.size() - 3] = height_;
    out[out.size() - 2] = width_;
    return out;
  }

 protected:
  void build(const Shape& inputShape) override {
    WL_CHECK(inputShape.size() == 3 || inputShape.size() == 4,
             "Resizing expects inputs of rank 3 or 4 (height, width, channels), got " << shapeStr(inputShape));
  }
  Tensor call(const Tensor& x, bool /*training*/) override {
    const char* op = interpolation_ == "bilinear" ? "resizeBilinear" : "resizeNearestNeighbor";
    return runResize(op, x, height_, width_, !cropToAspectRatio_);
  }

 private:
  int64_t height_, width_;
  std::string interpolation_ = "bilinear";
  bool cropToAspectRatio_ = false;
};

// ---- CategoryEncoding --------------------------------------------------------------

class CategoryEncoding : public Layer {
 public:
  explicit CategoryEncoding(const nlohmann::json& config) : Layer(config, "CategoryEncoding") {
    numTokens_ = positiveIntOpt(config, "numTokens");
    nlohmann::json mode = layer_opts::get(config, "outputMode");
    if (!mode.is_null() && !(mode.is_string() && mode.get<std::string>().empty())) {
      WL_CHECK(mode.is_string() && (mode == "oneHot" || mode == "multiHot" || mode == "count"),
               "Expected outputMode to be one of 'oneHot', 'multiHot', 'count', but got " << mode.dump());
      outputMode_ = mode.get<std::string>();
    }
  }
  std::string className() const override { return "CategoryEncoding"; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["numTokens"] = numTokens_;
    c["outputMode"] = outputMode_;
    return c;
  }
  Shape computeOutputShape(const Shape& inputShape) const override {
    Shape out = inputShape;
    if (out.empty()) return {numTokens_};
    if (outputMode_ == "oneHot" && out.back() != 1) {
      out.push_back(numTokens_);
      return out;
    }
    out.back() = numTokens_;
    return out;
  }

 protected:
  void build(const Shape& inputShape) override {
    Shape s = inputShape;
    if (s.empty()) s.push_back(1);
    if (outputMode_ == "oneHot" && s.back() != 1) s.push_back(1);
    WL_CHECK(s.size() <= 2, "When outputMode is not int, maximum output rank is 2 Received outputMode "
                                << outputMode_ << " and input shape " << shapeStr(inputShape)
                                << " which would result in output rank " << s.size() << ".");
  }

  Tensor call(const Tensor& x, bool /*training*/) override {
    // A documented host fallback: the counting reads the values on the host
    // (hostView) and uploads the result.
    Tensor xi = hostView(cast(x, DType::Int32));
    const int32_t* v = xi.constData<int32_t>();
    const int64_t n = xi.size();
    bool ok = true;
    for (int64_t i = 0; i < n && ok; ++i) ok = v[i] >= 0 && v[i] < numTokens_;
    WL_CHECK(ok, "Input values must be between 0 < values <= numTokens with numTokens=" << numTokens_);
    Shape s = xi.shape();
    Shape original = s;
    if (s.empty()) s.push_back(1);
    if (outputMode_ == "oneHot" && s.back() != 1) s.push_back(1);
    if (s.size() > 2) {
      std::ostringstream os;
      for (size_t i = 0; i < original.size(); ++i) os << (i ? "," : "") << original[i];
      throw Error("When outputMode is not int, maximum output rank is 2 Received outputMode " + outputMode_ +
                  " and input shape " + os.str() + " which would result in output rank " + std::to_string(s.size()) +
                  ".");
    }
    const bool binary = outputMode_ != "count";
    const int64_t rows = s.size() == 2 ? s[0] : 1, cols = s.back();
    Tensor out = hostEmpty(s.size() == 2 ? Shape{rows, numTokens_} : Shape{numTokens_});
    float* o = out.data<float>();
    std::fill(o, o + out.size(), 0.f);
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t c = 0; c < cols; ++c) {
        float& bin = o[r * numTokens_ + v[r * cols + c]];
        bin = binary ? 1.f : bin + 1.f;
      }
    }
    return upload(out);
  }

 private:
  int64_t numTokens_;
  std::string outputMode_ = "multiHot";
};

// ---- Normalization (Keras; tfjs 4.22 has none) -----------------------------------------
// (x - mean) / max(sqrt(variance), 1e-7) per position of `axis` (invert: the reverse). mean and
// variance come from the config or, as Keras's adapt() leaves them, from the non-trainable
// weights mean, variance and count (int32), which a converted model's weights fill.
class Normalization : public Layer {
 public:
  explicit Normalization(const nlohmann::json& config) : Layer(config, "Normalization") {
    // Keras: absent is -1; an explicit null is a scalar mean and variance over every axis.
    nlohmann::json a = config.contains("axis") ? config["axis"] : nlohmann::json(-1);
    if (a.is_null()) a = nlohmann::json::array();
    WL_CHECK(a.is_number_integer() || (a.is_array() && std::all_of(a.begin(), a.end(), [](const nlohmann::json& e) {
                                         return e.is_number_integer();
                                       })),
             "Normalization: axis must be an integer or a list of integers, got " << a.dump());
    axis_ = a.is_array() ? a : nlohmann::json::array({a});
    mean_ = layer_opts::get(config, "mean");
    variance_ = layer_opts::get(config, "variance");
    WL_CHECK(mean_.is_null() == variance_.is_null(),
             "Normalization: when setting values directly, both mean and variance must be set. Received: mean="
                 << mean_.dump() << " and variance=" << variance_.dump());
    nlohmann::json inv = layer_opts::get(config, "invert");
    WL_CHECK(inv.is_null() || inv.is_boolean(), "Normalization: invert must be a boolean, got " << inv.dump());
    invert_ = inv.is_boolean() && inv.get<bool>();
  }
  std::string className() const override { return "Normalization"; }
  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["axis"] = axis_;
    c["mean"] = mean_;
    c["variance"] = variance_;
    c["invert"] = invert_;
    return c;
  }

 protected:
  void build(const Shape& in) override {
    const int64_t rank = static_cast<int64_t>(in.size());
    broadcast_.assign(in.size(), 1);
    Shape keep;
    for (const auto& e : axis_) {
      int64_t ax = e.get<int64_t>();
      if (ax < 0) ax += rank;
      WL_CHECK(ax >= 1 && ax < rank, "Normalization: axis " << e.dump() << " is out of range for an input of rank " << rank);
      WL_CHECK(in[static_cast<size_t>(ax)] > 0, "Normalization: the input's axis " << ax << " must be defined");
      broadcast_[static_cast<size_t>(ax)] = in[static_cast<size_t>(ax)];
      keep.push_back(in[static_cast<size_t>(ax)]);
    }
    if (mean_.is_null()) {
      meanWeight_ = addWeight("mean", keep, "zeros", /*trainable=*/false);
      varianceWeight_ = addWeight("variance", keep, "ones", /*trainable=*/false);
      // Only stored (adapt() counts with it): no member keeps it.
      addWeight("count", {}, "zeros", /*trainable=*/false)->mutableValue() = Tensor::zeros({}, DType::Int32);  // Keras's int64 count, as the converter writes it
    }
  }
  Tensor call(const Tensor& xIn, bool) override {
    Tensor x = cast(xIn, DType::Float32);
    Tensor m, v;
    if (mean_.is_null()) {
      m = reshape(meanWeight_->value(), broadcast_);
      v = reshape(varianceWeight_->value(), broadcast_);
    } else {
      m = constant(mean_, "mean");
      v = constant(variance_, "variance");
    }
    Tensor sd = binary(BinaryOp::Maximum, unary(UnaryOp::Sqrt, v), Tensor::scalar(1e-7f));
    return invert_ ? add(m, mul(x, sd)) : div(sub(x, m), sd);
  }

 private:
  // A config value (a number, or one per position of the kept axes) in the broadcast shape.
  Tensor constant(const nlohmann::json& value, const char* key) const {
    int64_t n = 1;
    for (int64_t d : broadcast_) n *= d;
    std::vector<float> values;
    if (value.is_number()) {
      values.assign(static_cast<size_t>(n), value.get<float>());
    } else {
      nlohmann::json flat = value;
      while (flat.is_array() && flat.size() == 1 && flat[0].is_array()) flat = flat[0];
      WL_CHECK(flat.is_array() && static_cast<int64_t>(flat.size()) == n &&
                   std::all_of(flat.begin(), flat.end(), [](const nlohmann::json& e) { return e.is_number(); }),
               "Normalization: " << key << " must be a number or " << n << " numbers, got " << value.dump());
      for (const auto& e : flat) values.push_back(e.get<float>());
    }
    return Tensor::fromVector(broadcast_, values);
  }

  nlohmann::json axis_, mean_, variance_;
  bool invert_ = false;
  Shape broadcast_;
  std::shared_ptr<Variable> meanWeight_, varianceWeight_;
};

WL_REGISTER_LAYER(Rescaling);
WL_REGISTER_LAYER(Normalization);
WL_REGISTER_LAYER(CenterCrop);
WL_REGISTER_LAYER(Resizing);
WL_REGISTER_LAYER(CategoryEncoding);

}  // namespace wl

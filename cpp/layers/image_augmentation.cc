// Random image augmentation layers: tfjs 4.22's RandomWidth
// (tfjs-layers/src/layers/preprocessing/random_width.ts), its twin RandomHeight, and
// Keras 3's RandomFlip, RandomRotation, RandomTranslation, RandomZoom and
// RandomContrast (keras/src/layers/preprocessing/image_preprocessing/*.py).
//
// All of them act only in training (fit, or apply(x, {training: true})) and are the
// identity at inference (as Keras; Porting note: tfjs 4.22's RandomWidth resizes at
// inference too, and fails in a symbolic model with "Negative dimension size"; here
// it follows Keras 2's RandomWidth: identity at inference, a symbolic width of null).
// Images are (batch,) height, width, channels (dataFormat 'channelsLast' only; a
// channelsFirst config throws). One random draw per image (per batch for
// RandomWidth/RandomHeight, whose output size is shared), from the layer's own
// generator: seeded by `seed` when given (the same sequence of draws from a fresh
// layer), else from the device's entropy.
//
// Options (camelCase; a Keras model.json's snake_case keys and values arrive so):
//   RandomWidth / RandomHeight: factor (a number f > 0 -> [-f, f], or [lower, upper],
//     each >= -1), interpolation ('bilinear' | 'nearest'), seed. The new size is
//     round(size * U(1 + lower, 1 + upper)), resized with tf.image.resizeBilinear /
//     resizeNearestNeighbor (alignCorners false).
//   RandomFlip: mode ('horizontal' | 'vertical' | 'horizontal_and_vertical' (default;
//     also 'horizontalAndVertical')), seed. An image is flipped when U(0, 1) <= 0.5;
//     with both modes the one draw flips both axes (as Keras).
//   RandomRotation: factor (fraction of a full turn: f -> [-f, f], or [lower, upper]),
//     fillMode ('reflect' | 'wrap' | 'constant' | 'nearest'), interpolation
//     ('bilinear' | 'nearest'), fillValue (0), seed. angle = U(lower, upper) * 360 deg
//     about the image center ((w - 1) / 2, (h - 1) / 2).
//   RandomTranslation: heightFactor, widthFactor (f -> [-f, f] or [lower, upper], in
//     [-1, 1]; fractions of the size), fillMode, interpolation, fillValue, seed.
//   RandomZoom: heightFactor, widthFactor (null: the height's zoom), as fractions in
//     (-1, 1]: zoom = 1 + U(lower, upper) (> 1 zooms out), fillMode, interpolation,
//     fillValue, seed.
//   RandomContrast: factor (f in [0, 1] -> [max(-f, 0), f] as Keras's _set_factor, or
//     [lower, upper]), valueRange ([0, 255]), seed. out = clip((x - mean) * c + mean)
//     with mean per image and channel over height and width, c = U(1 - lower, 1 + upper).
//
// Rotation, translation and zoom sample the image as Keras's affine_transform (TF's
// ImageProjectiveTransformV3, which tf.image.transform ports): output pixel (x, y)
// reads input (a0 x + a1 y + a2, b0 x + b1 y + b2) after the fill mode maps it;
// bilinear mixes the four neighbours, nearest rounds; reads outside give fillValue.
// The sampling plan (indices and weights) depends only on the random draws and the
// shape; the pixels move by one gather, so gradients reach the input.
#include <array>
#include <cmath>
#include <random>
#include <sstream>
#include <tuple>

#include "core/json_numbers.h"
#include "layers/layer.h"
#include "ops/ops.h"
#include "ops/registry.h"
#include "ops/shape_ops.h"
#include "layers/core_layers.h"

namespace wl {

namespace {



std::string stringOpt(const nlohmann::json& config, const char* key, const std::string& dflt) {
  nlohmann::json v = layer_opts::get(config, key);
  if (v.is_null()) return dflt;
  WL_CHECK(v.is_string(), "Expected " << key << " to be a string, but got " << v.dump());
  return v.get<std::string>();
}

// A factor: a number or a [lower, upper] pair.
bool isFactor(const nlohmann::json& v) {
  return v.is_number() || (v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number());
}

// TF's fill modes on one coordinate (tfjs's transform kernel, mapCoord).
double mapCoord(double c, int64_t len, const std::string& mode) {
  const double n = static_cast<double>(len);
  if (mode == "reflect") {
    if (c < 0) {
      if (len <= 1) {
        c = 0;
      } else {
        double sz2 = 2 * n;
        if (c < sz2) c = sz2 * std::trunc(-c / sz2) + c;
        c = c < -n ? c + sz2 : -c - 1;
      }
    } else if (c > n - 1) {
      if (len <= 1) {
        c = 0;
      } else {
        double sz2 = 2 * n;
        c -= sz2 * std::trunc(c / sz2);
        if (c >= n) c = sz2 - c - 1;
      }
    }
    return std::min(std::max(c, 0.0), n - 1);
  }
  if (mode == "wrap") {
    if (c < 0) {
      if (len <= 1) {
        c = 0;
      } else {
        c += n * (std::trunc(-c / (n - 1)) + 1);
      }
    } else if (c > n - 1) {
      if (len <= 1) {
        c = 0;
      } else {
        c -= n * std::trunc(c / (n - 1));
      }
    }
    return std::min(std::max(c, 0.0), n - 1);
  }
  if (mode == "nearest") return std::min(std::max(c, 0.0), n - 1);
  return c;  // constant: reads outside give fillValue
}

// images [B, H, W, C] float32; t[b] = {a0, a1, a2, b0, b1, b2}.
Tensor affineTransform(const Tensor& images, const std::vector<std::array<double, 6>>& t,
                       const std::string& interpolation, const std::string& fillMode, float fillValue) {
  const int64_t B = images.dim(0), H = images.dim(1), W = images.dim(2), C = images.dim(3);
  const int64_t n = B * H * W;
  WL_CHECK(n + 1 < (int64_t{1} << 31), "image too large for an affine transform: " << shapeStr(images.shape()));
  // Row n of the flat image is the fill value.
  Tensor flat = concat({reshape(images, {n, C}), Tensor::full({1, C}, fillValue)}, 0);
  const bool bilinear = interpolation == "bilinear";
  const int64_t taps = bilinear ? 4 : 1;
  std::vector<int32_t> idx(static_cast<size_t>(taps * n));
  std::vector<float> w(static_cast<size_t>(taps * n));
  for (int64_t b = 0; b < B; ++b) {
    const auto& m = t[static_cast<size_t>(b)];
    auto at = [&](double yy, double xx) -> int32_t {
      if (yy < 0 || yy >= static_cast<double>(H) || xx < 0 || xx >= static_cast<double>(W)) return static_cast<int32_t>(n);
      return static_cast<int32_t>((b * H + static_cast<int64_t>(yy)) * W + static_cast<int64_t>(xx));
    };
    for (int64_t y = 0; y < H; ++y) {
      for (int64_t x = 0; x < W; ++x) {
        const size_t o = static_cast<size_t>((b * H + y) * W + x);
        const double xd = static_cast<double>(x), yd = static_cast<double>(y);
        const double xs = mapCoord(m[0] * xd + m[1] * yd + m[2], W, fillMode);
        const double ys = mapCoord(m[3] * xd + m[4] * yd + m[5], H, fillMode);
        if (!bilinear) {
          idx[o] = at(std::round(ys), std::round(xs));
          w[o] = 1.f;
          continue;
        }
        const double yf = std::floor(ys), xf = std::floor(xs), yc = yf + 1, xc = xf + 1;
        const size_t s = static_cast<size_t>(n);
        idx[o] = at(yf, xf), w[o] = static_cast<float>((yc - ys) * (xc - xs));
        idx[o + s] = at(yf, xc), w[o + s] = static_cast<float>((yc - ys) * (xs - xf));
        idx[o + 2 * s] = at(yc, xf), w[o + 2 * s] = static_cast<float>((ys - yf) * (xc - xs));
        idx[o + 3 * s] = at(yc, xc), w[o + 3 * s] = static_cast<float>((ys - yf) * (xs - xf));
      }
    }
  }
  Tensor gathered = gather(flat, Tensor::fromInts({taps * n}, idx), 0);  // [taps * n, C]
  Tensor weighted = mul(reshape(gathered, {taps, n, C}), Tensor::fromVector({taps, n, 1}, w));
  Tensor out = taps == 1 ? weighted : sum(weighted, {0});
  return reshape(out, images.shape());
}

// ---- the shared base -----------------------------------------------------------------

class RandomImageLayer : public Layer {
 public:
  RandomImageLayer(const nlohmann::json& config, const std::string& cls, bool kerasFormat)
      : Layer(config, cls), kerasFormat_(kerasFormat) {
    seed_ = layer_opts::get(config, "seed");
    WL_CHECK(seed_.is_null() || isInt64Number(seed_),
             cls << ": seed must be an integer, got " << seed_.dump());
    if (seed_.is_null()) {
      rng_.seed(std::random_device{}());
    } else {
      rng_.seed(static_cast<uint32_t>(static_cast<int64_t>(seed_.get<double>())));
    }
    if (kerasFormat_) {
      std::string df = stringOpt(config, "dataFormat", "channelsLast");
      WL_CHECK(df == "channelsLast" || df == "channels_last",
               cls << ": dataFormat '" << df << "' is not supported; only channelsLast (channels_last) images");
      nlohmann::json bbox = layer_opts::get(config, "boundingBoxFormat");
      WL_CHECK(bbox.is_null(), cls << ": boundingBoxFormat is not supported (images only), got " << bbox.dump());
    }
  }

  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    if (kerasFormat_) {
      c["seed"] = seed_;
      c["dataFormat"] = "channelsLast";
    } else if (!seed_.is_null()) {
      c["seed"] = seed_;
    }
    return c;
  }

  Shape computeOutputShape(const Shape& in) const override {
    checkImageRank(in);
    return in;
  }

 protected:
  void build(const Shape& in) override { checkImageRank(in); }
  // Batched or single images of any size (as Keras's).
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, className() << " takes one input, got " << shapes.size());
    checkImageRank(shapes[0]);
  }
  void checkImageRank(const Shape& in) const {
    WL_CHECK(in.size() == 3 || in.size() == 4, className() << " expects images of rank 3 (height, width, channels) "
                                                              "or 4 (batch, height, width, channels), got shape "
                                                           << shapeStr(in));
  }

  Tensor call(const Tensor& x, bool training) override {
    checkImageRank(x.shape());
    Tensor images = x.dtype() == DType::Float32 ? x : cast(x, DType::Float32);
    if (!training) return images;
    bool single = images.rank() == 3;
    Tensor batch = single ? expandDims(images, 0) : images;
    Tensor out = augment(batch);
    return single ? squeeze(out, {0}) : out;
  }

  // [B, H, W, C] float32 in training -> the augmented batch.
  virtual Tensor augment(const Tensor& images) = 0;

  double uniform(double lo, double hi) {
    if (!(hi > lo)) return lo;
    return std::uniform_real_distribution<double>(lo, hi)(rng_);
  }

  bool kerasFormat_;
  nlohmann::json seed_;
  std::mt19937 rng_;
};

// ---- RandomWidth / RandomHeight (tfjs) --------------------------------------------------

class RandomResize : public RandomImageLayer {
 public:
  RandomResize(const nlohmann::json& config, const std::string& cls, bool width)
      : RandomImageLayer(config, cls, false), width_(width) {
    factor_ = layer_opts::get(config, "factor");
    const char* what = width ? "width" : "height";
    if (factor_.is_array() && factor_.size() == 2 && factor_[0].is_number() && factor_[1].is_number()) {
      lower_ = factor_[0].get<double>();
      upper_ = factor_[1].get<double>();
    } else if (factor_.is_number() && factor_.get<double>() > 0) {
      lower_ = -factor_.get<double>();
      upper_ = factor_.get<double>();
    } else {
      throw Error("Invalid factor: " + layer_opts::describe(factor_) + ". Must be positive number or tuple of 2 numbers");
    }
    WL_CHECK(lower_ >= -1.0 && upper_ >= -1.0, "factor must have values larger than -1. Got: " << factor_.dump());
    WL_CHECK(upper_ >= lower_, "factor cannot have upper bound less than lower bound. Got upper bound: "
                                   << upper_ << ". Got lower bound: " << lower_ << " (" << what << ")");
    interpolation_ = stringOpt(config, "interpolation", "bilinear");
    WL_CHECK(interpolation_ == "bilinear" || interpolation_ == "nearest",
             "Invalid interpolation parameter: " << interpolation_ << " is not implemented");
  }

  nlohmann::json getConfig() const override {
    nlohmann::json c = RandomImageLayer::getConfig();
    c["factor"] = factor_;
    c["interpolation"] = interpolation_;
    return c;
  }

  // The resized dim is unknown until a training call draws it (at inference it is the input's).
  Shape computeOutputShape(const Shape& in) const override {
    checkImageRank(in);
    Shape out = in;
    out[out.size() - (width_ ? 2 : 3)] = -1;
    return out;
  }

 protected:
  Tensor augment(const Tensor& images) override {
    int64_t h = images.dim(1), w = images.dim(2);
    double f = uniform(1.0 + lower_, 1.0 + upper_);
    int64_t& target = width_ ? w : h;
    target = static_cast<int64_t>(std::llround(static_cast<double>(static_cast<float>(f)) * static_cast<double>(target)));
    WL_CHECK(target > 0, className() << " " << name() << ": the drawn size is " << target
                                     << " (factor " << f << "); use a factor whose lower bound is above -1");
    const char* op = interpolation_ == "bilinear" ? "resizeBilinear" : "resizeNearestNeighbor";
    return OpRegistry::instance()
        .run(op, {images}, {{"size", {h, w}}, {"alignCorners", false}, {"halfPixelCenters", false}})
        .at(0);
  }

 private:
  bool width_;
  nlohmann::json factor_;
  double lower_ = 0, upper_ = 0;
  std::string interpolation_;
};

class RandomWidth : public RandomResize {
 public:
  explicit RandomWidth(const nlohmann::json& config) : RandomResize(config, "RandomWidth", true) {}
  std::string className() const override { return "RandomWidth"; }
};

class RandomHeight : public RandomResize {
 public:
  explicit RandomHeight(const nlohmann::json& config) : RandomResize(config, "RandomHeight", false) {}
  std::string className() const override { return "RandomHeight"; }
};

// ---- RandomFlip (Keras 3) -----------------------------------------------------------

class RandomFlip : public RandomImageLayer {
 public:
  explicit RandomFlip(const nlohmann::json& config) : RandomImageLayer(config, "RandomFlip", true) {
    mode_ = stringOpt(config, "mode", "horizontal_and_vertical");
    if (mode_ == "horizontalAndVertical") mode_ = "horizontal_and_vertical";
    WL_CHECK(mode_ == "horizontal" || mode_ == "vertical" || mode_ == "horizontal_and_vertical",
             "RandomFlip layer " << name() << " received an unknown mode argument " << mode_
                                 << " (expected 'horizontal', 'vertical' or 'horizontal_and_vertical')");
  }
  std::string className() const override { return "RandomFlip"; }

  nlohmann::json getConfig() const override {
    nlohmann::json c = RandomImageLayer::getConfig();
    c["mode"] = mode_;
    return c;
  }

 protected:
  Tensor augment(const Tensor& images) override {
    const int64_t B = images.dim(0);
    std::vector<int32_t> flips(static_cast<size_t>(B));
    for (auto& f : flips) f = uniform(0.0, 1.0) <= 0.5 ? 1 : 0;
    std::vector<int> axes;
    if (mode_ != "vertical") axes.push_back(2);
    if (mode_ != "horizontal") axes.push_back(1);
    Tensor mask = broadcastTo(Tensor::fromInts({B, 1, 1, 1}, flips, DType::Bool), images.shape());
    return where(mask, reverse(images, axes), images);
  }

 private:
  std::string mode_;
};

// ---- the affine ones: RandomRotation, RandomTranslation, RandomZoom (Keras 3) --------

class RandomAffine : public RandomImageLayer {
 public:
  RandomAffine(const nlohmann::json& config, const std::string& cls) : RandomImageLayer(config, cls, true) {
    fillMode_ = stringOpt(config, "fillMode", "reflect");
    WL_CHECK(fillMode_ == "reflect" || fillMode_ == "wrap" || fillMode_ == "constant" || fillMode_ == "nearest",
             "Unknown `fill_mode` " << fillMode_ << ". Expected of one ('reflect', 'wrap', 'constant', 'nearest').");
    interpolation_ = stringOpt(config, "interpolation", "bilinear");
    WL_CHECK(interpolation_ == "nearest" || interpolation_ == "bilinear",
             "Unknown `interpolation` " << interpolation_ << ". Expected of one ('nearest', 'bilinear').");
    nlohmann::json fv = layer_opts::get(config, "fillValue");
    WL_CHECK(fv.is_null() || fv.is_number(), cls << ": fillValue must be a number, got " << fv.dump());
    fillValue_ = fv.is_null() ? 0.0 : fv.get<double>();
  }

  nlohmann::json getConfig() const override {
    nlohmann::json c = RandomImageLayer::getConfig();
    c["fillMode"] = fillMode_;
    c["fillValue"] = fillValue_;
    c["interpolation"] = interpolation_;
    return c;
  }

 protected:
  // One {a0, a1, a2, b0, b1, b2} per image of a [B, H, W, C] batch.
  virtual std::array<double, 6> drawTransform(int64_t height, int64_t width) = 0;

  Tensor augment(const Tensor& images) override {
    std::vector<std::array<double, 6>> t;
    for (int64_t b = 0; b < images.dim(0); ++b) t.push_back(drawTransform(images.dim(1), images.dim(2)));
    return affineTransform(images, t, interpolation_, fillMode_, static_cast<float>(fillValue_));
  }

  // Keras's _set_factor for a [lower, upper] pair or a number f -> [max(-f, lo), f],
  // within [lo, hi].
  static std::pair<double, double> baseFactor(const nlohmann::json& v, double lo, double hi, const std::string& what) {
    std::string msg = "The `factor` argument should be a number (or a list of two numbers) in the range [" +
                      fmt(lo) + ", " + fmt(hi) + "]. Received: " + what + "=" + layer_opts::describe(v);
    WL_CHECK(isFactor(v), msg);
    if (v.is_array()) {
      double a = v[0].get<double>(), b = v[1].get<double>();
      WL_CHECK(!(a > hi || b < lo), msg);
      return {std::min(a, b), std::max(a, b)};
    }
    double f = v.get<double>();
    WL_CHECK(f >= lo && f <= hi, msg);
    f = std::fabs(f);
    return {std::max(-f, lo), f};
  }
  // Keras's RandomTranslation / RandomZoom _set_factor: each value in [-1, 1]
  // (zoom: (-1, 1]); a number f -> [-f, f].
  static std::pair<double, double> pairFactor(const nlohmann::json& v, bool zoom, const std::string& what) {
    std::string msg = std::string("The `") + what + "` argument should be a number (or a list of two numbers) in the range " +
                      (zoom ? "(-1.0, 1.0]" : "[-1.0, 1.0]") + ". Received: " + what + "=" + layer_opts::describe(v);
    WL_CHECK(isFactor(v), msg);
    auto check = [&](double f) { WL_CHECK(f <= 1.0 && (zoom ? f > -1.0 : f >= -1.0), msg); };
    if (v.is_array()) {
      double a = v[0].get<double>(), b = v[1].get<double>();
      check(a);
      check(b);
      return {std::min(a, b), std::max(a, b)};
    }
    double f = v.get<double>();
    check(f);
    f = std::fabs(f);
    return {-f, f};
  }
  static std::string fmt(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
  }

  std::string fillMode_, interpolation_;
  double fillValue_ = 0;
};

class RandomRotation : public RandomAffine {
 public:
  explicit RandomRotation(const nlohmann::json& config) : RandomAffine(config, "RandomRotation") {
    std::tie(lower_, upper_) = baseFactor(layer_opts::get(config, "factor"), -1, 1, "factor");
  }
  std::string className() const override { return "RandomRotation"; }

  nlohmann::json getConfig() const override {
    nlohmann::json c = RandomAffine::getConfig();
    c["factor"] = {lower_, upper_};
    return c;
  }

 protected:
  // Keras's _compute_affine_matrix with only the angle: center ((w - 1) / 2, (h - 1) / 2).
  std::array<double, 6> drawTransform(int64_t height, int64_t width) override {
    const double pi = 3.14159265358979323846;
    double angle = uniform(lower_ * 360.0, upper_ * 360.0) * pi / 180.0;
    double cx = 0.5 * static_cast<double>(width - 1), cy = 0.5 * static_cast<double>(height - 1);
    double c = std::cos(angle), s = std::sin(angle);
    double a0 = c, a1 = -s, b0 = s, b1 = c;
    return {a0, a1, cx - cx * a0 - cy * a1, b0, b1, cy - cx * b0 - cy * b1};
  }

 private:
  double lower_ = 0, upper_ = 0;
};

class RandomTranslation : public RandomAffine {
 public:
  explicit RandomTranslation(const nlohmann::json& config) : RandomAffine(config, "RandomTranslation") {
    heightFactor_ = layer_opts::get(config, "heightFactor");
    widthFactor_ = layer_opts::get(config, "widthFactor");
    height_ = pairFactor(heightFactor_, false, "height_factor");
    width_ = pairFactor(widthFactor_, false, "width_factor");
  }
  std::string className() const override { return "RandomTranslation"; }

  nlohmann::json getConfig() const override {
    nlohmann::json c = RandomAffine::getConfig();
    c["heightFactor"] = heightFactor_;
    c["widthFactor"] = widthFactor_;
    return c;
  }

 protected:
  // Keras: [[1, 0, -dx], [0, 1, -dy]] with dy drawn first (then dx), as fractions of the size.
  std::array<double, 6> drawTransform(int64_t height, int64_t width) override {
    double dy = uniform(height_.first, height_.second) * static_cast<double>(height);
    double dx = uniform(width_.first, width_.second) * static_cast<double>(width);
    return {1, 0, -dx, 0, 1, -dy};
  }

 private:
  nlohmann::json heightFactor_, widthFactor_;
  std::pair<double, double> height_, width_;
};

class RandomZoom : public RandomAffine {
 public:
  explicit RandomZoom(const nlohmann::json& config) : RandomAffine(config, "RandomZoom") {
    heightFactor_ = layer_opts::get(config, "heightFactor");
    widthFactor_ = layer_opts::get(config, "widthFactor");
    height_ = pairFactor(heightFactor_, true, "height_factor");
    if (!widthFactor_.is_null()) width_ = pairFactor(widthFactor_, true, "width_factor");
  }
  std::string className() const override { return "RandomZoom"; }

  nlohmann::json getConfig() const override {
    nlohmann::json c = RandomAffine::getConfig();
    c["heightFactor"] = heightFactor_;
    c["widthFactor"] = widthFactor_;
    return c;
  }

 protected:
  // Keras: [[zx, 0, (w - 1) / 2 * (1 - zx)], [0, zy, (h - 1) / 2 * (1 - zy)]].
  std::array<double, 6> drawTransform(int64_t height, int64_t width) override {
    double zy = uniform(1.0 + height_.first, 1.0 + height_.second);
    double zx = widthFactor_.is_null() ? zy : uniform(1.0 + width_.first, 1.0 + width_.second);
    return {zx, 0, 0.5 * static_cast<double>(width - 1) * (1 - zx), 0, zy, 0.5 * static_cast<double>(height - 1) * (1 - zy)};
  }

 private:
  nlohmann::json heightFactor_, widthFactor_;
  std::pair<double, double> height_, width_;
};

// ---- RandomContrast (Keras 3) ---------------------------------------------------------

class RandomContrast : public RandomImageLayer {
 public:
  explicit RandomContrast(const nlohmann::json& config) : RandomImageLayer(config, "RandomContrast", true) {
    nlohmann::json f = layer_opts::get(config, "factor");
    std::string msg = "The `factor` argument should be a number (or a list of two numbers) in the range [0, 1]. "
                      "Received: factor=" + layer_opts::describe(f);
    WL_CHECK(isFactor(f), msg);
    if (f.is_array()) {
      double a = f[0].get<double>(), b = f[1].get<double>();
      WL_CHECK(!(a > 1 || b < 0), msg);
      lower_ = std::min(a, b), upper_ = std::max(a, b);
    } else {
      double v = f.get<double>();
      WL_CHECK(v >= 0 && v <= 1, msg);
      lower_ = std::max(-v, 0.0), upper_ = v;
    }
    nlohmann::json vr = layer_opts::get(config, "valueRange");
    if (!vr.is_null()) {
      WL_CHECK(isFactor(vr) && vr.is_array() && vr[0].get<double>() < vr[1].get<double>(),
               "RandomContrast: valueRange must be [low, high] with low < high, got " << vr.dump());
      low_ = vr[0].get<double>(), high_ = vr[1].get<double>();
    }
  }
  std::string className() const override { return "RandomContrast"; }

  nlohmann::json getConfig() const override {
    nlohmann::json c = RandomImageLayer::getConfig();
    c["factor"] = {lower_, upper_};
    c["valueRange"] = {low_, high_};
    return c;
  }

 protected:
  Tensor augment(const Tensor& images) override {
    const int64_t B = images.dim(0);
    std::vector<float> factors(static_cast<size_t>(B));
    for (auto& f : factors) f = static_cast<float>(uniform(1.0 - lower_, 1.0 + upper_));
    Tensor m = mean(images, {1, 2}, true);
    Tensor out = add(mul(sub(images, m), Tensor::fromVector({B, 1, 1, 1}, factors)), m);
    return clipByValue(out, static_cast<float>(low_), static_cast<float>(high_));
  }

 private:
  double lower_ = 0, upper_ = 0, low_ = 0, high_ = 255;
};

}  // namespace

WL_REGISTER_LAYER(RandomWidth);
WL_REGISTER_LAYER(RandomHeight);
WL_REGISTER_LAYER(RandomFlip);
WL_REGISTER_LAYER(RandomRotation);
WL_REGISTER_LAYER(RandomTranslation);
WL_REGISTER_LAYER(RandomZoom);
WL_REGISTER_LAYER(RandomContrast);

}  // namespace wl

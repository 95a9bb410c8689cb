// Convolutional layers: see convolutional.h for the classes, options and weights.
#include "layers/convolutional.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/json_numbers.h"
#include "layers/activations.h"
#include "layers/initializers.h"
#include "layers/layer.h"
#include "layers/regularizers.h"
#include "layers/weight_options.h"
#include "ops/ops.h"
#include "ops/shape_ops.h"

namespace wl {
namespace conv_utils {

nlohmann::json opt(const nlohmann::json& config, const char* key) {
  return config.is_object() && config.contains(key) ? config[key] : nlohmann::json();
}

namespace {

std::string stringUnion(const nlohmann::json& v, const std::string& dflt, const char* label,
                        const std::vector<std::string>& values) {
  if (v.is_null()) return dflt;
  if (v.is_string() && std::find(values.begin(), values.end(), v.get<std::string>()) != values.end()) {
    return v.get<std::string>();
  }
  std::ostringstream os;
  os << "Invalid " << label << " " << (v.is_string() ? "'" + v.get<std::string>() + "'" : v.dump())
     << ": accepted values are ";
  for (size_t i = 0; i < values.size(); ++i) os << (i ? ", " : "") << "'" << values[i] << "'";
  throw Error(os.str());
}

// Bounded: kernel sizes and strides are cast to int64 (undefined beyond it).
bool isInteger(const nlohmann::json& v) { return isWholeNumber(v, 9.0e15); }

}  // namespace

std::string paddingMode(const nlohmann::json& v, const std::string& dflt) {
  return stringUnion(v, dflt, "PaddingMode", {"valid", "same", "causal"});
}
std::string dataFormat(const nlohmann::json& v, const std::string& dflt) {
  return stringUnion(v, dflt, "DataFormat", {"channelsFirst", "channelsLast"});
}
std::string interpolationFormat(const nlohmann::json& v, const std::string& dflt) {
  return stringUnion(v, dflt, "InterpolationFormat", {"nearest", "bilinear"});
}

std::vector<int64_t> normalizeArray(const nlohmann::json& v, int n, const char* name) {
  std::vector<int64_t> out;
  if (v.is_number()) {
    WL_CHECK(isInteger(v) && v.get<double>() > 0,
             "The " << name << " argument must be a positive integer or tuple of " << n
                    << " positive integers. Received: " << v.dump());
    out.assign(n, static_cast<int64_t>(v.get<double>()));
    return out;
  }
  WL_CHECK(v.is_array(), "The " << name << " argument must be an integer or tuple of " << n
                                << " integers. Received: " << (v.is_null() ? "undefined" : v.dump()));
  WL_CHECK(static_cast<int>(v.size()) == n, "The " << name << " argument must be an integer or tuple of " << n
                                                   << " integers. Received: " << v.size() << " elements.");
  for (const auto& e : v) {
    WL_CHECK(isInteger(e), "The " << name << " argument must be an integer or tuple of " << n
                                  << " integers. Received: " << v.dump() << " including a non-integer number "
                                  << e.dump());
    WL_CHECK(e.get<double>() > 0, "The " << name << " argument must hold positive integers. Received: " << v.dump());
    out.push_back(static_cast<int64_t>(e.get<double>()));
  }
  return out;
}

int64_t convOutputLength(int64_t in, int64_t filter, const std::string& padding, int64_t stride, int64_t dilation) {
  if (in < 0) return -1;
  int64_t dilated = checkedAdd(filter, checkedMul(filter - 1, dilation - 1, "dilated kernel size"), "dilated kernel size");
  int64_t len = padding == "same" ? in : in - dilated + 1;
  return static_cast<int64_t>(std::floor(static_cast<double>(len + stride - 1) / static_cast<double>(stride)));
}

int64_t deconvLength(int64_t in, int64_t stride, int64_t kernel, const std::string& padding) {
  if (in < 0) return -1;
  if (padding == "valid") return checkedAdd(checkedMul(in, stride, "output length"), std::max<int64_t>(kernel - stride, 0));
  if (padding == "same") return checkedMul(in, stride, "output length");
  throw Error("Unsupport padding mode: " + padding + ".");
}

Padding opPadding(const std::string& mode) { return mode == "same" ? Padding::same() : Padding::valid(); }

Tensor toChannelsLast(const Tensor& x) {
  std::vector<int64_t> perm{0};
  for (int i = 2; i < x.rank(); ++i) perm.push_back(i);
  perm.push_back(1);
  return transpose(x, perm);
}

Tensor toChannelsFirst(const Tensor& x) {
  std::vector<int64_t> perm{0, static_cast<int64_t>(x.rank()) - 1};
  for (int i = 1; i < x.rank() - 1; ++i) perm.push_back(i);
  return transpose(x, perm);
}

void checkNdim(const std::string& layerName, const Shape& s, size_t ndim) {
  WL_CHECK(s.size() == ndim, "Input 0 is incompatible with layer " << layerName << ": expected ndim=" << ndim
                                                                    << ", found ndim=" << s.size());
}

}  // namespace conv_utils

namespace {
namespace cu = conv_utils;
using nlohmann::json;

std::string describe(const json& v) { return v.is_null() ? "undefined" : v.dump(); }

// Adds a per-channel bias to y (channels last, or axis 1 when channelsFirst).
Tensor biasAdd(const Tensor& y, const Tensor& bias, bool channelsFirst) {
  if (!channelsFirst) return add(y, bias);
  Shape s(y.rank(), 1);
  s[1] = bias.dim(0);
  return add(y, reshape(bias, s));
}

// BaseConv: the options every convolution shares (tfjs BaseConv).
class BaseConv : public Layer {
 public:
  BaseConv(const json& config, const std::string& className, int rank) : Layer(config, className), rank_(rank) {
    json ks = cu::opt(config, "kernelSize");
    WL_CHECK(config.contains("kernelSize"), "required key 'kernelSize' not in config");
    auto arrayOk = [&](size_t lo, size_t hi) {
      return ks.is_array() && ks.size() >= lo && ks.size() <= hi &&
             std::all_of(ks.begin(), ks.end(), [](const json& e) { return e.is_number(); });
    };
    if (!ks.is_number()) {
      if (className == "Conv1D") {
        WL_CHECK(arrayOk(1, 1), "Conv1D expects config.kernelSize to be number or number[] with length 1, but received "
                                    << describe(ks) << ".");
      } else if (rank == 2) {
        WL_CHECK(arrayOk(1, 2), className << " expects config.kernelSize to be number or number[] with length 1 or 2, "
                                             "but received "
                                          << describe(ks) << ".");
      } else if (rank == 3) {
        WL_CHECK(ks.is_array() && (ks.size() == 1 || ks.size() == 3),
                 className << " expects config.kernelSize to be number or [number, number, number], but received "
                           << describe(ks) << ".");
      }
    }
    kernelSize_ = cu::normalizeArray(ks, rank, "kernelSize");
    json st = cu::opt(config, "strides");
    strides_ = cu::normalizeArray(st.is_null() ? json(1) : st, rank, "strides");
    padding_ = cu::paddingMode(cu::opt(config, "padding"));
    dataFormat_ = cu::dataFormat(cu::opt(config, "dataFormat"));
    activation_ = "linear";
    json a = cu::opt(config, "activation");
    if (!a.is_null()) {
      WL_CHECK(a.is_string(), "activation must be a string, got " << a.dump());
      activation_ = a.get<std::string>();
    }
    validateActivation(activation_);
    json ub = cu::opt(config, "useBias");
    WL_CHECK(ub.is_null() || ub.is_boolean(), "Expected useBias to be a boolean, but got " << ub.dump());
    useBias_ = ub.is_null() ? true : ub.get<bool>();
    biasOptions_ = WeightOptions(config, "bias", "zeros");
    readActivityRegularizer(config);
    json dr = cu::opt(config, "dilationRate");
    if (rank == 1 && dr.is_array() && dr.size() != 1) {
      throw Error("dilationRate must be a number or an array of a single number for 1D convolution, but received " +
                  dr.dump());
    }
    if (rank == 2 && dr.is_array() && dr.size() != 2) {
      throw Error("dilationRate must be a number or array of two numbers for 2D convolution, but received " +
                  dr.dump());
    }
    if (rank == 3 && dr.is_array() && dr.size() != 3) {
      throw Error("dilationRate must be a number or array of three numbers for 3D convolution, but received " +
                  dr.dump());
    }
    dilationRate_ = cu::normalizeArray(dr.is_null() ? json(1) : dr, rank, "dilationRate");
    // Keras's causal padding is defined for 1D convolutions only.
    // (The transposes and SeparableConv2D reject it with tfjs's own messages.)
    bool ownCheck = className.find("Transpose") != std::string::npos || className == "SeparableConv2D";
    WL_CHECK(padding_ != "causal" || rank == 1 || ownCheck,
             "Invalid PaddingMode 'causal' for " << className << ": 'causal' padding is supported by Conv1D only; "
                                                 << "accepted values are 'valid', 'same'");
  }

  json getConfig() const override {
    json c = Layer::getConfig();
    c["kernelSize"] = kernelSize_;
    c["strides"] = strides_;
    c["padding"] = padding_;
    c["dataFormat"] = dataFormat_;
    c["dilationRate"] = dilationRate_;
    c["activation"] = activation_;
    c["useBias"] = useBias_;
    biasOptions_.write(c, "bias");
    c["activityRegularizer"] = serializeRegularizer(activityRegularizer_);
    return c;
  }

 protected:
  bool channelsFirst() const { return dataFormat_ == "channelsFirst"; }
  int channelAxis(const Shape& s) const { return channelsFirst() ? 1 : static_cast<int>(s.size()) - 1; }
  // Spatial dims of a shape in its dataFormat.
  std::vector<int64_t> spatial(const Shape& s) const {
    return channelsFirst() ? std::vector<int64_t>(s.begin() + 2, s.end())
                           : std::vector<int64_t>(s.begin() + 1, s.end() - 1);
  }
  Shape assemble(int64_t batch, const std::vector<int64_t>& space, int64_t channels) const {
    Shape out{batch};
    if (channelsFirst()) out.push_back(channels);
    out.insert(out.end(), space.begin(), space.end());
    if (!channelsFirst()) out.push_back(channels);
    return out;
  }
  int64_t inputChannels(const Shape& s) const {
    cu::checkNdim(name(), s, rank_ + 2);
    int64_t c = s[channelAxis(s)];
    WL_CHECK(c > 0, "The channel dimension of the input should be defined. Found " << (c < 0 ? "null" : "0"));
    return c;
  }
  // tfjs's InputSpec: the rank and the channel count are fixed; spatial dims may vary.
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, "Layer " << name() << " expects 1 input, but it received " << shapes.size()
                                          << " input tensors.");
    const Shape& s = shapes[0];
    cu::checkNdim(name(), s, rank_ + 2);
    int64_t want = builtInputShape()[channelAxis(s)], got = s[channelAxis(s)];
    WL_CHECK(want < 0 || got < 0 || want == got, "Input 0 is incompatible with layer "
                                                     << name() << ": expected axis " << channelAxis(s)
                                                     << " of input shape to have value " << want
                                                     << " but got shape " << shapeStr(s) << ".");
  }

  int rank_;
  std::vector<int64_t> kernelSize_, strides_, dilationRate_;
  std::string padding_, dataFormat_, activation_;
  bool useBias_ = true;
  WeightOptions biasOptions_;
  std::shared_ptr<Variable> bias_;
};

// Conv: convolutions that reduce across channels (Conv1D/2D/3D and the transposes).
class Conv : public BaseConv {
 public:
  Conv(const json& config, const std::string& className, int rank) : BaseConv(config, className, rank) {
    json f = cu::opt(config, "filters");
    WL_CHECK(f.is_number() && f.get<double>() >= 1,
             "Convolution layer expected config.filters to be a 'number' > 0 but got " << describe(f));
    WL_CHECK(f.get<double>() == std::floor(f.get<double>()) && f.get<double>() < 9.0e15,
             "Expected filters to be a positive integer, but got " << f.dump() << ".");
    filters_ = static_cast<int64_t>(f.get<double>());
    kernelOptions_ = WeightOptions(config, "kernel", "glorotNormal");
    // Keras's grouped convolution (tfjs 4.22 has none): input channels and filters split
    // into `groups`, each group of filters seeing its group of channels.
    json g = cu::opt(config, "groups");
    WL_CHECK(g.is_null() || (g.is_number_integer() && g.get<int64_t>() >= 1),
             className << ": groups must be a positive integer, got " << g.dump());
    groups_ = g.is_null() ? 1 : g.get<int64_t>();
    WL_CHECK(filters_ % groups_ == 0, "The number of filters must be evenly divisible by the number of groups. Received: "
                                          "groups=" << groups_ << ", filters=" << filters_);
  }

  Shape computeOutputShape(const Shape& in) const override {
    cu::checkNdim(name(), in, rank_ + 2);
    std::vector<int64_t> space = spatial(in);
    for (size_t i = 0; i < space.size(); ++i) {
      if (padding_ == "causal") {
        space[i] = space[i] < 0 ? -1 : (space[i] + strides_[i] - 1) / strides_[i];
      } else {
        space[i] = cu::convOutputLength(space[i], kernelSize_[i], padding_, strides_[i], dilationRate_[i]);
      }
    }
    return assemble(in[0], space, filters_);
  }

  json getConfig() const override {
    json c = BaseConv::getConfig();
    c["filters"] = filters_;
    if (groups_ != 1) c["groups"] = groups_;  // tfjs writes none
    kernelOptions_.write(c, "kernel");
    return c;
  }

 protected:
  void build(const Shape& in) override {
    int64_t inC = inputChannels(in);
    WL_CHECK(inC % groups_ == 0, "The number of input channels must be evenly divisible by the number of groups. "
                                 "Received groups=" << groups_ << ", but the input has " << inC << " channels");
    Shape kshape(kernelSize_.begin(), kernelSize_.end());
    kshape.push_back(inC / groups_);
    kshape.push_back(filters_);
    kernel_ = addWeight("kernel", kshape, kernelOptions_);
    if (useBias_) bias_ = addWeight("bias", {filters_}, biasOptions_);
  }

  Tensor call(const Tensor& xIn, bool /*training*/) override {
    cu::checkNdim(name(), xIn.shape(), rank_ + 2);
    Tensor x = channelsFirst() ? cu::toChannelsLast(xIn) : xIn;
    const Tensor& k = kernel_->value();
    Tensor y;
    if (groups_ > 1) {
      y = groupedConv(x, k);
    } else if (rank_ == 1) {
      if (padding_ == "causal") {
        int64_t left = dilationRate_[0] * (kernelSize_[0] - 1);
        x = pad(x, {{0, 0}, {left, 0}, {0, 0}});
      }
      y = conv1d(x, k, strides_[0], cu::opPadding(padding_), "NWC", dilationRate_[0]);
    } else if (rank_ == 2) {
      // Bias and a relu/relu6 go into the GEMM's epilogue (composed under a tape).
      FusedEpilogue own;
      const bool fusable = ownEpilogue(useBias_ ? bias_->value() : Tensor(), activation_, &own);
      y = fusedConv2d(x, k, strides_, cu::opPadding(padding_), "NHWC", dilationRate_, own);
      if (channelsFirst()) y = cu::toChannelsFirst(y);
      return fusable ? y : applyActivation(activation_, y);
    } else {
      y = conv3d(x, k, strides_, cu::opPadding(padding_), "NDHWC", dilationRate_);
    }
    if (useBias_) y = add(y, bias_->value());
    if (channelsFirst()) y = cu::toChannelsFirst(y);
    return applyActivation(activation_, y);
  }

 public:
  // A following batch norm / relu folded into the epilogue (2D, channels last, linear).
  Tensor applyFused(const Tensor& x, const FusedEpilogue& post) override {
    FusedEpilogue own;
    if (rank_ != 2 || groups_ > 1 || channelsFirst() || !ownEpilogue(useBias_ ? bias_->value() : Tensor(), activation_, &own) ||
        own.activation != FusedActivation::Linear) {
      return Tensor();
    }
    cu::checkNdim(name(), x.shape(), 4);
    return fusedConv2d(x, kernel_->value(), strides_, cu::opPadding(padding_), "NHWC", dilationRate_,
                       composeEpilogues(own, post));
  }

 protected:
  // One convolution per group (channels-last x), concatenated along the channels.
  Tensor groupedConv(const Tensor& x, const Tensor& k) const {
    const int axis = static_cast<int>(x.rank()) - 1, kaxis = static_cast<int>(k.rank()) - 1;
    std::vector<Tensor> xs = split(x, std::vector<int64_t>(static_cast<size_t>(groups_), x.shape().back() / groups_), axis);
    std::vector<Tensor> ks = split(k, std::vector<int64_t>(static_cast<size_t>(groups_), filters_ / groups_), kaxis);
    std::vector<Tensor> ys;
    for (int64_t g = 0; g < groups_; ++g) {
      Tensor xg = xs[static_cast<size_t>(g)];
      const Tensor& kg = ks[static_cast<size_t>(g)];
      if (rank_ == 1) {
        if (padding_ == "causal") xg = pad(xg, {{0, 0}, {dilationRate_[0] * (kernelSize_[0] - 1), 0}, {0, 0}});
        ys.push_back(conv1d(xg, kg, strides_[0], cu::opPadding(padding_), "NWC", dilationRate_[0]));
      } else if (rank_ == 2) {
        ys.push_back(conv2d(xg, kg, strides_, cu::opPadding(padding_), "NHWC", dilationRate_));
      } else {
        ys.push_back(conv3d(xg, kg, strides_, cu::opPadding(padding_), "NDHWC", dilationRate_));
      }
    }
    return concat(ys, axis);
  }

  int64_t filters_;
  int64_t groups_ = 1;
  WeightOptions kernelOptions_;
  std::shared_ptr<Variable> kernel_;
};

class Conv1D : public Conv {
 public:
  explicit Conv1D(const json& config) : Conv(config, "Conv1D", 1) {}
  std::string className() const override { return "Conv1D"; }
  json getConfig() const override {
    json c = Conv::getConfig();
    c.erase("dataFormat");  // as tfjs's Conv1D.getConfig
    return c;
  }
};

class Conv2D : public Conv {
 public:
  explicit Conv2D(const json& config, const std::string& cls = "Conv2D") : Conv(config, cls, 2) {}
  std::string className() const override { return "Conv2D"; }
};

class Conv3D : public Conv {
 public:
  explicit Conv3D(const json& config, const std::string& cls = "Conv3D") : Conv(config, cls, 3) {}
  std::string className() const override { return "Conv3D"; }
};

// Conv2DTranspose / Conv3DTranspose: the gradient of a convolution w.r.t. its input.
class ConvTranspose : public Conv {
 public:
  ConvTranspose(const json& config, const std::string& cls, int rank) : Conv(config, cls, rank), cls_(cls) {
    WL_CHECK(padding_ == "same" || padding_ == "valid",
             cls << " currently supports only padding modes 'same' and 'valid', but received padding mode "
                 << padding_);
  }
  std::string className() const override { return cls_; }

  Shape computeOutputShape(const Shape& in) const override {
    cu::checkNdim(name(), in, rank_ + 2);
    std::vector<int64_t> space = spatial(in);
    for (size_t i = 0; i < space.size(); ++i) space[i] = cu::deconvLength(space[i], strides_[i], kernelSize_[i], padding_);
    return assemble(in[0], space, filters_);
  }

  json getConfig() const override {
    json c = Conv::getConfig();
    c.erase("dilationRate");
    return c;
  }

 protected:
  void build(const Shape& in) override {
    int64_t inC = inputChannels(in);
    Shape kshape(kernelSize_.begin(), kernelSize_.end());
    kshape.push_back(filters_);
    kshape.push_back(inC);
    kernel_ = addWeight("kernel", kshape, kernelOptions_);
    if (useBias_) bias_ = addWeight("bias", {filters_}, biasOptions_);
  }

  Tensor call(const Tensor& xIn, bool /*training*/) override {
    WL_CHECK(xIn.rank() == rank_ + 2, cls_ << ".call() expects input tensor to be rank-" << rank_ + 2
                                           << ", but received a tensor of rank-" << xIn.rank());
    Tensor x = channelsFirst() ? cu::toChannelsLast(xIn) : xIn;
    Shape outShape{x.dim(0)};
    for (int i = 0; i < rank_; ++i) outShape.push_back(cu::deconvLength(x.dim(1 + i), strides_[i], kernelSize_[i], padding_));
    outShape.push_back(filters_);
    Tensor y = rank_ == 2 ? conv2dTranspose(x, kernel_->value(), outShape, strides_, cu::opPadding(padding_))
                          : conv3dTranspose(x, kernel_->value(), outShape, strides_, cu::opPadding(padding_));
    if (channelsFirst()) y = cu::toChannelsFirst(y);
    if (useBias_) y = biasAdd(y, bias_->value(), channelsFirst());
    return applyActivation(activation_, y);
  }

 private:
  std::string cls_;
};

class Conv2DTranspose : public ConvTranspose {
 public:
  explicit Conv2DTranspose(const json& config) : ConvTranspose(config, "Conv2DTranspose", 2) {}
};

class Conv3DTranspose : public ConvTranspose {
 public:
  explicit Conv3DTranspose(const json& config) : ConvTranspose(config, "Conv3DTranspose", 3) {}
};

// The depthwise kernel's options: DepthwiseConv1D/2D and, through SeparableOptions, the
// separable convolutions. `initDefault`: tfjs's DepthwiseConv2D glorotNormal, else
// glorotUniform (Keras; tfjs's SeparableConv).
struct DepthwiseOptions {
  int64_t depthMultiplier = 1;
  WeightOptions depthwise;

  DepthwiseOptions(const json& config, const char* initDefault)
      : depthwise(withoutCopiedRegularizer(config), "depthwise", initDefault) {
    json dm = cu::opt(config, "depthMultiplier");
    depthMultiplier = dm.is_null() ? 1 : cu::normalizeArray(dm, 1, "depthMultiplier")[0];
  }

  void write(json& c) const {
    c["depthMultiplier"] = depthMultiplier;
    depthwise.write(c, "depthwise");
  }

  // tfjs 4.22's DepthwiseConv2D.getConfig writes its regularizer as depthwiseConstraint
  // (its own loader then fails): such a file, where the two are equal, has no constraint.
  static json withoutCopiedRegularizer(const json& config) {
    json c = config;
    if (cu::opt(c, "depthwiseConstraint").is_null() || c["depthwiseConstraint"] != cu::opt(c, "depthwiseRegularizer")) {
      return c;
    }
    c.erase("depthwiseConstraint");
    return c;
  }
};

// The depthwise/pointwise options SeparableConv1D and SeparableConv2D share (tfjs's
// SeparableConv, Keras's BaseSeparableConv). A given pointwiseInitializer is always
// used (Keras); without one, SeparableConv2D takes tfjs 4.22's `depthwiseInitializer ||
// 'glorotUniform'` (`pointwiseFromDepthwise`), SeparableConv1D Keras's glorotUniform.
// tfjs 4.22 ignores a given pointwiseInitializer: an option accepted and dropped.
struct SeparableOptions : DepthwiseOptions {
  WeightOptions pointwise;

  SeparableOptions(const json& config, const std::string& cls, bool pointwiseFromDepthwise)
      : DepthwiseOptions(checkNoKernelOptions(config, cls), "glorotUniform"),
        pointwise(config, "pointwise", "glorotUniform") {
    if (pointwiseFromDepthwise && cu::opt(config, "pointwiseInitializer").is_null()) {
      pointwise.initializer = depthwise.initializer;
    }
  }

  static const json& checkNoKernelOptions(const json& config, const std::string& cls) {
    WL_CHECK(cu::opt(config, "kernelInitializer").is_null() && cu::opt(config, "kernelRegularizer").is_null() &&
                 cu::opt(config, "kernelConstraint").is_null(),
             "Fields kernelInitializer, kernelRegularizer and kernelConstraint are invalid for " << cls << ". Use "
             "depthwiseInitializer, depthwiseRegularizer, depthwiseConstraint, pointwiseInitializer, "
             "pointwiseRegularizer and pointwiseConstraint instead.");
    return config;
  }

  // Replaces the kernel options of a Conv config. depthMultiplier is written too:
  // tfjs's getConfig drops it, so its own save/load of depthMultiplier 2 builds
  // kernels of the wrong shape; Keras (and tfjs's fromConfig) read it.
  void write(json& c) const {
    c.erase("kernelInitializer");
    c.erase("kernelRegularizer");
    c.erase("kernelConstraint");
    DepthwiseOptions::write(c);
    pointwise.write(c, "pointwise");
  }
};

// SeparableConv2D: a depthwise convolution followed by a 1x1 pointwise convolution.
class SeparableConv2D : public Conv {
 public:
  explicit SeparableConv2D(const json& config)
      : Conv(config, "SeparableConv2D", 2), o_(config, "SeparableConv2D", /*pointwiseFromDepthwise=*/true) {
    WL_CHECK(padding_ == "same" || padding_ == "valid",
             "SeparableConv2D supports only padding modes: 'same' and 'valid', but received \"" << padding_ << "\"");
  }
  std::string className() const override { return "SeparableConv2D"; }

  json getConfig() const override {
    json c = Conv::getConfig();
    o_.write(c);
    return c;
  }

 protected:
  void build(const Shape& in) override {
    int64_t inC = inputChannels(in);
    depthwise_ = addWeight("depthwise_kernel", {kernelSize_[0], kernelSize_[1], inC, o_.depthMultiplier}, o_.depthwise);
    pointwise_ = addWeight("pointwise_kernel", {1, 1, inC * o_.depthMultiplier, filters_}, o_.pointwise);
    if (useBias_) bias_ = addWeight("bias", {filters_}, biasOptions_);
  }

  Tensor call(const Tensor& xIn, bool /*training*/) override {
    cu::checkNdim(name(), xIn.shape(), 4);
    Tensor x = channelsFirst() ? cu::toChannelsLast(xIn) : xIn;
    // tfjs's separableConv2d is exactly this pair of ops; composed here with full-length
    // strides/dilations (conv.cc's separableConv2d passes {1}: see convolutional.h).
    Tensor d = depthwiseConv2d(x, depthwise_->value(), strides_, cu::opPadding(padding_), "NHWC", dilationRate_);
    Tensor y = conv2d(d, pointwise_->value(), {1, 1}, Padding::valid(), "NHWC", {1, 1});
    if (useBias_) y = add(y, bias_->value());
    y = applyActivation(activation_, y);  // tfjs activates before transposing back
    return channelsFirst() ? cu::toChannelsFirst(y) : y;
  }

 private:
  SeparableOptions o_;
  std::shared_ptr<Variable> depthwise_, pointwise_;
};

// DepthwiseConv2D: one filter set per input channel (depthMultiplier outputs each).
class DepthwiseConv2D : public BaseConv {
 public:
  explicit DepthwiseConv2D(const json& config)
      : BaseConv(config, "DepthwiseConv2D", 2), o_(config, /*initDefault=*/"glorotNormal") {}
  std::string className() const override { return "DepthwiseConv2D"; }

  Shape computeOutputShape(const Shape& in) const override {
    cu::checkNdim(name(), in, 4);
    std::vector<int64_t> space = spatial(in);
    // tfjs ignores dilationRate here (and in call).
    for (size_t i = 0; i < 2; ++i) space[i] = cu::convOutputLength(space[i], kernelSize_[i], padding_, strides_[i]);
    int64_t c = in[channelAxis(in)];
    return assemble(in[0], space, c < 0 ? -1 : c * o_.depthMultiplier);
  }

  // The constraint as it is (tfjs 4.22 writes the regularizer in its place).
  json getConfig() const override {
    json c = BaseConv::getConfig();
    o_.write(c);
    return c;
  }

 protected:
  void build(const Shape& in) override {
    int64_t inC = inputChannels(in);
    depthwise_ = addWeight("depthwise_kernel", {kernelSize_[0], kernelSize_[1], inC, o_.depthMultiplier}, o_.depthwise);
    if (useBias_) {
      bias_ = addWeight("bias", {inC * o_.depthMultiplier}, biasOptions_);
    }
  }

  Tensor call(const Tensor& xIn, bool /*training*/) override {
    cu::checkNdim(name(), xIn.shape(), 4);
    Tensor x = channelsFirst() ? cu::toChannelsLast(xIn) : xIn;
    // Full-length strides/dilations: see the note on conv.cc's perDim in convolutional.h.
    FusedEpilogue own;
    const bool fusable = ownEpilogue(useBias_ ? bias_->value() : Tensor(), activation_, &own);
    Tensor y = fusedDepthwiseConv2d(x, depthwise_->value(), strides_, cu::opPadding(padding_), "NHWC", {1, 1}, own);
    if (channelsFirst()) y = cu::toChannelsFirst(y);
    return fusable ? y : applyActivation(activation_, y);
  }

 public:
  Tensor applyFused(const Tensor& x, const FusedEpilogue& post) override {
    FusedEpilogue own;
    if (channelsFirst() || !ownEpilogue(useBias_ ? bias_->value() : Tensor(), activation_, &own) ||
        own.activation != FusedActivation::Linear) {
      return Tensor();
    }
    cu::checkNdim(name(), x.shape(), 4);
    return fusedDepthwiseConv2d(x, depthwise_->value(), strides_, cu::opPadding(padding_), "NHWC", {1, 1},
                                composeEpilogues(own, post));
  }

 private:
  DepthwiseOptions o_;
  std::shared_ptr<Variable> depthwise_;
};

// [[a, b], [c, d]] from a number, [h, w] or [[t, b], [l, r]] (Cropping2D / ZeroPadding2D).
std::vector<std::vector<int64_t>> pairs2d(const json& v, const char* layer, const char* option) {
  auto nonNegInt = [&](const json& e) {
    WL_CHECK(isWholeNumber(e, 9.0e15) && e.get<double>() >= 0,
             layer << " expects " << option << " to hold non-negative integers, but received " << v.dump());
    return static_cast<int64_t>(e.get<double>());
  };
  if (v.is_number()) {
    int64_t n = nonNegInt(v);
    return {{n, n}, {n, n}};
  }
  WL_CHECK(v.is_array() && v.size() == 2, layer << " expects " << option
                                                << " to be a number or a length-2 array, but received "
                                                << describe(v));
  if (v[0].is_number()) {
    int64_t h = nonNegInt(v[0]), w = nonNegInt(v[1]);
    return {{h, h}, {w, w}};
  }
  std::vector<std::vector<int64_t>> out;
  for (int i = 0; i < 2; ++i) {
    WL_CHECK(v[i].is_array() && v[i].size() == 2,
             layer << " expects " << (i == 0 ? "height " : "width ") << option
                   << " to be a length-2 array, but received " << v[i].dump());
    out.push_back({nonNegInt(v[i][0]), nonNegInt(v[i][1])});
  }
  return out;
}

// Cropping2D: removes rows/columns from the spatial borders.
class Cropping2D : public Layer {
 public:
  explicit Cropping2D(const json& config) : Layer(config, "Cropping2D") {
    json c = cu::opt(config, "cropping");
    WL_CHECK(!c.is_null(), "Cropping2D expects config.cropping, but it is undefined");
    cropping_ = pairs2d(c, "Cropping2D", "cropping");
    dataFormat_ = cu::dataFormat(cu::opt(config, "dataFormat"));
  }
  std::string className() const override { return "Cropping2D"; }
  Shape computeOutputShape(const Shape& in) const override {
    cu::checkNdim(name(), in, 4);
    Shape out = in;
    int h = dataFormat_ == "channelsFirst" ? 2 : 1;
    for (int i = 0; i < 2; ++i) {
      if (out[h + i] >= 0) {
        out[h + i] -= cropping_[i][0] + cropping_[i][1];
        WL_CHECK(out[h + i] >= 0, "Cropping2D " << name() << ": cropping " << json(cropping_).dump()
                                                << " is larger than the input " << shapeStr(in));
      }
    }
    return out;
  }
  json getConfig() const override {
    json c = Layer::getConfig();
    c["cropping"] = cropping_;
    c["dataFormat"] = dataFormat_;
    return c;
  }

 protected:
  void build(const Shape& in) override { computeOutputShape(in); }
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, "Layer " << name() << " expects 1 input");
    computeOutputShape(shapes[0]);
  }
  Tensor call(const Tensor& x, bool) override {
    Shape out = computeOutputShape(x.shape());
    int h = dataFormat_ == "channelsFirst" ? 2 : 1;
    std::vector<int64_t> begin(4, 0), size(out.begin(), out.end());
    begin[h] = cropping_[0][0];
    begin[h + 1] = cropping_[1][0];
    return slice(x, begin, size);
  }

 private:
  std::vector<std::vector<int64_t>> cropping_;
  std::string dataFormat_;
};

// ZeroPadding2D: zeros around the spatial dims.
class ZeroPadding2D : public Layer {
 public:
  explicit ZeroPadding2D(const json& config) : Layer(config, "ZeroPadding2D") {
    json p = cu::opt(config, "padding");
    padding_ = p.is_null() ? std::vector<std::vector<int64_t>>{{1, 1}, {1, 1}} : pairs2d(p, "ZeroPadding2D", "padding");
    dataFormat_ = cu::dataFormat(cu::opt(config, "dataFormat"));
  }
  std::string className() const override { return "ZeroPadding2D"; }
  Shape computeOutputShape(const Shape& in) const override {
    cu::checkNdim(name(), in, 4);
    Shape out = in;
    int h = dataFormat_ == "channelsFirst" ? 2 : 1;
    for (int i = 0; i < 2; ++i) {
      if (out[h + i] >= 0) out[h + i] += padding_[i][0] + padding_[i][1];
    }
    return out;
  }
  json getConfig() const override {
    json c = Layer::getConfig();
    c["padding"] = padding_;
    c["dataFormat"] = dataFormat_;
    return c;
  }

 protected:
  void build(const Shape& in) override { cu::checkNdim(name(), in, 4); }
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, "Layer " << name() << " expects 1 input");
    cu::checkNdim(name(), shapes[0], 4);
  }
  Tensor call(const Tensor& x, bool) override {
    cu::checkNdim(name(), x.shape(), 4);
    int h = dataFormat_ == "channelsFirst" ? 2 : 1;
    std::vector<std::pair<int64_t, int64_t>> pads(4, {0, 0});
    pads[h] = {padding_[0][0], padding_[0][1]};
    pads[h + 1] = {padding_[1][0], padding_[1][1]};
    return pad(x, pads);
  }

 private:
  std::vector<std::vector<int64_t>> padding_;
  std::string dataFormat_;
};

// UpSampling2D: repeats rows/columns (nearest) or interpolates (bilinear).
class UpSampling2D : public Layer {
 public:
  explicit UpSampling2D(const json& config) : Layer(config, "UpSampling2D") {
    json s = cu::opt(config, "size");
    size_ = s.is_null() ? std::vector<int64_t>{2, 2} : cu::normalizeArray(s, 2, "size");
    dataFormat_ = cu::dataFormat(cu::opt(config, "dataFormat"));
    interpolation_ = cu::interpolationFormat(cu::opt(config, "interpolation"));
  }
  std::string className() const override { return "UpSampling2D"; }
  Shape computeOutputShape(const Shape& in) const override {
    cu::checkNdim(name(), in, 4);
    Shape out = in;
    int h = dataFormat_ == "channelsFirst" ? 2 : 1;
    for (int i = 0; i < 2; ++i) {
      if (out[h + i] >= 0) out[h + i] = checkedMul(out[h + i], size_[i], "UpSampling2D output size");
    }
    return out;
  }
  json getConfig() const override {
    json c = Layer::getConfig();
    c["size"] = size_;
    c["dataFormat"] = dataFormat_;
    c["interpolation"] = interpolation_;
    return c;
  }

 protected:
  void build(const Shape& in) override { cu::checkNdim(name(), in, 4); }
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, "Layer " << name() << " expects 1 input");
    cu::checkNdim(name(), shapes[0], 4);
  }
  Tensor call(const Tensor& xIn, bool) override {
    cu::checkNdim(name(), xIn.shape(), 4);
    bool cf = dataFormat_ == "channelsFirst";
    Tensor x = cf ? cu::toChannelsLast(xIn) : xIn;
    std::vector<int64_t> newSize{checkedMul(x.dim(1), size_[0], "UpSampling2D output size"),
                                 checkedMul(x.dim(2), size_[1], "UpSampling2D output size")};
    Tensor y = interpolation_ == "nearest" ? resizeNearestNeighbor(x, newSize) : resizeBilinear(x, newSize);
    return cf ? cu::toChannelsFirst(y) : y;
  }

 private:
  std::vector<int64_t> size_;
  std::string dataFormat_, interpolation_;
};

// ---- Keras 3 layers tfjs 4.22 lacks: 1D/3D cropping, padding and upsampling -----------
// Keras's forms: Cropping1D/ZeroPadding1D take an int or [before, after]; the 3D ones an
// int, three ints or three entries each an int or [before, after]. Cropping must leave
// at least one step (Keras). UpSampling repeats steps (nearest), as Keras's ops.repeat.

// [[before, after], ...] for `n` spatial dims (n = 1 or 3), as Keras standardizes them.
std::vector<std::vector<int64_t>> kerasPairs(const json& v, int n, const char* layer, const char* option) {
  auto nonNeg = [&](const json& e) {
    WL_CHECK(e.is_number() && e.get<double>() >= 0 && e.get<double>() == std::floor(e.get<double>()) &&
                 e.get<double>() < 9.0e15,
             layer << " expects " << option << " to hold non-negative integers, but received " << v.dump());
    return static_cast<int64_t>(e.get<double>());
  };
  auto pairOf = [&](const json& e) -> std::vector<int64_t> {
    if (e.is_number()) return {nonNeg(e), nonNeg(e)};
    WL_CHECK(e.is_array() && e.size() == 2, layer << " expects each entry of " << option
                                                  << " to be an integer or a pair of integers, but received "
                                                  << v.dump());
    return {nonNeg(e[0]), nonNeg(e[1])};
  };
  if (v.is_number()) return std::vector<std::vector<int64_t>>(n, pairOf(v));
  if (n == 1) return {pairOf(v)};
  WL_CHECK(v.is_array() && static_cast<int>(v.size()) == n,
           layer << " expects " << option << " to be an integer or " << n << " entries, but received " << describe(v));
  std::vector<std::vector<int64_t>> out;
  for (const auto& e : v) out.push_back(pairOf(e));
  return out;
}

// The 3D layers' dataFormat; the 1D ones have none in Keras (steps are axis 1), so a
// channelsFirst there is an Error rather than ignored.
std::string dataFormatOf(const json& config, const std::string& cls, int n) {
  std::string f = cu::dataFormat(cu::opt(config, "dataFormat"));
  WL_CHECK(n != 1 || f == "channelsLast",
           cls << " has no dataFormat option (its steps are axis 1); got dataFormat '" << f << "'");
  return f;
}

// Cropping1D/3D and ZeroPadding1D/3D: remove or add steps at the spatial borders.
class SpatialBorders : public Layer {
 public:
  SpatialBorders(const json& config, const std::string& cls, int n, bool crop)
      : Layer(config, cls), cls_(cls), n_(n), crop_(crop) {
    const char* option = crop ? "cropping" : "padding";
    json v = cu::opt(config, option);
    pairs_ = v.is_null() ? std::vector<std::vector<int64_t>>(n, {1, 1}) : kerasPairs(v, n, cls.c_str(), option);
    dataFormat_ = dataFormatOf(config, cls, n);
  }
  std::string className() const override { return cls_; }
  Shape computeOutputShape(const Shape& in) const override {
    cu::checkNdim(name(), in, n_ + 2);
    Shape out = in;
    for (int i = 0; i < n_; ++i) {
      int64_t& d = out[first() + i];
      if (d < 0) continue;
      if (!crop_) {
        d = checkedAdd(d, pairs_[i][0] + pairs_[i][1], "padded size");
        continue;
      }
      d -= pairs_[i][0] + pairs_[i][1];
      WL_CHECK(d > 0, "`cropping` parameter of `" << cls_ << "` layer must be smaller than the input length. Received: "
                                                  << "input_shape=" << shapeStr(in)
                                                  << ", cropping=" << json(pairs_).dump());
    }
    return out;
  }
  json getConfig() const override {
    json c = Layer::getConfig();
    c[crop_ ? "cropping" : "padding"] = n_ == 1 ? json(pairs_[0]) : json(pairs_);
    if (n_ == 3) c["dataFormat"] = dataFormat_;
    return c;
  }

 protected:
  void build(const Shape& in) override { computeOutputShape(in); }
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, "Layer " << name() << " expects 1 input");
    computeOutputShape(shapes[0]);
  }
  Tensor call(const Tensor& x, bool) override {
    Shape out = computeOutputShape(x.shape());
    if (crop_) {
      std::vector<int64_t> begin(x.rank(), 0), size(out.begin(), out.end());
      for (int i = 0; i < n_; ++i) begin[first() + i] = pairs_[i][0];
      return slice(x, begin, size);
    }
    std::vector<std::pair<int64_t, int64_t>> pads(x.rank(), {0, 0});
    for (int i = 0; i < n_; ++i) pads[first() + i] = {pairs_[i][0], pairs_[i][1]};
    return pad(x, pads);
  }

 private:
  int first() const { return dataFormat_ == "channelsFirst" ? 2 : 1; }
  std::string cls_;
  int n_;
  bool crop_;
  std::vector<std::vector<int64_t>> pairs_;
  std::string dataFormat_ = "channelsLast";
};

#define WL_BORDER_CLASS(Name, n, crop) \
  class Name : public SpatialBorders { \
   public:                             \
    explicit Name(const json& c) : SpatialBorders(c, #Name, n, crop) {} \
  }
WL_BORDER_CLASS(Cropping1D, 1, true);
WL_BORDER_CLASS(Cropping3D, 3, true);
WL_BORDER_CLASS(ZeroPadding1D, 1, false);
WL_BORDER_CLASS(ZeroPadding3D, 3, false);
#undef WL_BORDER_CLASS

// x with each index of `axis` repeated n times in place (numpy's repeat).
Tensor repeatAxis(const Tensor& x, int axis, int64_t n) {
  if (n == 1) return x;
  Shape wide = x.shape();
  wide.insert(wide.begin() + axis + 1, n);
  Shape out = x.shape();
  out[axis] = checkedMul(out[axis], n, "upsampled size");
  return reshape(broadcastTo(expandDims(x, axis + 1), wide), out);
}

// UpSampling1D (size: an int, default 2) and UpSampling3D (size: 1 or 3 ints, default 2).
class UpSamplingNd : public Layer {
 public:
  UpSamplingNd(const json& config, const std::string& cls, int n) : Layer(config, cls), cls_(cls), n_(n) {
    json s = cu::opt(config, "size");
    size_ = s.is_null() ? std::vector<int64_t>(n, 2) : cu::normalizeArray(s, n, "size");
    dataFormat_ = dataFormatOf(config, cls, n);
  }
  std::string className() const override { return cls_; }
  Shape computeOutputShape(const Shape& in) const override {
    cu::checkNdim(name(), in, n_ + 2);
    Shape out = in;
    for (int i = 0; i < n_; ++i) {
      if (out[first() + i] >= 0) out[first() + i] = checkedMul(out[first() + i], size_[i], "upsampled size");
    }
    return out;
  }
  json getConfig() const override {
    json c = Layer::getConfig();
    c["size"] = n_ == 1 ? json(size_[0]) : json(size_);
    if (n_ == 3) c["dataFormat"] = dataFormat_;
    return c;
  }

 protected:
  void build(const Shape& in) override { cu::checkNdim(name(), in, n_ + 2); }
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, "Layer " << name() << " expects 1 input");
    cu::checkNdim(name(), shapes[0], n_ + 2);
  }
  Tensor call(const Tensor& x, bool) override {
    cu::checkNdim(name(), x.shape(), n_ + 2);
    Tensor y = x;
    for (int i = 0; i < n_; ++i) y = repeatAxis(y, first() + i, size_[i]);
    return y;
  }

 private:
  int first() const { return dataFormat_ == "channelsFirst" ? 2 : 1; }
  std::string cls_;
  int n_;
  std::vector<int64_t> size_;
  std::string dataFormat_ = "channelsLast";
};

class UpSampling1D : public UpSamplingNd {
 public:
  explicit UpSampling1D(const json& c) : UpSamplingNd(c, "UpSampling1D", 1) {}
};
class UpSampling3D : public UpSamplingNd {
 public:
  explicit UpSampling3D(const json& c) : UpSamplingNd(c, "UpSampling3D", 3) {}
};

// ---- Keras 3 1D convolutions tfjs 4.22 lacks ---------------------------------------
// Conv1DTranspose, SeparableConv1D, DepthwiseConv1D with Keras 3's options, defaults
// (glorotUniform initializers) and weights:
//   Conv1DTranspose  kernel [k, filters, inC], bias [filters]
//   SeparableConv1D  depthwise_kernel [k, inC, depthMultiplier],
//                    pointwise_kernel [1, inC * depthMultiplier, filters], bias [filters]
//   DepthwiseConv1D  kernel [k, inC, depthMultiplier], bias [inC * depthMultiplier]
//                    (Keras 3 names it 'kernel'; DepthwiseConv2D's tfjs name is depthwise_kernel)
// They run the 2D ops on a unit height: x [b, steps, c] -> [b, 1, steps, c], kernels
// get a leading 1. Padding 'valid' or 'same'; strides > 1 with dilationRate > 1 is an
// Error (as Keras); activityRegularizer is not supported (an Error, not ignored).

void checkKerasConv1D(const std::string& cls, const std::string& padding, int64_t stride, int64_t dilation,
                      const json& config) {
  WL_CHECK(padding == "same" || padding == "valid",
           cls << " supports only padding 'valid' and 'same', but received '" << padding << "'");
  WL_CHECK(stride == 1 || dilation == 1, "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                                             << "Received: strides=[" << stride << "] and dilation_rate=["
                                             << dilation << "] (" << cls << ")");
  WL_CHECK(cu::opt(config, "activityRegularizer").is_null(),
           cls << ": activityRegularizer is not supported; got " << cu::opt(config, "activityRegularizer").dump());
}

// [b, steps, c] <-> [b, 1, steps, c]; a channels-first input is transposed first.
Tensor unitHeight(const Tensor& x) { return expandDims(x, 1); }
Tensor dropUnitHeight(const Tensor& y) { return squeeze(y, {1}); }

class Conv1DTranspose : public Conv {
 public:
  explicit Conv1DTranspose(const json& config) : Conv(config, "Conv1DTranspose", 1) {
    if (cu::opt(config, "kernelInitializer").is_null()) kernelOptions_.initializer = "glorotUniform";
    checkKerasConv1D("Conv1DTranspose", padding_, strides_[0], dilationRate_[0], config);
    json op = cu::opt(config, "outputPadding");
    if (!op.is_null()) {
      json e = op.is_array() && op.size() == 1 ? op[0] : op;
      WL_CHECK(e.is_number() && e.get<double>() >= 0 && e.get<double>() == std::floor(e.get<double>()) &&
                   e.get<double>() < 9.0e15,
               "Conv1DTranspose expects outputPadding to be a non-negative integer or [integer], but received "
                   << op.dump());
      outputPadding_ = static_cast<int64_t>(e.get<double>());
      WL_CHECK(*outputPadding_ < strides_[0], "`output_padding` must be < `strides`. output_padding=["
                                                  << *outputPadding_ << "], strides=[" << strides_[0] << "]");
    }
  }
  std::string className() const override { return "Conv1DTranspose"; }

  Shape computeOutputShape(const Shape& in) const override {
    cu::checkNdim(name(), in, 3);
    return assemble(in[0], {outputLength(spatial(in)[0])}, filters_);
  }

  json getConfig() const override {
    json c = Conv::getConfig();
    c["outputPadding"] = outputPadding_ ? json(std::vector<int64_t>{*outputPadding_}) : json();
    return c;
  }

 protected:
  void build(const Shape& in) override {
    int64_t inC = inputChannels(in);
    kernel_ = addWeight("kernel", {kernelSize_[0], filters_, inC}, kernelOptions_);
    if (useBias_) bias_ = addWeight("bias", {filters_}, biasOptions_);
  }

  Tensor call(const Tensor& xIn, bool /*training*/) override {
    cu::checkNdim(name(), xIn.shape(), 3);
    Tensor x = channelsFirst() ? cu::toChannelsLast(xIn) : xIn;
    // A dilated kernel is the kernel with dilation - 1 zero taps between its taps.
    Tensor k = kernel_->value();
    const int64_t d = dilationRate_[0], ks = kernelSize_[0];
    if (d > 1) {
      Tensor spread = pad(expandDims(k, 1), {{0, 0}, {0, d - 1}, {0, 0}, {0, 0}});  // [k, d, f, c]
      k = slice(reshape(spread, {ks * d, filters_, k.dim(2)}), {0, 0, 0}, {(ks - 1) * d + 1, filters_, k.dim(2)});
    }
    Shape outShape{x.dim(0), 1, outputLength(x.dim(1)), filters_};
    Tensor y = dropUnitHeight(conv2dTranspose(unitHeight(x), expandDims(k, 0), outShape, {1, strides_[0]},
                                              cu::opPadding(padding_)));
    if (useBias_) y = add(y, bias_->value());
    if (channelsFirst()) y = cu::toChannelsFirst(y);
    return applyActivation(activation_, y);
  }

 private:
  // Keras's deconv_output_length (the kernel dilated).
  int64_t outputLength(int64_t in) const {
    if (in < 0) return -1;
    const int64_t s = strides_[0];
    const int64_t k = kernelSize_[0] + (kernelSize_[0] - 1) * (dilationRate_[0] - 1);
    if (!outputPadding_) {
      return padding_ == "valid" ? checkedAdd(checkedMul(in, s, "output length"), std::max<int64_t>(k - s, 0), "output length")
                                 : checkedMul(in, s, "output length");
    }
    const int64_t p = padding_ == "same" ? k / 2 : 0;
    return checkedAdd(checkedMul(in - 1, s, "output length"), k - 2 * p + *outputPadding_, "output length");
  }
  std::optional<int64_t> outputPadding_;
};

class SeparableConv1D : public Conv {
 public:
  explicit SeparableConv1D(const json& config)
      : Conv(config, "SeparableConv1D", 1), o_(config, "SeparableConv1D", /*pointwiseFromDepthwise=*/false) {
    checkKerasConv1D("SeparableConv1D", padding_, strides_[0], dilationRate_[0], config);
  }
  std::string className() const override { return "SeparableConv1D"; }

  json getConfig() const override {
    json c = Conv::getConfig();
    o_.write(c);
    return c;
  }

 protected:
  void build(const Shape& in) override {
    int64_t inC = inputChannels(in);
    depthwise_ = addWeight("depthwise_kernel", {kernelSize_[0], inC, o_.depthMultiplier}, o_.depthwise);
    pointwise_ = addWeight("pointwise_kernel", {1, inC * o_.depthMultiplier, filters_}, o_.pointwise);
    if (useBias_) bias_ = addWeight("bias", {filters_}, biasOptions_);
  }

  Tensor call(const Tensor& xIn, bool /*training*/) override {
    cu::checkNdim(name(), xIn.shape(), 3);
    Tensor x = unitHeight(channelsFirst() ? cu::toChannelsLast(xIn) : xIn);
    Tensor d = depthwiseConv2d(x, expandDims(depthwise_->value(), 0), {1, strides_[0]}, cu::opPadding(padding_),
                               "NHWC", {1, dilationRate_[0]});
    Tensor y = dropUnitHeight(conv2d(d, expandDims(pointwise_->value(), 0), {1, 1}, Padding::valid(), "NHWC", {1, 1}));
    if (useBias_) y = add(y, bias_->value());
    if (channelsFirst()) y = cu::toChannelsFirst(y);
    return applyActivation(activation_, y);
  }

 private:
  SeparableOptions o_;
  std::shared_ptr<Variable> depthwise_, pointwise_;
};

class DepthwiseConv1D : public BaseConv {
 public:
  explicit DepthwiseConv1D(const json& config)
      : BaseConv(config, "DepthwiseConv1D", 1), o_(config, /*initDefault=*/"glorotUniform") {
    checkKerasConv1D("DepthwiseConv1D", padding_, strides_[0], dilationRate_[0], config);
  }
  std::string className() const override { return "DepthwiseConv1D"; }

  Shape computeOutputShape(const Shape& in) const override {
    cu::checkNdim(name(), in, 3);
    int64_t len = cu::convOutputLength(spatial(in)[0], kernelSize_[0], padding_, strides_[0], dilationRate_[0]);
    int64_t c = in[channelAxis(in)];
    return assemble(in[0], {len}, c < 0 ? -1 : c * o_.depthMultiplier);
  }

  json getConfig() const override {
    json c = BaseConv::getConfig();
    o_.write(c);
    return c;
  }

 protected:
  void build(const Shape& in) override {
    int64_t inC = inputChannels(in);
    kernel_ = addWeight("kernel", {kernelSize_[0], inC, o_.depthMultiplier}, o_.depthwise);
    if (useBias_) {
      bias_ = addWeight("bias", {inC * o_.depthMultiplier}, biasOptions_);
    }
  }

  Tensor call(const Tensor& xIn, bool /*training*/) override {
    cu::checkNdim(name(), xIn.shape(), 3);
    Tensor x = unitHeight(channelsFirst() ? cu::toChannelsLast(xIn) : xIn);
    Tensor y = dropUnitHeight(depthwiseConv2d(x, expandDims(kernel_->value(), 0), {1, strides_[0]},
                                              cu::opPadding(padding_), "NHWC", {1, dilationRate_[0]}));
    if (useBias_) y = add(y, bias_->value());
    if (channelsFirst()) y = cu::toChannelsFirst(y);
    return applyActivation(activation_, y);
  }

 private:
  DepthwiseOptions o_;
  std::shared_ptr<Variable> kernel_;
};

}  // namespace

WL_REGISTER_LAYER(Conv1D);
WL_REGISTER_LAYER(Conv2D);
WL_REGISTER_LAYER(Conv3D);
WL_REGISTER_LAYER(Conv2DTranspose);
WL_REGISTER_LAYER(Conv3DTranspose);
WL_REGISTER_LAYER(SeparableConv2D);
WL_REGISTER_LAYER(DepthwiseConv2D);
WL_REGISTER_LAYER(Cropping2D);
WL_REGISTER_LAYER(ZeroPadding2D);
WL_REGISTER_LAYER(UpSampling2D);
WL_REGISTER_LAYER(Cropping1D);
WL_REGISTER_LAYER(Cropping3D);
WL_REGISTER_LAYER(ZeroPadding1D);
WL_REGISTER_LAYER(ZeroPadding3D);
WL_REGISTER_LAYER(UpSampling1D);
WL_REGISTER_LAYER(UpSampling3D);
WL_REGISTER_LAYER(Conv1DTranspose);
WL_REGISTER_LAYER(SeparableConv1D);
WL_REGISTER_LAYER(DepthwiseConv1D);

}  // namespace wl

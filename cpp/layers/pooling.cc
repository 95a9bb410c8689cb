// Pooling layers: see pooling.h.
#include "layers/pooling.h"

#include "core/json_numbers.h"

#include "layers/layer.h"
#include "ops/conv.h"
#include "ops/ops.h"
#include "ops/shape_ops.h"

namespace wl {
namespace {
namespace cu = conv_utils;
using nlohmann::json;

// tfjs's assertPositiveInteger on each element.
void assertPositive(const std::vector<int64_t>& v, const char* name) {
  for (size_t i = 0; i < v.size(); ++i) {
    WL_CHECK(v[i] > 0, "Expected element " << i + 1 << " of " << name << " to be a positive integer, but got "
                                           << v[i] << ".");
  }
}

std::vector<int64_t> intsOf(const json& v, size_t n, const char* what) {
  std::vector<int64_t> out;
  for (const auto& e : v) {
    WL_CHECK(isInt64Number(e),
             "Expected " << what << " to be positive integers, but got " << v.dump() << ".");
    out.push_back(static_cast<int64_t>(e.get<double>()));
  }
  (void)n;
  return out;
}

// Max/average pooling over 1, 2 or 3 spatial dims.
class Pooling : public Layer {
 public:
  Pooling(const json& config, const std::string& cls, int rank, bool isMax)
      : Layer(config, cls), cls_(cls), rank_(rank), isMax_(isMax) {
    json ps = cu::opt(config, "poolSize");
    json st = cu::opt(config, "strides");
    if (rank == 1) {
      auto one = [&](const json& v, const char* what) {
        WL_CHECK(v.is_number() || (v.is_array() && v.size() == 1 && v[0].is_number()),
                 what << " for 1D convolutional layer must be a number or an Array of a single number, but received "
                      << v.dump());
        return intsOf(v.is_number() ? json::array({v}) : v, 1, what);
      };
      poolSize_ = ps.is_null() ? std::vector<int64_t>{2} : one(ps, "poolSize");
      assertPositive(poolSize_, "poolSize");
      strides_ = st.is_null() ? poolSize_ : one(st, "strides");
      assertPositive(strides_, "strides");
    } else {
      if (ps.is_null()) {
        poolSize_.assign(rank, 2);
      } else if (ps.is_array()) {
        WL_CHECK(static_cast<int>(ps.size()) == rank, "If the poolSize property of a " << rank
                                                          << "D pooling layer is an Array, it is expected to have a "
                                                             "length of "
                                                          << rank << ", but received length " << ps.size() << ".");
        poolSize_ = intsOf(ps, rank, "poolSize");
      } else {
        WL_CHECK(ps.is_number(), "Expected poolSize to be a number or an Array, but got " << ps.dump());
        poolSize_ = std::vector<int64_t>(rank, intsOf(json::array({ps}), 1, "poolSize")[0]);
      }
      if (st.is_null()) {
        strides_ = poolSize_;
      } else if (st.is_array()) {
        WL_CHECK(static_cast<int>(st.size()) == rank, "If the strides property of a " << rank
                                                          << "D pooling layer is an Array, it is expected to have a "
                                                             "length of "
                                                          << rank << ", but received length " << st.size() << ".");
        strides_ = intsOf(st, rank, "strides");
      } else {
        WL_CHECK(st.is_number(), "Expected strides to be a number or an Array, but got " << st.dump());
        strides_ = std::vector<int64_t>(rank, intsOf(json::array({st}), 1, "strides")[0]);
      }
      assertPositive(poolSize_, "poolSize");
      assertPositive(strides_, "strides");
    }
    padding_ = cu::paddingMode(cu::opt(config, "padding"));
    dataFormat_ = rank == 1 ? "channelsLast" : cu::dataFormat(cu::opt(config, "dataFormat"));
  }
  std::string className() const override { return cls_; }

  Shape computeOutputShape(const Shape& in) const override {
    cu::checkNdim(name(), in, rank_ + 2);
    Shape out = in;
    int first = dataFormat_ == "channelsFirst" ? 2 : 1;
    for (int i = 0; i < rank_; ++i) {
      out[first + i] = cu::convOutputLength(in[first + i], poolSize_[i], padding_, strides_[i]);
    }
    return out;
  }

  json getConfig() const override {
    json c = Layer::getConfig();
    c["poolSize"] = poolSize_;
    c["padding"] = padding_;
    c["strides"] = strides_;
    if (rank_ != 1) c["dataFormat"] = dataFormat_;
    return c;
  }

 protected:
  void build(const Shape& in) override { cu::checkNdim(name(), in, rank_ + 2); }
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, "Layer " << name() << " expects 1 input, but it received " << shapes.size()
                                          << " input tensors.");
    cu::checkNdim(name(), shapes[0], rank_ + 2);
  }

  Tensor call(const Tensor& xIn, bool) override {
    cu::checkNdim(name(), xIn.shape(), rank_ + 2);
    Padding pad = cu::opPadding(padding_);
    if (rank_ == 1) {  // as tfjs: a [p, 1] 2D pool over (batch, steps, 1, channels)
      Tensor x = expandDims(xIn, 2);
      std::vector<int64_t> f{poolSize_[0], 1}, s{strides_[0], 1};
      Tensor y = isMax_ ? maxPool(x, f, s, pad) : avgPool(x, f, s, pad);
      return squeeze(y, {2});
    }
    bool cf = dataFormat_ == "channelsFirst";
    Tensor x = cf ? cu::toChannelsLast(xIn) : xIn;
    Tensor y;
    if (rank_ == 2) {
      y = isMax_ ? maxPool(x, poolSize_, strides_, pad) : avgPool(x, poolSize_, strides_, pad);
    } else {
      y = isMax_ ? maxPool3d(x, poolSize_, strides_, pad) : avgPool3d(x, poolSize_, strides_, pad);
    }
    return cf ? cu::toChannelsFirst(y) : y;
  }

 private:
  std::string cls_;
  int rank_;
  bool isMax_;
  std::vector<int64_t> poolSize_, strides_;
  std::string padding_, dataFormat_;
};

#define WL_POOL_CLASS(Name, rank, isMax) \
  class Name : public Pooling {          \
   public:                               \
    explicit Name(const json& c) : Pooling(c, #Name, rank, isMax) {} \
  }
WL_POOL_CLASS(MaxPooling1D, 1, true);
WL_POOL_CLASS(MaxPooling2D, 2, true);
WL_POOL_CLASS(MaxPooling3D, 3, true);
WL_POOL_CLASS(AveragePooling1D, 1, false);
WL_POOL_CLASS(AveragePooling2D, 2, false);
WL_POOL_CLASS(AveragePooling3D, 3, false);
#undef WL_POOL_CLASS

// Global pools: mean/max over every spatial dim. keepdims (Keras; false by default)
// keeps them as size-1 dims; the 3D pools are Keras-only, and their config always
// carries keepdims (the tfjs 1D/2D ones only when it is true, so their configs stay tfjs's).
class GlobalPooling : public Layer {
 public:
  GlobalPooling(const json& config, const std::string& cls, int rank, bool isMax)
      : Layer(config, cls), cls_(cls), rank_(rank), isMax_(isMax) {
    if (rank != 1) dataFormat_ = cu::dataFormat(cu::opt(config, "dataFormat"));
    json k = cu::opt(config, "keepdims");
    WL_CHECK(k.is_null() || k.is_boolean(), "Expected keepdims to be a boolean, but got " << k.dump());
    keepdims_ = k.is_null() ? false : k.get<bool>();
  }
  std::string className() const override { return cls_; }
  Shape computeOutputShape(const Shape& in) const override {
    cu::checkNdim(name(), in, rank_ + 2);
    const bool cf = dataFormat_ == "channelsFirst";
    int64_t channels = cf ? in[1] : in.back();
    if (!keepdims_) return {in[0], channels};
    Shape out{in[0]};
    if (cf) out.push_back(channels);
    for (int i = 0; i < rank_; ++i) out.push_back(1);
    if (!cf) out.push_back(channels);
    return out;
  }
  json getConfig() const override {
    json c = Layer::getConfig();
    if (rank_ != 1) c["dataFormat"] = dataFormat_;
    if (rank_ == 3 || keepdims_) c["keepdims"] = keepdims_;
    return c;
  }

 protected:
  void build(const Shape& in) override { cu::checkNdim(name(), in, rank_ + 2); }
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, "Layer " << name() << " expects 1 input, but it received " << shapes.size()
                                          << " input tensors.");
    cu::checkNdim(name(), shapes[0], rank_ + 2);
  }
  Tensor call(const Tensor& x, bool) override {
    cu::checkNdim(name(), x.shape(), rank_ + 2);
    std::vector<int> axes;
    int first = dataFormat_ == "channelsFirst" ? 2 : 1;
    for (int i = 0; i < rank_; ++i) axes.push_back(first + i);
    return isMax_ ? max(x, axes, keepdims_) : mean(x, axes, keepdims_);
  }

 private:
  std::string cls_;
  int rank_;
  bool isMax_;
  bool keepdims_ = false;
  std::string dataFormat_ = "channelsLast";
};

#define WL_GLOBAL_POOL_CLASS(Name, rank, isMax) \
  class Name : public GlobalPooling {           \
   public:                                      \
    explicit Name(const json& c) : GlobalPooling(c, #Name, rank, isMax) {} \
  }
WL_GLOBAL_POOL_CLASS(GlobalAveragePooling1D, 1, false);
WL_GLOBAL_POOL_CLASS(GlobalMaxPooling1D, 1, true);
WL_GLOBAL_POOL_CLASS(GlobalAveragePooling2D, 2, false);
WL_GLOBAL_POOL_CLASS(GlobalMaxPooling2D, 2, true);
WL_GLOBAL_POOL_CLASS(GlobalAveragePooling3D, 3, false);
WL_GLOBAL_POOL_CLASS(GlobalMaxPooling3D, 3, true);
#undef WL_GLOBAL_POOL_CLASS

}  // namespace

WL_REGISTER_LAYER(MaxPooling1D);
WL_REGISTER_LAYER(MaxPooling2D);
WL_REGISTER_LAYER(MaxPooling3D);
WL_REGISTER_LAYER(AveragePooling1D);
WL_REGISTER_LAYER(AveragePooling2D);
WL_REGISTER_LAYER(AveragePooling3D);
WL_REGISTER_LAYER(GlobalAveragePooling1D);
WL_REGISTER_LAYER(GlobalMaxPooling1D);
WL_REGISTER_LAYER(GlobalAveragePooling2D);
WL_REGISTER_LAYER(GlobalMaxPooling2D);
WL_REGISTER_LAYER(GlobalAveragePooling3D);
WL_REGISTER_LAYER(GlobalMaxPooling3D);

}  // namespace wl

// Embedding: integer indices (batch, ...) -> rows of `embeddings` (batch, ..., outputDim)
// (tfjs-layers/src/layers/embeddings.ts).
//
// Options: inputDim, outputDim (required positive integers), embeddingsInitializer
// ("randomUniform"), embeddingsRegularizer, embeddingsConstraint, maskZero,
// inputLength. Weight: embeddings [inputDim, outputDim]. Float indices are cast to
// int32; the gradient reaches the embeddings through the gather op. With maskZero
// the output carries the mask indices != 0 (layer.h: masks).
#include "layers/core_layers.h"
#include "layers/initializers.h"
#include "layers/layer.h"
#include "layers/lora.h"
#include "layers/regularizers.h"
#include "ops/ops.h"
#include "ops/shape_ops.h"

namespace wl {

namespace {
namespace lo = layer_opts;

// Without inputShape/batchInputShape, tfjs sets batchInputShape = [batchSize, ...inputLength]
// (or [batchSize, null]).
nlohmann::json withBatchInputShape(const nlohmann::json& config) {
  if (!config.is_object()) return config;
  if (!lo::get(config, "batchInputShape").is_null() || !lo::get(config, "inputShape").is_null()) return config;
  nlohmann::json c = config;
  nlohmann::json shape = nlohmann::json::array();
  nlohmann::json bs = lo::get(config, "batchSize");
  shape.push_back(bs.is_number_integer() ? bs : nlohmann::json());
  nlohmann::json len = lo::get(config, "inputLength");
  if (len.is_null()) {
    shape.push_back(nullptr);
  } else if (len.is_array()) {
    for (const auto& d : len) shape.push_back(d);
  } else {
    shape.push_back(len);
  }
  c["batchInputShape"] = shape;
  return c;
}
}  // namespace

class Embedding : public Layer {
 public:
  explicit Embedding(const nlohmann::json& config) : Layer(withBatchInputShape(config), "Embedding") {
    inputDim_ = lo::positiveInt(config, "inputDim");
    outputDim_ = lo::positiveInt(config, "outputDim");
    init_ = lo::get(config, "embeddingsInitializer");
    if (init_.is_null()) init_ = "randomUniform";
    validateInitializer(init_, "embeddingsInitializer");
    regularizer_ = lo::get(config, "embeddingsRegularizer");
    validateRegularizer(regularizer_, "embeddingsRegularizer");
    constraint_ = lo::get(config, "embeddingsConstraint");
    validateConstraint(constraint_, "embeddingsConstraint");
    readActivityRegularizer(config);
    lora_.read(config, "Embedding", constraint_, "embeddingsConstraint");
    maskZero_ = lo::get(config, "maskZero");
    WL_CHECK(maskZero_.is_null() || maskZero_.is_boolean(), "Expected maskZero to be a boolean, but got "
                                                                << maskZero_.dump());
    supportsMasking_ = maskZero_.is_boolean() && maskZero_.get<bool>();
    inputLength_ = lo::get(config, "inputLength");
    dtypeGiven_ = !lo::get(config, "dtype").is_null() || !lo::get(config, "inputShape").is_null() ||
                  !lo::get(config, "batchInputShape").is_null();
    if (!inputLength_.is_null()) {
      nlohmann::json list = inputLength_.is_array() ? inputLength_ : nlohmann::json::array({inputLength_});
      for (const auto& d : list) {
        WL_CHECK(d.is_null() || (d.is_number_integer() && d.get<int64_t>() > 0),
                 "Expected inputLength to be a positive integer or an array of them, but got " << inputLength_.dump());
        inLens_.push_back(d.is_null() ? -1 : d.get<int64_t>());
      }
    }
  }
  std::string className() const override { return "Embedding"; }

  Shape computeOutputShape(const Shape& in) const override {
    if (inputLength_.is_null()) {
      Shape out = in;
      out.push_back(outputDim_);
      return out;
    }
    WL_CHECK(inLens_.size() + 1 == in.size(), "\"inputLength\" is " << inputLength_.dump()
                                                                    << ", but received input shape has shape "
                                                                    << shapeStr(in));
    Shape out = {in[0]};
    for (size_t k = 0; k < inLens_.size(); ++k) {
      int64_t s1 = inLens_[k], s2 = in[k + 1];
      WL_CHECK(s1 < 0 || s2 < 0 || s1 == s2, "\"inputLength\" is " << inputLength_.dump()
                                                                   << ", but received input shape has shape "
                                                                   << shapeStr(in));
      out.push_back(s1 < 0 ? s2 : s1);
    }
    out.push_back(outputDim_);
    return out;
  }

  // maskZero: index 0 is padding, so the mask is indices != 0 (the input's shape);
  // an incoming mask is replaced, as tfjs.
  std::vector<Tensor> computeMask(const std::vector<Tensor>& inputs, const std::vector<Tensor>& masks) const override {
    if (!supportsMasking_) return Layer::computeMask(inputs, masks);
    WL_CHECK(inputs.size() == 1, "Embedding layer " << name() << " expects 1 input, got " << inputs.size());
    return {binary(BinaryOp::NotEqual, inputs[0], zerosLike(inputs[0]))};
  }

  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["inputDim"] = inputDim_;
    c["outputDim"] = outputDim_;
    c["embeddingsInitializer"] = lo::serializeInitializer(init_);
    c["embeddingsRegularizer"] = serializeRegularizer(regularizer_);
    c["activityRegularizer"] = serializeRegularizer(activityRegularizer_);
    c["embeddingsConstraint"] = constraint_;
    if (!maskZero_.is_null()) c["maskZero"] = maskZero_;
    if (!inputLength_.is_null()) c["inputLength"] = inputLength_;
    if (!dtypeGiven_) c.erase("dtype");  // tfjs sets a dtype only with inputShape/batchInputShape/dtype
    lora_.write(c);
    return c;
  }

 protected:
  void build(const Shape& in) override {
    computeOutputShape(in);
    const Shape e = {inputDim_, outputDim_};
    embeddings_ = addWeight("embeddings", e, init_, !lora_.on(), regularizer_, constraint_);
    if (lora_.on()) {  // Keras 3's LoRA (layers/lora.h), its weights named as Keras names them
      lora_.a = addWeight("lora_embeddings_a", lora_.aShape(e), "heUniform", true, regularizer_);
      lora_.b = addWeight("lora_embeddings_b", lora_.bShape(e), "zeros", true, regularizer_);
    }
  }
  Tensor call(const Tensor& xIn, bool) override {
    Tensor x = xIn.dtype() == DType::Int32 ? xIn : cast(xIn, DType::Int32);
    Tensor flat = reshape(x, {x.size()});
    Tensor rows = gather(lora_.adapt(embeddings_->value()), flat, 0);
    Shape out = x.shape();
    out.push_back(outputDim_);
    return reshape(rows, out);
  }

  // The input is integer indices whose length may vary when inputLength is unset.
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, "Layer " << name() << " expects 1 input, but it received " << shapes.size()
                                          << " input tensors.");
    computeOutputShape(shapes[0]);
  }

 private:
  int64_t inputDim_, outputDim_;
  nlohmann::json init_, regularizer_, constraint_, maskZero_, inputLength_;
  Shape inLens_;
  bool dtypeGiven_ = false;
  std::shared_ptr<Variable> embeddings_;
  Lora lora_;
};

WL_REGISTER_LAYER(Embedding);

}  // namespace wl

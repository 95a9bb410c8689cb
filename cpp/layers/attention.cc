// The attention family, Keras 3 layers tfjs 4.22 lacks (keras/src/layers/attention/,
// keras/src/layers/core/einsum_dense.py): EinsumDense, MultiHeadAttention,
// Attention (Luong) and AdditiveAttention (Bahdanau). Keras's class names, config
// keys (lowerCamelCase here), weight names, shapes and order, so a Keras 3
// model.json using them loads with its weights. They compose ops (einsum, softmax,
// matMul); the tape differentiates them.
//
// Keyword call arguments (Layer::setCallArgs; recorded with a graph node):
//   useCausalMask, returnAttentionScores (MultiHeadAttention, Attention, AdditiveAttention).
// MultiHeadAttention's inputs: [query, value], [query, value, key] or
// [query, value, key, attentionMask] (js/src/layers.js puts kwargs.attentionMask
// last, with value as key when none is given). Masks from Masking/Embedding(maskZero)
// on the inputs combine as Keras's: query [B,T,1] & value [B,1,S] & key [B,1,S]
// & causal [1,T,S] & attentionMask; a masked score gets -1e9 before the softmax.
// The output mask is the query's.
#include <algorithm>
#include <cmath>
#include <regex>
#include <tuple>

#include "layers/activations.h"
#include "layers/core_layers.h"
#include "layers/initializers.h"
#include "layers/layer.h"
#include "layers/lora.h"
#include "layers/regularizers.h"
#include "layers/weight_options.h"
#include "ops/ops.h"
#include "ops/registry.h"
#include "ops/shape_ops.h"

namespace wl {

namespace {
namespace lo = layer_opts;

// ---- EinsumDense's equation analysis (Keras's _analyze_einsum_string) ---------------

// One parsed EinsumDense equation for one input shape: the kernel, bias and output shapes.
struct EinsumPlan {
  std::string equation, in, kernel, out;
  enum Elided { None, Left, Right } elided = None;
  Shape kernelShape, biasShape;  // biasShape empty: no bias
  bool hasBias = false;

  static EinsumPlan parse(const std::string& equation, const std::string& owner) {
    static const std::regex plain("^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$");
    static const std::regex left("^\\.\\.\\.([a-zA-Z]+),([a-zA-Z]+)->\\.\\.\\.([a-zA-Z]+)$");
    static const std::regex right("^([a-zA-Z]{2,})\\.\\.\\.,([a-zA-Z]+)->([a-zA-Z]{2,})\\.\\.\\.$");
    EinsumPlan p;
    p.equation = equation;
    std::smatch m;
    if (std::regex_match(equation, m, plain)) {
      p.elided = None;
    } else if (std::regex_match(equation, m, left)) {
      p.elided = Left;
    } else if (std::regex_match(equation, m, right)) {
      p.elided = Right;
    } else {
      throw Error(owner + ": unsupported einsum equation '" + equation +
                  "'. EinsumDense takes Keras's forms: 'ab,bc->ac' (an input spec, a kernel spec and an output "
                  "spec of letters), '...b,bc->...c' or 'ab...,bc->ac...'.");
    }
    p.in = m[1];
    p.kernel = m[2];
    p.out = m[3];
    for (const std::string* s : {&p.in, &p.kernel, &p.out}) {
      for (char c : *s) {
        WL_CHECK(std::count(s->begin(), s->end(), c) == 1,
                 owner << ": the einsum equation '" << equation << "' repeats the index '" << c
                       << "' within one operand, which is not supported");
      }
    }
    for (char c : p.out) {
      WL_CHECK(p.in.find(c) != std::string::npos || p.kernel.find(c) != std::string::npos,
               owner << ": dimension '" << c << "' in the output spec of '" << equation
                     << "' is not in the input spec or the weight spec");
    }
    return p;
  }

  // Keras's _analyze_split_string: partial = the output shape without the batch dim
  // (-1: taken from the input).
  void analyze(const Shape& inputShape, const Shape& partial, const std::string& biasAxes, bool useBias,
               const std::string& owner) {
    const int64_t elidedDims = static_cast<int64_t>(inputShape.size()) - static_cast<int64_t>(in.size());
    WL_CHECK(elidedDims >= 0 && (elided != None || elidedDims == 0),
             owner << ": the equation '" << equation << "' expects an input of rank " << in.size()
                   << (elided != None ? " or more" : "") << ", got shape " << shapeStr(inputShape));
    Shape full = outputShapeFor(inputShape, partial, /*checkPartial=*/true, owner);
    auto outDim = [&](char c) {
      size_t i = out.find(c);
      int64_t base = elided == Left ? static_cast<int64_t>(full.size() - out.size()) : 0;
      return full[base + static_cast<int64_t>(i)];
    };
    kernelShape.clear();
    for (char c : kernel) {
      int64_t d = in.find(c) != std::string::npos ? inDim(inputShape, c) : out.find(c) != std::string::npos ? outDim(c) : -2;
      WL_CHECK(d != -2, owner << ": weight dimension '" << c << "' of '" << equation
                              << "' is not in the input spec or the output spec");
      WL_CHECK(d > 0, owner << ": the size of weight dimension '" << c << "' of '" << equation
                            << "' is unknown (input shape " << shapeStr(inputShape) << ")");
      kernelShape.push_back(d);
    }
    hasBias = useBias && !biasAxes.empty();
    biasShape.clear();
    if (hasBias) {
      size_t first = out.size();
      for (char c : biasAxes) {
        size_t at = out.find(c);
        WL_CHECK(at != std::string::npos, owner << ": bias axis '" << c << "' of biasAxes '" << biasAxes
                                                << "' is not in the output spec of '" << equation << "'");
        first = std::min(first, at);
      }
      for (size_t i = first; i < out.size(); ++i) {
        int64_t d = biasAxes.find(out[i]) != std::string::npos ? outDim(out[i]) : 1;
        WL_CHECK(d > 0, owner << ": the size of bias axis '" << out[i] << "' is unknown");
        biasShape.push_back(d);
      }
      if (elided != Left) {
        for (int64_t i = 0; i < elidedDims; ++i) biasShape.push_back(1);
      }
    }
  }

  int64_t inDim(const Shape& inputShape, char c) const {
    int64_t base = elided == Left ? static_cast<int64_t>(inputShape.size() - in.size()) : 0;
    return inputShape[base + static_cast<int64_t>(in.find(c))];
  }

  // The output shape for an input shape; with checkPartial, partial's known dims
  // must agree with those taken from the input (Keras's check).
  Shape outputShapeFor(const Shape& inputShape, const Shape& partial, bool checkPartial, const std::string& owner) const {
    WL_CHECK(inputShape.size() >= in.size() + (elided == Left ? 1 : 0),
             owner << ": the equation '" << equation << "' does not fit an input of shape " << shapeStr(inputShape));
    const size_t elidedDims = inputShape.size() - in.size();
    // partial: the output spec without the batch (plain/right), or the spec after
    // "..." (left, whose elided leading dims include the batch).
    const size_t specCount = out.size() - (elided == Left ? 0 : 1);
    WL_CHECK(partial.size() == specCount,
             owner << ": outputShape " << shapeStr(partial) << " does not fit the equation '" << equation
                   << "': it needs " << specCount << " dimension(s) (the output spec without the batch"
                   << (elided == Left ? " and the elided dims" : "") << ")");
    Shape s;
    if (elided == Left) {
      for (size_t i = 0; i < elidedDims; ++i) s.push_back(inputShape[i]);
      for (size_t i = 0; i < out.size(); ++i) s.push_back(partial[i]);
    } else {
      s.push_back(inputShape[0]);
      for (size_t i = 1; i < out.size(); ++i) s.push_back(partial[i - 1]);
      for (size_t i = inputShape.size() - elidedDims; i < inputShape.size(); ++i) s.push_back(inputShape[i]);
    }
    const size_t base = elided == Left ? elidedDims : 0;
    for (size_t i = 0; i < out.size(); ++i) {
      char c = out[i];
      if (in.find(c) == std::string::npos) continue;
      int64_t fromIn = inDim(inputShape, c);
      int64_t& at = s[base + i];
      if (checkPartial && base + i != 0 && at >= 0 && fromIn >= 0) {
        WL_CHECK(at == fromIn, owner << ": input shape " << shapeStr(inputShape) << " and output shape "
                                     << shapeStr(s) << " differ in dimension '" << c << "' of '" << equation
                                     << "' (" << fromIn << " vs " << at << ")");
      }
      at = fromIn;
    }
    return s;
  }

  // einsum(x, kernel) + bias, the "..." spelled out as letters the equation does not use.
  Tensor apply(const Tensor& x, const Tensor& k, const Tensor& bias) const {
    std::string eq = in + "," + kernel + "->" + out;
    if (elided != None) {
      std::string spare;
      for (char c = 'a'; c <= 'z'; ++c) {
        if (equation.find(c) == std::string::npos) spare += c;
      }
      for (char c = 'A'; c <= 'Z'; ++c) {
        if (equation.find(c) == std::string::npos) spare += c;
      }
      const size_t n = static_cast<size_t>(x.rank()) - in.size();
      WL_CHECK(n <= spare.size(), "EinsumDense: input of rank " << x.rank() << " is too large for '" << equation << "'");
      std::string e = spare.substr(0, n);
      eq = elided == Left ? e + in + "," + kernel + "->" + e + out : in + e + "," + kernel + "->" + out + e;
    }
    Tensor y = einsum(eq, {x, k});
    return bias.defined() ? add(y, bias) : y;
  }
};

// Keras's output_shape option: null, an int or a list of ints/nulls (-1 for null).
Shape parseOutputShape(const nlohmann::json& v, const std::string& owner, bool allowNull) {
  Shape s;
  if (v.is_null()) return s;
  if (v.is_number_integer()) {
    WL_CHECK(v.get<int64_t>() > 0, owner << ": outputShape must hold positive integers, got " << v.dump());
    return {v.get<int64_t>()};
  }
  WL_CHECK(v.is_array(), owner << ": outputShape must be an integer or a list of integers, got " << v.dump());
  for (const auto& d : v) {
    if (d.is_null() && allowNull) {
      s.push_back(-1);
      continue;
    }
    WL_CHECK(d.is_number_integer() && d.get<int64_t>() > 0,
             owner << ": outputShape must hold positive integers" << (allowNull ? " or null" : "") << ", got "
                   << v.dump());
    s.push_back(d.get<int64_t>());
  }
  return s;
}

// The weight options EinsumDense and MultiHeadAttention share: every projection's kernel
// and bias (Keras's defaults), and the Keras options they refuse.
struct ProjectionOptions {
  WeightOptions kernel, bias;

  // loraAllowed: the layer computes LoRA itself (EinsumDense); else loraRank is refused.
  void read(const nlohmann::json& config, const std::string& owner, bool loraAllowed = false) {
    kernel = WeightOptions(config, "kernel", "glorotUniform");
    bias = WeightOptions(config, "bias", "zeros");
    auto opt = [&config](const char* key) { return lo::get(config, key); };
    WL_CHECK(opt("activityRegularizer").is_null(),
             owner << ": activityRegularizer is not supported (got " << opt("activityRegularizer").dump() << ")");
    nlohmann::json lora = opt("loraRank");
    WL_CHECK(loraAllowed || lora.is_null(), owner << ": LoRA (loraRank " << lora.dump() << ") is not supported");
    nlohmann::json q = opt("quantizationConfig");
    WL_CHECK(q.is_null(), owner << ": quantized layers (quantizationConfig) are not supported");
  }
  void write(nlohmann::json& c) const {
    kernel.write(c, "kernel");
    bias.write(c, "bias");
    c["activityRegularizer"] = nullptr;
  }
};

nlohmann::json optSeed(const nlohmann::json& config) {
  nlohmann::json seed = lo::get(config, "seed");
  WL_CHECK(seed.is_null() || seed.is_number(), "Expected seed to be a number, but got " << seed.dump());
  return seed;
}

double dropoutRate(const nlohmann::json& config) {
  nlohmann::json v = lo::get(config, "dropout");
  if (v.is_null()) return 0.0;
  return lo::rate(config, "dropout");
}

// tfc.dropout of attention probabilities (training only): kept / (1 - rate).
Tensor dropoutOf(const Tensor& x, double rate, const nlohmann::json& seed) {
  const float keep = static_cast<float>(1.0 - rate);
  nlohmann::json attrs = {{"shape", x.shape()}};
  if (!seed.is_null()) attrs["seed"] = seed;
  Tensor u = OpRegistry::instance().run("randomUniform", {}, attrs).at(0);
  return mul(x, div(unary(UnaryOp::Floor, add(u, Tensor::scalar(keep))), Tensor::scalar(keep)));
}

// A mask (bool, or numbers: nonzero = attend) as float32 0/1.
Tensor maskAsFloat(const Tensor& m) {
  if (m.dtype() == DType::Float32) return cast(binary(BinaryOp::NotEqual, m, Tensor::scalar(0.f)), DType::Float32);
  return cast(m, DType::Float32);
}

Tensor andMasks(const Tensor& a, const Tensor& b) { return a.defined() ? mul(a, b) : b; }

// [1, T, S] lower-triangular ones (query i attends to keys j <= i).
Tensor causalMask(int64_t t, int64_t s) {
  std::vector<float> v(static_cast<size_t>(t * s));
  for (int64_t i = 0; i < t; ++i) {
    for (int64_t j = 0; j < s; ++j) v[static_cast<size_t>(i * s + j)] = j <= i ? 1.f : 0.f;
  }
  return Tensor::fromVector({1, t, s}, v);
}

// scores + (1 - mask) * -1e9 (Keras's Softmax(mask) and Attention's padding bias).
Tensor maskScores(const Tensor& scores, const Tensor& mask) {
  if (!mask.defined()) return scores;
  return add(scores, mul(sub(Tensor::scalar(1.f), mask), Tensor::scalar(-1e9f)));
}

// The keyword call arguments of the attention layers.
struct AttentionCallArgs {
  bool useCausalMask = false, returnAttentionScores = false;
  static void check(const nlohmann::json& args, const std::string& owner) {
    for (const auto& kv : args.items()) {
      WL_CHECK(kv.key() == "useCausalMask" || kv.key() == "returnAttentionScores",
               owner << ": unknown call argument '" << kv.key()
                     << "' (this layer takes useCausalMask, returnAttentionScores, training and masks)");
      WL_CHECK(kv.value().is_boolean() || kv.value().is_null(),
               owner << ": call argument " << kv.key() << " must be a boolean, got " << kv.value().dump());
    }
  }
  static AttentionCallArgs of(const nlohmann::json& args) {
    auto flag = [&args](const char* key) {
      if (!args.is_object()) return false;
      auto it = args.find(key);
      return it != args.end() && it->is_boolean() && it->get<bool>();
    };
    AttentionCallArgs a;
    a.useCausalMask = flag("useCausalMask");
    a.returnAttentionScores = flag("returnAttentionScores");
    return a;
  }
};

}  // namespace

// ---- EinsumDense ----------------------------------------------------------------------

// EinsumDense (Keras 3): activation(einsum(equation, input, kernel) + bias).
// Options: equation (required), outputShape (the output without the batch dim; null
// entries come from the input), activation, biasAxes (output letters with a bias;
// null = none), kernel/bias initializers (glorotUniform, zeros), regularizers, constraints.
// Weights: kernel (the weight spec's shape), bias (from the first bias axis on).
class EinsumDense : public Layer {
 public:
  explicit EinsumDense(const nlohmann::json& config) : Layer(config, "EinsumDense") {
    nlohmann::json eq = lo::get(config, "equation");
    WL_CHECK(eq.is_string(), "EinsumDense: equation must be a string such as 'ab,bc->ac', got " << lo::describe(eq));
    equation_ = eq.get<std::string>();
    plan_ = EinsumPlan::parse(equation_, "EinsumDense " + name());
    nlohmann::json os = lo::get(config, "outputShape");
    WL_CHECK(!os.is_null(), "EinsumDense: outputShape is required (the output shape without the batch dim)");
    outputShape_ = parseOutputShape(os, "EinsumDense " + name(), true);
    nlohmann::json a = lo::get(config, "activation");
    if (!a.is_null()) {
      WL_CHECK(a.is_string(), "activation must be a string, got " << a.dump());
      activation_ = a.get<std::string>();
    }
    validateActivation(activation_);
    nlohmann::json b = lo::get(config, "biasAxes");
    WL_CHECK(b.is_null() || b.is_string(), "EinsumDense: biasAxes must be a string of output letters or null, got "
                                               << b.dump());
    if (b.is_string()) biasAxes_ = b.get<std::string>();
    for (char c : biasAxes_) {
      WL_CHECK(plan_.out.find(c) != std::string::npos, "EinsumDense " << name() << ": bias axis '" << c
                                                                       << "' is not in the output spec of '"
                                                                       << equation_ << "'");
    }
    w_.read(config, "EinsumDense " + name(), /*loraAllowed=*/true);
    lora_.read(config, "EinsumDense", w_.kernel.constraint, "kernelConstraint");
  }
  std::string className() const override { return "EinsumDense"; }

  Shape computeOutputShape(const Shape& inputShape) const override {
    return plan_.outputShapeFor(inputShape, outputShape_, false, "EinsumDense " + name());
  }

  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["equation"] = equation_;
    c["outputShape"] = shapeToJson(outputShape_);
    c["activation"] = activation_;
    c["biasAxes"] = biasAxes_.empty() ? nlohmann::json() : nlohmann::json(biasAxes_);
    w_.write(c);
    lora_.write(c);
    return c;
  }

 protected:
  void build(const Shape& inputShape) override {
    plan_.analyze(inputShape, outputShape_, biasAxes_, true, "EinsumDense " + name());
    kernel_ = addWeight("kernel", plan_.kernelShape, w_.kernel.initializer, !lora_.on(), w_.kernel.regularizer,
                        w_.kernel.constraint);
    if (plan_.hasBias) {
      bias_ = addWeight("bias", plan_.biasShape, w_.bias);
    }
    if (lora_.on()) {  // Keras 3's LoRA (layers/lora.h)
      lora_.a = addWeight("lora_kernel_a", lora_.aShape(plan_.kernelShape), "heUniform", true, w_.kernel.regularizer);
      lora_.b = addWeight("lora_kernel_b", lora_.bShape(plan_.kernelShape), "zeros", true, w_.kernel.regularizer);
    }
  }
  // The rank and the dims the kernel depends on must match the built input (others may vary).
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    WL_CHECK(shapes.size() == 1, "EinsumDense " << name() << " expects 1 input, but it received " << shapes.size()
                                                << " input tensors.");
    const Shape& ref = builtInputShape();
    bool ok = shapes[0].size() == ref.size();
    for (size_t i = 0; ok && i < plan_.kernel.size(); ++i) {
      char c = plan_.kernel[i];
      if (plan_.in.find(c) != std::string::npos) ok = plan_.inDim(shapes[0], c) < 0 || plan_.inDim(shapes[0], c) == plan_.inDim(ref, c);
    }
    WL_CHECK(ok, "Input 0 is incompatible with layer " << name() << ": expected shape " << shapeStr(ref)
                                                       << ", found shape " << shapeStr(shapes[0]));
  }
  Tensor call(const Tensor& x, bool) override {
    return applyActivation(activation_, plan_.apply(x, lora_.adapt(kernel_->value()), bias_ ? bias_->value() : Tensor()));
  }

 private:
  std::string equation_, activation_ = "linear", biasAxes_;
  Shape outputShape_;
  EinsumPlan plan_;
  ProjectionOptions w_;
  std::shared_ptr<Variable> kernel_, bias_;
  Lora lora_;
};

// ---- MultiHeadAttention ------------------------------------------------------------------

namespace {
std::string letter(int i) { return std::string(1, static_cast<char>('a' + i)); }

// Keras's _build_proj_equation: (equation, bias axes, output rank).
std::tuple<std::string, std::string, int> projEquation(int freeDims, int boundDims, int outputDims) {
  std::string input, kernel, output, bias;
  int offset = 0;
  for (int i = 0; i < freeDims; ++i) {
    input += letter(i + offset);
    output += letter(i + offset);
  }
  offset += freeDims;
  for (int i = 0; i < boundDims; ++i) {
    input += letter(i + offset);
    kernel += letter(i + offset);
  }
  offset += boundDims;
  for (int i = 0; i < outputDims; ++i) {
    kernel += letter(i + offset);
    output += letter(i + offset);
    bias += letter(i + offset);
  }
  return {input + "," + kernel + "->" + output, bias, static_cast<int>(output.size())};
}

// Keras's _get_output_shape: nulls for the free dims, then `known`.
Shape projOutputShape(int outputRank, const Shape& known) {
  Shape s(static_cast<size_t>(outputRank) - known.size(), -1);
  s.insert(s.end(), known.begin(), known.end());
  return s;
}
}  // namespace

// MultiHeadAttention (Keras 3): projects query, key and value with EinsumDense maps
// to numHeads heads of keyDim (valueDim), softmax(q k^T / sqrt(keyDim)) over the
// attention axes, combines the values and projects back (attention_output).
// Weights, in Keras's order: query/kernel [dim, N, keyDim], query/bias [N, keyDim],
// key/..., value/kernel [dim, N, valueDim], value/bias, attention_output/kernel
// [N, valueDim, out], attention_output/bias [out].
// [query, value, key?] keep the built ranks and last dims (a missing key is the value).
static void checkFeatures(const std::string& layerName, const char* cls, const std::vector<Shape>& built,
                   const std::vector<Shape>& shapes) {
  const char* names[] = {"query", "value", "key"};
  for (size_t i = 0; i < 3; ++i) {
    const Shape& ref = built.at(i < built.size() ? i : 1);
    const Shape& got = shapes.at(i < shapes.size() ? i : 1);
    WL_CHECK(ref.size() == got.size() && (ref.back() < 0 || got.back() < 0 || ref.back() == got.back()),
             cls << " " << layerName << ": the " << names[i] << " shape " << shapeStr(got)
                 << " is incompatible with the built shape " << shapeStr(ref));
  }
}

class MultiHeadAttention : public Layer {
 public:
  explicit MultiHeadAttention(const nlohmann::json& config) : Layer(config, "MultiHeadAttention") {
    supportsMasking_ = true;
    const std::string owner = "MultiHeadAttention " + name();
    numHeads_ = lo::positiveInt(config, "numHeads");
    keyDim_ = lo::positiveInt(config, "keyDim");
    nlohmann::json vd = lo::get(config, "valueDim");
    valueDim_ = vd.is_null() ? keyDim_ : lo::positiveInt(config, "valueDim");
    dropout_ = dropoutRate(config);
    nlohmann::json ub = lo::get(config, "useBias");
    WL_CHECK(ub.is_null() || ub.is_boolean(), owner << ": useBias must be a boolean, got " << ub.dump());
    useBias_ = ub.is_null() ? true : ub.get<bool>();
    outputShape_ = parseOutputShape(lo::get(config, "outputShape"), owner, false);
    nlohmann::json axes = lo::get(config, "attentionAxes");
    if (axes.is_number_integer()) axes = nlohmann::json::array({axes});
    WL_CHECK(axes.is_null() || axes.is_array(), owner << ": attentionAxes must be an int, a list of ints or null, got "
                                                      << axes.dump());
    if (axes.is_array()) {
      for (const auto& a : axes) {
        WL_CHECK(a.is_number_integer(), owner << ": attentionAxes must hold integers, got " << axes.dump());
        attentionAxesOption_.push_back(a.get<int>());
      }
    }
    hasAxesOption_ = axes.is_array();
    w_.read(config, owner);
    seed_ = optSeed(config);
    nlohmann::json flash = lo::get(config, "flashAttention");
    WL_CHECK(flash.is_null() || flash == false, owner << ": flashAttention is not supported");
  }
  std::string className() const override { return "MultiHeadAttention"; }

  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["numHeads"] = numHeads_;
    c["keyDim"] = keyDim_;
    c["valueDim"] = valueDim_;
    c["dropout"] = dropout_;
    c["useBias"] = useBias_;
    c["outputShape"] = outputShape_.empty() ? nlohmann::json() : shapeToJson(outputShape_);
    c["attentionAxes"] = hasAxesOption_ ? nlohmann::json(attentionAxesOption_) : nlohmann::json();
    w_.write(c);
    c["seed"] = seed_;
    return c;
  }

  std::vector<Shape> computeOutputShapes(const std::vector<Shape>& shapes) const override {
    checkCount(shapes.size());
    const Shape& q = shapes[0];
    const Shape& v = shapes[1];
    const Shape& k = shapes.size() >= 3 ? shapes[2] : v;
    checkKeyValue(v, k);
    Shape out(q.begin(), q.end() - 1);
    if (outputShape_.empty()) {
      out.push_back(q.back());
    } else {
      out.insert(out.end(), outputShape_.begin(), outputShape_.end());
    }
    if (!AttentionCallArgs::of(callArgs_).returnAttentionScores) return {out};
    // scores: (<batch dims>, numHeads, <query attention dims>, <key attention dims>)
    std::vector<int> axes = attentionAxesFor(static_cast<int>(q.size()) + 1);
    Shape pq(q.begin(), q.end() - 1), pk(k.begin(), k.end() - 1);
    pq.push_back(numHeads_);
    pk.push_back(numHeads_);
    Shape scores;
    for (int i = 0; i < static_cast<int>(pq.size()); ++i) {
      if (std::find(axes.begin(), axes.end(), i) == axes.end()) scores.push_back(pq[i]);
    }
    for (int a : axes) scores.push_back(pq[a]);
    for (int a : axes) scores.push_back(pk[a]);
    return {out, scores};
  }

 protected:
  void checkCallArgs(const nlohmann::json& args) const override {
    AttentionCallArgs::check(args, "MultiHeadAttention " + name());
  }

  void buildMany(const std::vector<Shape>& shapes) override {
    checkCount(shapes.size());
    const Shape& q = shapes[0];
    const Shape& v = shapes[1];
    const Shape& k = shapes.size() >= 3 ? shapes[2] : v;
    checkKeyValue(v, k);
    for (const Shape* s : {&q, &v, &k}) {
      WL_CHECK(s->size() >= 3 && s->back() > 0, "MultiHeadAttention " << name()
                                                    << ": query, value and key need a rank >= 3 with a known last "
                                                       "dimension, got "
                                                    << shapeStr(*s));
    }
    const std::string owner = "MultiHeadAttention " + name();
    attentionAxes_ = attentionAxesFor(static_cast<int>(q.size()) + 1);  // checked before any weight exists
    // A build that throws keeps none of its weights (Layer::ensureBuilt drops them; so do we).
    projWeights_.clear();
    try {
      buildProjections(shapes, owner);
    } catch (...) {
      projWeights_.clear();
      throw;
    }
  }

  void buildProjections(const std::vector<Shape>& shapes, const std::string& owner) {
    const Shape& q = shapes[0];
    const Shape& v = shapes[1];
    const Shape& k = shapes.size() >= 3 ? shapes[2] : v;
    auto projection = [&](const Shape& in, int64_t headDim, const char* weightName, EinsumPlan* plan) {
      auto [eq, biasAxes, outRank] = projEquation(static_cast<int>(in.size()) - 1, 1, 2);
      *plan = EinsumPlan::parse(eq, owner);
      plan->analyze(in, projOutputShape(outRank - 1, {numHeads_, headDim}), biasAxes, useBias_, owner);
      projWeights_.push_back(addWeight(std::string(weightName) + "/kernel", plan->kernelShape, w_.kernel));
      projWeights_.push_back(plan->hasBias ? addWeight(std::string(weightName) + "/bias", plan->biasShape, w_.bias)
                                       : nullptr);
      return outRank;
    };
    const int rank = projection(q, keyDim_, "query", &query_);
    projection(k, keyDim_, "key", &key_);
    projection(v, valueDim_, "value", &value_);
    buildAttentionEquations(rank);
    // attention_output: (<query dims>, N, valueDim) -> (<query dims>, outputShape)
    Shape outShape = outputShape_.empty() ? Shape{q.back()} : outputShape_;
    auto [eq, biasAxes, outRank] = projEquation(static_cast<int>(q.size()) - 1, 2, static_cast<int>(outShape.size()));
    output_ = EinsumPlan::parse(eq, owner);
    Shape in(q.begin(), q.end() - 1);
    in.push_back(numHeads_);
    in.push_back(valueDim_);
    output_.analyze(in, projOutputShape(outRank - 1, outShape), biasAxes, useBias_, owner);
    projWeights_.push_back(addWeight("attention_output/kernel", output_.kernelShape, w_.kernel));
    projWeights_.push_back(output_.hasBias ? addWeight("attention_output/bias", output_.biasShape, w_.bias)
                                       : nullptr);
  }

  // Inputs beyond [query, value] may differ from the built ones in number (a key,
  // an attention mask); query, value and key keep their rank and feature size (the
  // sequence lengths may change, as in Keras).
  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    checkCount(shapes.size());
    const auto& built = builtInputShapes();
    checkFeatures(name(), "MultiHeadAttention", built, shapes);
  }

  std::vector<Tensor> callMany(const std::vector<Tensor>& xs, bool training) override {
    return run(xs, {}, training);
  }
  std::vector<Tensor> callMasked(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                 bool training) override {
    return run(xs, masks, training);
  }

 private:
  void checkCount(size_t n) const {
    WL_CHECK(n >= 2 && n <= 4, "MultiHeadAttention " << name()
                                   << " takes [query, value], [query, value, key] or [query, value, key, "
                                      "attentionMask], got "
                                   << n << " input(s)");
  }
  void checkKeyValue(const Shape& v, const Shape& k) const {
    bool same = v.size() == k.size();
    for (size_t i = 1; same && i + 1 < v.size(); ++i) same = v[i] == k[i];
    WL_CHECK(same, "All dimensions of `value` and `key`, except the last one, must be equal. Received: value_shape="
                       << shapeStr(v) << " and key_shape=" << shapeStr(k));
  }
  // The attention axes of the projected rank (Keras's _build_attention).
  std::vector<int> attentionAxesFor(int rank) const {
    std::vector<int> axes;
    if (!hasAxesOption_) {
      for (int i = 1; i < rank - 2; ++i) axes.push_back(i);
      return axes;
    }
    for (int a : attentionAxesOption_) {
      int n = a >= 0 ? a : (rank - 1) + a;
      WL_CHECK(n >= 1 && n < rank - 2, "MultiHeadAttention " << name() << ": attention axis " << a
                                                             << " is out of range for inputs of rank " << rank - 1
                                                             << " (the axes between the batch and the features)");
      axes.push_back(n);
    }
    return axes;
  }
  // Keras's _build_attention_equation.
  void buildAttentionEquations(int rank) {
    std::string target, source;
    for (int i = 0; i < rank; ++i) target += letter(i);
    auto isAttn = [&](int i) { return std::find(attentionAxes_.begin(), attentionAxes_.end(), i) != attentionAxes_.end(); };
    std::vector<int> batchDims;
    for (int i = 0; i < rank; ++i) {
      if (!isAttn(i) && i != rank - 1) batchDims.push_back(i);
    }
    int offset = rank;
    for (int i = 0; i < rank; ++i) {
      source += (!isAttn(i) || i == rank - 1) ? target.substr(static_cast<size_t>(i), 1) : letter(offset++);
    }
    std::string product;
    for (int i : batchDims) product += target[static_cast<size_t>(i)];
    for (int i : attentionAxes_) product += target[static_cast<size_t>(i)];
    for (int i : attentionAxes_) product += source[static_cast<size_t>(i)];
    dotEquation_ = source + "," + target + "->" + product;
    combineEquation_ = product + "," + source + "->" + target;
  }

  // The combined attention mask (float 0/1, broadcastable to [B, T, S]) or undefined.
  Tensor attentionMask(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks, bool causal) const {
    auto maskAt = [&](size_t i) { return i < masks.size() ? masks[i] : Tensor(); };
    Tensor m;
    const bool seq = xs[0].rank() == 3 && xs[1].rank() == 3;
    const Tensor qMask = maskAt(0), vMask = maskAt(1), kMask = xs.size() >= 3 ? maskAt(2) : Tensor();
    if (qMask.defined() || vMask.defined() || kMask.defined() || causal) {
      WL_CHECK(seq, "MultiHeadAttention " << name() << ": input masks and useCausalMask need query and value of "
                                                       "rank 3 ([batch, steps, features]), got ranks "
                                          << xs[0].rank() << " and " << xs[1].rank());
    }
    if (qMask.defined()) m = expandDims(maskAsFloat(qMask), -1);  // [B, T, 1]
    if (vMask.defined()) m = andMasks(m, expandDims(maskAsFloat(vMask), -2));  // [B, 1, S]
    if (kMask.defined()) m = andMasks(m, expandDims(maskAsFloat(kMask), -2));
    if (causal) m = andMasks(m, causalMask(xs[0].dim(1), xs[1].dim(1)));  // [1, T, S]
    if (xs.size() == 4) m = andMasks(m, maskAsFloat(xs[3]));
    return m;
  }

  std::vector<Tensor> run(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks, bool training) {
    const AttentionCallArgs args = AttentionCallArgs::of(callArgs_);
    const Tensor& query = xs[0];
    const Tensor& value = xs[1];
    const Tensor& keyIn = xs.size() >= 3 ? xs[2] : value;
    Tensor mask = attentionMask(xs, masks, args.useCausalMask);
    auto w = [&](size_t i) { return projWeights_[i] ? projWeights_[i]->value() : Tensor(); };
    Tensor q = query_.apply(query, w(0), w(1));  // [B, T, N, keyDim]
    Tensor k = key_.apply(keyIn, w(2), w(3));    // [B, S, N, keyDim]
    Tensor v = value_.apply(value, w(4), w(5));  // [B, S, N, valueDim]
    q = mul(q, Tensor::scalar(static_cast<float>(1.0 / std::sqrt(static_cast<double>(keyDim_)))));
    Tensor scores = einsum(dotEquation_, {k, q});  // [B, N, T, S]
    if (mask.defined()) {
      // The mask gains dims from the heads' axis (Keras's _masked_softmax).
      const int axis = -static_cast<int>(attentionAxes_.size()) * 2 - 1;
      while (mask.rank() < scores.rank()) mask = expandDims(mask, mask.rank() + 1 + axis);
      scores = maskScores(scores, mask);
    }
    // softmax over the key attention axes (the last ones)
    Tensor probs;
    if (attentionAxes_.size() == 1) {
      probs = softmax(scores);
    } else {
      Shape flat(scores.shape().begin(), scores.shape().end() - static_cast<std::ptrdiff_t>(attentionAxes_.size()));
      flat.push_back(-1);
      probs = reshape(softmax(reshape(scores, flat)), scores.shape());
    }
    Tensor dropped = training && dropout_ > 0 ? dropoutOf(probs, dropout_, seed_) : probs;
    Tensor out = einsum(combineEquation_, {dropped, v});  // [B, T, N, valueDim]
    out = output_.apply(out, w(6), w(7));
    if (args.returnAttentionScores) return {out, probs};
    return {out};
  }

  int64_t numHeads_, keyDim_, valueDim_;
  double dropout_;
  bool useBias_ = true, hasAxesOption_ = false;
  Shape outputShape_;
  std::vector<int> attentionAxesOption_, attentionAxes_;
  ProjectionOptions w_;
  nlohmann::json seed_;
  EinsumPlan query_, key_, value_, output_;
  std::string dotEquation_, combineEquation_;
  std::vector<std::shared_ptr<Variable>> projWeights_;  // kernel, bias (null when useBias false) per projection
};

// ---- Attention / AdditiveAttention --------------------------------------------------------

// Attention (Luong, Keras 3): scores = query . key^T (scoreMode 'dot', times `scale`
// when useScale) or concat_score_weight * sum(tanh(scale * (q + k))) ('concat');
// softmax over the keys (masked by the value mask and the causal mask); the
// weighted values; zeros where the query mask is off. Inputs [query, value] or
// [query, value, key]; masks [queryMask, valueMask]. Weights: scale [] and
// concat_score_weight [] (ones), when used.
class Attention : public Layer {
 public:
  explicit Attention(const nlohmann::json& config, const std::string& cls = "Attention") : Layer(config, cls) {
    supportsMasking_ = true;
    const bool additive = cls == "AdditiveAttention";
    nlohmann::json us = lo::get(config, "useScale");
    WL_CHECK(us.is_null() || us.is_boolean(), cls << ": useScale must be a boolean, got " << us.dump());
    useScale_ = us.is_null() ? additive : us.get<bool>();
    if (!additive) {
      nlohmann::json sm = lo::get(config, "scoreMode");
      if (!sm.is_null()) {
        WL_CHECK(sm == "dot" || sm == "concat", "Invalid value for argument score_mode. Expected one of {'dot', "
                                                "'concat'}. Received: score_mode="
                                                    << sm.dump());
        scoreMode_ = sm.get<std::string>();
      }
    } else {
      WL_CHECK(lo::get(config, "scoreMode").is_null(), "AdditiveAttention takes no scoreMode");
    }
    dropout_ = dropoutRate(config);
    seed_ = optSeed(config);
  }
  std::string className() const override { return "Attention"; }

  nlohmann::json getConfig() const override {
    nlohmann::json c = Layer::getConfig();
    c["useScale"] = useScale_;
    if (className() == "Attention") c["scoreMode"] = scoreMode_;
    c["dropout"] = dropout_;
    if (!seed_.is_null()) c["seed"] = seed_;
    return c;
  }

  std::vector<Shape> computeOutputShapes(const std::vector<Shape>& shapes) const override {
    checkCount(shapes.size());
    Shape out(shapes[0].begin(), shapes[0].end() - 1);
    out.push_back(shapes[1].back());
    if (!AttentionCallArgs::of(callArgs_).returnAttentionScores) return {out};
    return {out, {shapes[0][0], shapes[0][1], shapes[1][1]}};
  }

 protected:
  void checkCallArgs(const nlohmann::json& args) const override { AttentionCallArgs::check(args, className() + " " + name()); }

  void buildMany(const std::vector<Shape>& shapes) override {
    checkCount(shapes.size());
    const Shape& k = shapes.size() == 3 ? shapes[2] : shapes[1];
    for (const Shape* s : {&shapes[0], &shapes[1], &k}) {
      WL_CHECK(s->size() == 3, className() << " " << name()
                                           << ": query, value and key must be of rank 3 ([batch, steps, dim]), got "
                                           << shapeStr(*s));
    }
    WL_CHECK(shapes[0].back() < 0 || k.back() < 0 || shapes[0].back() == k.back(),
             className() << " " << name() << ": query and key must have the same last dimension, got "
                         << shapeStr(shapes[0]) << " and " << shapeStr(k));
    buildWeights(shapes[0]);
  }
  virtual void buildWeights(const Shape&) {
    if (useScale_) scale_ = addWeight("scale", {}, "ones");
    if (scoreMode_ == "concat") concatScoreWeight_ = addWeight("concat_score_weight", {}, "ones");
  }
  // [B, Tq, Tv]
  virtual Tensor scores(const Tensor& q, const Tensor& k) const {
    if (scoreMode_ == "dot") {
      Tensor s = matMul(q, k, false, true);
      return scale_ ? mul(s, scale_->value()) : s;
    }
    Tensor sum4 = add(expandDims(q, -2), expandDims(k, -3));  // [B, Tq, Tv, dim]
    if (scale_) sum4 = mul(scale_->value(), sum4);
    return mul(concatScoreWeight_->value(), sum(tanh(sum4), {-1}));
  }

  void checkInputShapes(const std::vector<Shape>& shapes) const override {
    checkCount(shapes.size());
    checkFeatures(name(), "Attention", builtInputShapes(), shapes);
  }

  std::vector<Tensor> callMany(const std::vector<Tensor>& xs, bool training) override { return run(xs, {}, training); }
  std::vector<Tensor> callMasked(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                 bool training) override {
    return run(xs, masks, training);
  }

  bool useScale_ = false;
  std::string scoreMode_ = "dot";
  double dropout_ = 0;
  nlohmann::json seed_;
  std::shared_ptr<Variable> scale_, concatScoreWeight_;

 private:
  void checkCount(size_t n) const {
    WL_CHECK(n == 2 || n == 3, className() << " layer accepts inputs list of length 2 or 3, namely [query, value] or "
                                              "[query, value, key]. Received length: "
                                           << n << ".");
  }
  std::vector<Tensor> run(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks, bool training) {
    const AttentionCallArgs args = AttentionCallArgs::of(callArgs_);
    const Tensor& q = xs[0];
    const Tensor& v = xs[1];
    const Tensor& k = xs.size() == 3 ? xs[2] : v;
    const Tensor qMask = masks.size() > 0 ? masks[0] : Tensor(), vMask = masks.size() > 1 ? masks[1] : Tensor();
    Tensor s = scores(q, k);
    Tensor m;
    if (vMask.defined()) m = expandDims(maskAsFloat(vMask), -2);  // [B, 1, Tv]
    if (args.useCausalMask) m = andMasks(m, causalMask(s.dim(-2), s.dim(-1)));
    Tensor weights = softmax(maskScores(s, m));
    Tensor dropped = training && dropout_ > 0 ? dropoutOf(weights, dropout_, seed_) : weights;
    Tensor result = matMul(dropped, v);
    if (qMask.defined()) result = mul(result, expandDims(maskAsFloat(qMask), -1));
    if (args.returnAttentionScores) return {result, weights};
    return {result};
  }
};

// AdditiveAttention (Bahdanau, Keras 3): scores = sum(scale * tanh(q + k)) over the
// features, scale [dim] (glorotUniform) when useScale (default true).
class AdditiveAttention : public Attention {
 public:
  explicit AdditiveAttention(const nlohmann::json& config) : Attention(config, "AdditiveAttention") {}
  std::string className() const override { return "AdditiveAttention"; }

 protected:
  void buildWeights(const Shape& queryShape) override {
    if (useScale_) {
      WL_CHECK(queryShape.back() > 0, "AdditiveAttention " << name() << ": the query's last dimension must be known");
      scale_ = addWeight("scale", {queryShape.back()}, "glorotUniform");
    }
  }
  Tensor scores(const Tensor& q, const Tensor& k) const override {
    Tensor t = tanh(add(expandDims(q, -2), expandDims(k, -3)));  // [B, Tq, Tv, dim]
    return sum(scale_ ? mul(scale_->value(), t) : t, {-1});
  }
};

WL_REGISTER_LAYER(EinsumDense);
WL_REGISTER_LAYER(MultiHeadAttention);
WL_REGISTER_LAYER(Attention);
WL_REGISTER_LAYER(AdditiveAttention);

}  // namespace wl

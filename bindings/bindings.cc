// Embind glue between the C++ engine and js/src. Thin on purpose: each binding
// converts arguments, calls the engine, and converts the result.
//
// Ownership: every Tensor, Layer or Sequential returned here is a new JS handle
// that JS must .delete() (js/src wraps them and does so in dispose()). Tensors
// share engine storage by reference count, so deleting a handle never frees data
// that another handle or a model still uses.
//
// Errors: guard() turns any C++ exception into a JavaScript Error carrying the
// C++ message, after the C++ exception is fully handled, so the module stays usable.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>

#include "core/kernel_registry.h"
#include "core/tensor.h"
#include "layers/layer.h"
#include "models/sequential.h"
#include "core/tape.h"
#include "ops/ops.h"
#include "ops/registry.h"

using emscripten::val;

namespace wl {
namespace {

template <typename F>
auto guard(F&& f) -> decltype(f()) {
  std::string message;
  try {
    return f();
  } catch (const std::exception& e) {
    message = e.what();
  } catch (...) {
    message = "Unknown C++ exception";
  }
  val::global("Error").new_(message).throw_();
}

nlohmann::json parseJson(const std::string& text, const char* what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("Malformed ") + what + " JSON: " + e.what());
  }
}

Shape shapeFromJs(const val& array) {
  Shape s;
  const int n = array["length"].as<int>();
  for (int i = 0; i < n; ++i) {
    val d = array[i];
    s.push_back(d.isNull() || d.isUndefined() ? -1 : static_cast<int64_t>(d.as<double>()));
  }
  return s;
}

val shapeToJs(const Shape& shape) {
  val out = val::array();
  for (int64_t d : shape) out.call<void>("push", d < 0 ? val::null() : val(static_cast<double>(d)));
  return out;
}

std::vector<Tensor> tensorsFromJs(const val& array) {
  std::vector<Tensor> out;
  const int n = array["length"].as<int>();
  for (int i = 0; i < n; ++i) out.push_back(array[i].as<Tensor>());
  return out;
}

// --- tensors ---------------------------------------------------------------

Tensor createTensor(val shape, std::string dtype) {
  return guard([&] { return Tensor::zeros(shapeFromJs(shape), parseDType(dtype)); });
}
val tensorShape(const Tensor& t) { return shapeToJs(t.shape()); }
std::string tensorDtype(const Tensor& t) { return dtypeName(t.dtype()); }
double tensorSize(const Tensor& t) { return static_cast<double>(t.size()); }
double tensorId(const Tensor& t) { return static_cast<double>(t.id()); }
// A typed-array view of the tensor's bytes in the WASM heap. Valid until the
// heap grows (the next engine call may grow it): copy out or write at once.
val tensorView(const Tensor& t) {
  size_t n = static_cast<size_t>(t.size());
  if (isIntStorage(t.dtype())) return val(emscripten::typed_memory_view(n, t.data<int32_t>()));
  return val(emscripten::typed_memory_view(n, t.data<float>()));
}
Tensor tensorReshape(const Tensor& t, val shape) { return guard([&] { return reshape(t, shapeFromJs(shape)); }); }
Tensor tensorGatherRows(const Tensor& x, const Tensor& indices) { return guard([&] { return gatherRows(x, indices); }); }

std::vector<Tensor> runOp(std::string name, const std::vector<Tensor>& inputs, std::string attrsJson) {
  return guard([&] { return OpRegistry::instance().run(name, inputs, parseJson(attrsJson, (name + " options").c_str())); });
}

val opNames() {
  val out = val::array();
  for (const auto& n : OpRegistry::instance().names()) out.call<void>("push", n);
  return out;
}

// Variable.assign: writes src's values into dst's storage (same shape and dtype).
void assignInPlace(Tensor& dst, const Tensor& src) {
  guard([&] {
    WL_CHECK(dst.shape() == src.shape(), "assign: shape of the new value " << shapeStr(src.shape())
                                                                           << " does not match the variable's shape "
                                                                           << shapeStr(dst.shape()));
    WL_CHECK(dst.dtype() == src.dtype(), "assign: dtype of the new value (" << dtypeName(src.dtype())
                                                                            << ") does not match the variable's ("
                                                                            << dtypeName(dst.dtype()) << ")");
    if (!src.sharesStorageWith(dst)) std::copy(src.data<uint32_t>(), src.data<uint32_t>() + src.size(), dst.data<uint32_t>());
  });
}

Tensor cloneTensor(const Tensor& t) { return guard([&] { return t.clone(); }); }

// dys: empty (seed with ones) or one tensor of y's shape.
std::vector<Tensor> tapeGradient(GradientTape& tape, const Tensor& y, const std::vector<Tensor>& xs,
                                 const std::vector<Tensor>& dys) {
  return guard([&] {
    WL_CHECK(y.dtype() == DType::Float32, "Cannot compute the gradient of a " << dtypeName(y.dtype())
                                                                              << " tensor: y must be float32");
    if (!dys.empty()) {
      WL_CHECK(dys[0].shape() == y.shape(), "The shape of dy " << shapeStr(dys[0].shape())
                                                                << " must match the shape of y " << shapeStr(y.shape()));
    }
    return tape.gradient(y, xs, dys.empty() ? Tensor() : dys[0]);
  });
}

// tf.customGrad: the output's gradient rule is a JS function. On backprop the
// engine calls Module.wlCustomGrad(id, slot); JS reads dy with customGradDy(slot)
// and hands back one gradient per input with customGradPush(slot, g).
struct CustomGradSlot {
  Tensor dy;
  std::vector<Tensor> grads;
};
Tensor customGradDy(double slot) { return reinterpret_cast<CustomGradSlot*>(static_cast<uintptr_t>(slot))->dy; }
void customGradPush(double slot, const Tensor& g) {
  reinterpret_cast<CustomGradSlot*>(static_cast<uintptr_t>(slot))->grads.push_back(g);
}
void recordCustomGrad(const std::vector<Tensor>& inputs, const Tensor& output, int id) {
  guard([&] {
    recordOp("CustomGrad", inputs, output, [inputs, id](const Tensor& dy) -> std::vector<Tensor> {
      CustomGradSlot slot{dy, {}};
      val::module_property("wlCustomGrad")(id, static_cast<double>(reinterpret_cast<uintptr_t>(&slot)));
      WL_CHECK(slot.grads.size() == inputs.size(), "customGrad: gradFunc must return one gradient per input ("
                                                       << inputs.size() << "), got " << slot.grads.size());
      for (size_t i = 0; i < inputs.size(); ++i) {
        WL_CHECK(slot.grads[i].shape() == inputs[i].shape(),
                 "customGrad: gradient " << i << " has shape " << shapeStr(slot.grads[i].shape())
                                         << " but input " << i << " has shape " << shapeStr(inputs[i].shape()));
      }
      return slot.grads;
    });
  });
}
bool tapeActive() { return activeTape() != nullptr; }

val memory() {
  MemoryStats m = memoryStats();
  val out = val::object();
  out.set("numTensors", static_cast<double>(m.numTensors));
  out.set("numDataBuffers", static_cast<double>(m.numDataBuffers));
  out.set("numBytes", static_cast<double>(m.numBytes));
  return out;
}

// --- layers ----------------------------------------------------------------

std::shared_ptr<Layer> createLayer(std::string className, std::string configJson) {
  return guard([&] { return LayerRegistry::instance().create(className, parseJson(configJson, "layer config")); });
}
std::string layerName(const Layer& l) { return l.name(); }
std::string layerClassName(const Layer& l) { return l.className(); }
std::string layerConfig(const Layer& l) { return guard([&] { return l.getConfig().dump(); }); }
double layerCountParams(const Layer& l) { return static_cast<double>(l.countParams()); }
// Vectors (not JS arrays) carry handles out: a class passed as an argument to a
// JS call is a temporary that Embind deletes when the call returns.
std::vector<Tensor> layerGetWeights(const Layer& l) {
  std::vector<Tensor> ts;
  for (const auto& w : l.weights()) ts.push_back(w->value());
  return ts;
}
val layerWeightNames(const Layer& l) {
  val out = val::array();
  for (const auto& w : l.weights()) out.call<void>("push", w->name());
  return out;
}
Tensor layerApply(Layer& l, const Tensor& x) { return guard([&] { return l.apply(x, false); }); }

// --- models ----------------------------------------------------------------

std::shared_ptr<Sequential> createSequential(std::string configJson) {
  return guard([&] { return std::make_shared<Sequential>(parseJson(configJson, "model config")); });
}
std::string seqName(const Sequential& m) { return m.name(); }
void seqAdd(Sequential& m, std::shared_ptr<Layer> layer) { guard([&] { m.add(std::move(layer)); }); }
void seqCompile(Sequential& m, std::string configJson) {
  guard([&] { m.compile(parseJson(configJson, "compile config")); });
}
Tensor seqPredict(Sequential& m, const Tensor& x) { return guard([&] { return m.predict(x); }); }
double seqTrainOnBatch(Sequential& m, const Tensor& x, const Tensor& y) {
  return guard([&] { return static_cast<double>(m.trainOnBatch(x, y)); });
}
double seqEvaluateBatch(Sequential& m, const Tensor& x, const Tensor& y) {
  return guard([&] { return static_cast<double>(m.evaluateBatch(x, y)); });
}
void seqCheckTarget(const Sequential& m, const Tensor& x, const Tensor& y) {
  guard([&] {
    m.checkInput(x);
    m.checkTarget(x, y);
  });
}
std::vector<Tensor> seqGetWeights(const Sequential& m) { return m.getWeights(); }
void seqSetWeights(Sequential& m, val weights) { guard([&] { m.setWeights(tensorsFromJs(weights)); }); }
double seqCountParams(const Sequential& m) { return static_cast<double>(m.countParams()); }
val seqOutputShape(const Sequential& m) { return guard([&] { return shapeToJs(m.outputShape()); }); }
val seqInputShape(const Sequential& m) { return guard([&] { return shapeToJs(m.inputShape()); }); }
std::string seqLossName(const Sequential& m) { return m.lossName(); }

}  // namespace
}  // namespace wl

EMSCRIPTEN_BINDINGS(wasm_layers) {
  using namespace emscripten;
  using namespace wl;
  register_vector<Tensor>("TensorVector");
  class_<Tensor>("Tensor")
      .function("shape", &tensorShape)
      .function("dtype", &tensorDtype)
      .function("size", &tensorSize)
      .function("id", &tensorId)
      .function("view", &tensorView)
      .function("reshape", &tensorReshape);
  function("createTensor", &createTensor);
  function("gatherRows", &tensorGatherRows);
  function("memory", &memory);
  function("runOp", &runOp);
  function("customGradDy", &customGradDy);
  function("customGradPush", &customGradPush);
  function("recordCustomGrad", &recordCustomGrad);
  function("tapeActive", &tapeActive);
  class_<PausedTape>("PausedTape").constructor<>();
  function("opNames", &opNames);
  function("assignInPlace", &assignInPlace);
  function("cloneTensor", &cloneTensor);
  class_<GradientTape>("GradientTape").constructor<>().function("gradient", &tapeGradient);
  function("activeBackend", optional_override([]() { return activeBackend(); }));
  function("setBackend", optional_override([](std::string name) { guard([&] { setBackend(name); }); }));

  class_<Layer>("Layer")
      .smart_ptr<std::shared_ptr<Layer>>("LayerPtr")
      .function("name", &layerName)
      .function("className", &layerClassName)
      .function("configJson", &layerConfig)
      .function("countParams", &layerCountParams)
      .function("built", &Layer::built)
      .function("getWeights", &layerGetWeights)
      .function("weightNames", &layerWeightNames)
      .function("apply", &layerApply);
  function("createLayer", &createLayer);

  class_<Sequential>("Sequential")
      .smart_ptr<std::shared_ptr<Sequential>>("SequentialPtr")
      .function("name", &seqName)
      .function("add", &seqAdd)
      .function("compile", &seqCompile)
      .function("predict", &seqPredict)
      .function("trainOnBatch", &seqTrainOnBatch)
      .function("evaluateBatch", &seqEvaluateBatch)
      .function("checkData", &seqCheckTarget)
      .function("getWeights", &seqGetWeights)
      .function("setWeights", &seqSetWeights)
      .function("countParams", &seqCountParams)
      .function("inputShape", &seqInputShape)
      .function("outputShape", &seqOutputShape)
      .function("lossName", &seqLossName)
      .function("compiled", &Sequential::compiled);
  function("createSequential", &createSequential);
}

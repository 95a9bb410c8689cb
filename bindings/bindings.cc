// Embind glue between the C++ engine and js/src. Thin on purpose: each binding
// converts arguments, calls the engine, and converts the result.
//
// Ownership: every Tensor, Layer or Sequential returned here is a new JS handle
// that JS must .delete() (js/src wraps them and does so in dispose()). Tensors
// share engine storage by reference count, so deleting a handle never frees data
// that another handle or a model still uses.
//
// Errors: guard() turns any C++ exception into a pending JavaScript Error carrying the
// C++ message, which js/src/core.js throws after the call returns (never across C++
// frames), so the module stays usable and nothing leaks.
#include <emscripten/bind.h>
#include <emscripten/em_js.h>
#include <emscripten/em_macros.h>
#include <emscripten/val.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <limits>
#include <string>
#include <type_traits>

#include <algorithm>
#include <map>

#include "core/kernel_registry.h"
#ifdef WL_WEBGL
#include "backends/webgl/webgl.h"
#endif
#include "core/kernel_cache.h"
#include "core/test_backend.h"
#include "core/tensor.h"
#include "layers/host_layer.h"
#include "layers/initializers.h"
#include "layers/layer.h"
#include "layers/recurrent.h"
#include "layers/wrappers.h"
#include "models/model.h"
#include "core/tape.h"
#include "core/thread_pool.h"
#include "kernels/params.h"
#include "ops/ops.h"
#include "ops/registry.h"

using emscripten::val;

namespace wl {
namespace {

// A JS exception inside a custom layer's hook: js/src/layers.js keeps the Error
// and the hook returns {error}; C++ unwinds as HostCallbackError, and guard()
// hands the original Error on (Module.wlTakeHostError()), so users see their own.
struct HostCallbackError : Error {
  using Error::Error;
};

// Keeps the failed call's Error for js/src/core.js (armEngineErrors), which throws it
// once the call has returned.
EM_JS(void, wl_set_pending_error, (const char* message, int fromHost), {
  var original = fromHost && Module["wlTakeHostError"] ? Module["wlTakeHostError"]() : undefined;
  Module["wlPendingError"] = original !== undefined ? original : new Error(UTF8ToString(message));
});

template <typename R>
R failedResult() {
  if constexpr (std::is_same_v<R, val>) return val::undefined();
  else if constexpr (!std::is_void_v<R>) return R{};
}

// Runs one engine call. A C++ exception becomes a pending JavaScript Error and the call
// returns a placeholder (undefined, null or an empty handle, which the JS side deletes);
// the JS side then throws the Error. Nothing is thrown across these C++ frames: a
// JavaScript exception unwinding through them would skip their cleanups, leaking the
// call's arguments (std::string, Embind's wire buffers) and 48 bytes of the C stack,
// which after ~110 000 failed calls overflowed into the heap.
template <typename F>
auto guard(F&& f) -> decltype(f()) {
  using R = decltype(f());
  try {
    return f();
  } catch (const HostCallbackError& e) {
    wl_set_pending_error(e.what(), 1);
  } catch (const std::exception& e) {
    wl_set_pending_error(e.what(), 0);
  } catch (...) {
    wl_set_pending_error("Unknown C++ exception", 0);
  }
  return failedResult<R>();
}

nlohmann::json parseJson(const std::string& text, const char* what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("Malformed ") + what + " JSON: " + e.what());
  }
}

// JSON has no NaN or Infinity: js/src/ops.js writes them as {"$nonFinite": "NaN"}
// (or "Infinity", "-Infinity"), and this puts the numbers back.
void decodeNonFinite(nlohmann::json& j) {
  if (j.is_object()) {
    if (j.size() == 1 && j.contains("$nonFinite") && j["$nonFinite"].is_string()) {
      const std::string v = j["$nonFinite"].get<std::string>();
      if (v == "NaN") j = std::numeric_limits<double>::quiet_NaN();
      else if (v == "Infinity") j = std::numeric_limits<double>::infinity();
      else if (v == "-Infinity") j = -std::numeric_limits<double>::infinity();
      return;
    }
    for (auto& [k, e] : j.items()) decodeNonFinite(e);
  } else if (j.is_array()) {
    for (auto& e : j) decodeNonFinite(e);
  }
}

Shape shapeFromJs(const val& array) {
  Shape s;
  const int n = array["length"].as<int>();
  for (int i = 0; i < n; ++i) {
    val d = array[i];
    if (d.isNull() || d.isUndefined()) {
      s.push_back(-1);
      continue;
    }
    // Checked before the cast: casting NaN or a double beyond int64 is undefined.
    const double v = d.as<double>();
    WL_CHECK(std::isfinite(v) && v == std::floor(v) && v >= -1 && v < 9.2e18,
             "Shape dimensions must be non-negative integers, got " << v << " at index " << i);
    s.push_back(static_cast<int64_t>(v));
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
// Values cross the boundary through typed-array views of host bytes in the WASM
// heap. A view is valid until the heap grows (the next engine call may grow it):
// copy out or write at once. For a tensor in host memory the view is its own
// bytes; otherwise a host staging buffer, read from (readView) or written back to
// (writeView + commit) its memory explicitly, counted in transferStats().
std::vector<uint32_t>& staging(size_t n) {
  static std::vector<uint32_t> buf;
  if (buf.size() < n) buf.resize(n);
  return buf;
}
val viewOf(const Tensor& t, const void* p) {
  size_t n = static_cast<size_t>(t.size());
  if (isIntStorage(t.dtype())) return val(emscripten::typed_memory_view(n, static_cast<const int32_t*>(p)));
  return val(emscripten::typed_memory_view(n, static_cast<const float*>(p)));
}
// The tensor's values in host bytes: its own, or read into the staging buffer.
const void* readableValues(const Tensor& t) {
  if (t.storage().memory().isHost()) return t.constData<void>();
  auto& buf = staging(static_cast<size_t>(t.size()));
  t.readHost(buf.data());
  return buf.data();
}
// Where to write all of the tensor's values: its own bytes, or the staging buffer that
// commitValues() then writes to its memory.
void* writableValues(const Tensor& t) {
  t.prepareWrite(false);  // every value is overwritten: views sharing the storage keep theirs
  if (t.storage().memory().isHost()) return t.data<void>();
  return staging(static_cast<size_t>(t.size())).data();
}
void commitValues(const Tensor& t) {
  if (!t.storage().memory().isHost()) t.write(staging(static_cast<size_t>(t.size())).data());
}
val tensorReadView(const Tensor& t) { return guard([&] { return viewOf(t, readableValues(t)); }); }
val tensorWriteView(const Tensor& t) { return guard([&] { return viewOf(t, writableValues(t)); }); }
void tensorCommit(const Tensor& t) { guard([&] { commitValues(t); }); }
bool tensorOnHost(const Tensor& t) { return t.storage().memory().isHost(); }
std::string tensorBackendMemory(const Tensor& t) { return t.storage().memory().name(); }

// Async reads (tensor.data(), the fit loop's logs): start, then poll until done
// (pumping every memory's deferred reads, as tfjs polls a WebGL fence), then take.
struct PendingRead {
  std::vector<uint32_t> values;
  DType dtype;
  bool done = false;
};
std::map<int, PendingRead>& pendingReads() {
  static std::map<int, PendingRead> reads;
  return reads;
}
int readAsyncStart(const Tensor& t) {
  return guard([&] {
    static int next = 0;
    const int ticket = ++next;
    PendingRead& r = pendingReads()[ticket];
    r.values.resize(static_cast<size_t>(t.size()));
    r.dtype = t.dtype();
    Storage& s = t.storage();
    if (!s.memory().isHost()) ++transferStats().hostReads;
    s.memory().readAsync(s.handle(), r.values.data(), r.values.size() * 4,
                         [ticket] { pendingReads()[ticket].done = true; });
    return ticket;
  });
}
bool readAsyncPoll(int ticket) {
  auto it = pendingReads().find(ticket);
  if (it == pendingReads().end()) return true;
  if (!it->second.done) {
    std::vector<Memory*> seen;
    for (const auto& name : BackendRegistry::instance().names()) {
      Memory* m = &BackendRegistry::instance().find(name)->memory();
      if (std::find(seen.begin(), seen.end(), m) == seen.end()) {
        seen.push_back(m);
        m->pump();
      }
    }
  }
  return it->second.done;
}
// A copy (a new typed array owned by JS) of a completed read.
val readAsyncTake(int ticket) {
  auto it = pendingReads().find(ticket);
  if (it == pendingReads().end() || !it->second.done) return val::null();
  const PendingRead& r = it->second;
  val view = isIntStorage(r.dtype) ? val(emscripten::typed_memory_view(r.values.size(), reinterpret_cast<const int32_t*>(r.values.data())))
                                   : val(emscripten::typed_memory_view(r.values.size(), reinterpret_cast<const float*>(r.values.data())));
  val out = view.call<val>("slice");
  pendingReads().erase(it);
  return out;
}

// --- backends ----------------------------------------------------------------

val backendNames() {
  val out = val::array();
  for (const auto& n : BackendRegistry::instance().names()) out.call<void>("push", n);
  return out;
}
val backendInfo(std::string name) {
  Backend* b = BackendRegistry::instance().find(name);
  if (b == nullptr) return val::null();
  val o = val::object();
  o.set("name", b->name());
  o.set("priority", b->priority());
  o.set("fallback", b->fallback());
  o.set("memory", b->memory().name());
  o.set("numBuffers", static_cast<double>(b->memory().numBuffers()));
  o.set("numBytes", static_cast<double>(b->memory().numBytes()));
  val ops = val::array();
  for (const auto& op : KernelRegistry::instance().ops(name)) ops.call<void>("push", op);
  o.set("kernels", ops);
  return o;
}
val transferStatsJs() {
  const TransferStats& t = transferStats();
  val o = val::object();
  o.set("moves", static_cast<double>(t.moves));
  o.set("bytesMoved", static_cast<double>(t.bytesMoved));
  o.set("hostReads", static_cast<double>(t.hostReads));
  o.set("hostWrites", static_cast<double>(t.hostWrites));
  o.set("kernelCacheBuilds", static_cast<double>(KernelCache::instance().builds()));
  o.set("kernelCacheHits", static_cast<double>(KernelCache::instance().hits()));
  o.set("kernelCacheEntries", static_cast<double>(KernelCache::instance().size()));
  return o;
}
// [id, size, dtype code, rank, dims...] in one call (a view of a static buffer:
// read it at once). Creating a JS Tensor is on every op's path, so this saves
// four boundary crossings per result.
val tensorMeta(const Tensor& t) {
  // Sized for the rank (a fixed array once let a rank-9 view read past its end).
  static std::vector<double> meta;
  meta.resize(4 + static_cast<size_t>(t.rank()));
  meta[0] = static_cast<double>(t.id());
  meta[1] = static_cast<double>(t.size());
  meta[2] = static_cast<double>(static_cast<int>(t.dtype()));
  meta[3] = t.rank();
  for (int i = 0; i < t.rank(); ++i) meta[4 + i] = static_cast<double>(t.shape()[i]);
  return val(emscripten::typed_memory_view(meta.size(), meta.data()));
}
Tensor tensorReshape(const Tensor& t, val shape) { return guard([&] { return reshape(t, shapeFromJs(shape)); }); }
Tensor tensorGatherRows(const Tensor& x, const Tensor& indices) { return guard([&] { return gatherRows(x, indices); }); }

std::vector<Tensor> runOp(std::string name, const std::vector<Tensor>& inputs, std::string attrsJson) {
  return guard([&] {
    nlohmann::json attrs = parseJson(attrsJson, (name + " options").c_str());
    decodeNonFinite(attrs);
    return OpRegistry::instance().run(name, inputs, attrs);
  });
}

val opNames() {
  val out = val::array();
  for (const auto& n : OpRegistry::instance().names()) out.call<void>("push", n);
  return out;
}

// Variable.assign: writes src's values into dst's storage (same shape and dtype).
void variableAssign(Tensor& dst, const Tensor& src) {
  guard([&] {
    WL_CHECK(dst.shape() == src.shape(), "assign: shape of the new value " << shapeStr(src.shape())
                                                                           << " does not match the variable's shape "
                                                                           << shapeStr(dst.shape()));
    WL_CHECK(dst.dtype() == src.dtype(), "assign: dtype of the new value (" << dtypeName(src.dtype())
                                                                            << ") does not match the variable's ("
                                                                            << dtypeName(dst.dtype()) << ")");
    assignInPlace(dst, src);
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
val tapeConnected(const GradientTape& tape) {
  val out = val::array();
  for (bool c : tape.connected()) out.call<void>("push", c);
  return out;
}

// --- variables (layer weights) ----------------------------------------------

using VariablePtr = std::shared_ptr<Variable>;
using VariableVector = std::vector<VariablePtr>;
// Every live layer weight, oldest first (tf.variableGrads's default list).
VariableVector liveVariables() {
  VariableVector out;
  for (Variable* v : Variable::live()) {
    if (VariablePtr p = v->weak_from_this().lock()) out.push_back(p);
  }
  return out;
}

val memory() {
  MemoryStats m = memoryStats();
  val out = val::object();
  out.set("numTensors", static_cast<double>(m.numTensors));
  out.set("numDataBuffers", static_cast<double>(m.numDataBuffers));
  out.set("numBytes", static_cast<double>(m.numBytes));
  return out;
}

// --- layers ----------------------------------------------------------------

using LayerPtr = std::shared_ptr<Layer>;
using LayerVector = std::vector<LayerPtr>;
using SymbolicVector = std::vector<SymbolicTensor>;

LayerPtr createLayer(std::string className, std::string configJson) {
  return guard([&] { return LayerRegistry::instance().create(className, parseJson(configJson, "layer config")); });
}
// Layers and optimizers come in by reference, not as shared_ptr parameters, and the
// references are taken inside guard(): a shared_ptr argument is Embind's temporary, and
// should a JavaScript exception ever unwind the call, its count would be kept and the
// layer, with its weights, never freed (a failed Sequential.add did so while guard()
// threw; the loader fuzzer found it).
// A wrapper (TimeDistributed) around the very layer the user passed.
LayerPtr createWrapper(std::string className, std::string configJson, Layer& inner) {
  return guard([&] { return createWrapperLayer(className, parseJson(configJson, "layer config"), inner.shared_from_this()); });
}
// Bidirectional with the user's backwardLayer (Keras's backward_layer).
LayerPtr createBidirectional(std::string configJson, Layer& inner, Layer& backward) {
  return guard([&] {
    return createWrapperLayer("Bidirectional", parseJson(configJson, "layer config"), inner.shared_from_this(),
                              backward.shared_from_this());
  });
}
// tf.layers.rnn({cell}) / stackedRNNCells({cells}) around the cell layers the user passed.
LayerPtr createWithCellLayers(std::string className, std::string configJson, const LayerVector& cells) {
  return guard([&] { return createWithCells(className, parseJson(configJson, "layer config"), cells); });
}
// A stateful RNN's resetStates(states?) (empty = zeros) and its current states.
void layerResetStates(Layer& l, const std::vector<Tensor>& states) { guard([&] { resetLayerStates(l, states); }); }
std::vector<Tensor> layerStatesOf(const Layer& l) { return guard([&] { return layerStates(l); }); }
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
// As tfjs (LayerVariable.write): a weight with a constraint is constrained as it is set.
void layerSetWeights(Layer& l, const std::vector<Tensor>& values) {
  guard([&] {
    assignWeights(l.weights(), values, "layer \"" + l.name() + "\"");
    l.applyConstraints();
  });
}
// A JSON string literal of `s` (UTF-8 passes through).
void appendJsonString(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}
// [{name, trainable, shape, dtype}] of the layer's weights. Written by hand: built as
// nlohmann objects (a map per weight) it was an eighth of loading MobileNetV2.
std::string layerWeightInfo(const Layer& l) {
  std::string out = "[";
  for (const auto& w : l.weights()) {
    if (out.size() > 1) out += ',';
    out += "{\"name\":";
    appendJsonString(out, w->name());
    out += w->trainable() ? ",\"trainable\":true,\"shape\":[" : ",\"trainable\":false,\"shape\":[";
    const Shape& shape = w->value().shape();
    for (size_t i = 0; i < shape.size(); ++i) {
      if (i > 0) out += ',';
      out += std::to_string(shape[i]);
    }
    out += "],\"dtype\":\"";
    out += dtypeName(w->value().dtype());
    out += "\"}";
  }
  out += ']';
  return out;
}
std::vector<Tensor> layerApply(Layer& l, const std::vector<Tensor>& xs, bool training) {
  return guard([&] {
    l.setCallArgs(nullptr);  // no keyword arguments this call
    return l.applyMany(xs, training);
  });
}
// Eager apply with masks (kwargs.mask); an undefined entry is an input without one.
std::vector<Tensor> layerApplyMasked(Layer& l, const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                     bool training) {
  return guard([&] {
    l.setCallArgs(nullptr);
    return l.applyMany(xs, training, masks);
  });
}
// layer.computeMask(inputs, mask): one entry per output, undefined = no mask.
std::vector<Tensor> layerComputeMask(Layer& l, const std::vector<Tensor>& xs, const std::vector<Tensor>& masks) {
  return guard([&] { return l.computeMask(xs, masks); });
}
SymbolicVector layerApplySymbolic(Layer& l, const SymbolicVector& xs) {
  return guard([&] { return l.applySymbolic(xs); });
}
// apply(inputs, kwargs) with keyword call arguments (the attention layers' useCausalMask,
// returnAttentionScores), as JSON: eager (masks may be empty) and symbolic.
std::vector<Tensor> layerApplyWithArgs(Layer& l, const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                       bool training, std::string argsJson) {
  return guard([&] {
    l.setCallArgs(parseJson(argsJson, "call arguments"));
    return l.applyMany(xs, training, masks);
  });
}
SymbolicVector layerApplySymbolicWithArgs(Layer& l, const SymbolicVector& xs, std::string argsJson) {
  return guard([&] { return l.applySymbolic(xs, parseJson(argsJson, "call arguments")); });
}
std::string layerShapesJson(const Layer& l) {
  return guard([&] {
    nlohmann::json in = nlohmann::json::array(), out = nlohmann::json::array();
    if (l.built()) {
      for (const auto& s : l.builtInputShapes()) in.push_back(shapeToJson(s));
      for (const auto& s : l.computeOutputShapes(l.builtInputShapes())) out.push_back(shapeToJson(s));
    }
    return nlohmann::json{{"inputShapes", in}, {"outputShapes", out}}.dump();
  });
}
void layerSetTrainable(Layer& l, bool t) { l.setTrainable(t); }
// tfjs's layer.weights / trainableWeights / nonTrainableWeights, as engine variables.
VariableVector layerWeightVariables(const Layer& l, int which) {
  return which == 0 ? l.weights() : which == 1 ? l.trainableWeights() : l.nonTrainableWeights();
}

// [[d, null, ...], ...] <-> shapes (null = unknown, -1 here).
std::string shapesToJson(const std::vector<Shape>& shapes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : shapes) out.push_back(shapeToJson(s));
  return out.dump();
}
std::vector<Shape> shapesFromJson(const std::string& text, const char* what) {
  nlohmann::json j = parseJson(text, what);
  WL_CHECK(j.is_array(), what << " must be a list of shapes, got " << j.dump());
  std::vector<Shape> out;
  for (const auto& s : j) out.push_back(parseShapeOption(s, what));
  return out;
}

std::string layerOutputShapes(const Layer& l, std::string shapesJson) {
  return guard([&] { return shapesToJson(l.computeOutputShapes(shapesFromJson(shapesJson, "computeOutputShape"))); });
}

// --- custom layers (JS subclasses of tf.layers.Layer) ----------------------------------
//
// `host` is the adapter js/src/layers.js makes for the JS layer object: its
// hostBuild/hostOutputShapes/hostCall/hostConfig methods never throw; each returns
// {value} or {error}. The hooks below hold it (so the JS object lives as long as
// the engine layer) and turn {error} into HostCallbackError.

val hostValue(val result) {
  val error = result["error"];
  if (!error.isUndefined()) throw HostCallbackError(error.as<std::string>());
  return result["value"];
}

// A call()'s tensors: JS reads the inputs and pushes the outputs by slot address.
struct HostCallSlot {
  std::vector<Tensor> inputs, outputs;
};
HostCallSlot* hostSlot(double slot) { return reinterpret_cast<HostCallSlot*>(static_cast<uintptr_t>(slot)); }

LayerPtr createHostLayer(std::string className, std::string configJson, val host) {
  return guard([&] {
    HostLayerHooks hooks;
    hooks.build = [host](const std::vector<Shape>& shapes) { hostValue(host.call<val>("hostBuild", shapesToJson(shapes))); };
    hooks.computeOutputShapes = [host](const std::vector<Shape>& shapes) {
      return shapesFromJson(hostValue(host.call<val>("hostOutputShapes", shapesToJson(shapes))).as<std::string>(),
                            "computeOutputShape() result");
    };
    hooks.call = [host](const std::vector<Tensor>& xs, bool training) {
      HostCallSlot slot{xs, {}};
      hostValue(host.call<val>("hostCall", static_cast<double>(reinterpret_cast<uintptr_t>(&slot)), training));
      return slot.outputs;
    };
    hooks.getConfig = [host]() {
      return parseJson(hostValue(host.call<val>("hostConfig")).as<std::string>(), "getConfig() result");
    };
    return LayerPtr(std::make_shared<HostLayer>(className, parseJson(configJson, "layer config"), std::move(hooks)));
  });
}

const HostLayer& asHost(const Layer& l) {
  auto* h = dynamic_cast<const HostLayer*>(&l);
  WL_CHECK(h != nullptr, "Layer " << l.name() << " (" << l.className() << ") is not a custom JS layer");
  return *h;
}

// Layer.addWeight(): returns the new weight's value (its storage, shared).
Tensor hostAddWeight(Layer& l, std::string name, val shape, std::string initializerJson, bool trainable,
                     std::string regularizerJson, std::string constraintJson) {
  return guard([&] {
    auto& h = const_cast<HostLayer&>(asHost(l));
    return h.addHostWeight(name, shapeFromJs(shape), parseJson(initializerJson, "addWeight initializer"), trainable,
                           parseJson(regularizerJson, "addWeight regularizer"),
                           parseJson(constraintJson, "addWeight constraint"))->value();
  });
}

// tfjs checks an initializer's options as it is made: tf.initializers.* call this.
void validateInitializerJs(std::string specJson) {
  guard([&] { validateInitializer(parseJson(specJson, "initializer"), "initializer"); });
}

Tensor initializeTensor(std::string specJson, val shape) {
  return guard([&] {
    nlohmann::json spec = parseJson(specJson, "initializer");
    validateInitializer(spec, "initializer");
    Shape s = shapeFromJs(shape);
    for (int64_t d : s) WL_CHECK(d >= 0, "Initializer.apply(): the shape must be fully defined, got " << shapeStr(s));
    return initialize(spec, s);
  });
}

// --- symbolic tensors and models ----------------------------------------------------

SymbolicTensor createInput(std::string configJson) {
  return guard([&] { return makeInput(parseJson(configJson, "tf.input")); });
}
val symbolicShape(const SymbolicTensor& s) { return shapeToJs(s.shape); }
std::string symbolicName(const SymbolicTensor& s) { return s.name; }
LayerPtr symbolicLayer(const SymbolicTensor& s) { return s.node->layer; }
// tfjs's SymbolicTensor.nodeIndex: which application of its layer made it.
int symbolicNodeIndex(const SymbolicTensor& s) { return s.node->layer->nodeIndex(s.node.get()); }
// tfjs's SymbolicTensor.callArgs: the keyword arguments its node was applied with.
std::string symbolicCallArgsJson(const SymbolicTensor& s) {
  return s.node && s.node->callArgs.is_object() ? s.node->callArgs.dump() : "{}";
}
// The inputs of the node that made it (tfjs's inboundNodes[k].inputTensors).
SymbolicVector symbolicNodeInputs(const SymbolicTensor& s) { return s.node->inputs; }
// The first output of each node reading this layer (tfjs's outboundNodes).
SymbolicVector layerOutboundNodes(const Layer& l) {
  SymbolicVector out;
  for (const auto& n : l.outboundNodes()) {
    SymbolicVector outs = n->layer->nodeOutputs(n->layer->nodeIndex(n.get()));
    if (!outs.empty()) out.push_back(outs[0]);
  }
  return out;
}

std::shared_ptr<Model> createModel(const SymbolicVector& inputs, const SymbolicVector& outputs, std::string configJson) {
  return guard([&] { return std::make_shared<Model>(inputs, outputs, parseJson(configJson, "tf.model")); });
}
std::shared_ptr<Sequential> createSequential(std::string configJson) {
  return guard([&] { return std::make_shared<Sequential>(parseJson(configJson, "model config")); });
}
void seqAdd(Sequential& m, Layer& layer) { guard([&] { m.add(layer.shared_from_this()); }); }
void seqPop(Sequential& m) { guard([&] { m.pop(); }); }
LayerVector seqStack(const Sequential& m) { return m.stack(); }
LayerVector modelLayers(const Model& m) { return m.layers(); }
// compile() with the user's functions: fns[k](yTrue, yPred) calls host.hostFn(k, slot)
// (js/src/models.js), which runs the JS function on the slot's two inputs and
// pushes its result, or returns {error}.
void modelSetHostFunctions(Model& m, val host, int count) {
  std::vector<LossFn> fns;
  for (int k = 0; k < count; ++k) {
    fns.push_back([host, k](const Tensor& yTrue, const Tensor& yPred) {
      HostCallSlot slot{{yTrue, yPred}, {}};
      hostValue(host.call<val>("hostFn", k, static_cast<double>(reinterpret_cast<uintptr_t>(&slot))));
      WL_CHECK(slot.outputs.size() == 1, "A loss or metric function must return one Tensor");
      return slot.outputs[0];
    });
  }
  m.setHostFunctions(std::move(fns));
}
void modelCompile(Model& m, std::string configJson) { guard([&] { m.compile(parseJson(configJson, "compile config")); }); }
void modelCompileWith(Model& m, std::string configJson, Optimizer& opt) {
  guard([&] { m.compile(parseJson(configJson, "compile config"), opt.shared_from_this()); });
}

// --- optimizers ----------------------------------------------------------------------

std::shared_ptr<Optimizer> createOptimizer(std::string specJson) {
  return guard([&] { return std::shared_ptr<Optimizer>(makeOptimizer(parseJson(specJson, "optimizer"))); });
}
std::string optimizerClassName(const Optimizer& o) { return o.className(); }
std::string optimizerConfig(const Optimizer& o) { return o.getConfig().dump(); }
double optimizerIterations(const Optimizer& o) { return static_cast<double>(o.iterations()); }
void optimizerApply(Optimizer& o, const std::vector<Tensor>& params, const std::vector<Tensor>& grads, val names) {
  guard([&] {
    std::vector<Tensor> ps = params;
    std::vector<std::string> ns;
    for (int i = 0, n = names["length"].as<int>(); i < n; ++i) ns.push_back(names[i].as<std::string>());
    for (size_t i = 0; i < ps.size(); ++i) {
      WL_CHECK(grads[i].shape() == ps[i].shape(), "applyGradients: the gradient for " << (i < ns.size() ? ns[i] : "") << " has shape "
                                                      << shapeStr(grads[i].shape()) << " but the variable has shape "
                                                      << shapeStr(ps[i].shape()));
    }
    o.applyGradients(ps, grads, ns);
  });
}
std::vector<Tensor> optimizerWeights(const Optimizer& o) {
  std::vector<Tensor> out;
  for (auto& [name, t] : o.getWeights()) out.push_back(t);
  return out;
}
val optimizerWeightNames(const Optimizer& o) {
  val out = val::array();
  for (auto& [name, t] : o.getWeights()) out.call<void>("push", name);
  return out;
}
void optimizerSetWeights(Optimizer& o, const std::vector<Tensor>& ws) { guard([&] { o.setWeights(ws); }); }
std::vector<Tensor> modelPredict(Model& m, const std::vector<Tensor>& xs) { return guard([&] { return m.predict(xs); }); }
// The small-call fast path (js/src/tensor.js, training.js): plain wasm exports that take
// and return raw addresses, so a tiny model's predict + dataSync + dispose crosses no
// Embind wrapper and makes no class handle (those were most of its cost; see small-predict
// in bench/run.mjs). A Tensor made here is `new`ed and owned by JS through its address until
// wl_tensor_delete(), or until adoptTensor() moves it into an ordinary handle. An exception
// is kept and the call returns 0; JS then calls rethrowLastError(), which throws it through
// guard() as any binding would.
std::exception_ptr& lastFastError() {
  static std::exception_ptr e;
  return e;
}
template <typename F>
uintptr_t fastCall(F&& f) {
  try {
    return f();
  } catch (...) {
    lastFastError() = std::current_exception();
    return 0;
  }
}
void rethrowLastError() {
  guard([&] {
    std::exception_ptr e = lastFastError();
    lastFastError() = nullptr;
    if (e) std::rethrow_exception(e);
    throw Error("rethrowLastError: no pending error");
  });
}
// The fast calls' scratch, shared with JS (tensor.js reads it as doubles): [id, size, dtype
// code, rank, address of the values to write, 1 if they need wl_tensor_commit, dims...] of
// the last tensor a fast call made; wl_tensor_new takes its shape's dims there. Ranks beyond
// kFastMetaRank take the tensor's meta() instead (JS sees rank < 0).
constexpr int kFastMetaRank = 16;
constexpr int kFastDims = 6;
double fastMeta[kFastDims + kFastMetaRank];
uintptr_t fastTensor(Tensor&& t) {
  fastMeta[0] = static_cast<double>(t.id());
  fastMeta[1] = static_cast<double>(t.size());
  fastMeta[2] = static_cast<double>(static_cast<int>(t.dtype()));
  fastMeta[3] = t.rank() <= kFastMetaRank ? t.rank() : -1;
  for (int i = 0; i < t.rank() && i < kFastMetaRank; ++i) fastMeta[kFastDims + i] = static_cast<double>(t.shape()[i]);
  return reinterpret_cast<uintptr_t>(new Tensor(std::move(t)));
}
// An ordinary handle for a tensor a fast call made (the address is spent).
Tensor adoptTensor(double address) {
  std::unique_ptr<Tensor> t(reinterpret_cast<Tensor*>(static_cast<uintptr_t>(address)));
  return std::move(*t);
}
double addressOf(const void* p) { return static_cast<double>(reinterpret_cast<uintptr_t>(p)); }
// The weights a load is writing (wl_weights_begin .. wl_weights_end).
std::vector<std::shared_ptr<Variable>>& loadTargets() {
  static std::vector<std::shared_ptr<Variable>> targets;
  return targets;
}
// IEEE half bits -> float32 (exact: every half is a float), as weights.js's float16ToFloat32.
float halfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16, e = (h >> 10) & 0x1F, f = h & 0x3FF;
  uint32_t bits;
  if (e == 0x1F) {
    bits = sign | 0x7F800000u | (f << 13);  // inf, NaN
  } else if (e != 0) {
    bits = sign | ((e + 112) << 23) | (f << 13);  // normal: rebias 15 -> 127
  } else {
    const float v = static_cast<float>(f) * (1.0f / 16777216.0f);  // subnormal: f * 2^-24, exact
    return sign ? -v : v;
  }
  float out;
  std::memcpy(&out, &bits, sizeof(out));
  return out;
}
const Tensor& loadTarget(int index) {
  WL_CHECK(index >= 0 && static_cast<size_t>(index) < loadTargets().size(), "weight load: no weight " << index);
  return loadTargets()[static_cast<size_t>(index)]->value();
}
}  // namespace
}  // namespace wl

extern "C" {
EMSCRIPTEN_KEEPALIVE double* wl_fast_meta() { return wl::fastMeta; }
// One input, one output (Model::predict); 0 on error.
EMSCRIPTEN_KEEPALIVE uintptr_t wl_predict_one(wl::Model* m, const wl::Tensor* x) {
  return wl::fastCall([&] {
    std::vector<wl::Tensor> outs = m->predict({*x});
    WL_CHECK(outs.size() == 1, "predict: model " << m->name() << " has " << outs.size() << " outputs");
    return wl::fastTensor(std::move(outs[0]));
  });
}
// The address of the tensor's values in host bytes (its own, or the staging buffer
// tensorReadView uses); valid until the next engine call. 0 on error (JS skips size 0).
EMSCRIPTEN_KEEPALIVE uintptr_t wl_tensor_read(const wl::Tensor* t) {
  return wl::fastCall([&] { return reinterpret_cast<uintptr_t>(wl::readableValues(*t)); });
}
EMSCRIPTEN_KEEPALIVE void wl_tensor_delete(wl::Tensor* t) { delete t; }
// tf.tensor(): a tensor of the dims in the scratch, whose values JS then writes at the
// address the scratch gives (createTensor + writeView in one call); 0 on error.
EMSCRIPTEN_KEEPALIVE uintptr_t wl_tensor_new(int dtype, int rank) {
  using namespace wl;
  return fastCall([&] {
    WL_CHECK(rank >= 0 && rank <= kFastMetaRank && dtype >= 0 && dtype <= static_cast<int>(DType::Bool),
             "wl_tensor_new: rank " << rank << ", dtype " << dtype);
    Shape shape(static_cast<size_t>(rank));
    for (int i = 0; i < rank; ++i) shape[i] = static_cast<int64_t>(fastMeta[kFastDims + i]);
    Tensor t = Tensor::empty(shape, static_cast<DType>(dtype));  // JS writes every value
    fastMeta[4] = addressOf(writableValues(t));
    fastMeta[5] = t.storage().memory().isHost() ? 0 : 1;
    return fastTensor(std::move(t));
  });
}
// Moves the values JS wrote to the staging buffer into the tensor's memory; 0 on error.
EMSCRIPTEN_KEEPALIVE int wl_tensor_commit(const wl::Tensor* t) {
  return static_cast<int>(wl::fastCall([&] {
    wl::commitValues(*t);
    return 1;
  }));
}
// A load's weight values (model_io.js loadNamedWeights) without a handle per weight:
// wl_weights_begin(model) takes its weights() (weightInfo's order); then for each
// weight written, wl_weight_target(i) gives the address to write its values at and
// wl_weight_commit(i) moves them into the weight's memory where that is not the host's
// (as tensor.writeView() + commit()); wl_weights_end() lets them go. 0 on error.
EMSCRIPTEN_KEEPALIVE int wl_weights_begin(const wl::Model* m) {
  return static_cast<int>(wl::fastCall([&] {
    wl::loadTargets() = m->weights();
    return 1;
  }));
}
EMSCRIPTEN_KEEPALIVE uintptr_t wl_weight_target(int index) {
  return wl::fastCall([&] { return reinterpret_cast<uintptr_t>(wl::writableValues(wl::loadTarget(index))); });
}
EMSCRIPTEN_KEEPALIVE int wl_weight_commit(int index) {
  return static_cast<int>(wl::fastCall([&] {
    wl::commitValues(wl::loadTarget(index));
    return 1;
  }));
}
EMSCRIPTEN_KEEPALIVE void wl_weights_end() { wl::loadTargets().clear(); }
// After a load: as tfjs's loadWeights (LayerVariable.write), weights with constraints are constrained.
EMSCRIPTEN_KEEPALIVE int wl_weights_constrain(wl::Model* m) {
  return static_cast<int>(wl::fastCall([&] {
    m->applyConstraints();
    return 1;
  }));
}
// Dequantizes n float32 values in place at dst (a wl_weight_target address): JS has put
// their encodings (tfjs-converter's: kind 0 uint8, 1 uint16, 2 float16 bits) at the end of
// those 4n bytes. Written forward, each float lands only on bytes already read. As tfjs:
// uint8/uint16 are v * scale + min in float64 rounded to float32, float16 exact. A JS loop
// was 40% of loading a uint8 MobileNetV2. 0 on error.
EMSCRIPTEN_KEEPALIVE int wl_weight_dequantize(uintptr_t dst, int n, int kind, double scale, double min) {
  return static_cast<int>(wl::fastCall([&] {
    WL_CHECK(dst != 0 && dst % 4 == 0 && n >= 0 && kind >= 0 && kind <= 2,
             "wl_weight_dequantize: address " << dst << ", " << n << " values, kind " << kind);
    float* out = reinterpret_cast<float*>(dst);
    const size_t count = static_cast<size_t>(n);
    if (kind == 0) {
      const uint8_t* in = reinterpret_cast<const uint8_t*>(dst) + 3 * count;
      for (size_t i = 0; i < count; ++i) out[i] = static_cast<float>(in[i] * scale + min);
    } else {
      const uint16_t* in = reinterpret_cast<const uint16_t*>(dst + 2 * count);
      if (kind == 1) {
        for (size_t i = 0; i < count; ++i) out[i] = static_cast<float>(in[i] * scale + min);
      } else {
        for (size_t i = 0; i < count; ++i) out[i] = wl::halfToFloat(in[i]);
      }
    }
    return 1;
  }));
}
}

namespace wl {
namespace {
val floatsToJs(const std::vector<float>& v) {
  val out = val::array();
  for (float f : v) out.call<void>("push", static_cast<double>(f));
  return out;
}
// One training step; its logs as one tensor the caller reads (and deletes).
Tensor modelTrainOnBatch(Model& m, const std::vector<Tensor>& xs, const std::vector<Tensor>& ys) {
  return guard([&] { return m.trainStep(xs, ys); });
}
Tensor modelTrainOnBatchWeighted(Model& m, const std::vector<Tensor>& xs, const std::vector<Tensor>& ys,
                                 const std::vector<Tensor>& ws) {
  return guard([&] { return m.trainStep(xs, ys, ws); });
}
val modelEvaluateBatch(Model& m, const std::vector<Tensor>& xs, const std::vector<Tensor>& ys) {
  return floatsToJs(guard([&] { return m.evaluateBatch(xs, ys); }));
}
val modelEvaluateBatchWeighted(Model& m, const std::vector<Tensor>& xs, const std::vector<Tensor>& ys,
                               const std::vector<Tensor>& ws) {
  return floatsToJs(guard([&] { return m.evaluateBatch(xs, ys, ws); }));
}
void modelCheckData(const Model& m, const std::vector<Tensor>& xs, const std::vector<Tensor>& ys) {
  guard([&] {
    m.checkInputs(xs);
    if (!ys.empty() || m.outputs().empty()) m.checkTargets(xs, ys);
  });
}
void modelCheckInputs(const Model& m, const std::vector<Tensor>& xs) { guard([&] { m.checkInputs(xs); }); }
std::vector<Tensor> modelGetWeights(const Model& m) { return m.getWeights(); }
void modelSetWeights(Model& m, const std::vector<Tensor>& ws) { guard([&] { m.setWeights(ws); }); }
std::string modelInfo(const Model& m) {
  return guard([&] {
    nlohmann::json ins = nlohmann::json::array(), outs = nlohmann::json::array();
    for (const auto& i : m.inputs()) ins.push_back({{"name", i.name}, {"shape", shapeToJson(i.shape)}});
    for (const auto& o : m.outputs()) outs.push_back({{"name", o.name}, {"shape", shapeToJson(o.shape)}});
    return nlohmann::json{{"inputs", ins}, {"outputs", outs}, {"inputNames", m.inputNames()},
                          {"outputNames", m.outputNames()}, {"metricsNames", m.metricsNames()},
                          {"compiled", m.compiled()}}
        .dump();
  });
}

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
      .function("readView", &tensorReadView)
      .function("writeView", &tensorWriteView)
      .function("commit", &tensorCommit)
      .function("onHost", &tensorOnHost)
      .function("memoryName", &tensorBackendMemory)
      .function("meta", &tensorMeta)
      .function("address", optional_override([](const Tensor& t) { return addressOf(&t); }))
      .function("reshape", &tensorReshape)
      .function("defined", optional_override([](const Tensor& t) { return t.defined(); }));
  // A no-tensor placeholder in a TensorVector (a missing mask).
  function("undefinedTensor", optional_override([]() { return Tensor(); }));
  function("createTensor", &createTensor);
  function("adoptTensor", &adoptTensor);
  function("rethrowLastError", &rethrowLastError);
  function("gatherRows", &tensorGatherRows);
  function("memory", &memory);
  function("runOp", &runOp);
  function("customGradDy", &customGradDy);
  function("customGradPush", &customGradPush);
  function("recordCustomGrad", &recordCustomGrad);
  function("tapeActive", &tapeActive);
  class_<PausedTape>("PausedTape").constructor<>();
  function("opNames", &opNames);
  function("assignInPlace", &variableAssign);
  function("readAsyncStart", &readAsyncStart);
  function("readAsyncPoll", &readAsyncPoll);
  function("readAsyncTake", &readAsyncTake);
  function("backendNames", &backendNames);
  function("backendInfo", &backendInfo);
  function("transferStats", &transferStatsJs);
  // The engine's thread pool (core/thread_pool.h): tf.setThreadsCount / getThreadsCount.
  function("threadsSupported", optional_override([]() { return threadsSupported(); }));
  function("threadsCount", optional_override([]() { return threadsCount(); }));
  function("setThreadsCount", optional_override([](int n) { guard([&] { setThreadsCount(n); }); }));
  // "" once backend "webgl" is registered (a WebGL2 context was created), else why not.
  function("registerWebGLBackend", optional_override([]() -> std::string {
#ifdef WL_WEBGL
             return guard([&] {
               std::string why;
               return registerWebGLBackend(&why) ? std::string() : (why.empty() ? std::string("unknown reason") : why);
             });
#else
             return std::string("this build has no webgl backend (CMake option WL_WEBGL)");
#endif
           }));
  function("webglStats", optional_override([]() {
             val o = val::object();
#ifdef WL_WEBGL
             WebGLStats st = webglStats();
             o.set("texturesCreated", static_cast<double>(st.texturesCreated));
             o.set("texturesReused", static_cast<double>(st.texturesReused));
             o.set("texturesPooled", static_cast<double>(st.texturesPooled));
             o.set("programsCompiled", static_cast<double>(st.programsCompiled));
             o.set("programHits", static_cast<double>(st.programHits));
             o.set("passes", static_cast<double>(st.passes));
             o.set("packedReads", static_cast<double>(st.packedReads));
             o.set("readsPacked", webglReadsPacked());
             o.set("renderer", webglRenderer());
#endif
             return o;
           }));
  // Tests: reads take the packed path (RGBA32UI, 4 values a texel) on any driver.
  function("webglForcePackedReads", optional_override([](bool on) {
#ifdef WL_WEBGL
             webglForcePackedReads(on);
#endif
           }));
  // Benchmarks: per-pass GPU times by kernel (bench/browser.mjs --profile).
  function("webglProfile", optional_override([](bool on) {
#ifdef WL_WEBGL
             webglProfile(on);
#endif
           }));
  function("webglProfileReport", optional_override([]() {
#ifdef WL_WEBGL
             return webglProfileReport();
#else
             return std::string();
#endif
           }));
  function("registerTestBackend", optional_override([](std::string name, std::string omit) {
             guard([&] {
               std::vector<std::string> ops;
               for (size_t at = 0; at < omit.size();) {
                 size_t comma = omit.find(',', at);
                 if (comma == std::string::npos) comma = omit.size();
                 if (comma > at) ops.push_back(omit.substr(at, comma - at));
                 at = comma + 1;
               }
               registerAsyncTestBackend(name, ops);
             });
           }));
  function("removeBackend", optional_override([](std::string name) { guard([&] { BackendRegistry::instance().remove(name); }); }));
  function("cloneTensor", &cloneTensor);
  class_<GradientTape>("GradientTape")
      .constructor<>()
      .function("gradient", &tapeGradient)
      .function("connected", &tapeConnected);
  class_<Variable>("EngineVariable")
      .smart_ptr<VariablePtr>("EngineVariablePtr")
      .function("name", optional_override([](const Variable& v) { return v.name(); }))
      .function("value", optional_override([](const Variable& v) { return v.value(); }))
      .function("uid", optional_override([](const Variable& v) { return static_cast<double>(reinterpret_cast<uintptr_t>(&v)); }))
      .function("trainable", &Variable::trainable)
      .function("setTrainable", &Variable::setTrainable);
  register_vector<VariablePtr>("VariableVector");
  function("liveVariables", &liveVariables);
  function("activeBackend", optional_override([]() { return activeBackend(); }));
  function("setBackend", optional_override([](std::string name) { guard([&] { setBackend(name); }); }));

  register_vector<LayerPtr>("LayerVector");
  register_vector<SymbolicTensor>("SymbolicVector");
  class_<Layer>("Layer")
      .smart_ptr<LayerPtr>("LayerPtr")
      .function("name", &layerName)
      .function("className", &layerClassName)
      .function("uid", optional_override([](const Layer& l) { return static_cast<double>(reinterpret_cast<uintptr_t>(&l)); }))
      .function("configJson", &layerConfig)
      .function("countParams", &layerCountParams)
      .function("built", &Layer::built)
      .function("trainable", &Layer::trainable)
      .function("setTrainable", &layerSetTrainable)
      .function("weightVariables", &layerWeightVariables)
      .function("numInboundNodes", optional_override([](const Layer& l) { return static_cast<int>(l.numInboundNodes()); }))
      .function("nodeOutputs", optional_override([](const Layer& l, int k) { return l.nodeOutputs(static_cast<size_t>(k)); }))
      .function("outboundNodes", &layerOutboundNodes)
      .function("getWeights", &layerGetWeights)
      .function("setWeights", &layerSetWeights)
      .function("weightInfo", &layerWeightInfo)
      .function("shapesJson", &layerShapesJson)
      .function("apply", &layerApply)
      .function("applySymbolic", &layerApplySymbolic)
      .function("applyMasked", &layerApplyMasked)
      .function("applyWithArgs", &layerApplyWithArgs)
      .function("applySymbolicWithArgs", &layerApplySymbolicWithArgs)
      .function("resetStates", &layerResetStates)
      .function("states", &layerStatesOf)
      .function("computeMask", &layerComputeMask)
      .function("supportsMasking", &Layer::supportsMasking)
      .function("outputShapesJson", &layerOutputShapes)
      .function("isHost", optional_override([](const Layer& l) { return dynamic_cast<const HostLayer*>(&l) != nullptr; }))
      .function("baseConfigJson", optional_override([](const Layer& l) {
        return guard([&] { return asHost(l).baseConfig().dump(); });
      }))
      .function("addWeight", &hostAddWeight);
  function("createLayer", &createLayer);
  function("createWrapper", &createWrapper);
  function("createBidirectional", &createBidirectional);
  function("createWithCells", &createWithCellLayers);
  function("createHostLayer", &createHostLayer);
  function("hostSlotSize", optional_override([](double slot) { return static_cast<int>(hostSlot(slot)->inputs.size()); }));
  function("hostSlotInput", optional_override([](double slot, int i) { return guard([&] { return hostSlot(slot)->inputs.at(i); }); }));
  function("hostSlotPush", optional_override([](double slot, const Tensor& t) {
    guard([&] {
      WL_CHECK(t.defined(), "call() returned a disposed tensor");
      hostSlot(slot)->outputs.push_back(t);
    });
  }));
  function("setFastWeightInit", &setFastWeightInit);
  function("initializeTensor", &initializeTensor);
  function("validateInitializer", &validateInitializerJs);
  function("layerClassNames", optional_override([]() {
    val out = val::array();
    for (const auto& n : LayerRegistry::instance().classNames()) out.call<void>("push", n);
    return out;
  }));

  class_<SymbolicTensor>("SymbolicTensor")
      .function("shape", &symbolicShape)
      .function("name", &symbolicName)
      .function("dtype", optional_override([](const SymbolicTensor& s) {
                  // tf.input's dtype on its tensor; a layer's output is float32.
                  auto* in = s.node ? dynamic_cast<InputLayer*>(s.node->layer.get()) : nullptr;
                  return in != nullptr && !in->dtype().empty() ? in->dtype() : std::string("float32");
                }))
      .function("layer", &symbolicLayer)
      .function("nodeIndex", &symbolicNodeIndex)
      .function("callArgsJson", &symbolicCallArgsJson)
      .function("tensorIndex", optional_override([](const SymbolicTensor& s) { return s.index; }))
      .function("nodeInputs", &symbolicNodeInputs);
  function("createInput", &createInput);

  class_<Model, base<Layer>>("Model")
      .smart_ptr<std::shared_ptr<Model>>("ModelPtr")
      .function("layers", &modelLayers)
      .function("inputSymbols", optional_override([](const Model& m) { return m.inputs(); }))
      .function("outputSymbols", optional_override([](const Model& m) { return m.outputs(); }))
      .function("compile", &modelCompile)
      .function("compileWith", &modelCompileWith)
      .function("setHostFunctions", &modelSetHostFunctions)
      .function("predict", &modelPredict)
      .function("address", optional_override([](const Model& m) { return addressOf(&m); }))
      .function("numOutputs", optional_override([](const Model& m) { return static_cast<int>(m.outputs().size()); }))
      .function("executeTo", optional_override([](Model& m, const std::vector<Tensor>& xs, val names) {
        return guard([&] {
          std::vector<std::string> ns;
          for (int i = 0, n = names["length"].as<int>(); i < n; ++i) ns.push_back(names[i].as<std::string>());
          return m.executeTo(xs, ns);
        });
      }))
      .function("trainOnBatch", &modelTrainOnBatch)
      .function("trainOnBatchWeighted", &modelTrainOnBatchWeighted)
      .function("getOptimizer", optional_override([](const Model& m) {
        return guard([&] {
          WL_CHECK(m.optimizer() != nullptr, "The model is not compiled");
          return m.optimizerShared();
        });
      }))
      .function("setOptimizerWeights", optional_override([](Model& m, std::string namesJson,
                                                            const std::vector<Tensor>& values) {
        guard([&] {
          WL_CHECK(m.optimizer() != nullptr, "The model is not compiled");
          m.optimizer()->setWeightsByName(m.trainableWeights(),
                                          parseJson(namesJson, "optimizer weight names").get<std::vector<std::string>>(),
                                          values);
        });
      }))
      .function("evaluateBatch", &modelEvaluateBatch)
      .function("evaluateBatchWeighted", &modelEvaluateBatchWeighted)
      .function("checkData", &modelCheckData)
      .function("checkInputs", &modelCheckInputs)
      .function("getModelWeights", &modelGetWeights)
      .function("setModelWeights", &modelSetWeights)
      .function("infoJson", &modelInfo)
      .function("optimizerJson", optional_override([](const Model& m) {
        return guard([&] {
          WL_CHECK(m.optimizer() != nullptr, "The model is not compiled");
          return nlohmann::json{{"className", m.optimizer()->className()}, {"config", m.optimizer()->getConfig()}}.dump();
        });
      }));
  function("createModel", &createModel);
  class_<Sequential, base<Model>>("Sequential")
      .smart_ptr<std::shared_ptr<Sequential>>("SequentialPtr")
      .function("add", &seqAdd)
      .function("pop", &seqPop)
      .function("stack", &seqStack);
  function("createSequential", &createSequential);
  class_<Optimizer>("Optimizer")
      .smart_ptr<std::shared_ptr<Optimizer>>("OptimizerPtr")
      .function("className", &optimizerClassName)
      .function("configJson", &optimizerConfig)
      .function("iterations", &optimizerIterations)
      .function("learningRate", &Optimizer::learningRate)
      .function("setLearningRate", optional_override([](Optimizer& o, double lr) {
        guard([&] {
          WL_CHECK(lr >= 0, "learningRate must be >= 0, got " << lr);
          o.setLearningRate(lr);
        });
      }))
      .function("applyGradients", &optimizerApply)
      .function("getWeights", &optimizerWeights)
      .function("weightNames", &optimizerWeightNames)
      .function("setWeights", &optimizerSetWeights);
  function("createOptimizer", &createOptimizer);
}

// libFuzzer target for the engine side of the model loader: the layer configs of
// model.json (as js/src/serialization.js hands them to LayerRegistry::create),
// their input shapes and weight bytes. Input: a JSON document
//   {"layers": [{"class_name": "Dense", "config": {...}}, ...], "input_shape": [null, 4]}
// followed, after a NUL byte, by raw float32 weight data written into the weights.
// Every outcome must be a result or a wl::Error (or a JSON parse error): ASan and
// UBSan report anything else. Built with -DWL_FUZZ=ON (clang; see CMakeLists.txt).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

#include "core/tensor.h"
#include "layers/layer.h"
#include "layers/variable.h"

using namespace wl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const uint8_t* nul = static_cast<const uint8_t*>(std::memchr(data, 0, size));
  const size_t jsonBytes = nul ? static_cast<size_t>(nul - data) : size;
  nlohmann::json doc = nlohmann::json::parse(data, data + jsonBytes, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("layers") || !doc["layers"].is_array()) return 0;
  const uint8_t* weightBytes = nul ? nul + 1 : data + size;
  size_t weightLeft = static_cast<size_t>(data + size - weightBytes);
  const MemoryStats before = memoryStats();
  try {
    Shape shape;
    const auto& s = doc.value("input_shape", nlohmann::json::array({nullptr, 4}));
    if (!s.is_array() || s.size() > 6) return 0;
    for (const auto& d : s) shape.push_back(d.is_number_integer() ? d.get<int64_t>() : -1);
    // Keep the runs short: small inputs only (large ones are checked, just slow to fill).
    Shape batch = shape;
    if (!batch.empty()) batch[0] = 1;
    for (int64_t d : batch) {
      if (d < 0 || d > 64) return 0;
    }
    if (shapeSize(batch) > 4096) return 0;
    Tensor x = Tensor::zeros(batch);
    setFastWeightInit(true);  // as when loading: weights come from the bytes below
    for (const auto& entry : doc["layers"]) {
      if (!entry.is_object() || !entry.contains("class_name") || !entry["class_name"].is_string()) break;
      const nlohmann::json config = entry.contains("config") ? entry["config"] : nlohmann::json::object();
      auto layer = LayerRegistry::instance().create(entry["class_name"].get<std::string>(), config);
      layer->ensureBuilt(x.shape());
      for (auto& w : layer->weights()) {
        Tensor& v = w->mutableValue();
        const size_t n = std::min(weightLeft, static_cast<size_t>(v.size()) * 4);
        std::memcpy(v.data<void>(), weightBytes, n);
        // Past the input's bytes: zeros (fast init leaves the rest unset).
        std::memset(static_cast<char*>(v.data<void>()) + n, 0, static_cast<size_t>(v.size()) * 4 - n);
        weightBytes += n;
        weightLeft -= n;
      }
      // Legitimate but slow workloads (a 267k-filter transposed conv under ASan) are
      // not findings: stop before running a layer with large weights or output.
      int64_t weightElements = 0;
      for (auto& w : layer->weights()) weightElements += w->value().size();
      Shape out = layer->computeOutputShape(x.shape());
      if (weightElements > (1 << 16) || out.size() > 6) break;
      bool small = true;
      int64_t outElements = 1;
      for (int64_t d : out) {
        if (d > (1 << 16)) small = false;
        outElements *= d < 0 ? 1 : std::min<int64_t>(d, 1 << 16);
      }
      if (!small || outElements > (1 << 16)) break;
      x = layer->apply(x, /*training=*/false);
    }
  } catch (const std::exception&) {
    // wl::Error and nlohmann's type errors are the clean outcomes.
  }
  setFastWeightInit(false);
  // Everything made above is gone again: a leak is a finding too.
  if (memoryStats().numTensors != before.numTensors || memoryStats().numBytes != before.numBytes) __builtin_trap();
  return 0;
}

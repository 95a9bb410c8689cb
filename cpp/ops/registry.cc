#include "ops/registry.h"

#include "core/tape.h"

#include <cmath>

#include "core/error.h"
#include "core/json_numbers.h"

namespace wl {

int64_t Attrs::getInt(const char* key) const {
  WL_CHECK(has(key), op_ << ": the option '" << key << "' is required");
  const auto& v = j_[key];
  WL_CHECK(isInt64Number(v), op_ << ": the option '" << key << "' must be an integer, got " << v.dump());
  return v.is_number_integer() ? v.get<int64_t>() : static_cast<int64_t>(v.get<double>());
}

double Attrs::getFloat(const char* key) const {
  WL_CHECK(has(key), op_ << ": the option '" << key << "' is required");
  const auto& v = j_[key];
  WL_CHECK(v.is_number(), op_ << ": the option '" << key << "' must be a number, got " << v.dump());
  return v.get<double>();
}

bool Attrs::getBool(const char* key, bool dflt) const {
  if (!has(key)) return dflt;
  const auto& v = j_[key];
  WL_CHECK(v.is_boolean(), op_ << ": the option '" << key << "' must be true or false, got " << v.dump());
  return v.get<bool>();
}

std::string Attrs::getString(const char* key, const std::string& dflt) const {
  if (!has(key)) return dflt;
  const auto& v = j_[key];
  WL_CHECK(v.is_string(), op_ << ": the option '" << key << "' must be a string, got " << v.dump());
  return v.get<std::string>();
}

std::vector<int64_t> Attrs::getInts(const char* key) const {
  WL_CHECK(has(key), op_ << ": the option '" << key << "' is required");
  const auto& v = j_[key];
  std::vector<int64_t> out;
  auto one = [&](const nlohmann::json& e) {
    WL_CHECK(isInt64Number(e), op_ << ": the option '" << key << "' must hold integers, got " << v.dump());
    out.push_back(e.is_number_integer() ? e.get<int64_t>() : static_cast<int64_t>(e.get<double>()));
  };
  if (v.is_array()) {
    for (const auto& e : v) one(e);
  } else {
    one(v);
  }
  return out;
}

std::vector<int> Attrs::getAxes(const char* key) const {
  std::vector<int> axes;
  if (!has(key)) return axes;
  for (int64_t a : getInts(key)) axes.push_back(static_cast<int>(a));
  return axes;
}

OpRegistry& OpRegistry::instance() {
  static OpRegistry registry;
  return registry;
}

void OpRegistry::add(const std::string& name, int numInputs, OpFn fn) {
  WL_CHECK(!ops_.count(name), "The op '" << name << "' is already registered");
  ops_[name] = {numInputs, std::move(fn)};
}

std::vector<Tensor> OpRegistry::run(const std::string& name, const std::vector<Tensor>& inputs,
                                    const nlohmann::json& attrs) const {
  auto it = ops_.find(name);
  WL_CHECK(it != ops_.end(), "Unknown op '" << name << "'");
  WL_CHECK(it->second.numInputs < 0 || static_cast<int>(inputs.size()) == it->second.numInputs,
           name << ": expected " << it->second.numInputs << " tensor input(s), got " << inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    WL_CHECK(inputs[i].defined(), name << ": input " << i << " is undefined (was it disposed?)");
  }
  std::vector<Tensor> outs = it->second.fn(inputs, Attrs(name, attrs));
  // An op that returns an input itself (a reshape to the same shape, a squeeze of
  // nothing) still gives the caller a new tensor, as tfjs does: it shares the data
  // but not the identity, so a later in-place write to the input (variable.assign,
  // an optimizer step) copies on write and leaves this one as it was.
  for (Tensor& out : outs) {
    for (const Tensor& in : inputs) {
      if (!out.defined() || out.id() != in.id()) continue;
      Tensor x = in;
      out = x.view(x.shape());
      if (x.dtype() == DType::Float32) {
        recordOp("Identity", {x}, out, [](const Tensor& dy) -> std::vector<Tensor> { return {dy}; });
      }
      break;
    }
  }
  return outs;
}

std::vector<std::string> OpRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& kv : ops_) out.push_back(kv.first);
  return out;
}

}  // namespace wl

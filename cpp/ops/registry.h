// Op registry: every public op by its tfjs name ("conv2d", "add", ...), so the
// bindings expose them all through one entry point (runOp) and JS needs only a
// table of argument names (js/src/ops/*.js).
//
// An op entry takes its tensor inputs and its attributes (the tfjs options, as
// JSON with tfjs's names: {"axis": 1, "keepDims": true}) and returns its outputs.
// To add one: define the op in cpp/ops/<family>.cc and register it at the bottom
// with WL_REGISTER_OP("name", fn).
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace wl {

// Typed access to op attributes; errors name the op and the attribute.
class Attrs {
 public:
  Attrs(std::string op, nlohmann::json j) : op_(std::move(op)), j_(std::move(j)) {}
  bool has(const char* key) const { return j_.is_object() && j_.contains(key) && !j_[key].is_null(); }
  int64_t getInt(const char* key) const;
  int64_t getInt(const char* key, int64_t dflt) const { return has(key) ? getInt(key) : dflt; }
  double getFloat(const char* key) const;
  double getFloat(const char* key, double dflt) const { return has(key) ? getFloat(key) : dflt; }
  bool getBool(const char* key, bool dflt) const;
  std::string getString(const char* key, const std::string& dflt) const;
  std::vector<int64_t> getInts(const char* key) const;  // a number becomes a one-element list
  std::vector<int64_t> getInts(const char* key, std::vector<int64_t> dflt) const {
    return has(key) ? getInts(key) : dflt;
  }
  std::vector<int> getAxes(const char* key) const;  // [] when absent (= all axes)
  const nlohmann::json& json() const { return j_; }
  const std::string& op() const { return op_; }

 private:
  std::string op_;
  nlohmann::json j_;
};

using OpFn = std::function<std::vector<Tensor>(const std::vector<Tensor>& inputs, const Attrs& attrs)>;

class OpRegistry {
 public:
  static OpRegistry& instance();
  void add(const std::string& name, int numInputs, OpFn fn);  // numInputs -1: any
  std::vector<Tensor> run(const std::string& name, const std::vector<Tensor>& inputs,
                          const nlohmann::json& attrs) const;
  bool has(const std::string& name) const { return ops_.count(name) != 0; }
  std::vector<std::string> names() const;

 private:
  struct Entry {
    int numInputs;
    OpFn fn;
  };
  std::map<std::string, Entry> ops_;
};

}  // namespace wl

#define WL_REGISTER_OP(name, numInputs, fn)                             \
  static const bool WL_CONCAT_(wl_op_registered_, __LINE__) =           \
      (::wl::OpRegistry::instance().add(name, numInputs, fn), true)

#ifndef WL_CONCAT_
#define WL_CONCAT_INNER_(a, b) a##b
#define WL_CONCAT_(a, b) WL_CONCAT_INNER_(a, b)
#endif

// Whole-number checks on JSON numbers, made before any cast: casting a double beyond the
// target type's range is undefined behaviour (UBSan flags it; WebAssembly saturates), so a
// model file's poolSize of 2.2e24 must fail the check, not reach the cast.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

namespace wl {

// Whether v is a number holding a whole value of magnitude below `bound`.
inline bool isWholeNumber(const nlohmann::json& v, double bound) {
  if (!v.is_number()) return false;
  const double d = v.get<double>();
  return std::isfinite(d) && d == std::floor(d) && std::fabs(d) < bound;
}
// ... that an int64_t holds.
inline bool isInt64Number(const nlohmann::json& v) { return isWholeNumber(v, 9.2e18); }
// ... that an int holds (INT_MIN itself aside).
inline bool isIntNumber(const nlohmann::json& v) {
  return isWholeNumber(v, static_cast<double>(std::numeric_limits<int>::max()) + 1.0);
}

}  // namespace wl

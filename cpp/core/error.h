// Error: the one exception type of the engine. Its message reaches JavaScript
// unchanged as Error.message, so it must name the problem (option, shape, dtype).
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace wl {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace wl

// WL_CHECK(cond, "message " << value): throws wl::Error when cond is false.
#define WL_CHECK(cond, msg)                     \
  do {                                          \
    if (!(cond)) {                              \
      std::ostringstream wl_check_os_;          \
      wl_check_os_ << msg;                      \
      throw ::wl::Error(wl_check_os_.str());    \
    }                                           \
  } while (0)

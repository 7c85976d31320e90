#include "common/check.h"

#include <cstdio>
#include <cstdlib>

namespace ferry::detail {

void check_failed(const char* expr, const char* msg, const char* file, int line) {
  std::fprintf(stderr, "FATAL: %s:%d: check '%s' failed: %s\n", file, line, expr, msg);
  std::fflush(stderr);
  std::abort();
}

}  // namespace ferry::detail

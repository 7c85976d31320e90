// Invariant checks (STYLE.md, Envoy's taxonomy).
//
// FERRY_CHECK(cond, msg): always on. Use where continuing would corrupt data or where a library
//   call that cannot fail in practice failed. Aborts with file, line and message.
// FERRY_ASSERT(cond): debug builds only, for provable internal invariants.
// Never use either on network or disk input: that is an InvalidArgument or Corruption error.
#pragma once

namespace ferry::detail {
[[noreturn]] void check_failed(const char* expr, const char* msg, const char* file, int line);
}  // namespace ferry::detail

#define FERRY_CHECK(cond, msg)                                                \
  do {                                                                        \
    if (!(cond)) ::ferry::detail::check_failed(#cond, msg, __FILE__, __LINE__); \
  } while (0)

#ifndef NDEBUG
#define FERRY_ASSERT(cond) FERRY_CHECK(cond, "assertion failed")
#else
#define FERRY_ASSERT(cond) \
  do {                     \
  } while (0)
#endif

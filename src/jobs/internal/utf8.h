// ferry::jobs::internal — UTF-8 helpers: task texts (worker ids, log lines, error messages)
// end up in JSON, which must be valid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace ferry::jobs::internal {

// Structural check: lead and continuation bytes, no overlong 2-byte forms, no lead byte above
// U+10FFFF's.
bool is_valid_utf8(std::string_view s);

// `s` with every invalid byte replaced by U+FFFD.
std::string sanitize_utf8(std::string_view s);

}  // namespace ferry::jobs::internal

// Times as PBS writes them: epoch seconds (i64) on the wire, RFC 3339 in text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ferry {

// "2024-06-05T14:24:36Z". InvalidArgument when the year is outside 0..9999.
Result<std::string> format_rfc3339_utc(int64_t epoch);

// Local time with numeric offset: "2024-06-05T16:24:36+02:00".
std::string format_rfc3339_local(int64_t epoch);

// Parses RFC 3339 ("2024-06-05T14:24:36Z", "...+02:00", optional fraction, which is dropped;
// 't'/'z' and a space separator accepted). InvalidArgument naming the reason otherwise.
Result<int64_t> parse_rfc3339(std::string_view text);

// Strict snapshot-directory form: exactly "YYYY-MM-DDTHH:MM:SSZ" (datastore-format.md §1.3).
Result<int64_t> parse_backup_time_string(std::string_view text);

}  // namespace ferry

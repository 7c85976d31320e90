// The flat JSON string maps of token.shadow and shadow.json (private to ferry_auth).
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "common/result.h"

namespace ferry::auth::internal {

using StringMap = std::map<std::string, std::string>;

// Reads a JSON object whose values are all strings. A missing file is an empty map.
// Corruption "unable to parse '<path>'" for anything else: the parser's details are dropped
// because they could quote secrets. Io/PermissionDenied if unreadable. Blocks.
Result<StringMap> read_string_map(const std::filesystem::path& path);

// Compact form: {"k":"v",...} without whitespace or trailing newline (serde_json::to_vec).
std::string dump_compact(const StringMap& map);
// Pretty form: 2-space indent, keys sorted, no trailing newline (serde_json::to_vec_pretty).
std::string dump_pretty(const StringMap& map);

}  // namespace ferry::auth::internal

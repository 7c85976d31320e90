#include "auth/internal/json_map.h"

#include <nlohmann/json.hpp>

#include "auth/internal/files.h"

namespace ferry::auth::internal {
namespace {

nlohmann::json to_json(const StringMap& map) {
  nlohmann::json obj = nlohmann::json::object();
  for (const auto& [k, v] : map) obj[k] = v;
  return obj;
}

}  // namespace

Result<StringMap> read_string_map(const std::filesystem::path& path) {
  FERRY_TRY_ASSIGN(auto text, read_optional_file(path));
  StringMap out;
  if (!text) return out;
  // No exceptions: parse(..., allow_exceptions=false) yields a "discarded" value on error.
  nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return make_error(Errc::Corruption, "unable to parse '{}'", path.string());
  }
  for (const auto& [key, value] : doc.items()) {
    if (!value.is_string()) {
      return make_error(Errc::Corruption, "unable to parse '{}'", path.string());
    }
    out.emplace(key, value.get<std::string>());
  }
  return out;
}

// error_handler_t::replace: invalid UTF-8 must not make dump() throw (keys are user names).
std::string dump_compact(const StringMap& map) {
  return to_json(map).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string dump_pretty(const StringMap& map) {
  return to_json(map).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ferry::auth::internal

#include "protocol/internal/endpoint_params.h"

#include <fmt/format.h>

#include "http/response.h"
#include "protocol/backup_session.h"
#include "types/names.h"

namespace ferry::protocol::internal {
namespace {

using http::ParamSpec;
using http::ParamType;
using nlohmann::json;

// Smallest data blob: the 12-byte header plus (for chunks) at least one byte.
constexpr int64_t kBlobHeaderSize = 12;

bool is_lower_hex_digest(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

ParamSpec integer(int64_t min, std::optional<int64_t> max) {
  ParamSpec s;
  s.type = ParamType::Integer;
  s.minimum = min;
  s.maximum = max;
  return s;
}

Status check_digest(const json& v) {
  if (v.is_string() && !is_lower_hex_digest(v.get_ref<const std::string&>()))
    return make_error(Errc::InvalidArgument, "value does not match the regex pattern");
  return ok();
}

Result<json> decode(const http::ParamSources& sources, const http::ParamSchema& schema) {
  auto params = http::decode_params(sources, &schema);
  if (!params)
    return tl::unexpected(Error(Errc::InvalidArgument, http::format_param_errors(params.error())));
  return std::move(*params);
}

}  // namespace

ParamSpec wid_param() { return integer(1, static_cast<int64_t>(kMaxWriterId)); }

ParamSpec digest_param() {
  ParamSpec s;
  s.check = check_digest;
  return s;
}

ParamSpec archive_name_param() {
  ParamSpec s;
  s.check = [](const json& v) -> Status {
    if (!v.is_string()) return ok();
    return types::validate_safe_id(v.get_ref<const std::string&>(), "archive name", 1, 255);
  };
  return s;
}

ParamSpec chunk_size_param() { return integer(1, static_cast<int64_t>(kMaxChunkSize)); }

ParamSpec chunk_encoded_size_param() {
  return integer(kBlobHeaderSize + 1, static_cast<int64_t>(kMaxEncodedSize));
}

ParamSpec blob_encoded_size_param() {
  return integer(kBlobHeaderSize, static_cast<int64_t>(kMaxEncodedSize));
}

ParamSpec count_or_size_param(int64_t minimum) { return integer(minimum, std::nullopt); }

ParamSpec digest_list_param() {
  ParamSpec s;
  s.type = ParamType::Array;
  s.item_type = ParamType::String;
  s.check = check_digest;  // applied to every item
  return s;
}

ParamSpec offset_list_param() {
  ParamSpec s;
  s.type = ParamType::Array;
  s.item_type = ParamType::Integer;
  s.minimum = 0;
  return s;
}

Result<json> decode_query(const http::H2Request& request, const http::ParamSchema& schema) {
  http::ParamSources sources;
  sources.query = request.query;  // the body (chunk, blob) is never a parameter source
  return decode(sources, schema);
}

Result<json> decode_json_body(const http::H2Request& request, const http::ParamSchema& schema) {
  if (request.body.size() > kMaxJsonBody)
    return make_error(Errc::InvalidArgument, "request body too large ({} > {} bytes)",
                      request.body.size(), kMaxJsonBody);
  http::ParamSources sources;
  sources.json_body = true;
  sources.body = as_chars(request.body);
  return decode(sources, schema);
}

uint64_t get_u64(const json& params, std::string_view name) {
  return params.at(std::string(name)).get<uint64_t>();
}

std::string get_string(const json& params, std::string_view name) {
  return params.at(std::string(name)).get<std::string>();
}

Digest get_digest(const json& params, std::string_view name) {
  // The schema accepted only 64 lower-case hex digits, so parsing cannot fail.
  return *Digest::from_hex(params.at(std::string(name)).get_ref<const std::string&>());
}

std::vector<Digest> get_digest_list(const json& params, std::string_view name) {
  std::vector<Digest> out;
  for (const auto& v : params.at(std::string(name))) {
    out.push_back(*Digest::from_hex(v.get_ref<const std::string&>()));
  }
  return out;
}

std::vector<uint64_t> get_u64_list(const json& params, std::string_view name) {
  std::vector<uint64_t> out;
  for (const auto& v : params.at(std::string(name))) out.push_back(v.get<uint64_t>());
  return out;
}

http::H2Response json_response(const json& data) {
  http::H2Response r;
  r.headers.push_back({"content-type", std::string(http::kJsonContentType)});
  const std::string text = json{{"data", data}}.dump();
  r.body.assign(text.begin(), text.end());
  return r;
}

http::H2Response download_response(Bytes body) {
  http::H2Response r;
  r.headers.push_back({"content-type", "application/octet-stream"});
  r.body = std::move(body);
  return r;
}

int error_status(Errc code) {
  switch (code) {
    case Errc::NotFound:
      return 404;
    case Errc::Unauthenticated:
      return 401;
    default:
      return 400;
  }
}

http::H2Response error_response(const Error& error) {
  http::H2Response r;
  r.status = error_status(error.code());
  r.headers.push_back({"content-type", std::string(http::kTextContentType)});
  const std::string text = error.to_string();
  r.body.assign(text.begin(), text.end());
  return r;
}

std::string normalize_path(std::string_view path) {
  std::string out;
  size_t pos = 0;
  while (pos < path.size()) {
    while (pos < path.size() && path[pos] == '/') ++pos;
    const size_t end = std::min(path.find('/', pos), path.size());
    if (end > pos) {
      if (!out.empty()) out += '/';
      out.append(path.substr(pos, end - pos));
    }
    pos = end;
  }
  return out;
}

http::H2Response path_not_found(std::string_view normalized) {
  return error_response(Error(Errc::NotFound, fmt::format("Path '/{}' not found.", normalized)));
}

http::H2Response endpoint_listing(const std::vector<std::string_view>& names) {
  json list = json::array();
  for (auto name : names) list.push_back({{"subdir", name}});
  return json_response(list);
}

}  // namespace ferry::protocol::internal

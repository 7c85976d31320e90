#include "http/internal/api_pipeline.h"

#include <algorithm>
#include <cctype>

#include "common/log.h"
#include "common/text.h"
#include "http/compression.h"
#include "http/status.h"

namespace ferry::http::internal {
namespace {

using nlohmann::json;

tl::unexpected<ApiFailure> fail(int status, std::string message) {
  return tl::unexpected(ApiFailure{status, std::move(message), {}});
}

// Compact JSON that never throws: invalid UTF-8 from a handler is replaced, not fatal.
std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string media_type(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && std::isspace(static_cast<unsigned char>(media.front()))) {
    media.remove_prefix(1);
  }
  while (!media.empty() && std::isspace(static_cast<unsigned char>(media.back()))) {
    media.remove_suffix(1);
  }
  std::string out(media);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

}  // namespace

tl::expected<ApiPath, ApiFailure> parse_api_path(const Request& request, size_t max_uri_length) {
  std::string_view path = request.path();
  if (path.size() + request.query().size() > max_uri_length) return fail(414, "");
  ApiPath out;
  std::vector<std::string> components;
  std::string_view rest = path;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view raw = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (raw.empty()) continue;  // "//" collapses
    auto decoded = percent_decode(raw, false);
    if (!decoded || !is_valid_utf8(*decoded)) {
      return fail(400, fmt::format("invalid path component '{}'", raw));
    }
    if (decoded->front() == '.') return fail(400, "path contains illegal components");
    components.push_back(std::move(*decoded));
  }
  if (components.empty() || components.front() != "api2") {
    out.is_api = false;
    return out;
  }
  if (components.size() < 2) return fail(404, fmt::format("invalid api path '{}'", path));
  if (components[1] == "extjs") {
    out.format = ApiFormat::ExtJs;
  } else if (components[1] != "json") {
    return fail(400, fmt::format("Unsupported output format '{}'.", components[1]));
  }
  out.components.assign(components.begin() + 2, components.end());
  return out;
}

tl::expected<json, ApiFailure> decode_call_params(const Request& request,
                                                  const Router::Match& match, size_t max_body) {
  if (request.body.size() > max_body) return fail(400, "Request body too large");
  std::string media = media_type(request.headers.get("Content-Type").value_or(""));
  ParamSources sources;
  if (media == "application/json") {
    sources.json_body = true;
  } else if (!media.empty() && media != "application/x-www-form-urlencoded") {
    return fail(400, fmt::format("unsupported content type '{}'", media));
  }
  sources.body = request.body;
  sources.query = request.query();
  sources.path_params = match.path_params;
  const ParamSchema* schema = match.route->params ? &*match.route->params : nullptr;
  auto params = decode_params(sources, schema);
  if (!params) {
    return tl::unexpected(
        ApiFailure{400, format_param_errors(params.error()), std::move(params.error())});
  }
  return std::move(*params);
}

Response success_response(ApiFormat format, json data, json attributes) {
  json body = attributes.is_object() ? std::move(attributes) : json::object();
  body["data"] = std::move(data);
  if (format == ApiFormat::ExtJs) {
    body["success"] = true;
    body["status"] = 200;
  }
  return Response::with_body(200, dump(body), kJsonContentType);
}

Response failure_response(ApiFormat format, const ApiFailure& failure) {
  // PBS-compat: errors are plain text although the Content-Type says JSON (api.md §3.2).
  if (format == ApiFormat::Json || failure.status == 401 || failure.status == 414) {
    return Response::with_body(failure.status, failure.message, kJsonContentType);
  }
  json errors = json::object();
  for (const auto& e : failure.param_errors) {
    if (!e.name.empty()) errors[e.name] = e.reason;
  }
  json body = {{"success", false}, {"status", failure.status}, {"errors", std::move(errors)}};
  body["message"] = failure.param_errors.empty() || failure.param_errors.front().name.empty()
                        ? failure.message
                        : std::string("parameter verification errors");
  return Response::with_body(200, dump(body), kJsonContentType);
}

ApiFailure failure_from_error(const Error& error) {
  return ApiFailure{http_status(error.code()), error.to_string(), {}};
}

json subdir_listing(const std::vector<std::string>& names) {
  json out = json::array();
  for (const auto& name : names) out.push_back({{"subdir", name}});
  return out;
}

void compress_if_accepted(const Request& request, Response& response) {
  if (response.body.empty()) return;
  auto accept = request.headers.get("Accept-Encoding");
  if (!accept || !accepts_deflate(*accept)) return;
  auto compressed = deflate_compress(response.body);
  if (!compressed) {
    spdlog::warn("{}", compressed.error().to_string());
    return;  // send uncompressed: still a valid answer
  }
  response.body = std::move(*compressed);
  response.headers.set("Content-Encoding", "deflate");
}

}  // namespace ferry::http::internal

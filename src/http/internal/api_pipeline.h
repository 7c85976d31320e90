// The synchronous steps of ApiService (path parsing, parameter sources, envelopes), kept out
// of the coroutine translation unit so they compile fast and unit-test directly.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "http/params.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"

namespace ferry::http::internal {

enum class ApiFormat { Json, ExtJs };

// A request failure before or after the handler: status, message, and per-parameter problems
// (for the extjs `errors` object).
struct ApiFailure {
  int status = 400;
  std::string message;
  std::vector<ParamError> param_errors;
};

struct ApiPath {
  bool is_api = true;  // false: not below /api2 (fallback handler or 404)
  ApiFormat format = ApiFormat::Json;
  std::vector<std::string> components;  // decoded, below /api2/<format>
};

// Step 1 of api.md §2.1 (see api_service.h).
tl::expected<ApiPath, ApiFailure> parse_api_path(const Request& request, size_t max_uri_length);

// Step 6: the parameters of `request` for a matched route.
tl::expected<nlohmann::json, ApiFailure> decode_call_params(const Request& request,
                                                            const Router::Match& match,
                                                            size_t max_body);

// `{"data": data, ...attributes}` (json) or with `success`/`status` (extjs).
Response success_response(ApiFormat format, nlohmann::json data, nlohmann::json attributes);
// Plain-text error (json) or the extjs error object with HTTP 200 (401 stays a real 401).
Response failure_response(ApiFormat format, const ApiFailure& failure);
// An Error from a handler or check: status from http_status(), message Error::to_string().
ApiFailure failure_from_error(const Error& error);
// `[{"subdir": name}, ...]`.
nlohmann::json subdir_listing(const std::vector<std::string>& names);
// Deflates the body when the request accepts it (api.md §2.3).
void compress_if_accepted(const Request& request, Response& response);

}  // namespace ferry::http::internal

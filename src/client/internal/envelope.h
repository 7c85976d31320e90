// Turning PBS responses into Results (private to client/ and its tests).
//
// Success (api.md §3.1): 2xx with a JSON object `{"data": <value>, ...attributes}`. Errors
// (§3.2): any other status, the body being the plain-text message even though the
// content-type says JSON. The same shapes are used inside the HTTP/2 protocol connections
// (protocol.md §3.2), where an empty successful body means `null` and a body without `data`
// is an error.
//
// Status → Errc (the client-side inverse of the server's one mapping in http/status.h):
//   400 InvalidArgument  401 Unauthenticated  403 PermissionDenied  404 NotFound
//   408/504 Timeout      409 Conflict         429/502/503 Unavailable
//   other 4xx InvalidArgument, other 5xx Internal, anything else (1xx/3xx) Internal
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace ferry::client::internal {

Errc errc_for_status(int status);

// The error for a non-2xx answer: the server's message (trimmed, at most 4 KiB; "HTTP <n>"
// when empty) with the context frame "<what> failed with status <n>".
Error status_error(int status, std::string_view body, std::string_view what);

// The status named by a context frame status_error made, nullopt for any other frame.
std::optional<int> status_of_frame(std::string_view frame);

// Parses a success body into the whole envelope object. An empty body yields
// `{"data": null}`. Corruption when the body is not a JSON object.
Result<nlohmann::json> parse_envelope(std::string_view body);

// The `data` of a response: status_error for non-2xx, Corruption for a body that is not an
// envelope or has no `data` ("got result without data property").
Result<nlohmann::json> envelope_data(int status, std::string_view body, std::string_view what);

}  // namespace ferry::client::internal

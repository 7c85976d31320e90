// Errors from a server's non-2xx answer, seen from outside the client.
//
// The client turns such an answer into an Error whose message is the server's text and whose
// innermost context frame names the request and the status (client/internal/envelope.h).
// Sync reports some of these errors in PBS's words, which include the status with its reason
// phrase ("HTTP error 400 Bad Request - no such datastore 'x'"); these functions give that
// without parsing strings elsewhere.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"

namespace ferry::client {

// The HTTP status of an error the client built from a non-2xx answer, nullopt otherwise
// (transport errors, local errors). Pure.
std::optional<int> http_status_of(const Error& error);

// PBS's rendering of an HTTP error: "HTTP error <code> <reason> - <server text>"; any other
// error: its to_string(). Pure.
std::string pbs_http_error_text(const Error& error);

}  // namespace ferry::client

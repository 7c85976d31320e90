// The ONE mapping from ferry::Errc to an HTTP status code (STYLE.md "Error handling").
//
// PBS-compat: PBS answers every error that a handler did not type explicitly with 400
// (api.md §3.2–3.3), including stale config digests and held locks. We keep 400 wherever a
// PBS client could observe the difference and use 5xx only for failures that are the server's
// own (I/O, corruption, bugs) or transient (unavailable):
//
//   InvalidArgument 400   NotFound 404          AlreadyExists 400   PermissionDenied 403
//   Unauthenticated 401   Conflict 400          Corruption 500      Io 500
//   Unavailable 503       Cancelled 400         Timeout 504         Internal 500
#pragma once

#include "common/result.h"

namespace ferry::http {

// HTTP status for an error code. Total: every Errc maps to a status.
int http_status(Errc code);

}  // namespace ferry::http

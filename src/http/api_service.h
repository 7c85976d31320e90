// ApiService: the Handler that serves `/api2/json/...` and `/api2/extjs/...` from a Router,
// in PBS's processing order (api.md §2.1):
//
//   1. path checks: URI length (414), `/api2/<format>` (400 unknown format, 404 bad API path),
//      percent-decoding per component, '.'-components (400);
//   2. route lookup by (path, method) — only GET, PUT, POST, DELETE are routed;
//   3. authentication unless the route is World: failure -> 401
//      `authentication failed - <reason>`, delayed (default 3 s);
//   4. no route -> 404 `Path '<path>' not found.` (after authentication, never 405);
//      a GET on a directory-like path -> `[{"subdir": ...}]`;
//   5. the route's permission check: PermissionDenied -> 403, delayed (default 0.5 s);
//   6. parameters (params.h): JSON body or form body + query, plus path parameters; body size
//      limit 64 KiB (400 `Request body too large`), other Content-Types -> 400;
//   7. the route handler; its Result becomes `{"data": ..., <attributes>}` or an error whose
//      status comes from http_status() and whose body is the plain message text;
//   8. `Content-Encoding: deflate` when the client accepts it (compression.h).
// The extjs format wraps success and errors as described in api.md §3.4.
//
// Blocking: authentication, permission checks and (by default) route handlers run on the
// BlockingPool; the coroutine itself never blocks. Failure delays use a timer, not a thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "http/handler.h"

namespace ferry::http {

class BlockingPool;
class Router;

struct ApiServiceOptions {
  // Authenticates a request (auth.md §4) and returns its auth-id. Runs on the blocking pool.
  // Errors: Unauthenticated -> 401 `authentication failed - <message>`; others map through
  // http_status(). Unset: authentication is disabled and every call runs with auth_id ""
  // (the state before the auth module plugs in; ferryd logs a warning).
  std::function<Result<std::string>(const Request&)> authenticate;
  std::chrono::milliseconds auth_failure_delay{3000};
  std::chrono::milliseconds permission_failure_delay{500};
  size_t max_param_body = 64 * 1024;
  size_t max_uri_length = 3072;
  // Requests for paths outside /api2 (the web UI later). Unset: 404.
  std::shared_ptr<Handler> fallback;
};

class ApiService final : public Handler {
 public:
  // `router` is immutable from now on; `pool` must outlive this service.
  ApiService(std::shared_ptr<const Router> router, BlockingPool& pool,
             ApiServiceOptions options = {});

  boost::asio::awaitable<Response> handle(Request request) override;

 private:
  std::shared_ptr<const Router> router_;
  BlockingPool& pool_;
  ApiServiceOptions options_;
};

}  // namespace ferry::http

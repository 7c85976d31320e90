// The one interface between the HTTP server and the application (the REST layer, the protocol
// upgrades): `Handler::handle(Request) -> awaitable<Response>`.
//
// Contract (see docs/design/threading.md):
//   * `handle` is called on the connection's strand, one request at a time per connection
//     (HTTP/1.1 without pipelined concurrency), concurrently for different connections.
//   * It must not block: blocking work (file I/O, fsync, PAM, crypt) goes through
//     `run_blocking` (blocking_pool.h). ApiService (api_service.h) does this for route handlers.
//   * It should not throw; if it does, the server's per-request barrier logs the exception and
//     answers 500 (std::bad_alloc terminates).
//   * The Handler object is shared by all connections and must outlive the Server.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "http/request.h"
#include "http/response.h"

namespace ferry::http {

class Handler {
 public:
  virtual ~Handler() = default;
  virtual boost::asio::awaitable<Response> handle(Request request) = 0;
};

}  // namespace ferry::http

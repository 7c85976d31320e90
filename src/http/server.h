// ferry::http — the HTTPS front of ferryd: TLS listener, HTTP/1.1, protocol-upgrade hand-off,
// router primitives and the PBS response envelope. No domain logic lives here.
//
// Key types:
//   Server       (this file) accepts TLS connections on a set of listen addresses and feeds
//                parsed requests to one Handler.
//   Handler      (handler.h) `awaitable<Response> handle(Request)`: the application side.
//   ApiService   (api_service.h) the Handler for `/api2/{json,extjs}/...`: Router lookup,
//                authentication hook, parameter decoding, envelope, deflate.
//   Router       (router.h) path templates + methods -> synchronous route handlers.
//   TlsContext   (tls_context.h), certificate.h: server TLS and the self-signed certificate.
//   BlockingPool (blocking_pool.h) `run_blocking` for work that may block.
//   UpgradeHandler (upgrade.h) takes over a connection after `101 Switching Protocols`.
// Wire behaviour: docs/protocol/rest-api.md. Threads, strands and shutdown:
// docs/design/threading.md.
//
// Concurrency: one io_context run by `io_threads` threads; every connection lives on its own
// strand, so connection state needs no locks. Every read and write has a deadline (handshake,
// idle keep-alive, request header, request body, response write): a slow or silent client
// only ties up its own connection. Request headers and bodies are bounded (431 / 413).
//
// Plain HTTP on the TLS port (api.md §1): GET/HEAD get `301`, other methods `308`, both with
// `Location: https://<Host>`; without a Host header `400`. The connection is then closed.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/result.h"
#include "http/listen_address.h"

namespace ferry::http {

class Handler;
class TlsContext;

struct ServerOptions {
  std::vector<ListenAddress> listen;  // must not be empty
  size_t io_threads = 2;

  // Deadlines. Each applies to one phase and is not extended by trickling bytes.
  std::chrono::milliseconds handshake_timeout{10'000};  // TCP accept to TLS established
  std::chrono::milliseconds idle_timeout{120'000};      // keep-alive wait for a request's 1st byte
  std::chrono::milliseconds header_timeout{30'000};     // 1st byte to end of request header
  std::chrono::milliseconds body_timeout{120'000};      // end of header to end of body
  std::chrono::milliseconds write_timeout{120'000};     // writing one response
  std::chrono::milliseconds linger_timeout{2'000};      // draining input before an error close
  std::chrono::milliseconds shutdown_grace{10'000};     // stop(): in-flight requests may finish

  size_t max_header_bytes = 64 * 1024;         // larger header: 431
  uint64_t max_body_bytes = 64 * 1024 * 1024;  // larger body: 413
  size_t max_connections = 4096;               // further connections are closed at once
};

class Server {
 public:
  // Binds every listen address (SO_REUSEADDR; IPV6_V6ONLY for IPv6, so [::] and 0.0.0.0 can
  // share a port) and prepares the threads without starting them. `tls` and `handler` are
  // shared with every connection. Errors: InvalidArgument (no listen address, zero threads),
  // AlreadyExists/PermissionDenied/Io when a bind fails (message names the address).
  static Result<std::unique_ptr<Server>> create(ServerOptions options,
                                                std::shared_ptr<TlsContext> tls,
                                                std::shared_ptr<Handler> handler);
  // Stops (with the grace period) and joins the threads if still running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound addresses, with the real ports when 0 was requested. Same order as the options.
  const std::vector<ListenAddress>& local_addresses() const;

  // Starts the I/O threads and begins accepting. Call once. Does not block.
  void start();
  // Makes SIGTERM and SIGINT call stop(). Call before start(). Affects the whole process.
  void stop_on_signals();
  // Graceful stop, callable from any thread (and from handlers): closes the listeners and idle
  // connections, lets in-flight requests finish (answered with `Connection: close`) and
  // force-closes whatever is left after `shutdown_grace`. Does not block; idempotent.
  void stop();
  // Blocks until the Server has stopped and every I/O thread has exited.
  void wait();

  // Number of open connections (for tests and status).
  size_t connection_count() const;

 private:
  struct State;
  explicit Server(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace ferry::http

// ferry::protocol::ReaderProtocolHandler — the HTTP/2 endpoints of one reader protocol
// connection (protocol.md §3.5) over a ReaderSession.
//
//   GET /download?file-name=   → raw file bytes (an index registers its chunks)
//   GET /chunk?digest=         → raw chunk blob (only chunks of downloaded indexes)
//   GET /speedtest             → 1 MiB of 0x41
//   GET /                      → [{"subdir": "chunk"}, {"subdir": "download"}, ...]
//
// Parameters are checked like PBS's schemas (400 `parameter verification failed - ...`).
// Errors: NotFound → 404 (missing file), Unauthenticated → 401 (unregistered chunk; answered
// only after `unauthorized_delay`, ~3 s in PBS, waited on a timer, not a thread), everything
// else → 400; the body is the plain-text message.
//
// Threading: `handle` runs on the HTTP/2 session's executor; file reads run on the
// BlockingPool. `connection_ended` releases the session (and its shared snapshot lock) once
// in-flight requests are done. The pool must outlive the handler.
#pragma once

#include <chrono>
#include <memory>

#include <boost/asio/awaitable.hpp>

#include "http/blocking_pool.h"
#include "http/h2_types.h"
#include "protocol/protocol_upgrade.h"

namespace ferry::protocol {

class ReaderSession;

class ReaderProtocolHandler final : public ProtocolHandler {
 public:
  ReaderProtocolHandler(std::shared_ptr<ReaderSession> session, http::BlockingPool& pool,
                        std::chrono::milliseconds unauthorized_delay = std::chrono::seconds(3))
      : session_(std::move(session)), pool_(pool), unauthorized_delay_(unauthorized_delay) {}

  // Serves one request (see above). Suspends; never throws for bad input.
  boost::asio::awaitable<http::H2Response> handle(http::H2Request request) override;
  // Drops this handler's reference to the session. Idempotent. Suspends.
  boost::asio::awaitable<void> connection_ended() override;

  // The blocking part of `handle` (parsing plus the session call), without the 401 delay.
  // Exposed for tests; the server always goes through `handle`. Blocks on file I/O.
  static http::H2Response dispatch(ReaderSession& session, const http::H2Request& request);

 private:
  std::shared_ptr<ReaderSession> session_;  // null once the connection ended
  http::BlockingPool& pool_;
  std::chrono::milliseconds unauthorized_delay_;
};

}  // namespace ferry::protocol

// ferry::protocol::ProtocolUpgrade — runs one upgraded backup or reader connection: the
// http::UpgradeHandler that the `GET /api2/json/backup|reader` endpoint returns with its 101
// (protocol.md §2.3). It starts an HTTP/2 server session (prior knowledge, §3.1) over the TLS
// stream, serves every request with a ProtocolHandler (BackupProtocolHandler or
// ReaderProtocolHandler), and when the connection ends tells the handler so
// (`connection_ended`), which is where an unfinished backup is discarded (§3.3).
//
// Threading: `run` executes on the connection's strand (http/upgrade.h); request handling
// hands blocking work to the BlockingPool the handlers were built with.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "http/h2_server_session.h"
#include "http/h2_types.h"
#include "http/upgrade.h"

namespace ferry::protocol {

// An H2RequestHandler that also learns when its connection is over.
class ProtocolHandler : public http::H2RequestHandler {
 public:
  // Called exactly once by ProtocolUpgrade after the HTTP/2 session ended (cleanly or not).
  // Requests still in flight may complete afterwards; their answers are dropped. Suspends
  // (blocking cleanup runs on the handler's pool).
  virtual boost::asio::awaitable<void> connection_ended() = 0;
};

class ProtocolUpgrade final : public http::UpgradeHandler {
 public:
  ProtocolUpgrade(std::shared_ptr<ProtocolHandler> handler, http::H2ServerOptions options = {})
      : handler_(std::move(handler)), options_(std::move(options)) {}

  // Serves the connection until it ends, then calls handler->connection_ended(). Never throws
  // for connection errors (they are logged at debug level).
  boost::asio::awaitable<void> run(std::shared_ptr<http::TlsStream> stream,
                                   std::string leftover) override;

 private:
  std::shared_ptr<ProtocolHandler> handler_;
  http::H2ServerOptions options_;
};

}  // namespace ferry::protocol

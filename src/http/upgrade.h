// Hook for protocol switches after `101 Switching Protocols` (protocol.md §2–3, issue #5).
//
// After the Server wrote a 101 response whose `upgrade` member is set, it calls
// `UpgradeHandler::run` with
//   * the TLS stream, with no operation pending and its timeout disabled (the new protocol
//     sets its own deadlines with `beast::get_lowest_layer(*stream).expires_after`), and
//   * `leftover`: bytes the client sent after the upgrade request that the HTTP/1.1 reader had
//     already pulled from the socket (for HTTP/2 this usually starts with the client preface).
// `run` executes on the connection's strand; the stream must only be used from there. The
// connection ends when `run` completes; the Server then closes the socket.
//
// Shutdown: a Server in graceful stop leaves upgraded connections running until its grace
// deadline, then closes their sockets, which makes pending operations fail with
// operation_aborted. The stream is shared so that the Server can do that.
//
// Including this header pulls in Asio SSL and Beast's tcp_stream; only protocol code needs it.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace ferry::http {

using TlsStream = boost::asio::ssl::stream<boost::beast::tcp_stream>;

class UpgradeHandler {
 public:
  virtual ~UpgradeHandler() = default;
  virtual boost::asio::awaitable<void> run(std::shared_ptr<TlsStream> stream,
                                           std::string leftover) = 0;
};

}  // namespace ferry::http

// HTTP/2 glue — the byte stream an H2Session runs over.
//
// H2Transport hides the concrete TLS stream type from the session core, so the same nghttp2
// glue serves the server (ssl::stream over a plain TCP socket, handed over by the HTTP/1.1
// upgrade) and the client (ssl::stream over a rate-limited socket, client/). Only the session
// uses it, from its executor: at most one read_some and one write are outstanding at a time,
// which is exactly what an Asio ssl::stream allows (DEPENDENCIES.md, TLS pitfalls).
//
// `TlsTransport<Stream>` adapts any `boost::asio::ssl::stream<Next>`; the template lives in
// h2_tls_transport.h so that only the few translation units that create transports pay for
// the Asio/SSL instantiations.
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include "common/result.h"

namespace ferry::http {

class H2Transport {
 public:
  virtual ~H2Transport() = default;

  // The executor every operation and the owning session run on.
  virtual boost::asio::any_io_executor get_executor() = 0;

  // Reads at least one byte. Errors: Unavailable (peer closed or reset the connection, TLS
  // failure), Cancelled (cancel() or close() was called), Io. Suspends.
  virtual boost::asio::awaitable<Result<size_t>> read_some(std::span<uint8_t> buffer) = 0;

  // Writes every byte of `buffers` (a gather list). Same errors as read_some. Suspends.
  virtual boost::asio::awaitable<Status> write(
      std::span<const boost::asio::const_buffer> buffers) = 0;

  // Sends TLS close_notify and waits up to `timeout` for the peer's, then closes the socket.
  // Never fails: a peer that does not answer just gets the TCP close. Must not overlap with
  // read_some or write. Suspends.
  virtual boost::asio::awaitable<void> shutdown(std::chrono::milliseconds timeout) = 0;

  // Cancels an outstanding read_some/write (they complete with Cancelled). Non-blocking.
  virtual void cancel() = 0;

  // Closes the socket at once (no close_notify); outstanding operations complete with an
  // error. Idempotent. Non-blocking.
  virtual void close() = 0;
};

// Maps an Asio/OpenSSL error of `operation` ("read", "write", "connect", "tls handshake") to
// an Error with a clear lower-case message: refused/reset/closed/timed out → Unavailable or
// Timeout, operation_aborted → Cancelled, TLS errors → Unavailable naming the OpenSSL reason,
// anything else → Io.
Error net_error(const boost::system::error_code& ec, std::string_view operation);

// True for the errors that mean "the peer closed the connection": eof, TLS stream_truncated
// (TCP close without close_notify), connection reset, broken pipe.
bool is_connection_closed(const boost::system::error_code& ec);

}  // namespace ferry::http

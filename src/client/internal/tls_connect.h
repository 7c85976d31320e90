// Opening a client TLS connection to a PBS-compatible server (private to client/).
//
// resolve → TCP connect (connect_timeout; TCP_NODELAY; keep-alive 120 s) → TLS handshake
// (handshake_timeout; SNI and host-name verification for names, IP check for literals) with
// the fingerprint pinning of client/fingerprint.h. The socket is a RateLimitedSocket with the
// client's shared limiters, so throttling starts with the handshake.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "client/rate_limited_socket.h"
#include "common/result.h"

namespace ferry::client::internal {

using TlsStream = boost::asio::ssl::stream<RateLimitedSocket>;

struct ConnectParams {
  std::string host;
  uint16_t port = 8007;
  std::optional<std::string> fingerprint;  // normalized (parse_fingerprint)
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds handshake_timeout{120000};
  std::shared_ptr<RateLimiter> read_limiter;   // may be null
  std::shared_ptr<RateLimiter> write_limiter;  // may be null
  std::shared_ptr<boost::asio::ssl::context> tls;
};

// TLS 1.2+ client context using the system trust store. Internal if OpenSSL fails.
Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context();

// Connects on the calling coroutine's executor. Errors:
//   Unavailable      name not resolved, connection refused/reset, TLS failure
//   Timeout          connect or handshake deadline passed
//   Unauthenticated  certificate not trusted: fingerprint mismatch ("expected …, presented …")
//                    or, without a configured fingerprint, not trusted by the system
// Suspends.
boost::asio::awaitable<Result<std::unique_ptr<TlsStream>>> connect_tls(ConnectParams params);

}  // namespace ferry::client::internal

// Http1Connection: one HTTP/1.1 keep-alive connection over TLS (private to client/).
//
// Used for REST calls (api.md) and for the upgrade request that starts a backup or reader
// protocol connection (protocol.md §2). Requests are serialized exactly as given (header
// order and spelling preserved, e.g. `UPGRADE:`), responses read with Beast. Every exchange
// has a deadline; when it passes the socket is closed and the call returns Timeout.
//
// Not thread-safe: one exchange at a time, on the client's I/O thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "client/internal/tls_connect.h"
#include "common/bytes.h"
#include "common/result.h"

namespace ferry::client::internal {

struct Http1Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // "/api2/json/...?query"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent with Content-Length when non-empty or for POST/PUT
};

struct Http1Response {
  int status = 0;
  std::string content_type;
  std::string body;
  bool keep_alive = false;
};

class Http1Connection {
 public:
  Http1Connection(std::unique_ptr<TlsStream> stream, std::string peer);

  // Sends `request` and reads the whole response (body at most `body_limit` bytes). Errors:
  // Timeout, Unavailable (closed/reset/truncated), Corruption (malformed response),
  // InvalidArgument (body over the limit). The connection is unusable after an error.
  // Suspends.
  boost::asio::awaitable<Result<Http1Response>> exchange(Http1Request request,
                                                         std::chrono::milliseconds timeout,
                                                         size_t body_limit);

  // Sends the upgrade `request` followed by `pipelined` bytes (a pipelined HTTP/2 preface, or
  // nothing) in one write and reads the response head. On 101 returns the bytes read past it
  // (they belong to HTTP/2). Any other status reads the body and returns status_error (the
  // server's message, e.g. 403 "missing permissions ..."). Other errors as exchange().
  // Suspends.
  boost::asio::awaitable<Result<Bytes>> upgrade(Http1Request request, Bytes pipelined,
                                                std::chrono::milliseconds timeout);

  // True when the last exchange failed because the server had closed the connection before
  // answering (a stale keep-alive connection: the request was not processed, so it is safe
  // to send again on a new connection).
  bool closed_before_response() const { return closed_before_response_; }

  // Hands the TLS stream over (after a successful upgrade).
  std::unique_ptr<TlsStream> release_stream() { return std::move(stream_); }

  // Whether the connection may carry another request: the last response allowed keep-alive
  // and it has been idle for less than `max_idle`.
  bool reusable(std::chrono::steady_clock::duration max_idle) const;

 private:
  boost::asio::awaitable<Status> write(std::string head, Bytes extra);

  std::unique_ptr<TlsStream> stream_;
  std::string peer_;
  boost::beast::flat_buffer buffer_;
  bool keep_alive_ = false;
  bool closed_before_response_ = false;
  std::chrono::steady_clock::time_point last_used_;
};

// Serializes the request head and body exactly as given (Beast's writer).
std::string serialize_request(const Http1Request& request);

}  // namespace ferry::client::internal

#include "client/internal/http1_connection.h"

// g++ 12 inlines Asio's awaitable frame allocator (aligned_new + sized operator delete) into
// the Beast read coroutines below and then reports a new/delete mismatch that does not exist
// (GCC bug 109224). Silenced for this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <array>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "client/internal/envelope.h"
#include "client/internal/watchdog.h"
#include "http/h2_transport.h"

namespace ferry::client::internal {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

constexpr size_t kMaxHeaderBytes = 64 * 1024;
constexpr size_t kMaxErrorBody = 64 * 1024;

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != s.npos; }

// Errors of reading an HTTP/1.1 response, worded for the user.
// `partial`: part of the response had arrived when the connection ended.
Error read_error(const boost::system::error_code& ec, const std::string& peer, bool timed_out,
                 std::chrono::milliseconds timeout, bool partial) {
  if (timed_out) {
    return Error(Errc::Timeout,
                 fmt::format("no response from '{}' within {} ms", peer, timeout.count()));
  }
  if (ec == bhttp::error::partial_message || (partial && http::is_connection_closed(ec))) {
    return Error(Errc::Unavailable,
                 fmt::format("connection to '{}' closed before the response was complete "
                             "(truncated response)",
                             peer));
  }
  if (ec == bhttp::error::end_of_stream) {
    return Error(Errc::Unavailable,
                 fmt::format("connection to '{}' closed without a response", peer));
  }
  if (ec == bhttp::error::body_limit) {
    return Error(Errc::InvalidArgument, fmt::format("response from '{}' is too large", peer));
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category()) {
    return Error(Errc::Corruption,
                 fmt::format("invalid HTTP response from '{}': {}", peer, ec.message()));
  }
  return http::net_error(ec, fmt::format("read response from '{}'", peer));
}

}  // namespace

std::string serialize_request(const Http1Request& request) {
  std::string out = request.method + " " + request.target + " HTTP/1.1\r\n";
  for (const auto& [name, value] : request.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    out += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  }
  out += "\r\n";
  out += request.body;
  return out;
}

Http1Connection::Http1Connection(std::unique_ptr<TlsStream> stream, std::string peer)
    : stream_(std::move(stream)),
      peer_(std::move(peer)),
      last_used_(std::chrono::steady_clock::now()) {}

bool Http1Connection::reusable(std::chrono::steady_clock::duration max_idle) const {
  return stream_ && keep_alive_ && std::chrono::steady_clock::now() - last_used_ < max_idle;
}

asio::awaitable<Status> Http1Connection::write(std::string head, Bytes extra) {
  std::array<asio::const_buffer, 2> bufs{asio::buffer(head), asio::buffer(extra)};
  auto [ec, n] = co_await asio::async_write(*stream_, bufs, asio::as_tuple(asio::use_awaitable));
  if (ec) co_return tl::unexpected(http::net_error(ec, fmt::format("send request to '{}'", peer_)));
  co_return ok();
}

asio::awaitable<Result<Http1Response>> Http1Connection::exchange(Http1Request request,
                                                                 std::chrono::milliseconds timeout,
                                                                 size_t body_limit) {
  keep_alive_ = false;
  closed_before_response_ = false;
  for (const auto& [name, value] : request.headers) {
    if (has_line_break(name) || has_line_break(value)) {
      co_return make_error(Errc::InvalidArgument, "header '{}' contains a line break", name);
    }
  }
  Watchdog watchdog(stream_->get_executor(), timeout, [this] {
    boost::system::error_code ignored;
    stream_->next_layer().close(ignored);
  });
  Status sent = co_await write(serialize_request(request), Bytes());
  if (!sent) {
    if (watchdog.fired()) co_return tl::unexpected(read_error({}, peer_, true, timeout, false));
    closed_before_response_ = sent.error().code() == Errc::Unavailable;
    co_return tl::unexpected(std::move(sent).error());
  }
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(body_limit);
  auto [ec, n] =
      co_await bhttp::async_read(*stream_, buffer_, parser, asio::as_tuple(asio::use_awaitable));
  if (ec) {
    closed_before_response_ =
        !watchdog.fired() &&
        (ec == bhttp::error::end_of_stream || http::is_connection_closed(ec)) && !parser.got_some();
    co_return tl::unexpected(read_error(ec, peer_, watchdog.fired(), timeout, parser.got_some()));
  }
  auto& message = parser.get();
  Http1Response response;
  response.status = static_cast<int>(message.result_int());
  response.content_type = std::string(message[bhttp::field::content_type]);
  response.keep_alive = message.keep_alive();
  response.body = std::move(message.body());
  keep_alive_ = response.keep_alive;
  last_used_ = std::chrono::steady_clock::now();
  co_return response;
}

asio::awaitable<Result<Bytes>> Http1Connection::upgrade(Http1Request request, Bytes pipelined,
                                                        std::chrono::milliseconds timeout) {
  keep_alive_ = false;
  for (const auto& [name, value] : request.headers) {
    if (has_line_break(name) || has_line_break(value)) {
      co_return make_error(Errc::InvalidArgument, "header '{}' contains a line break", name);
    }
  }
  Watchdog watchdog(stream_->get_executor(), timeout, [this] {
    boost::system::error_code ignored;
    stream_->next_layer().close(ignored);
  });
  Status sent = co_await write(serialize_request(request), std::move(pipelined));
  if (!sent) co_return tl::unexpected(std::move(sent).error());
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(kMaxErrorBody);
  auto [ec, n] = co_await bhttp::async_read_header(*stream_, buffer_, parser,
                                                   asio::as_tuple(asio::use_awaitable));
  if (ec) {
    co_return tl::unexpected(read_error(ec, peer_, watchdog.fired(), timeout, parser.got_some()));
  }
  int status = static_cast<int>(parser.get().result_int());
  if (status == 101) {
    // Beast reads in large blocks: whatever followed the 101 head is already HTTP/2.
    auto data = buffer_.data();
    const auto* p = static_cast<const uint8_t*>(data.data());
    Bytes leftover(p, p + data.size());
    buffer_.consume(data.size());
    co_return leftover;
  }
  auto [bec, bn] =
      co_await bhttp::async_read(*stream_, buffer_, parser, asio::as_tuple(asio::use_awaitable));
  std::string body = bec ? std::string() : std::move(parser.get().body());
  co_return tl::unexpected(status_error(status, body, "protocol upgrade"));
}

}  // namespace ferry::client::internal

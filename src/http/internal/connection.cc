#include "http/internal/connection.h"

#include <array>
#include <exception>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/http.hpp>

#include "common/log.h"
#include "http/handler.h"
#include "http/tls_context.h"

namespace ferry::http::internal {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kMaxLingerBytes = 4 * 1024 * 1024;
constexpr size_t kMaxPlainHeader = 8 * 1024;

std::string format_peer(const tcp::socket& socket) {
  error_code ec;
  auto ep = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  auto addr = ep.address();
  return addr.is_v6() ? fmt::format("[{}]:{}", addr.to_string(), ep.port())
                      : fmt::format("{}:{}", addr.to_string(), ep.port());
}

// Errors that just mean "the peer went away or was too slow": closed without a response.
bool is_disconnect(const error_code& ec) {
  return ec == beast::error::timeout || ec == asio::error::eof ||
         ec == asio::ssl::error::stream_truncated || ec == asio::error::operation_aborted ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::bad_descriptor || ec == bhttp::error::end_of_stream ||
         ec == bhttp::error::partial_message;
}

bool expects_continue(const bhttp::request_parser<bhttp::string_body>& parser) {
  return iequals(parser.get()[bhttp::field::expect], "100-continue");
}

Request to_request(bhttp::request<bhttp::string_body>&& in, const std::string& peer) {
  Request out;
  out.method_text = std::string(in.method_string());
  out.method = parse_method(out.method_text);
  out.target = std::string(in.target());
  out.version = in.version();
  for (const auto& field : in) {
    out.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(in.body());
  out.peer = peer;
  return out;
}

}  // namespace

// ---- ServerCore -------------------------------------------------------------------------

void ServerCore::add(const std::shared_ptr<Connection>& conn) {
  std::lock_guard lock(mu_);
  connections_[conn->id()] = conn;
}

void ServerCore::remove(uint64_t id) {
  bool drained = false;
  {
    std::lock_guard lock(mu_);
    connections_.erase(id);
    drained = connections_.empty() && stopping();
  }
  if (drained && on_drained_) on_drained_();
}

size_t ServerCore::count() const {
  std::lock_guard lock(mu_);
  return connections_.size();
}

std::vector<std::shared_ptr<Connection>> ServerCore::snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<Connection>> out;
  for (const auto& [id, weak] : connections_) {
    if (auto conn = weak.lock()) out.push_back(std::move(conn));
  }
  return out;
}

// ---- Connection -------------------------------------------------------------------------

Connection::Connection(std::shared_ptr<ServerCore> core, tcp::socket socket)
    : core_(std::move(core)),
      executor_(socket.get_executor()),
      id_(core_->next_id()),
      peer_(format_peer(socket)) {
  stream_ =
      std::make_shared<TlsStream>(beast::tcp_stream(std::move(socket)), core_->tls().native());
}

void Connection::close_if_idle() {
  asio::post(executor_, [self = shared_from_this()] {
    if (self->phase_ == Phase::Idle || self->phase_ == Phase::Handshake) self->close();
  });
}

void Connection::force_close() {
  asio::post(executor_, [self = shared_from_this()] { self->close(); });
}

void Connection::close() {
  phase_ = Phase::Closed;
  beast::get_lowest_layer(*stream_).close();
}

asio::awaitable<void> serve_connection(std::shared_ptr<Connection> conn) {
  try {
    co_await conn->run();
  } catch (const std::bad_alloc&) {
    std::terminate();  // STYLE.md: out of memory is fatal
  } catch (const std::exception& e) {
    spdlog::warn("connection from {}: {}", conn->peer(), e.what());
  }
  conn->close();
  conn->core_->remove(conn->id());
}

asio::awaitable<void> Connection::run() {
  beast::flat_buffer buffer;
  auto& tcp = beast::get_lowest_layer(*stream_);
  tcp.expires_after(core_->options().handshake_timeout);
  auto [ec, is_tls] = co_await beast::async_detect_ssl(tcp, buffer, kNoThrow);
  if (ec || phase_ == Phase::Closed) co_return;
  if (!is_tls) {
    co_await redirect_plain_http(buffer);
    co_return;
  }
  auto [hs_ec, used] =
      co_await stream_->async_handshake(asio::ssl::stream_base::server, buffer.data(), kNoThrow);
  if (hs_ec) {
    spdlog::debug("TLS handshake with {} failed: {}", peer_, hs_ec.message());
    co_return;
  }
  buffer.consume(used);
  while (co_await serve_one(buffer)) {
  }
}

// Reads one request, answers it; false when the connection is to be closed.
asio::awaitable<bool> Connection::serve_one(beast::flat_buffer& buffer) {
  const ServerOptions& opts = core_->options();
  auto& tcp = beast::get_lowest_layer(*stream_);
  if (core_->stopping() || phase_ == Phase::Closed) co_return false;
  if (buffer.size() == 0) {  // keep-alive: wait for the first byte under the idle deadline
    phase_ = Phase::Idle;
    tcp.expires_after(opts.idle_timeout);
    auto [ec, n] = co_await stream_->async_read_some(buffer.prepare(kReadChunk), kNoThrow);
    if (ec) co_return false;
    buffer.commit(n);
  }
  phase_ = Phase::Reading;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<uint32_t>(opts.max_header_bytes));
  parser.body_limit(opts.max_body_bytes);
  tcp.expires_after(opts.header_timeout);
  auto [hdr_ec, hdr_n] = co_await bhttp::async_read_header(*stream_, buffer, parser, kNoThrow);
  if (hdr_ec) {
    co_await reject_read_error(hdr_ec);
    co_return false;
  }
  if (!parser.is_done()) {
    if (expects_continue(parser)) {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
      co_await bhttp::async_write(*stream_, cont, kNoThrow);
    }
    tcp.expires_after(opts.body_timeout);
    auto [body_ec, body_n] = co_await bhttp::async_read(*stream_, buffer, parser, kNoThrow);
    if (body_ec) {
      co_await reject_read_error(body_ec);
      co_return false;
    }
  }
  tcp.expires_never();
  phase_ = Phase::Handling;
  bool keep_alive = parser.get().keep_alive();
  bool head = parser.get().method() == bhttp::verb::head;
  Response response = co_await call_handler(to_request(parser.release(), peer_));
  if (response.status == 101) {
    co_await finish_upgrade(std::move(response), buffer);
    co_return false;
  }
  keep_alive = keep_alive && !response.close && !core_->stopping() && phase_ != Phase::Closed;
  if (!co_await write_response(std::move(response), keep_alive, head)) co_return false;
  if (!keep_alive) co_await close_tls();
  co_return keep_alive;
}

asio::awaitable<Response> Connection::call_handler(Request request) {
  std::string what = request.method_text + " " + request.target;
  try {
    co_return co_await core_->handler().handle(std::move(request));
  } catch (const std::bad_alloc&) {
    std::terminate();
  } catch (const std::exception& e) {
    spdlog::error("request '{}' from {} failed: {}", what, peer_, e.what());
  }
  co_return Response::with_body(500, "internal server error", kTextContentType);
}

asio::awaitable<bool> Connection::write_response(Response response, bool keep_alive, bool head) {
  if (phase_ == Phase::Closed) co_return false;
  phase_ = Phase::Writing;
  bhttp::response<bhttp::string_body> out;
  out.version(11);
  out.result(static_cast<unsigned>(response.status));
  for (auto& h : response.headers.entries()) out.insert(h.name, h.value);
  out.keep_alive(keep_alive);
  if (head) {
    out.content_length(response.body.size());  // HEAD: the length, not the bytes
  } else {
    out.body() = std::move(response.body);
    out.prepare_payload();
  }
  auto& tcp = beast::get_lowest_layer(*stream_);
  tcp.expires_after(core_->options().write_timeout);
  auto [ec, n] = co_await bhttp::async_write(*stream_, out, kNoThrow);
  if (ec) spdlog::debug("write to {} failed: {}", peer_, ec.message());
  co_return !ec;
}

asio::awaitable<void> Connection::reject_read_error(error_code ec) {
  if (is_disconnect(ec)) co_return;
  if (ec == bhttp::error::body_limit) {
    co_await reject(413, "request body too large");
  } else if (ec == bhttp::error::header_limit) {
    co_await reject(431, "request header too large");
  } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
    co_await reject(400, "malformed request: " + ec.message());
  } else {
    spdlog::debug("read from {} failed: {}", peer_, ec.message());
  }
}

// Answers with `status` and closes, draining what the client still sends so that it can read
// the answer (closing with unread input would make the kernel send RST).
asio::awaitable<void> Connection::reject(int status, std::string text) {
  Response response = Response::with_body(status, std::move(text), kTextContentType);
  if (co_await write_response(std::move(response), false, false)) co_await linger_close();
}

asio::awaitable<void> Connection::finish_upgrade(Response response, beast::flat_buffer& buffer) {
  auto upgrade = std::move(response.upgrade);
  if (!upgrade) {
    spdlog::error("handler answered 101 without an upgrade handler");
    co_await reject(500, "internal server error");
    co_return;
  }
  phase_ = Phase::Writing;
  bhttp::response<bhttp::empty_body> out{bhttp::status::switching_protocols, 11};
  for (auto& h : response.headers.entries()) out.insert(h.name, h.value);
  auto& tcp = beast::get_lowest_layer(*stream_);
  tcp.expires_after(core_->options().write_timeout);
  auto [ec, n] = co_await bhttp::async_write(*stream_, out, kNoThrow);
  if (ec || phase_ == Phase::Closed) co_return;
  tcp.expires_never();
  phase_ = Phase::Upgraded;
  std::string leftover = beast::buffers_to_string(buffer.data());
  buffer.consume(buffer.size());
  co_await upgrade->run(stream_, std::move(leftover));
}

asio::awaitable<void> Connection::redirect_plain_http(beast::flat_buffer& buffer) {
  auto& tcp = beast::get_lowest_layer(*stream_);
  bhttp::request_parser<bhttp::empty_body> parser;
  parser.header_limit(kMaxPlainHeader);
  tcp.expires_after(core_->options().header_timeout);
  auto [ec, n] = co_await bhttp::async_read_header(tcp, buffer, parser, kNoThrow);
  if (ec) co_return;  // not HTTP either: just close
  const auto& req = parser.get();
  bhttp::response<bhttp::empty_body> out;
  out.version(11);
  out.keep_alive(false);
  std::string_view host = req[bhttp::field::host];
  if (host.empty()) {
    out.result(bhttp::status::bad_request);
  } else {
    bool get_or_head = req.method() == bhttp::verb::get || req.method() == bhttp::verb::head;
    out.result(get_or_head ? bhttp::status::moved_permanently : bhttp::status::permanent_redirect);
    out.set(bhttp::field::location, "https://" + std::string(host));
  }
  out.prepare_payload();
  tcp.expires_after(core_->options().write_timeout);
  auto [wec, wn] = co_await bhttp::async_write(tcp, out, kNoThrow);
  if (!wec) co_await linger_close();
}

asio::awaitable<void> Connection::linger_close() {
  auto& tcp = beast::get_lowest_layer(*stream_);
  error_code ignored;
  tcp.socket().shutdown(tcp::socket::shutdown_send, ignored);
  tcp.expires_after(core_->options().linger_timeout);
  std::array<char, 4096> sink;
  size_t total = 0;
  while (total < kMaxLingerBytes && phase_ != Phase::Closed) {
    auto [ec, n] = co_await tcp.async_read_some(asio::buffer(sink), kNoThrow);
    if (ec) break;
    total += n;
  }
  close();
}

asio::awaitable<void> Connection::close_tls() {
  if (phase_ == Phase::Closed) co_return;
  auto& tcp = beast::get_lowest_layer(*stream_);
  tcp.expires_after(core_->options().linger_timeout);
  co_await stream_->async_shutdown(kNoThrow);  // peer may never answer: bounded by the deadline
  close();
}

}  // namespace ferry::http::internal

#include "http/h2_server_session.h"

#include <charconv>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include "common/log.h"
#include "http/h2_tls_transport.h"
#include "http/internal/h2_nghttp2.h"

namespace ferry::http {

struct H2ServerSession::Stream {
  H2Request request;
  size_t header_count = 0;
  size_t header_bytes = 0;
  bool dispatched = false;  // handed to the handler (its body is counted until it answers)
  bool rejected = false;    // reset because of a limit; later frames are ignored
  H2OutgoingBody response_body;
};

H2ServerSession::H2ServerSession(std::unique_ptr<H2Transport> transport, Bytes leftover,
                                 std::shared_ptr<H2RequestHandler> handler, H2ServerOptions options)
    : H2Session(Role::Server, transport->get_executor(), options.session),
      transport_(std::move(transport)),
      leftover_(std::move(leftover)),
      handler_(std::move(handler)),
      options_(std::move(options)) {}

Result<std::shared_ptr<H2ServerSession>> H2ServerSession::create(
    std::shared_ptr<TlsStream> stream, std::string_view leftover,
    std::shared_ptr<H2RequestHandler> handler, H2ServerOptions options) {
  return create(make_tls_transport(std::move(stream)), Bytes(leftover.begin(), leftover.end()),
                std::move(handler), std::move(options));
}

Result<std::shared_ptr<H2ServerSession>> H2ServerSession::create(
    SocketTlsStream stream, Bytes leftover, std::shared_ptr<H2RequestHandler> handler,
    H2ServerOptions options) {
  return create(make_tls_transport(std::move(stream)), std::move(leftover), std::move(handler),
                std::move(options));
}

Result<std::shared_ptr<H2ServerSession>> H2ServerSession::create(
    std::unique_ptr<H2Transport> transport, Bytes leftover,
    std::shared_ptr<H2RequestHandler> handler, H2ServerOptions options) {
  std::shared_ptr<H2ServerSession> session(new H2ServerSession(
      std::move(transport), std::move(leftover), std::move(handler), std::move(options)));
  FERRY_TRY(session->init(kH2ServerWindowSize, session->options_.max_concurrent_streams));
  session->set_preamble(std::move(session->options_.preamble));
  return session;
}

boost::asio::awaitable<Status> H2ServerSession::run() {
  return run_loops(std::move(transport_), std::move(leftover_));
}

void H2ServerSession::shutdown() {
  std::weak_ptr<H2Session> weak = weak_from_this();
  boost::asio::post(get_executor(), [weak] {
    if (auto self = weak.lock()) self->close();
  });
}

bool H2ServerSession::on_begin_headers(int32_t stream_id) {
  streams_.emplace(stream_id, std::make_unique<Stream>());
  return true;
}

bool H2ServerSession::on_header(int32_t stream_id, std::string_view name, std::string_view value) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return true;  // trailers of a stream we already dropped
  Stream& s = *it->second;
  s.header_bytes += name.size() + value.size();
  if (++s.header_count > options_.max_header_count || s.header_bytes > options_.max_header_bytes) {
    spdlog::warn("http/2 stream {}: too many header bytes, resetting", stream_id);
    return false;
  }
  if (name == ":method") {
    s.request.method = value;
  } else if (name == ":path") {
    auto q = value.find('?');
    s.request.path = value.substr(0, q);
    s.request.query =
        q == std::string_view::npos ? std::string() : std::string(value.substr(q + 1));
  } else if (!name.empty() && name[0] != ':') {
    if (name == "content-length") {
      // Size the body buffer once instead of growing it through a dozen reallocations.
      size_t length = 0;
      std::from_chars(value.data(), value.data() + value.size(), length);
      if (length <= options().max_body_size) s.request.body.reserve(length);
    }
    s.request.headers.push_back({std::string(name), std::string(value)});
  }
  return true;
}

void H2ServerSession::on_data(int32_t stream_id, ByteView data) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end() || it->second->rejected) return;
  Stream& s = *it->second;
  if (s.request.body.size() + data.size() > options().max_body_size) {
    spdlog::warn("http/2 stream {}: request body exceeds {} bytes, resetting", stream_id,
                 options().max_body_size);
    s.rejected = true;
    nghttp2_submit_rst_stream(native(), NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
    signal_write();
    return;
  }
  s.request.body.insert(s.request.body.end(), data.begin(), data.end());
  buffered_bytes_ += data.size();
  if (buffered_bytes_ > options_.max_buffered_bytes) set_read_paused(true);
}

void H2ServerSession::on_stream_end(int32_t stream_id) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end() || it->second->dispatched || it->second->rejected) return;
  Stream& s = *it->second;
  s.dispatched = true;
  auto self = std::static_pointer_cast<H2ServerSession>(shared_from_this());
  boost::asio::co_spawn(get_executor(), serve(std::move(self), stream_id, std::move(s.request)),
                        boost::asio::detached);
}

boost::asio::awaitable<void> H2ServerSession::serve(std::shared_ptr<H2ServerSession> self,
                                                    int32_t stream_id, H2Request request) {
  size_t body_size = request.body.size();
  H2Response response;
  // The per-request barrier (STYLE.md): a throwing handler costs one 500, not the connection.
  try {
    response = co_await self->handler_->handle(std::move(request));
  } catch (const std::exception& e) {
    spdlog::error("http/2 stream {}: handler failed: {}", stream_id, e.what());
    response = H2Response{500, {}, Bytes()};
  }
  if (response.status == 500 && response.body.empty()) {
    std::string_view text = "internal error";
    response.body.assign(text.begin(), text.end());
  }
  self->release_buffered(body_size);
  self->respond(stream_id, std::move(response));
}

void H2ServerSession::release_buffered(size_t bytes) {
  buffered_bytes_ -= std::min(bytes, buffered_bytes_);
  if (buffered_bytes_ <= options_.max_buffered_bytes / 2) set_read_paused(false);
}

void H2ServerSession::respond(int32_t stream_id, H2Response response) {
  auto it = streams_.find(stream_id);
  if (!is_open() || it == streams_.end()) return;  // reset by the client meanwhile
  Stream& s = *it->second;
  ++mutable_stats().requests;
  s.response_body.data = std::move(response.body);
  std::string status = std::to_string(response.status);
  std::string length = std::to_string(s.response_body.data.size());
  std::vector<std::string> names;
  names.reserve(response.headers.size());
  internal::NvList nv;
  nv.add(":status", status);
  bool has_length = false;
  for (const auto& h : response.headers) {
    names.push_back(internal::lower_header_name(h.name));
    has_length = has_length || names.back() == "content-length";
    nv.add(names.back(), h.value);
  }
  if (!has_length) nv.add("content-length", length);
  nghttp2_data_provider provider = internal::body_provider(&s.response_body);
  int rv = nghttp2_submit_response(native(), stream_id, nv.data(), nv.size(),
                                   s.response_body.data.empty() ? nullptr : &provider);
  if (rv != 0) {
    spdlog::warn("http/2 stream {}: cannot submit response: {}", stream_id, nghttp2_strerror(rv));
    nghttp2_submit_rst_stream(native(), NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_INTERNAL_ERROR);
  }
  signal_write();
}

void H2ServerSession::on_stream_close(int32_t stream_id, uint32_t) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return;
  // A body that never reached a handler no longer counts against the watermark.
  if (!it->second->dispatched) release_buffered(it->second->request.body.size());
  streams_.erase(it);
}

void H2ServerSession::on_session_end(const Error* error) {
  if (error && error->code() != Errc::Cancelled) {
    spdlog::debug("http/2 server session ended: {}", error->to_string());
  }
}

}  // namespace ferry::http

#include "http/h2_client_session.h"

#include <algorithm>
#include <charconv>
#include <exception>
#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>

#include "common/log.h"
#include "http/internal/h2_nghttp2.h"

namespace ferry::http {

namespace {

constexpr size_t kMaxResponseHeaders = 100;

// True when the calling thread is the one running `ex` (blocking there would deadlock).
bool running_on(const boost::asio::any_io_executor& ex) {
  using IoExecutor = boost::asio::io_context::executor_type;
  if (auto* e = ex.target<IoExecutor>()) return e->running_in_this_thread();
  if (auto* s = ex.target<boost::asio::strand<IoExecutor>>()) return s->running_in_this_thread();
  return false;
}

}  // namespace

struct H2ClientSession::Pending {
  explicit Pending(boost::asio::any_io_executor ex) : done(std::move(ex)) {}
  H2OutgoingBody body;
  H2Response response;
  size_t header_count = 0;
  std::chrono::steady_clock::time_point progress = std::chrono::steady_clock::now();
  std::optional<Result<H2Response>> result;
  internal::AsyncSignal done;
};

H2ClientSession::H2ClientSession(boost::asio::any_io_executor executor, H2ClientOptions options)
    : H2Session(Role::Client, executor, options.session),
      options_(std::move(options)),
      in_flight_(executor, options_.max_in_flight == 0 ? 1 : options_.max_in_flight),
      closed_(closed_promise_.get_future().share()) {}

Result<std::shared_ptr<H2ClientSession>> H2ClientSession::create(
    boost::asio::any_io_executor executor, H2ClientOptions options) {
  std::shared_ptr<H2ClientSession> session(
      new H2ClientSession(std::move(executor), std::move(options)));
  FERRY_TRY(session->init(kH2ClientWindowSize, 0));
  return session;
}

void H2ClientSession::start(std::unique_ptr<H2Transport> transport, Bytes leftover) {
  started_ = true;
  auto self = std::static_pointer_cast<H2ClientSession>(shared_from_this());
  boost::asio::co_spawn(get_executor(), self->run_loops(std::move(transport), std::move(leftover)),
                        [self](std::exception_ptr e, Status status) {
                          if (e) status = make_error(Errc::Internal, "http/2 session crashed");
                          self->closed_promise_.set_value(std::move(status));
                        });
}

boost::asio::awaitable<Result<H2Response>> H2ClientSession::request(
    H2Request request, std::chrono::milliseconds timeout) {
  auto self = std::static_pointer_cast<H2ClientSession>(shared_from_this());
  return request_on(std::move(self), std::move(request), timeout);
}

std::future<Result<H2Response>> H2ClientSession::send(H2Request request,
                                                      std::chrono::milliseconds timeout) {
  auto self = std::static_pointer_cast<H2ClientSession>(shared_from_this());
  return boost::asio::co_spawn(get_executor(),
                               request_on(std::move(self), std::move(request), timeout),
                               boost::asio::use_future);
}

Result<H2Response> H2ClientSession::call(H2Request request, std::chrono::milliseconds timeout) {
  if (running_on(get_executor())) {
    return make_error(Errc::Cancelled, "blocking http/2 call on the session's own thread");
  }
  try {
    return send(std::move(request), timeout).get();
  } catch (const std::exception& e) {
    return make_error(Errc::Internal, "http/2 request failed: {}", e.what());
  }
}

void H2ClientSession::shutdown() {
  std::weak_ptr<H2Session> weak = weak_from_this();
  boost::asio::post(get_executor(), [weak] {
    if (auto self = weak.lock()) self->close();
  });
}

Status H2ClientSession::wait_closed() {
  if (!started_) return make_error(Errc::Internal, "http/2 session was never started");
  if (running_on(get_executor())) {
    return make_error(Errc::Cancelled, "blocking wait on the http/2 session's own thread");
  }
  return closed_.get();
}

boost::asio::awaitable<Result<H2Response>> H2ClientSession::request_on(
    std::shared_ptr<H2ClientSession> self, H2Request request, std::chrono::milliseconds timeout) {
  std::string what = fmt::format("http/2 request '{} {}'", request.method, request.path);
  if (timeout.count() <= 0) timeout = self->options_.request_timeout;
  if (!co_await self->in_flight_.acquire()) {
    co_return make_error(Errc::Cancelled, "{} failed: http/2 session closed", what);
  }
  auto pending = std::make_shared<Pending>(self->get_executor());
  Result<int32_t> stream_id = self->submit(pending, request);
  if (!stream_id) {
    self->in_flight_.release();
    co_return tl::unexpected(std::move(stream_id).error().add_context(what));
  }
  // Inactivity timeout: the response must make progress, or at least the connection must
  // move bytes (a busy, rate-limited link delays every stream but is not dead).
  for (;;) {
    if (pending->result) break;
    auto deadline = std::max(pending->progress, self->last_io()) + timeout;
    if (std::chrono::steady_clock::now() >= deadline) break;
    co_await pending->done.wait_until(deadline);
  }
  self->in_flight_.release();
  if (!pending->result) {
    if (self->is_open()) {
      nghttp2_submit_rst_stream(self->native(), NGHTTP2_FLAG_NONE, *stream_id, NGHTTP2_CANCEL);
      self->signal_write();
    }
    co_return make_error(Errc::Timeout, "{} timed out: no progress for {} ms", what,
                         timeout.count());
  }
  Result<H2Response> result = std::move(*pending->result);
  if (!result) result.error().add_context(what);
  co_return result;
}

Result<int32_t> H2ClientSession::submit(const std::shared_ptr<Pending>& pending,
                                        H2Request& request) {
  if (!is_open()) return make_error(Errc::Cancelled, "http/2 session closed");
  std::string path = request.path.empty() ? "/" : request.path;
  if (!request.query.empty()) path += "?" + request.query;
  std::vector<std::string> names;
  names.reserve(request.headers.size());
  internal::NvList nv;
  nv.add(":method", request.method);
  nv.add(":scheme", "https");
  nv.add(":authority", options_.authority);
  nv.add(":path", path);
  bool has_agent = false;
  for (const auto& h : request.headers) {
    names.push_back(internal::lower_header_name(h.name));
    has_agent = has_agent || names.back() == "user-agent";
    nv.add(names.back(), h.value);
  }
  if (!has_agent) nv.add("user-agent", options_.user_agent);
  pending->body.data = std::move(request.body);
  nghttp2_data_provider provider = internal::body_provider(&pending->body);
  int32_t id = nghttp2_submit_request(native(), nullptr, nv.data(), nv.size(),
                                      pending->body.data.empty() ? nullptr : &provider, nullptr);
  if (id < 0) return make_error(Errc::Internal, "http/2 submit: {}", nghttp2_strerror(id));
  streams_.emplace(id, pending);
  signal_write();
  return id;
}

void H2ClientSession::complete(Pending& pending, Result<H2Response> result) {
  if (pending.result) return;
  pending.result = std::move(result);
  pending.done.notify();
}

bool H2ClientSession::on_begin_headers(int32_t) { return true; }

bool H2ClientSession::on_header(int32_t stream_id, std::string_view name, std::string_view value) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return true;
  Pending& p = *it->second;
  p.progress = std::chrono::steady_clock::now();
  if (++p.header_count > kMaxResponseHeaders) return false;
  if (name == ":status") {
    int status = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), status);
    if (ec != std::errc() || ptr != value.data() + value.size()) return false;
    p.response.status = status;
  } else if (!name.empty() && name[0] != ':') {
    if (name == "content-length") {
      size_t length = 0;
      std::from_chars(value.data(), value.data() + value.size(), length);
      if (length <= options().max_body_size) p.response.body.reserve(length);
    }
    p.response.headers.push_back({std::string(name), std::string(value)});
  }
  return true;
}

void H2ClientSession::on_data(int32_t stream_id, ByteView data) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end() || it->second->result) return;
  Pending& p = *it->second;
  if (p.response.body.size() + data.size() > options().max_body_size) {
    nghttp2_submit_rst_stream(native(), NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
    signal_write();
    complete(p, make_error(Errc::InvalidArgument, "response body exceeds {} bytes",
                           options().max_body_size));
    return;
  }
  p.response.body.insert(p.response.body.end(), data.begin(), data.end());
  p.progress = std::chrono::steady_clock::now();
}

void H2ClientSession::on_stream_end(int32_t stream_id) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end() || it->second->result) return;
  ++mutable_stats().requests;
  complete(*it->second, std::move(it->second->response));
}

void H2ClientSession::on_stream_close(int32_t stream_id, uint32_t error_code) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return;
  if (close_requested()) {
    complete(*it->second, make_error(Errc::Cancelled, "http/2 session closed"));
  } else if (error_code != 0) {
    complete(*it->second, make_error(Errc::Unavailable, "stream reset ({})",
                                     internal::h2_error_name(error_code)));
  } else {
    complete(*it->second, make_error(Errc::Unavailable,
                                     "stream closed before the response "
                                     "was complete"));
  }
  streams_.erase(it);
}

void H2ClientSession::on_session_end(const Error* error) {
  Error failure = error ? *error : Error(Errc::Cancelled, "http/2 session closed");
  for (auto& [id, pending] : streams_) complete(*pending, tl::unexpected(failure));
  streams_.clear();
  in_flight_.close();
}

}  // namespace ferry::http

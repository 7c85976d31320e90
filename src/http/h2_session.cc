#include "http/h2_session.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "common/log.h"
#include "http/internal/h2_nghttp2.h"

namespace ferry::http {

namespace {
// Frames at least this large are written straight from nghttp2's buffer instead of being
// copied into the coalescing buffer; smaller ones are gathered up to kCoalesceLimit so that
// HEADERS, WINDOW_UPDATE and friends do not each become a TLS record of their own.
constexpr size_t kDirectWriteThreshold = 64 * 1024;
constexpr size_t kCoalesceLimit = 256 * 1024;
constexpr size_t kWriteSlice = 1024 * 1024;
}  // namespace

// Static trampolines from nghttp2's C callbacks into the session's virtual hooks.
struct H2Callbacks {
  static H2Session* self(void* user_data) { return static_cast<H2Session*>(user_data); }

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* ud) {
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    return self(ud)->on_begin_headers(frame->hd.stream_id) ? 0
                                                           : NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                       size_t namelen, const uint8_t* value, size_t valuelen, uint8_t, void* ud) {
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    std::string_view n(reinterpret_cast<const char*>(name), namelen);
    std::string_view v(reinterpret_cast<const char*>(value), valuelen);
    return self(ud)->on_header(frame->hd.stream_id, n, v) ? 0
                                                          : NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  }

  static int on_data_chunk(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data,
                           size_t len, void* ud) {
    self(ud)->on_data(stream_id, ByteView(data, len));
    return 0;
  }

  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* ud) {
    H2Session* s = self(ud);
    switch (frame->hd.type) {
      case NGHTTP2_HEADERS:
      case NGHTTP2_DATA:
        if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) s->on_stream_end(frame->hd.stream_id);
        break;
      case NGHTTP2_GOAWAY:
        s->goaway_received_ = true;
        break;
      default:
        break;
    }
    return 0;
  }

  static int on_stream_close(nghttp2_session*, int32_t stream_id, uint32_t error_code, void* ud) {
    self(ud)->on_stream_close(stream_id, error_code);
    return 0;
  }

  // Lets DATA frames grow to the 4 MiB the peer allows instead of nghttp2's 16 KiB default.
  static ssize_t read_length(nghttp2_session*, uint8_t, int32_t, int32_t session_window,
                             int32_t stream_window, uint32_t remote_max_frame, void*) {
    int64_t n = std::min<int64_t>(
        {session_window, stream_window, remote_max_frame, static_cast<int64_t>(kH2MaxFrameSize)});
    return static_cast<ssize_t>(std::max<int64_t>(n, 1));
  }

  static int on_error(nghttp2_session*, int lib_error_code, const char* msg, size_t len, void*) {
    spdlog::debug("http/2: {} ({})", std::string_view(msg, len), lib_error_code);
    return 0;
  }
};

H2Session::H2Session(Role role, boost::asio::any_io_executor executor, H2SessionOptions options)
    : role_(role),
      executor_(std::move(executor)),
      options_(options),
      write_signal_(executor_),
      read_resume_(executor_),
      last_io_(std::chrono::steady_clock::now()) {}

H2Session::~H2Session() {
  if (ng_) nghttp2_session_del(ng_);
}

Status H2Session::init(int32_t window, uint32_t max_concurrent_streams) {
  nghttp2_session_callbacks* cbs = nullptr;
  if (nghttp2_session_callbacks_new(&cbs) != 0) {
    return make_error(Errc::Internal, "http/2: out of memory creating callbacks");
  }
  nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, H2Callbacks::on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(cbs, H2Callbacks::on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, H2Callbacks::on_data_chunk);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, H2Callbacks::on_frame_recv);
  nghttp2_session_callbacks_set_on_stream_close_callback(cbs, H2Callbacks::on_stream_close);
  nghttp2_session_callbacks_set_data_source_read_length_callback(cbs, H2Callbacks::read_length);
  nghttp2_session_callbacks_set_error_callback2(cbs, H2Callbacks::on_error);
  int rv = role_ == Role::Client ? nghttp2_session_client_new(&ng_, cbs, this)
                                 : nghttp2_session_server_new(&ng_, cbs, this);
  nghttp2_session_callbacks_del(cbs);
  if (rv != 0) return make_error(Errc::Internal, "http/2: {}", nghttp2_strerror(rv));

  std::vector<nghttp2_settings_entry> settings{
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, static_cast<uint32_t>(window)},
      {NGHTTP2_SETTINGS_MAX_FRAME_SIZE, kH2MaxFrameSize},
  };
  if (role_ == Role::Client) settings.push_back({NGHTTP2_SETTINGS_ENABLE_PUSH, 0});
  if (max_concurrent_streams > 0) {
    settings.push_back({NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, max_concurrent_streams});
  }
  rv = nghttp2_submit_settings(ng_, NGHTTP2_FLAG_NONE, settings.data(), settings.size());
  if (rv == 0) {
    // SETTINGS only sets stream windows; the connection window needs its own WINDOW_UPDATE.
    rv = nghttp2_session_set_local_window_size(ng_, NGHTTP2_FLAG_NONE, 0, window);
  }
  if (rv != 0) return make_error(Errc::Internal, "http/2 settings: {}", nghttp2_strerror(rv));
  return ok();
}

boost::asio::awaitable<Status> H2Session::run_loops(std::unique_ptr<H2Transport> transport,
                                                    Bytes leftover) {
  using namespace boost::asio::experimental::awaitable_operators;
  auto keep_alive = shared_from_this();
  transport_ = std::move(transport);
  if (state_ != State::Running) {
    // close() or abort() came before the transport: nothing to talk to.
    transport_->close();
    co_return tl::unexpected(end_error_.value_or(Error(Errc::Cancelled, "http/2 session closed")));
  }
  if (!leftover.empty()) {
    stats_.initial_leftover = leftover.size();
    feed(leftover);
  }
  co_await (reader_loop() && writer_loop());
  if (graceful_) co_await transport_->shutdown(options_.shutdown_timeout);
  transport_->close();
  state_ = State::Done;
  if (end_error_) co_return tl::unexpected(*end_error_);
  co_return ok();
}

void H2Session::close() {
  if (state_ != State::Running || !ng_) return;
  close_requested_ = true;
  nghttp2_session_terminate_session(ng_, NGHTTP2_NO_ERROR);
  signal_write();
}

void H2Session::abort() {
  finish(Error(Errc::Cancelled, "http/2 connection aborted"), false);
  if (transport_) transport_->close();
}

void H2Session::fail(Error error) { finish(std::move(error), false); }

void H2Session::signal_write() {
  if (writer_waiting_ && (state_ != State::Running || nghttp2_session_want_write(ng_) ||
                          !nghttp2_session_want_read(ng_))) {
    write_signal_.notify();
  }
}

void H2Session::set_read_paused(bool paused) {
  read_paused_ = paused;
  if (!paused) read_resume_.notify();
}

void H2Session::finish(std::optional<Error> error, bool graceful) {
  if (state_ != State::Running) return;
  state_ = State::Closing;
  graceful_ = graceful && !error;
  end_error_ = std::move(error);
  on_session_end(end_error_ ? &*end_error_ : nullptr);
  write_signal_.notify();
  read_resume_.notify();
  if (transport_) transport_->cancel();
}

bool H2Session::feed(ByteView data) {
  stats_.bytes_in += data.size();
  ssize_t rv = nghttp2_session_mem_recv(ng_, data.data(), data.size());
  if (rv < 0) {
    fail(Error(Errc::Corruption,
               fmt::format("http/2 protocol error: {}", nghttp2_strerror(static_cast<int>(rv)))));
    return false;
  }
  return true;
}

boost::asio::awaitable<void> H2Session::reader_loop() {
  Bytes buffer(options_.read_buffer_size);
  while (state_ == State::Running) {
    if (read_paused_) {
      co_await read_resume_.wait();
      continue;
    }
    Result<size_t> n = co_await transport_->read_some(buffer);
    if (state_ != State::Running) break;
    if (!n) {
      // A peer that closes with nothing in flight ends the connection cleanly (a PBS client
      // simply drops it after /finish); with streams open it is a failure for them.
      if (open_stream_count() == 0 && n.error().code() == Errc::Unavailable) {
        finish(std::nullopt, false);
      } else {
        fail(std::move(n).error());
      }
      break;
    }
    last_io_ = std::chrono::steady_clock::now();
    if (!feed(ByteView(buffer.data(), *n))) break;
    signal_write();
  }
}

boost::asio::awaitable<void> H2Session::writer_loop() {
  while (state_ == State::Running) {
    if (!nghttp2_session_want_write(ng_)) {
      if (!nghttp2_session_want_read(ng_)) {
        // GOAWAY exchanged and no stream left: the HTTP/2 conversation is over.
        finish(std::nullopt, true);
        break;
      }
      writer_waiting_ = true;
      co_await write_signal_.wait();
      writer_waiting_ = false;
      continue;
    }
    Status st = co_await flush();
    if (!st) {
      fail(std::move(st).error());
      break;
    }
  }
}

Result<Bytes> H2Session::take_pending_output() {
  Bytes out;
  for (;;) {
    const uint8_t* data = nullptr;
    ssize_t n = nghttp2_session_mem_send(ng_, &data);
    if (n < 0) {
      return make_error(Errc::Internal, "http/2 send: {}", nghttp2_strerror(static_cast<int>(n)));
    }
    if (n == 0) break;
    out.insert(out.end(), data, data + n);
  }
  stats_.bytes_out += out.size();
  return out;
}

boost::asio::awaitable<Status> H2Session::flush() {
  // out_ is empty here except before the first flush, when it may hold the preamble.
  for (;;) {
    const uint8_t* data = nullptr;
    ssize_t n = nghttp2_session_mem_send(ng_, &data);
    if (n < 0) {
      co_return make_error(Errc::Internal, "http/2 send: {}",
                           nghttp2_strerror(static_cast<int>(n)));
    }
    if (n == 0) break;
    auto len = static_cast<size_t>(n);
    if (len >= kDirectWriteThreshold) {
      // `data` stays valid until the next mem_send, and only this loop calls mem_send: write
      // it without copying, together with whatever small frames were gathered before it.
      FERRY_CO_TRY(co_await write_out(ByteView(data, len)));
    } else {
      out_.insert(out_.end(), data, data + len);
      if (out_.size() < kCoalesceLimit) continue;
      FERRY_CO_TRY(co_await write_out(ByteView()));
    }
    if (state_ != State::Running) co_return ok();
  }
  if (!out_.empty()) FERRY_CO_TRY(co_await write_out(ByteView()));
  co_return ok();
}

boost::asio::awaitable<Status> H2Session::write_out(ByteView extra) {
  // Slices keep last_io_ moving while a 4 MiB frame crawls through a rate-limited socket, so
  // requests waiting behind it do not time out on an active connection.
  ByteView first(out_);
  while (!first.empty() || !extra.empty()) {
    size_t a = std::min(first.size(), kWriteSlice);
    size_t b = std::min(extra.size(), kWriteSlice - a);
    boost::asio::const_buffer bufs[2] = {boost::asio::const_buffer(first.data(), a),
                                         boost::asio::const_buffer(extra.data(), b)};
    FERRY_CO_TRY(co_await transport_->write(std::span(bufs)));
    first = first.subspan(a);
    extra = extra.subspan(b);
    stats_.bytes_out += a + b;
    last_io_ = std::chrono::steady_clock::now();
  }
  out_.clear();
  co_return ok();
}

}  // namespace ferry::http

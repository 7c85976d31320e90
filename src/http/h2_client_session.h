// HTTP/2 glue — H2ClientSession: the client side of a backup or reader connection.
//
// Created once the HTTP/1.1 upgrade of protocol.md §2 succeeded (client/HttpClient::start_h2
// does that), it sends requests with the PBS client's settings (§3.1: 2^31-2 stream and
// connection windows, 4 MiB frames, push disabled) and pseudo-headers (§3.2: `:scheme https`,
// `:authority localhost:8007`, `user-agent: proxmox-backup-client/1.0`).
//
// Many requests may be in flight on one connection; `max_in_flight` bounds them (callers
// beyond it wait in FIFO order), which bounds memory and still keeps the link full. A request
// completes when its whole response arrived; its status is returned as-is (mapping statuses
// to errors is the caller's business, see client/). Failures of the request itself:
//   Timeout      neither the response nor the connection made progress for the timeout (the
//                stream is reset with CANCEL). Progress of other streams extends it: on a
//                busy, rate-limited link requests queue behind each other without failing
//   Unavailable  the connection closed or was reset, or the stream was reset by the server
//   Cancelled    the session was closed locally
//   Corruption   HTTP/2 protocol error; InvalidArgument: response larger than max_body_size
//
// Threading: the session lives on one executor (the HttpClient's I/O thread). request() must
// be awaited on that executor; send() and call() are the thread-safe entry points for other
// threads (call() blocks and must never run on the executor itself).
#pragma once

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <unordered_map>

#include "http/h2_session.h"
#include "http/h2_types.h"
#include "http/internal/h2_signal.h"

namespace ferry::http {

struct H2ClientOptions {
  H2SessionOptions session;
  size_t max_in_flight = 32;
  std::chrono::milliseconds request_timeout{120000};
  std::string authority = "localhost:8007";  // PBS-compat: always this literal (§3.2)
  std::string user_agent = "proxmox-backup-client/1.0";
};

class H2ClientSession final : public H2Session {
 public:
  // Creates the nghttp2 client session with our SETTINGS queued. No I/O yet: either let
  // start() send the preface, or take it with take_preface() to send it together with the
  // upgrade request. Internal on an nghttp2 setup failure.
  static Result<std::shared_ptr<H2ClientSession>> create(boost::asio::any_io_executor executor,
                                                         H2ClientOptions options = {});

  // The connection preface, SETTINGS and WINDOW_UPDATE, for pipelining them behind the upgrade
  // request. Call before start(), at most once.
  Result<Bytes> take_preface() { return take_pending_output(); }

  // Starts the reader and writer loops over `transport` on the session's executor; `leftover`
  // = bytes read past the 101 response. Thread-safe, non-blocking. Call once.
  void start(std::unique_ptr<H2Transport> transport, Bytes leftover);

  // Sends one request and waits for the complete response. `timeout` (zero = the session's
  // request_timeout) is an inactivity limit, see the header comment. Errors as in the header
  // comment. Must run on get_executor(). Suspends.
  boost::asio::awaitable<Result<H2Response>> request(H2Request request,
                                                     std::chrono::milliseconds timeout = {});

  // Thread-safe: queues the request on the session's executor. The future is ready when the
  // response (or error) is. Never blocks.
  std::future<Result<H2Response>> send(H2Request request, std::chrono::milliseconds timeout = {});

  // Blocking convenience: send(request).get(). Cancelled if called on the session's executor
  // (it would deadlock).
  Result<H2Response> call(H2Request request, std::chrono::milliseconds timeout = {});

  // Graceful close (GOAWAY, TLS close_notify) from any thread; requests in flight fail with
  // Cancelled. Non-blocking; use wait_closed() to wait for the end.
  void shutdown();

  // Blocks until the connection has ended and returns how (see H2Session::run_loops). Must
  // not run on the session's executor. Requires start().
  Status wait_closed();

  // Requests completed with a response so far.
  uint64_t completed_requests() const { return stats().requests; }

 private:
  struct Pending;
  H2ClientSession(boost::asio::any_io_executor executor, H2ClientOptions options);

  static boost::asio::awaitable<Result<H2Response>> request_on(
      std::shared_ptr<H2ClientSession> self, H2Request request, std::chrono::milliseconds timeout);
  Result<int32_t> submit(const std::shared_ptr<Pending>& pending, H2Request& request);
  void complete(Pending& pending, Result<H2Response> result);

  bool on_begin_headers(int32_t stream_id) override;
  bool on_header(int32_t stream_id, std::string_view name, std::string_view value) override;
  void on_data(int32_t stream_id, ByteView data) override;
  void on_stream_end(int32_t stream_id) override;
  void on_stream_close(int32_t stream_id, uint32_t error_code) override;
  void on_session_end(const Error* error) override;
  size_t open_stream_count() const override { return streams_.size(); }

  H2ClientOptions options_;
  internal::AsyncSemaphore in_flight_;
  std::unordered_map<int32_t, std::shared_ptr<Pending>> streams_;
  std::promise<Status> closed_promise_;
  std::shared_future<Status> closed_;
  bool started_ = false;
};

}  // namespace ferry::http

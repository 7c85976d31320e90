// HTTP/2 glue — H2Session, the core shared by H2ServerSession and H2ClientSession.
//
// An H2Session owns one nghttp2 session and the transport it runs over, and drives them with
// two coroutines on the transport's executor:
//
//   reader  read_some → nghttp2_session_mem_recv → stream callbacks (the derived class)
//   writer  nghttp2_session_mem_send → coalesce small frames / write big DATA frames directly
//
// Separate loops matter: a serial read-then-write loop deadlocks when both directions carry
// large bodies (DEPENDENCIES.md). Asio's ssl::stream allows exactly one outstanding read and
// one outstanding write, which is what the two loops produce.
//
// Bytes the HTTP/1.1 upgrade read past its message (the "leftover") are fed to nghttp2 before
// the first socket read. DATA frames are up to 4 MiB (SETTINGS_MAX_FRAME_SIZE plus nghttp2's
// data_source_read_length_callback); windows are set by the derived class per protocol.md §3.1.
//
// Lifetime: always owned by a shared_ptr (run_loops() keeps the session alive until both loops
// end).
// Thread-safety: none. Every member function must be called on get_executor(); other threads
// post to it (the derived classes provide thread-safe entry points where needed).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "common/bytes.h"
#include "common/result.h"
#include "http/h2_transport.h"
#include "http/h2_types.h"
#include "http/internal/h2_signal.h"

struct nghttp2_session;

namespace ferry::http {

// Tunables common to both roles.
struct H2SessionOptions {
  size_t read_buffer_size = 256 * 1024;
  // How long a graceful close waits for the peer's TLS close_notify.
  std::chrono::milliseconds shutdown_timeout{2000};
  // Largest body accepted on one stream (request body on a server, response body on a
  // client). Larger bodies reset the stream. PBS messages are at most 16 MiB + 44 bytes;
  // downloaded index files of multi-TiB images reach tens of MiB.
  size_t max_body_size = 1024 * 1024 * 1024;
};

// An outgoing body handed to nghttp2's data provider. It must stay at a stable address until
// nghttp2 reports the stream closed (the derived classes keep it in their stream state).
struct H2OutgoingBody {
  Bytes data;
  size_t offset = 0;
};

class H2Session : public std::enable_shared_from_this<H2Session> {
 public:
  virtual ~H2Session();
  H2Session(const H2Session&) = delete;
  H2Session& operator=(const H2Session&) = delete;

  boost::asio::any_io_executor get_executor() const { return executor_; }

  // Graceful end: sends GOAWAY(NO_ERROR) after the frames already queued, then TLS
  // close_notify. Requests still in flight fail with Cancelled. Non-blocking; idempotent.
  void close();

  // Hard end: closes the socket now. Everything in flight fails with Cancelled.
  void abort();

  // True until the session decided to end the connection.
  bool is_open() const { return state_ == State::Running; }

  const H2Stats& stats() const { return stats_; }

  // When bytes last moved on the transport (a read completed or a write slice went out).
  std::chrono::steady_clock::time_point last_io() const { return last_io_; }

 protected:
  enum class Role { Client, Server };
  H2Session(Role role, boost::asio::any_io_executor executor, H2SessionOptions options);

  // Runs the session over `transport` (whose executor must be get_executor()) until the
  // connection ends: the peer closed it, close() or abort() was called, or an I/O or protocol
  // error occurred. `leftover` (bytes read past the HTTP/1.1 upgrade) is processed first.
  // Returns ok for a clean end (GOAWAY exchanged, or the peer closed with no stream open),
  // otherwise the first error: Unavailable (connection closed/reset, TLS failure), Corruption
  // (HTTP/2 protocol error), Cancelled (abort()). Call once, after init(), on get_executor().
  // Suspends.
  boost::asio::awaitable<Status> run_loops(std::unique_ptr<H2Transport> transport, Bytes leftover);

  // Creates the nghttp2 session, queues our SETTINGS (initial window, max frame size, and
  // for clients ENABLE_PUSH=0) and raises the connection receive window to `window`.
  // Internal on an nghttp2 failure (out of memory).
  Status init(int32_t window, uint32_t max_concurrent_streams);

  // Serializes everything nghttp2 has queued (before run_loops: the client preface, SETTINGS
  // and WINDOW_UPDATE) and returns it; the caller sends it itself. Internal on an nghttp2
  // failure.
  Result<Bytes> take_pending_output();

  // Bytes written before anything nghttp2 produces, in the same write (a server's 101
  // response, so that it and the server SETTINGS share one TLS record). Before run_loops.
  void set_preamble(Bytes preamble) { out_ = std::move(preamble); }

  nghttp2_session* native() const { return ng_; }
  const H2SessionOptions& options() const { return options_; }
  // True once close() was called: streams nghttp2 closes from then on were ended by us.
  bool close_requested() const { return close_requested_; }
  H2Stats& mutable_stats() { return stats_; }

  // Wakes the writer after queuing frames (submit_request/response/rst, resume_data).
  // Cheap when there is nothing to do: the writer's timer is only touched if it is waiting and
  // nghttp2 has something to send (most received DATA frames queue nothing).
  void signal_write();
  // Server backpressure: while paused the reader stops reading the socket.
  void set_read_paused(bool paused);
  // Ends the connection with an error (fails everything in flight, closes the transport).
  void fail(Error error);

  // --- hooks, called from nghttp2 callbacks on the executor ----------------------------------
  // Return false to reset the stream with PROTOCOL_ERROR.
  virtual bool on_begin_headers(int32_t stream_id) = 0;
  virtual bool on_header(int32_t stream_id, std::string_view name, std::string_view value) = 0;
  virtual void on_data(int32_t stream_id, ByteView data) = 0;
  // The peer ended its side of the stream (END_STREAM on HEADERS or DATA).
  virtual void on_stream_end(int32_t stream_id) = 0;
  // nghttp2 closed the stream; `error_code` is the HTTP/2 error code (0 = NO_ERROR).
  virtual void on_stream_close(int32_t stream_id, uint32_t error_code) = 0;
  // The connection ended; `error` is null for a clean end. Called exactly once.
  virtual void on_session_end(const Error* error) = 0;
  // Streams that have not completed yet: a peer close with none open is a clean end.
  virtual size_t open_stream_count() const = 0;

 private:
  enum class State { Running, Closing, Done };
  friend struct H2Callbacks;

  boost::asio::awaitable<void> reader_loop();
  boost::asio::awaitable<void> writer_loop();
  boost::asio::awaitable<Status> flush();
  // Writes out_ and then `extra` (a frame still inside nghttp2's buffer), in slices.
  boost::asio::awaitable<Status> write_out(ByteView extra);
  // Feeds received bytes to nghttp2; false after a protocol error (the session has failed).
  bool feed(ByteView data);
  // Decides the end of the connection; `error` empty means clean.
  void finish(std::optional<Error> error, bool graceful);

  Role role_;
  boost::asio::any_io_executor executor_;
  std::unique_ptr<H2Transport> transport_;
  H2SessionOptions options_;
  nghttp2_session* ng_ = nullptr;
  State state_ = State::Running;
  bool graceful_ = false;
  bool close_requested_ = false;
  bool goaway_received_ = false;
  bool read_paused_ = false;
  bool writer_waiting_ = false;
  std::optional<Error> end_error_;
  internal::AsyncSignal write_signal_;
  internal::AsyncSignal read_resume_;
  Bytes out_;  // coalescing buffer for small frames (starts with the preamble)
  H2Stats stats_;
  std::chrono::steady_clock::time_point last_io_;
};

}  // namespace ferry::http

// HTTP/2 glue — H2ServerSession: the server side of a backup or reader connection.
//
// The HTTPS server answers the upgrade request of protocol.md §2 with 101 and hands the
// connection over (http/upgrade.h): the TLS stream plus the bytes its HTTP/1.1 parser read past
// the request (a client may pipeline its preface). An UpgradeHandler::run implementation is
// simply `create(stream, leftover, handler)` followed by `co_await session->run()`. From then
// on the session speaks HTTP/2 with prior knowledge (§3.1) with hyper's settings: 32 MiB
// stream and connection windows, 4 MiB frames.
//
// Every complete request (headers + whole body) is passed to the H2RequestHandler in its own
// coroutine, so requests on different streams are served concurrently; the response is sent
// when the handler returns. Bodies larger than `max_body_size` reset the stream (CANCEL).
//
// Backpressure: request bodies received but not yet answered are counted; above
// `max_buffered_bytes` the session stops reading the socket until handlers catch up to half
// of it, so a fast client cannot make the server buffer without bound. Optionally
// SETTINGS_MAX_CONCURRENT_STREAMS is advertised (PBS 3.x advertises none, 4.x 200).
//
// Thread-safety: run() and everything else on the session's executor (the TLS stream's; use
// a strand if the io_context has several threads). shutdown() may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "http/h2_session.h"
#include "http/h2_types.h"
#include "http/upgrade.h"

namespace ferry::http {

struct H2ServerOptions {
  H2SessionOptions session{.max_body_size = 64 * 1024 * 1024};
  uint32_t max_concurrent_streams = 0;  // 0: not advertised
  size_t max_buffered_bytes = 256 * 1024 * 1024;
  size_t max_header_count = 100;
  size_t max_header_bytes = 64 * 1024;
  // Written right before the server's first HTTP/2 frames, in the same write: the serialized
  // 101 response when the caller wants it coalesced with SETTINGS (optional).
  Bytes preamble;
};

class H2ServerSession final : public H2Session {
 public:
  using SocketTlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

  // Takes over an upgraded connection as http::Server hands it to an UpgradeHandler (shared
  // stream on the connection's strand, timeouts off). `leftover` = bytes already read past the
  // upgrade request. Internal on an nghttp2 setup failure. Does not perform I/O.
  static Result<std::shared_ptr<H2ServerSession>> create(std::shared_ptr<TlsStream> stream,
                                                         std::string_view leftover,
                                                         std::shared_ptr<H2RequestHandler> handler,
                                                         H2ServerOptions options = {});
  // Same over a TLS stream on a plain socket (tools, tests).
  static Result<std::shared_ptr<H2ServerSession>> create(SocketTlsStream stream, Bytes leftover,
                                                         std::shared_ptr<H2RequestHandler> handler,
                                                         H2ServerOptions options = {});
  // Same over any transport (tests, other stream types).
  static Result<std::shared_ptr<H2ServerSession>> create(std::unique_ptr<H2Transport> transport,
                                                         Bytes leftover,
                                                         std::shared_ptr<H2RequestHandler> handler,
                                                         H2ServerOptions options = {});

  // Serves the connection until it ends; see H2Session::run_loops for the returned Status
  // (ok when the client closed it cleanly). Handlers still running when it returns finish on
  // their own; their responses are dropped. Call once, on get_executor(). Suspends.
  boost::asio::awaitable<Status> run();

  // Graceful end (GOAWAY, then close). Thread-safe, non-blocking.
  void shutdown();

 private:
  struct Stream;
  H2ServerSession(std::unique_ptr<H2Transport> transport, Bytes leftover,
                  std::shared_ptr<H2RequestHandler> handler, H2ServerOptions options);

  static boost::asio::awaitable<void> serve(std::shared_ptr<H2ServerSession> self,
                                            int32_t stream_id, H2Request request);
  void respond(int32_t stream_id, H2Response response);
  void release_buffered(size_t bytes);

  bool on_begin_headers(int32_t stream_id) override;
  bool on_header(int32_t stream_id, std::string_view name, std::string_view value) override;
  void on_data(int32_t stream_id, ByteView data) override;
  void on_stream_end(int32_t stream_id) override;
  void on_stream_close(int32_t stream_id, uint32_t error_code) override;
  void on_session_end(const Error* error) override;
  size_t open_stream_count() const override { return streams_.size(); }

  std::unique_ptr<H2Transport> transport_;
  Bytes leftover_;
  std::shared_ptr<H2RequestHandler> handler_;
  H2ServerOptions options_;
  std::unordered_map<int32_t, std::unique_ptr<Stream>> streams_;
  size_t buffered_bytes_ = 0;
};

}  // namespace ferry::http

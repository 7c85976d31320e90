// HTTP/2 glue (nghttp2) — the value types shared by server and client sessions.
//
// After the HTTP/1.1 upgrade of protocol.md §2, a backup or reader connection carries HTTP/2
// with prior knowledge over the same TLS stream (§3.1). The glue in `http/h2_*` runs one
// nghttp2 session over such a stream with separate reader and writer coroutines:
//
//   H2ServerSession  answers requests by calling an H2RequestHandler (backup/reader protocols)
//   H2ClientSession  sends requests and returns their responses (client/ wraps it)
//   H2Session        the shared core: nghttp2 callbacks, I/O loops, flow control, shutdown
//
// Bodies are whole byte buffers in both directions: every PBS protocol message is bounded
// (chunks and blobs ≤ 16 MiB + 44 bytes, index files a few MiB), so a stream is handed to the
// handler, or back to the caller, only once it is complete. Flow-control windows and the
// 4 MiB frame size follow protocol.md §3.1 (constants below). The threading model and the
// wire details are documented in docs/protocol/http2.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "common/bytes.h"

namespace ferry::http {

// --- Settings of protocol.md §3.1 (PBS client = h2 crate, PBS server = hyper) ---------------
// Initial stream window and connection window of a client session: 2^31 - 2.
inline constexpr int32_t kH2ClientWindowSize = 2147483646;
// Initial stream window and connection window of a server session: 32 MiB.
inline constexpr int32_t kH2ServerWindowSize = 32 * 1024 * 1024;
// SETTINGS_MAX_FRAME_SIZE of both sides, and the largest DATA frame we send: 4 MiB.
inline constexpr uint32_t kH2MaxFrameSize = 4 * 1024 * 1024;

// One regular header field. Names are lower case on the wire (HTTP/2 requires it); values are
// passed through unchanged.
struct H2Header {
  std::string name;
  std::string value;
};

// A complete request as the server hands it to its handler, or as a client submits it.
struct H2Request {
  std::string method;             // "GET", "POST", "PUT", ...
  std::string path;               // ":path" without the query, e.g. "/fixed_chunk"
  std::string query;              // raw query string without '?', form-encoded; may be empty
  std::vector<H2Header> headers;  // regular headers (no pseudo-headers)
  Bytes body;                     // empty when the request had no DATA frames

  // The first header with this (lower-case) name, or "" if absent.
  std::string_view header(std::string_view name) const;
};

// A complete response.
struct H2Response {
  int status = 200;
  std::vector<H2Header> headers;  // regular headers; content-length is added automatically
  Bytes body;

  std::string_view header(std::string_view name) const;
};

// What a server session calls for every complete request. One handler object serves all
// streams of a session, concurrently: `handle` may be entered again while earlier calls are
// suspended. It runs on the session's executor and must not block it (hand CPU-heavy or
// blocking work to a pool). An exception escaping `handle` becomes a 500 response whose body
// is "internal error" (the session's catch barrier logs it).
class H2RequestHandler {
 public:
  virtual ~H2RequestHandler() = default;
  virtual boost::asio::awaitable<H2Response> handle(H2Request request) = 0;
};

// Byte and request counters of a session (for benchmarks, logs and tests).
struct H2Stats {
  uint64_t bytes_in = 0;        // HTTP/2 bytes received (after TLS)
  uint64_t bytes_out = 0;       // HTTP/2 bytes sent
  uint64_t requests = 0;        // streams completed (server: handled; client: answered)
  size_t initial_leftover = 0;  // bytes handed over from the HTTP/1.1 upgrade buffer
};

}  // namespace ferry::http

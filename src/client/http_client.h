// ferry::client — the PBS-compatible HTTP client used by sync, push and the CLIs.
//
// What it owns:
//   HttpClient          TLS connection(s) to one server: fingerprint pinning (fingerprint.h),
//                       login and ticket renewal or API-token auth (auth.md §2–§4), REST calls
//                       returning the envelope's `data` (api.md §3), and start_h2(): the
//                       protocol upgrade of protocol.md §2 yielding an HTTP/2 session
//   BackupWriterClient  typed backup-protocol endpoints (backup_writer_client.h, §3.4)
//   BackupReaderClient  typed reader-protocol endpoints (backup_reader_client.h, §3.5)
//   RateLimiter         token buckets of §8.2, applied below TLS (rate_limiter.h)
//
// Threading (docs/protocol/http2.md): each HttpClient owns one I/O thread running an
// io_context; every socket, ticket and HTTP/2 session of the client lives there. The public
// API is blocking and thread-safe: calls hand their work to the I/O thread and wait for it.
// Protocol clients add asynchronous calls (std::future) for parallel transfers. Never call a
// blocking method from the I/O thread itself (such calls fail with Cancelled).
//
// Failures are Results: Unavailable (refused, reset, closed, TLS failure), Timeout (connect
// 10 s, requests 120 s by default), Unauthenticated (login failed, untrusted certificate),
// and the server's own errors mapped from the HTTP status (client/internal/envelope.h) with
// the server's message, e.g. NotFound "GET /api2/json/x failed with status 404: ...".
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "client/rate_limiter.h"
#include "common/bytes.h"
#include "common/clock.h"
#include "common/result.h"
#include "http/h2_client_session.h"
#include "types/authid.h"

namespace ferry::client {

namespace internal {
class IoThread;
}  // namespace internal

struct HttpClientOptions {
  std::string host;  // name or IP literal (IPv6 without brackets)
  uint16_t port = 8007;
  // Pinned certificate fingerprint ("aa:bb:…", any case). Without it only certificates the
  // system trusts are accepted.
  std::optional<std::string> fingerprint;
  // A user (password login, ticket cookie) or an API token (Authorization header). Without
  // it requests go out unauthenticated.
  std::optional<types::Authid> auth_id;
  std::string secret;  // password or token secret; never logged
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds request_timeout{120000};
  // Rates in bytes per second (0 = unlimited), bursts in bytes (0 = rate), §8.2.
  uint64_t rate_in = 0;
  uint64_t burst_in = 0;
  uint64_t rate_out = 0;
  uint64_t burst_out = 0;
  // Requests in flight per HTTP/2 connection.
  size_t h2_max_in_flight = 32;
  // Wall clock for ticket ages; null = the system clock. Must outlive the client.
  const Clock* clock = nullptr;
};

enum class Method { Get, Post, Put, Delete };

// A response whose body is not a JSON envelope (downloads, task logs as text).
struct RawResponse {
  int status = 0;
  std::string content_type;
  Bytes body;
};

struct StartH2Options {
  // Send the HTTP/2 preface right behind the upgrade request instead of after the 101 (saves
  // a round trip; the server finds it in its leftover buffer).
  bool pipeline_preface = false;
};

class HttpClient {
 public:
  // Validates the options (host non-empty, fingerprint syntax) and starts the I/O thread.
  // No network I/O. InvalidArgument naming the bad option; Internal if TLS setup fails.
  static Result<std::unique_ptr<HttpClient>> create(HttpClientOptions options);
  // Closes idle connections and stops the I/O thread once no protocol client uses it.
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Logs in with the password now (user auth ids; a no-op for tokens). Later calls renew the
  // ticket on their own: after 15 minutes with the ticket itself, after 2 h − 60 s with the
  // password. Unauthenticated "permission check failed." on bad credentials. Blocks.
  Status login();

  // REST calls: GET/PUT/DELETE send `params` (a JSON object or null) form-encoded in the
  // query, POST as a JSON body (what the PBS client does, api.md §2.2). Return the `data` of
  // the envelope. `path` is the full API path ("/api2/json/admin/datastore"); encode
  // variable components with encode_path_component(). Blocks.
  Result<nlohmann::json> get(std::string_view path, const nlohmann::json& params = nullptr);
  Result<nlohmann::json> post(std::string_view path, const nlohmann::json& params = nullptr);
  Result<nlohmann::json> put(std::string_view path, const nlohmann::json& params = nullptr);
  Result<nlohmann::json> del(std::string_view path, const nlohmann::json& params = nullptr);

  // The same, returning the whole envelope object (`data` plus attributes such as `digest`
  // or `total`).
  Result<nlohmann::json> request(Method method, std::string_view path,
                                 const nlohmann::json& params = nullptr);

  // A request with a raw body and the query given as-is; the response is returned whatever
  // its status (the caller maps it). Transport errors only. Blocks.
  Result<RawResponse> request_raw(Method method, std::string_view path, std::string_view query,
                                  Bytes body = {},
                                  std::string_view content_type = "application/octet-stream");

  // Opens a new connection and upgrades it (protocol.md §2.1): `GET <path>?<query>` with
  // `Connection: upgrade` and `UPGRADE: <protocol>` plus the credentials. Only 101 succeeds;
  // any other status is returned as the server's error (e.g. PermissionDenied "missing
  // permissions 'Datastore.Backup' on '/datastore/x'"). The session runs on the client's I/O
  // thread; close it with shutdown()/wait_closed(). Blocks until the 101.
  Result<std::shared_ptr<http::H2ClientSession>> start_h2(std::string_view path,
                                                          std::string_view query,
                                                          std::string_view protocol,
                                                          StartH2Options start = {});

  const HttpClientOptions& options() const { return options_; }
  const std::shared_ptr<RateLimiter>& read_limiter() const { return read_limiter_; }
  const std::shared_ptr<RateLimiter>& write_limiter() const { return write_limiter_; }
  // The I/O thread, for protocol clients that must keep it alive.
  const std::shared_ptr<internal::IoThread>& io_thread() const { return io_; }

 private:
  struct State;
  explicit HttpClient(HttpClientOptions options);

  HttpClientOptions options_;
  std::shared_ptr<RateLimiter> read_limiter_;
  std::shared_ptr<RateLimiter> write_limiter_;
  std::shared_ptr<internal::IoThread> io_;
  std::unique_ptr<State> state_;  // touched only on the I/O thread
};

// Percent-encodes one path component ("a b/c" → "a%20b%2Fc"), for building API paths.
std::string encode_path_component(std::string_view component);

}  // namespace ferry::client

// Shared plumbing of BackupWriterClient and BackupReaderClient (private to client/).
//
// A ProtocolSession holds the HTTP/2 session of one upgraded connection plus the client's I/O
// thread (kept alive as long as the session). Calls are coroutines on that thread that send
// one request and map its response: JSON endpoints through the envelope rules of
// protocol.md §3.2, downloads as raw bytes. run()/spawn() turn them into blocking calls and
// futures for the synchronous engine.
#pragma once

#include <future>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>

#include "client/http_client.h"
#include "client/internal/io_thread.h"
#include "common/bytes.h"
#include "common/result.h"
#include "http/h2_client_session.h"

namespace ferry::client::internal {

// The PBS client refuses to build a longer query (protocol.md §3.2).
inline constexpr size_t kMaxQueryLength = 4096;

// Request builders with the content types of protocol.md §3.2.
http::H2Request form_request(std::string_view method, std::string_view path, std::string query);
http::H2Request upload_request(std::string_view path, std::string query, Bytes body);
http::H2Request json_request(std::string_view method, std::string_view path,
                             const nlohmann::json& body);

// "<METHOD> <path>" for error context.
std::string describe(const http::H2Request& request);

// Sends `request` and returns the envelope's `data` (an empty 2xx body is null). Errors: the
// session's, status_error for non-2xx, Corruption for a body without `data`. Suspends.
boost::asio::awaitable<Result<nlohmann::json>> call_json(
    std::shared_ptr<http::H2ClientSession> session, http::H2Request request);

// Sends `request` and returns the raw body of a 200 answer; other statuses as status_error
// (404 → NotFound). Suspends.
boost::asio::awaitable<Result<Bytes>> call_download(std::shared_ptr<http::H2ClientSession> session,
                                                    http::H2Request request);

class ProtocolSession {
 public:
  ProtocolSession(std::shared_ptr<IoThread> io, std::shared_ptr<http::H2ClientSession> session)
      : io_(std::move(io)), session_(std::move(session)) {}

  const std::shared_ptr<http::H2ClientSession>& session() const { return session_; }

  // Queues `op` on the I/O thread; never blocks.
  template <typename T>
  std::future<Result<T>> spawn(boost::asio::awaitable<Result<T>> op) {
    return boost::asio::co_spawn(session_->get_executor(), std::move(op), boost::asio::use_future);
  }

  // Runs `op` and waits for it. Cancelled on the I/O thread itself.
  template <typename T>
  Result<T> run(boost::asio::awaitable<Result<T>> op) {
    return io_->run_sync(std::move(op));
  }

  // Graceful close (GOAWAY, TLS close_notify) and wait for the end; idempotent.
  Status close();

 private:
  std::shared_ptr<IoThread> io_;
  std::shared_ptr<http::H2ClientSession> session_;
  bool closed_ = false;
};

}  // namespace ferry::client::internal

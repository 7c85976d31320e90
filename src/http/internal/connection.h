// One accepted TCP connection of the Server, and the state the Server shares with all of them.
// Private to the http module (server.cc, connection.cc).
//
// Threading: a Connection lives on its own strand (the executor of its socket). Its coroutine
// `serve_connection` and the posted `close_if_idle`/`force_close` are the only code touching
// its members. ServerCore is shared by the acceptors and every connection; its registry is
// guarded by a mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "http/server.h"
#include "http/upgrade.h"

namespace ferry::http {
class Handler;
class TlsContext;
struct Response;
struct Request;
}  // namespace ferry::http

namespace ferry::http::internal {

class Connection;

// What the Server and its connections share. Outlives every connection (each holds a
// shared_ptr).
class ServerCore {
 public:
  ServerCore(ServerOptions options, std::shared_ptr<TlsContext> tls,
             std::shared_ptr<Handler> handler)
      : options_(std::move(options)), tls_(std::move(tls)), handler_(std::move(handler)) {}

  const ServerOptions& options() const { return options_; }
  TlsContext& tls() { return *tls_; }
  Handler& handler() { return *handler_; }

  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  // Returns true for the first caller only.
  bool begin_stopping() { return !stopping_.exchange(true, std::memory_order_acq_rel); }

  // Called (on any thread) when the last connection closes while stopping.
  void set_on_drained(std::function<void()> fn) { on_drained_ = std::move(fn); }

  void add(const std::shared_ptr<Connection>& conn);
  void remove(uint64_t id);
  size_t count() const;
  std::vector<std::shared_ptr<Connection>> snapshot() const;
  uint64_t next_id() { return next_id_.fetch_add(1); }

 private:
  const ServerOptions options_;
  std::shared_ptr<TlsContext> tls_;
  std::shared_ptr<Handler> handler_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> next_id_{1};
  std::function<void()> on_drained_;  // set before the threads start

  mutable std::mutex mu_;
  std::map<uint64_t, std::weak_ptr<Connection>> connections_;  // guarded by mu_
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `socket` must be bound to a strand of its own.
  Connection(std::shared_ptr<ServerCore> core, boost::asio::ip::tcp::socket socket);

  uint64_t id() const { return id_; }
  const std::string& peer() const { return peer_; }
  boost::asio::any_io_executor executor() const { return executor_; }

  // Post to the connection's strand: close it if it waits for a request (or is still in the
  // TLS handshake); a request in flight is left to finish.
  void close_if_idle();
  // Post to the connection's strand: close the socket in any state.
  void force_close();

 private:
  enum class Phase { Handshake, Idle, Reading, Handling, Writing, Upgraded, Closed };

  friend boost::asio::awaitable<void> serve_connection(std::shared_ptr<Connection> conn);

  boost::asio::awaitable<void> run();
  boost::asio::awaitable<bool> serve_one(boost::beast::flat_buffer& buffer);
  boost::asio::awaitable<Response> call_handler(Request request);
  boost::asio::awaitable<bool> write_response(Response response, bool keep_alive, bool head);
  boost::asio::awaitable<void> reject(int status, std::string text);
  boost::asio::awaitable<void> reject_read_error(boost::system::error_code ec);
  boost::asio::awaitable<void> finish_upgrade(Response response, boost::beast::flat_buffer& buffer);
  boost::asio::awaitable<void> redirect_plain_http(boost::beast::flat_buffer& buffer);
  boost::asio::awaitable<void> linger_close();
  boost::asio::awaitable<void> close_tls();
  void close();

  std::shared_ptr<ServerCore> core_;
  boost::asio::any_io_executor executor_;
  std::shared_ptr<TlsStream> stream_;
  uint64_t id_;
  std::string peer_;
  Phase phase_ = Phase::Handshake;
};

// Serves `conn` until it closes, then unregisters it. Spawn on conn->executor().
boost::asio::awaitable<void> serve_connection(std::shared_ptr<Connection> conn);

}  // namespace ferry::http::internal

#include "http/server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <csignal>
#include <optional>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.h"
#include "http/blocking_pool.h"
#include "http/handler.h"
#include "http/internal/connection.h"
#include "http/tls_context.h"

namespace ferry::http {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using internal::Connection;
using internal::ServerCore;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr int kTcpKeepAliveSeconds = 120;  // api.md §1: TCP keep-alive 120 s

Result<std::shared_ptr<tcp::acceptor>> open_acceptor(asio::any_io_executor ex,
                                                     const ListenAddress& addr) {
  error_code ec;
  auto address = asio::ip::make_address(addr.host, ec);
  if (ec) return make_error(Errc::InvalidArgument, "invalid listen address '{}'", addr.to_string());
  tcp::endpoint endpoint(address, addr.port);
  auto acceptor = std::make_shared<tcp::acceptor>(ex);
  auto fail = [&](const char* step) {
    return with_context<std::shared_ptr<tcp::acceptor>>(errno_error(ec.value()), "{} {}", step,
                                                        addr.to_string());
  };
  if (acceptor->open(endpoint.protocol(), ec)) return fail("open socket for");
  acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (addr.ipv6) acceptor->set_option(asio::ip::v6_only(true), ec);
  if (acceptor->bind(endpoint, ec)) return fail("bind");
  if (acceptor->listen(asio::socket_base::max_listen_connections, ec)) return fail("listen on");
  return acceptor;
}

void tune_socket(tcp::socket& socket) {
  error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  socket.set_option(asio::socket_base::keep_alive(true), ec);
  int idle = kTcpKeepAliveSeconds;
  ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
}

// Accepts until the acceptor is closed. Each connection gets a strand of its own.
asio::awaitable<void> accept_loop(std::shared_ptr<ServerCore> core,
                                  std::shared_ptr<tcp::acceptor> acceptor,
                                  asio::any_io_executor io) {
  for (;;) {
    auto [ec, socket] =
        co_await acceptor->async_accept(asio::any_io_executor(asio::make_strand(io)), kNoThrow);
    if (!acceptor->is_open() || core->stopping()) co_return;
    if (ec) {
      spdlog::warn("accept failed: {}", ec.message());
      // Out of descriptors and the like: back off instead of spinning.
      asio::steady_timer pause(io, std::chrono::milliseconds(100));
      co_await pause.async_wait(kNoThrow);
      continue;
    }
    if (core->count() >= core->options().max_connections) {
      spdlog::warn("connection limit {} reached, closing new connection",
                   core->options().max_connections);
      continue;  // `socket` closes when it goes out of scope
    }
    tune_socket(socket);
    auto conn = std::make_shared<Connection>(core, std::move(socket));
    core->add(conn);
    asio::co_spawn(conn->executor(), internal::serve_connection(conn), asio::detached);
  }
}

}  // namespace

struct Server::State {
  explicit State(ServerOptions opts, std::shared_ptr<TlsContext> tls,
                 std::shared_ptr<Handler> handler)
      : io(int(opts.io_threads)),
        control(asio::make_strand(io)),
        grace_timer(control),
        core(std::make_shared<ServerCore>(std::move(opts), std::move(tls), std::move(handler))) {}

  void begin_shutdown();

  asio::io_context io;
  asio::strand<asio::io_context::executor_type> control;  // acceptors, signals, grace timer
  asio::steady_timer grace_timer;
  std::shared_ptr<ServerCore> core;
  std::vector<std::shared_ptr<tcp::acceptor>> acceptors;
  std::vector<ListenAddress> bound;
  std::optional<asio::signal_set> signals;
  std::vector<std::thread> threads;
  bool started = false;
};

// Runs on the control strand.
void Server::State::begin_shutdown() {
  for (auto& acceptor : acceptors) {
    error_code ignored;
    acceptor->close(ignored);
  }
  if (signals) signals->cancel();
  auto open = core->snapshot();
  spdlog::info("shutting down: {} connection(s) open", open.size());
  if (open.empty()) return;
  for (auto& conn : open) conn->close_if_idle();
  grace_timer.expires_after(core->options().shutdown_grace);
  grace_timer.async_wait([core = core](error_code ec) {
    if (ec) return;  // cancelled: every connection finished in time
    auto left = core->snapshot();
    if (!left.empty()) spdlog::warn("grace period over, closing {} connection(s)", left.size());
    for (auto& conn : left) conn->force_close();
  });
}

Server::Server(std::unique_ptr<State> state) : state_(std::move(state)) {}

Server::~Server() {
  if (state_->started) {
    stop();
    wait();
  }
}

Result<std::unique_ptr<Server>> Server::create(ServerOptions options,
                                               std::shared_ptr<TlsContext> tls,
                                               std::shared_ptr<Handler> handler) {
  if (options.listen.empty()) return make_error(Errc::InvalidArgument, "no listen address given");
  if (options.io_threads == 0) return make_error(Errc::InvalidArgument, "io_threads must be > 0");
  if (!tls || !handler) return make_error(Errc::InvalidArgument, "server needs TLS and a handler");
  auto listen = options.listen;
  auto state = std::make_unique<State>(std::move(options), std::move(tls), std::move(handler));
  for (const auto& addr : listen) {
    FERRY_TRY_ASSIGN(auto acceptor, open_acceptor(state->control, addr));
    ListenAddress bound = addr;
    error_code ec;
    bound.port = acceptor->local_endpoint(ec).port();
    state->bound.push_back(bound);
    state->acceptors.push_back(std::move(acceptor));
  }
  State* raw = state.get();
  state->core->set_on_drained(
      [raw] { asio::post(raw->control, [raw] { raw->grace_timer.cancel(); }); });
  return std::unique_ptr<Server>(new Server(std::move(state)));
}

const std::vector<ListenAddress>& Server::local_addresses() const { return state_->bound; }

void Server::stop_on_signals() {
  State* s = state_.get();
  s->signals.emplace(s->control, SIGINT, SIGTERM);
  s->signals->async_wait([this](error_code ec, int signo) {
    if (ec) return;
    spdlog::info("received signal {}, stopping", signo);
    stop();
  });
}

void Server::start() {
  State* s = state_.get();
  if (s->started) return;
  s->started = true;
  for (auto& acceptor : s->acceptors) {
    asio::co_spawn(s->control, accept_loop(s->core, acceptor, s->io.get_executor()),
                   asio::detached);
  }
  for (size_t i = 0; i < s->core->options().io_threads; ++i) {
    s->threads.emplace_back([s] {
      mark_io_thread();
      for (;;) {
        try {
          s->io.run();
          return;
        } catch (const std::exception& e) {  // barrier: a stray exception must not kill the server
          spdlog::error("I/O thread: unexpected exception: {}", e.what());
        }
      }
    });
  }
}

void Server::stop() {
  if (!state_->core->begin_stopping()) return;
  State* s = state_.get();
  asio::post(s->control, [s] { s->begin_shutdown(); });
}

void Server::wait() {
  for (auto& t : state_->threads) {
    if (t.joinable()) t.join();
  }
  state_->threads.clear();
}

size_t Server::connection_count() const { return state_->core->count(); }

}  // namespace ferry::http

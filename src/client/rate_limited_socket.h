// RateLimitedSocket: a TCP socket that throttles reads and writes with shared RateLimiters.
//
// It is the next layer below TLS (`ssl::stream<RateLimitedSocket>`), so the limiters see the
// encrypted bytes, as protocol.md §8.2 demands. After each completed transfer the direction's
// limiter returns the delay owed; if it is at least RateLimiter::kMinDelay, the *next*
// transfer in that direction first waits until the delay has passed (a steady_timer).
// A null limiter means unlimited.
//
// It models Asio's AsyncReadStream/AsyncWriteStream (async_read_some/async_write_some with any
// completion token) and offers cancel/close for the H2 transport. Like any Asio socket it is
// not thread-safe; ssl::stream issues at most one read and one write at a time, and each
// direction has its own timer, so the two directions never interfere.
#pragma once

#include <chrono>
#include <memory>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "client/rate_limiter.h"

namespace ferry::client {

class RateLimitedSocket {
 public:
  using executor_type = boost::asio::ip::tcp::socket::executor_type;
  using lowest_layer_type = RateLimitedSocket;

  RateLimitedSocket(boost::asio::ip::tcp::socket socket, std::shared_ptr<RateLimiter> read_limiter,
                    std::shared_ptr<RateLimiter> write_limiter)
      : socket_(std::move(socket)),
        read_(socket_.get_executor(), std::move(read_limiter)),
        write_(socket_.get_executor(), std::move(write_limiter)) {}

  RateLimitedSocket(RateLimitedSocket&&) = default;
  RateLimitedSocket& operator=(RateLimitedSocket&&) = default;

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  lowest_layer_type& lowest_layer() { return *this; }
  boost::asio::ip::tcp::socket& socket() { return socket_; }
  bool is_open() const { return socket_.is_open(); }

  // Cancels pending transfers and delays (they complete with operation_aborted).
  void cancel(boost::system::error_code& ec) {
    read_.timer.cancel();
    write_.timer.cancel();
    socket_.cancel(ec);
  }
  void close(boost::system::error_code& ec) {
    read_.timer.cancel();
    write_.timer.cancel();
    socket_.close(ec);
  }

  template <typename MutableBufferSequence, typename Token>
  auto async_read_some(const MutableBufferSequence& buffers, Token&& token) {
    return boost::asio::async_compose<Token, void(boost::system::error_code, size_t)>(
        TransferOp<MutableBufferSequence, true>{*this, buffers}, token, socket_);
  }

  template <typename ConstBufferSequence, typename Token>
  auto async_write_some(const ConstBufferSequence& buffers, Token&& token) {
    return boost::asio::async_compose<Token, void(boost::system::error_code, size_t)>(
        TransferOp<ConstBufferSequence, false>{*this, buffers}, token, socket_);
  }

 private:
  using Clock = std::chrono::steady_clock;

  struct Direction {
    Direction(executor_type ex, std::shared_ptr<RateLimiter> l)
        : limiter(std::move(l)), timer(std::move(ex)) {}
    std::shared_ptr<RateLimiter> limiter;
    boost::asio::steady_timer timer;
    Clock::time_point resume_at{};  // the next transfer may not start before this
  };

  // wait (if a delay is owed) → transfer → account the bytes.
  template <typename Buffers, bool kRead>
  struct TransferOp {
    RateLimitedSocket& s;
    Buffers buffers;
    enum { kStart, kReady, kTransferring } state = kStart;

    template <typename Self>
    void operator()(Self& self, boost::system::error_code ec = {}, size_t n = 0) {
      Direction& d = kRead ? s.read_ : s.write_;
      if (state == kStart) {
        state = kReady;
        if (d.resume_at > Clock::now()) {
          d.timer.expires_at(d.resume_at);
          d.timer.async_wait(std::move(self));
          return;
        }
      }
      if (state == kReady) {
        if (ec) return self.complete(ec, 0);
        state = kTransferring;
        if constexpr (kRead) {
          s.socket_.async_read_some(buffers, std::move(self));
        } else {
          s.socket_.async_write_some(buffers, std::move(self));
        }
        return;
      }
      if (n > 0 && d.limiter) {
        auto now = Clock::now();
        auto delay = d.limiter->register_traffic(now, n);
        if (delay >= RateLimiter::kMinDelay) d.resume_at = now + delay;
      }
      self.complete(ec, n);
    }
  };

  boost::asio::ip::tcp::socket socket_;
  Direction read_;
  Direction write_;
};

}  // namespace ferry::client

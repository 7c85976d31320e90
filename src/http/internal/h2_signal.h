// Coroutine wake-up primitives for the HTTP/2 glue, private to http/h2_* and client/.
//
// Both are bound to one executor (a session's) and are not thread-safe: every call happens on
// that executor. They are built on steady_timer because Asio 1.81's channels are experimental
// and a cancelled timer is the cheapest "wake one waiter" there is.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace ferry::http::internal {

// Wakes one waiting coroutine. A notify() while nobody waits is lost, so waiters must check
// their condition before waiting (all on one executor, hence no race between check and wait).
class AsyncSignal {
 public:
  explicit AsyncSignal(boost::asio::any_io_executor ex) : timer_(std::move(ex)) {}

  // Suspends until notify() or `deadline`.
  boost::asio::awaitable<void> wait_until(std::chrono::steady_clock::time_point deadline) {
    timer_.expires_at(deadline);
    co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
  boost::asio::awaitable<void> wait() {
    return wait_until(std::chrono::steady_clock::time_point::max());
  }
  void notify() { timer_.cancel(); }

 private:
  boost::asio::steady_timer timer_;
};

// A FIFO counting semaphore for coroutines. close() wakes every waiter with `false` and makes
// later acquires fail at once (used when a session ends).
class AsyncSemaphore {
 public:
  AsyncSemaphore(boost::asio::any_io_executor ex, size_t permits)
      : ex_(std::move(ex)), available_(permits) {}

  // Suspends until a permit is available. True when one was taken, false when closed.
  boost::asio::awaitable<bool> acquire() {
    if (closed_) co_return false;
    if (available_ > 0 && waiters_.empty()) {
      --available_;
      co_return true;
    }
    auto waiter = std::make_shared<Waiter>(ex_);
    waiters_.push_back(waiter);
    co_await waiter->signal.wait();
    co_return waiter->granted;
  }

  // Returns a permit, handing it straight to the oldest waiter if there is one.
  void release() {
    if (!waiters_.empty()) {
      auto waiter = waiters_.front();
      waiters_.pop_front();
      waiter->granted = true;
      waiter->signal.notify();
      return;
    }
    ++available_;
  }

  void close() {
    closed_ = true;
    for (auto& w : waiters_) w->signal.notify();
    waiters_.clear();
  }

  size_t available() const { return available_; }

 private:
  struct Waiter {
    explicit Waiter(boost::asio::any_io_executor ex) : signal(std::move(ex)) {}
    AsyncSignal signal;
    bool granted = false;
  };
  boost::asio::any_io_executor ex_;
  size_t available_;
  bool closed_ = false;
  std::deque<std::shared_ptr<Waiter>> waiters_;
};

}  // namespace ferry::http::internal

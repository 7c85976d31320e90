// Watchdog: runs an action (normally "close the socket") when a deadline passes while an
// operation is still running. Closing is how the client times out network awaits: it works
// for every operation, including TLS ones whose per-operation cancellation is unreliable.
//
// Scope-bound: destroying the watchdog disarms it, even if the timer already fired and its
// handler is queued. Not thread-safe; create and destroy it on the executor it runs on.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace ferry::client::internal {

class Watchdog {
 public:
  Watchdog(boost::asio::any_io_executor ex, std::chrono::milliseconds timeout,
           std::function<void()> on_expire)
      : state_(std::make_shared<State>()), timer_(std::move(ex)) {
    state_->on_expire = std::move(on_expire);
    timer_.expires_after(timeout);
    timer_.async_wait([state = state_](boost::system::error_code ec) {
      if (ec || !state->armed) return;
      state->fired = true;
      state->on_expire();
    });
  }
  ~Watchdog() {
    state_->armed = false;
    timer_.cancel();
  }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // True once the deadline passed and the action ran.
  bool fired() const { return state_->fired; }

 private:
  struct State {
    bool armed = true;
    bool fired = false;
    std::function<void()> on_expire;
  };
  std::shared_ptr<State> state_;
  boost::asio::steady_timer timer_;
};

}  // namespace ferry::client::internal

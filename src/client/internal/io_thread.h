// IoThread: the io_context and the one thread that runs it, owned (shared) by an HttpClient and
// every protocol client it started (private to client/).
//
// All network state of a client (REST connections, tickets, HTTP/2 sessions) lives on this
// single thread, so none of it needs locks; blocking callers hand work over with co_spawn and
// wait on a future (run_sync).
#pragma once

#include <future>
#include <memory>
#include <optional>
#include <thread>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "common/result.h"

namespace ferry::client::internal {

class IoThread {
 public:
  IoThread();
  // Stops the context and joins the thread. The last owner must not let go on the I/O thread
  // itself (checked: it would destroy the context under its own run()).
  ~IoThread();
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  boost::asio::any_io_executor executor() { return ctx_.get_executor(); }
  bool in_io_thread() { return ctx_.get_executor().running_in_this_thread(); }

  // Runs `op` on the I/O thread and blocks until it completes. Returns Cancelled when called
  // on the I/O thread (that would deadlock) and Internal if `op` throws.
  template <typename T>
  Result<T> run_sync(boost::asio::awaitable<Result<T>> op) {
    if (in_io_thread()) {
      return make_error(Errc::Cancelled, "blocking client call on the client's I/O thread");
    }
    try {
      return boost::asio::co_spawn(ctx_, std::move(op), boost::asio::use_future).get();
    } catch (const std::exception& e) {
      return make_error(Errc::Internal, "client operation failed: {}", e.what());
    }
  }

 private:
  boost::asio::io_context ctx_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
};

}  // namespace ferry::client::internal

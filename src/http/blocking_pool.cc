#include "http/blocking_pool.h"

#include <exception>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace ferry::http {
namespace asio = boost::asio;

namespace {
thread_local bool t_io_thread = false;
}  // namespace

bool on_io_thread() { return t_io_thread; }
void mark_io_thread() { t_io_thread = true; }

BlockingPool::BlockingPool(size_t threads)
    : pool_(std::make_unique<asio::thread_pool>(threads == 0 ? 1 : threads)) {}

BlockingPool::~BlockingPool() { pool_->join(); }

asio::awaitable<void> BlockingPool::run(std::function<void()> fn) {
  auto initiate = [this](auto handler, std::function<void()> f) {
    // Tracked work keeps the caller's io_context running until the result is delivered.
    auto home = asio::prefer(asio::get_associated_executor(handler),
                             asio::execution::outstanding_work.tracked);
    asio::post(*pool_, [handler = std::move(handler), f = std::move(f), home]() mutable {
      std::exception_ptr failure;
      try {
        f();
      } catch (...) {
        failure = std::current_exception();
      }
      asio::post(
          home, [handler = std::move(handler), failure]() mutable { std::move(handler)(failure); });
    });
  };
  co_await asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr)>(
      initiate, asio::use_awaitable, std::move(fn));
}

}  // namespace ferry::http

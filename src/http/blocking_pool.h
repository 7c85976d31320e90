// The blocking pool: where work that may block runs, so that I/O threads never do
// (STYLE.md "Async and concurrency", docs/design/threading.md).
//
// Blocking work is anything that waits on the disk or the CPU for more than a few microseconds:
// fsync, rename, config reads, directory sweeps, PAM and crypt, large reads, key generation.
// A coroutine on an I/O thread writes
//
//     Result<Config> cfg = co_await run_blocking(pool, [dir] { return load_config(dir); });
//
// and is resumed on its own executor (its connection's strand) once the function returned.
//
// Thread-safety: `run` may be called from any thread. The pool is owned by the process wiring
// (ferryd main) and must outlive every Server and Handler that uses it; its destructor waits
// for queued work to finish.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

#include <boost/asio/awaitable.hpp>

namespace boost::asio {
class thread_pool;
}  // namespace boost::asio

namespace ferry::http {

class BlockingPool {
 public:
  explicit BlockingPool(size_t threads);
  ~BlockingPool();  // waits for queued and running work
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Runs `fn` on a pool thread and resumes the caller on the executor it was suspended on.
  // An exception thrown by `fn` is rethrown in the caller. Suspends; never blocks the caller.
  boost::asio::awaitable<void> run(std::function<void()> fn);

 private:
  std::unique_ptr<boost::asio::thread_pool> pool_;
};

// Typed convenience over BlockingPool::run: returns what `fn` returns.
template <typename F>
boost::asio::awaitable<std::invoke_result_t<F&>> run_blocking(BlockingPool& pool, F fn) {
  using R = std::invoke_result_t<F&>;
  if constexpr (std::is_void_v<R>) {
    co_await pool.run([&fn] { fn(); });
  } else {
    // `out` and `fn` live in this coroutine frame, which stays alive while suspended.
    std::optional<R> out;
    co_await pool.run([&out, &fn] { out.emplace(fn()); });
    co_return std::move(*out);
  }
}

// True on threads that run a Server's io_context. Blocking helpers may FERRY_ASSERT that this
// is false (the debug check of STYLE.md).
bool on_io_thread();
// Marks the calling thread as an I/O thread (the Server does this for its threads).
void mark_io_thread();

}  // namespace ferry::http

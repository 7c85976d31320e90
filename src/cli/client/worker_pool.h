// WorkerPool: a fixed set of threads running submitted tasks in FIFO order, for the CPU work of
// ferry-client (hashing and compressing chunks, verifying downloaded ones).
//
// submit() returns a std::future of the task's result; tasks must not throw (ours return
// Result values). The destructor finishes every queued task and joins the threads, so objects
// captured by reference in tasks must outlive the pool. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace ferry::cli::client {

class WorkerPool {
 public:
  // `threads` 0 means one per hardware thread (at least 1).
  explicit WorkerPool(size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  size_t size() const { return threads_.size(); }

  // Queues `task`; never blocks beyond the queue mutex.
  template <typename F>
  std::future<std::invoke_result_t<F>> submit(F task) {
    auto packaged = std::make_shared<std::packaged_task<std::invoke_result_t<F>()>>(
        std::move(task));
    auto future = packaged->get_future();
    enqueue([packaged] { (*packaged)(); });
    return future;
  }

 private:
  void enqueue(std::function<void()> job);
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// True when `future` has its value (non-blocking).
template <typename T>
bool is_ready(const std::future<T>& future) {
  return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

}  // namespace ferry::cli::client

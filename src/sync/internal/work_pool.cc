#include "sync/internal/work_pool.h"

#include <algorithm>

namespace ferry::sync::internal {

WorkPool::WorkPool(size_t threads, size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {
  threads = std::max<size_t>(threads, 1);
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

WorkPool::~WorkPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  not_empty_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkPool::submit(std::function<void()> job) {
  std::unique_lock lock(mutex_);
  not_full_.wait(lock, [this] { return queue_.size() < capacity_; });
  queue_.push_back(std::move(job));
  lock.unlock();
  not_empty_.notify_one();
}

void WorkPool::run() {
  for (;;) {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping and drained
    auto job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    not_full_.notify_one();
    job();
  }
}

void TaskBatch::add() {
  std::lock_guard lock(mutex_);
  ++pending_;
}

void TaskBatch::done(Status status) {
  std::lock_guard lock(mutex_);
  if (!status && !first_error_) first_error_ = std::move(status).error();
  if (--pending_ == 0) all_done_.notify_all();
}

bool TaskBatch::failed() const {
  std::lock_guard lock(mutex_);
  return first_error_.has_value();
}

Status TaskBatch::wait() {
  std::unique_lock lock(mutex_);
  all_done_.wait(lock, [this] { return pending_ == 0; });
  if (first_error_) return tl::unexpected(*first_error_);
  return ok();
}

}  // namespace ferry::sync::internal

// Worker threads for the CPU-bound half of a pull: chunk verification (CRC, zstd decode,
// SHA-256) and chunk-store inserts run here, off the thread that fetches chunks (PBS uses four
// such threads per archive, sync-semantics.md §7.4).
//
// WorkPool has a *bounded* queue: submit() blocks while it is full, so however large an archive
// is, at most `threads + capacity` chunks wait in memory on this side. TaskBatch collects the
// outcome of the jobs one archive submitted: the fetching thread waits for exactly its own jobs
// and learns the first error. Both are thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/result.h"

namespace ferry::sync::internal {

class WorkPool {
 public:
  // Starts `threads` (at least 1) workers; `capacity` (at least 1) queued jobs at most.
  WorkPool(size_t threads, size_t capacity);
  // Runs the queued jobs to completion, then joins the workers.
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Queues `job`; blocks while the queue is full. Jobs must not throw and must not submit.
  void submit(std::function<void()> job);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<std::function<void()>> queue_;  // guarded by mutex_
  bool stopping_ = false;                    // guarded by mutex_
  const size_t capacity_;
  std::vector<std::thread> threads_;
};

// Completion of a set of jobs: add() before submitting each, done() from each job.
class TaskBatch {
 public:
  void add();
  void done(Status status);
  // True once any job failed (lets the producer stop early).
  bool failed() const;
  // Waits until every added job is done; returns the first failure.
  Status wait();

 private:
  mutable std::mutex mutex_;
  std::condition_variable all_done_;
  size_t pending_ = 0;                // guarded by mutex_
  std::optional<Error> first_error_;  // guarded by mutex_
};

}  // namespace ferry::sync::internal

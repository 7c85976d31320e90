// ferry::jobs::internal — TaskRegistry's shared state (task_registry.cc holds the task life
// cycle, task_registry_queries.cc the list/status/retention queries).
//
// Lock order: index_mu before mu; the .active.lock file lock only under index_mu.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "jobs/internal/active_task.h"
#include "jobs/internal/task_index.h"
#include "jobs/task_registry.h"

namespace ferry::jobs {

class TaskRegistry::Core {
 public:
  Core(TaskRegistryOptions o, const Clock& c, internal::TaskIndex i)
      : options(std::move(o)), clock(c), index(std::move(i)) {}

  // Finalizes running tasks whose process is gone (status recovery from their logs) and
  // refreshes `active`/`archive`. Errors: Io (index).
  Status recover_stale();
  // Records the end of one of our tasks: index row, archive line, active list.
  void record_end(const std::string& upid_text, const TaskState& state);
  // Is the running task recorded in `row` alive (ours and active, or its process exists)?
  bool is_alive(const Upid& upid) const;
  std::filesystem::path log_path(const Upid& upid) const;
  // {root}/{XX}/{UPID}.abort: another process asks the task's process to abort it.
  std::filesystem::path abort_marker_path(const Upid& upid) const;
  // Appends `archive_lines` and rewrites `active` from the index; caller holds index_mu.
  void update_lists(const std::vector<std::string>& archive_lines);
  // Imports PBS's text lists into a freshly created index; caller holds index_mu.
  void import_lists();

  const TaskRegistryOptions options;  // node, pid, pstart all set
  const Clock& clock;

  mutable std::mutex index_mu;
  internal::TaskIndex index;  // guarded by index_mu

  mutable std::mutex mu;
  mutable std::condition_variable cv;
  std::map<std::string, std::shared_ptr<internal::ActiveTask>> active;  // guarded by mu
  size_t threads = 0;                                                     // guarded by mu
};

}  // namespace ferry::jobs

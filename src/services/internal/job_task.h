// Helpers shared by the runners of this module.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "common/result.h"
#include "jobs/task_context.h"
#include "services/job_deps.h"
#include "sync/sync_log.h"

namespace ferry::services::internal {

// SyncLog over a TaskContext. When `trigger` is set, the line "task triggered by schedule ..."
// follows the first line (the pull's "Starting datastore sync job ...", PBS order).
class TaskSyncLog final : public sync::SyncLog {
 public:
  TaskSyncLog(jobs::TaskContext& ctx, std::optional<std::string> trigger)
      : ctx_(ctx), trigger_(std::move(trigger)) {}
  void log(std::string_view line) override;
  void warn(std::string_view line) override { ctx_.warn(line); }

 private:
  jobs::TaskContext& ctx_;
  std::optional<std::string> trigger_;  // consumed by the first line
};

// Mirrors TaskContext::abort_requested() into an atomic flag (what the pull engine polls)
// while it lives, checking every 100 ms.
class AbortWatch {
 public:
  explicit AbortWatch(const jobs::TaskContext& ctx);
  ~AbortWatch();
  AbortWatch(const AbortWatch&) = delete;
  AbortWatch& operator=(const AbortWatch&) = delete;
  const std::atomic<bool>* flag() const { return &aborted_; }

 private:
  std::atomic<bool> aborted_{false};
  std::jthread thread_;
};

// Hands the end state of a run to deps.notifier (if any).
void notify_result(const JobDeps& deps, std::string_view job_type, std::string_view job_id,
                   const jobs::TaskContext& ctx, const Status& result);

}  // namespace ferry::services::internal

#include "services/internal/job_task.h"

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "jobs/job_runner.h"

#include "services/notifier.h"

namespace ferry::services::internal {

void TaskSyncLog::log(std::string_view line) {
  ctx_.log(line);
  if (trigger_) {
    ctx_.log(jobs::trigger_message(*trigger_));
    trigger_.reset();
  }
}

AbortWatch::AbortWatch(const jobs::TaskContext& ctx)
    : thread_([this, &ctx](std::stop_token stop) {
        std::mutex mu;
        std::condition_variable_any cv;
        std::unique_lock lock(mu);
        while (!stop.stop_requested()) {
          if (ctx.abort_requested()) {
            aborted_ = true;
            return;
          }
          // Only a stop request wakes it early: an interruptible sleep.
          cv.wait_for(lock, stop, std::chrono::milliseconds(100), [] { return false; });
        }
      }) {}

AbortWatch::~AbortWatch() {
  thread_.request_stop();
  thread_.join();
}

void notify_result(const JobDeps& deps, std::string_view job_type, std::string_view job_id,
                   const jobs::TaskContext& ctx, const Status& result) {
  if (deps.notifier == nullptr) return;
  const jobs::TaskState state = ctx.make_state(result);
  JobNotification n;
  n.job_type = std::string(job_type);
  n.job_id = std::string(job_id);
  n.status = std::string(state.kind_name());
  n.upid = ctx.upid_string();
  n.error = state.kind == jobs::TaskState::Kind::Error ? state.message : "";
  n.endtime = state.endtime;
  deps.notifier->notify(std::move(n));
}

}  // namespace ferry::services::internal

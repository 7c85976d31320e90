#include "jobs/task_context.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "jobs/internal/active_task.h"

namespace ferry::jobs {

void internal::ActiveTask::write(std::string_view message) {
  std::lock_guard lock(mu);
  auto st = log.write(clock.epoch(), message);
  if (!st && !log_error_reported) {
    log_error_reported = true;
    spdlog::error("task {}: {}", upid_text, st.error().to_string());
  }
}

const Upid& TaskContext::upid() const { return task_.upid; }

const std::string& TaskContext::upid_string() const { return task_.upid_text; }

const Clock& TaskContext::clock() const { return task_.clock; }

void TaskContext::log(std::string_view message) { task_.write(message); }

void TaskContext::warn(std::string_view message) {
  task_.warnings.fetch_add(1);
  std::string line(kWarnPrefix);
  line += message;
  task_.write(line);
}

uint64_t TaskContext::warning_count() const { return task_.warnings.load(); }

bool TaskContext::abort_requested() const { return task_.abort_requested.load(); }

Status TaskContext::check_abort() const {
  if (abort_requested()) return make_error(Errc::Cancelled, "abort requested - aborting task");
  return ok();
}

void TaskContext::set_progress(double fraction) {
  if (!(fraction >= 0.0)) fraction = 0.0;  // also NaN
  task_.progress.store(std::min(fraction, 1.0));
}

TaskState TaskContext::make_state(const Status& result) const {
  return TaskState::from_result(result, warning_count(), task_.clock.epoch());
}

}  // namespace ferry::jobs

#include "jobs/task_context.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <system_error>

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

void internal::ActiveTask::request_abort() {
  if (!abort_requested.exchange(true)) write("received abort request ...");
}

bool internal::ActiveTask::poll_abort_marker() {
  if (abort_requested.load()) return true;
  if (abort_marker.empty()) return false;
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t due = next_marker_poll_ns.load();
  const int64_t next = now + std::chrono::nanoseconds(kAbortPollInterval).count();
  // One caller per interval stats the file (bodies poll from several threads).
  if (now < due || !next_marker_poll_ns.compare_exchange_strong(due, next)) return false;
  std::error_code ec;
  if (!std::filesystem::exists(abort_marker, ec)) return false;
  std::filesystem::remove(abort_marker, ec);
  request_abort();
  return true;
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

bool TaskContext::abort_requested() const { return task_.poll_abort_marker(); }

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

#include "jobs/scheduler.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <condition_variable>
#include <mutex>

#include "jobs/calendar_event.h"

namespace ferry::jobs {
namespace {

void report_error(TickReport& report, std::string message) {
  spdlog::error("{}", message);
  report.errors.push_back(std::move(message));
}

// Sleeps for `duration` or until a stop request; false when stopped.
bool interruptible_sleep(std::stop_token& stop, std::chrono::milliseconds duration) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  // Nothing but a stop request notifies: this is an interruptible sleep.
  cv.wait_for(lock, stop, duration, [] { return false; });
  return !stop.stop_requested();
}

}  // namespace

Result<std::chrono::milliseconds> parse_tick_interval(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return make_error(Errc::InvalidArgument,
                      "invalid tick interval '{}': not a number of milliseconds", text);
  }
  if (value < kMinTickInterval.count() || value > kMaxTickInterval.count()) {
    return make_error(Errc::InvalidArgument, "invalid tick interval '{}': must be {}..{} ms",
                      text, kMinTickInterval.count(), kMaxTickInterval.count());
  }
  return std::chrono::milliseconds(value);
}

void Scheduler::evaluate(JobRunner& runner, const ScheduledJob& job, int64_t now,
                         TickReport& report) {
  if (!job.schedule) return;
  const std::string type = runner.job_type();
  auto event = CalendarEvent::parse(*job.schedule);
  if (!event) {
    return report_error(report, fmt::format("unable to parse schedule '{}' - {}", *job.schedule,
                                            event.error().to_string()));
  }
  auto state = states_.read(type, job.id);
  if (state && state->kind == JobState::Kind::Started) return;  // still running here
  auto last = state ? last_run_time(*state) : Result<int64_t>(tl::unexpected(state.error()));
  if (!last) {
    return report_error(report, fmt::format("could not get last run time of {} {}: {}", type,
                                            job.id, last.error().to_string()));
  }
  auto next = event->compute_next_event(*last, false);
  if (!next) {
    return report_error(report, fmt::format("could not compute next run of {} {}: {}", type,
                                            job.id, next.error().to_string()));
  }
  if (!*next || **next > now) return;
  // Busy lock: the job runs (here or in another process); skipped silently, as PBS does.
  auto lock = states_.acquire(type, job.id, options_.lock_timeout);
  if (!lock) {
    spdlog::debug("skipping {} {}: {}", type, job.id, lock.error().to_string());
    return;
  }
  JobTrigger trigger{*job.schedule, "root@pam"};
  auto upid = runner.start(job, std::move(*lock), trigger);
  if (!upid) {
    return report_error(report, fmt::format("starting {} {} failed: {}", type, job.id,
                                            upid.error().to_string()));
  }
  spdlog::info("started {} {} ({}): {}", type, job.id, *job.schedule, upid->to_string());
  report.started.push_back({type, job.id, std::move(*upid)});
}

TickReport Scheduler::tick(int64_t now) {
  TickReport report;
  for (JobRunner* runner : runners_) {
    auto jobs = runner->list_jobs();
    if (!jobs) {
      report_error(report, fmt::format("unable to list {} jobs: {}", runner->job_type(),
                                       jobs.error().to_string()));
      continue;
    }
    for (const auto& job : *jobs) evaluate(*runner, job, now, report);
  }
  return report;
}

bool Scheduler::sleep_to_next_minute(std::stop_token& stop) {
  for (;;) {
    auto epoch_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        clock_.now().time_since_epoch())
                        .count();
    int64_t next_minute = (epoch_ms / 60000 + 1) * 60;
    if (!interruptible_sleep(stop, std::chrono::milliseconds(next_minute * 1000 - epoch_ms))) {
      return false;
    }
    if (clock_.epoch() >= next_minute) return true;  // else woke early: sleep the rest
  }
}

void Scheduler::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    const bool due = options_.tick_interval ? interruptible_sleep(stop, *options_.tick_interval)
                                            : sleep_to_next_minute(stop);
    if (!due) break;
    tick(clock_.epoch());
  }
}

}  // namespace ferry::jobs

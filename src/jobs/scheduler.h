// ferry::jobs — the job scheduler (jobs-and-schedules.md §2).
//
// Once per minute, at the full minute, the scheduler evaluates every configured job of every
// registered JobRunner, in registration order (the daemon registers GC, prune, sync, verify,
// log rotation — PBS's order). For a job with a schedule:
//
//   1. parse the calendar event; invalid → skipped, logged
//      `unable to parse schedule '{s}' - {err}`;
//   2. read the job state (JobStateStore::read); a run still going in this process → skipped;
//      `last` = last_run_time(state); error → skipped, logged
//      `could not get last run time of {type} {id}: {err}`;
//   3. `next` = first event after `last`; none → skipped;
//   4. `next <= now` → take the job lock (waiting up to 10 s; busy → skipped silently) and
//      hand it to the runner's start() with the schedule as trigger and auth id root@pam.
//
// There is no queue: however many events passed during downtime or a long run, a due job runs
// once, and its reference becomes that run's start time. Configuration is re-read (list_jobs)
// every tick; every error is logged and the loop continues.
//
// Test-only fast tick (SchedulerOptions::tick_interval, ferryd's FERRY_SCHEDULER_TICK_MS): run()
// ticks every N ms instead of at full minutes, still with the real `clock` and unchanged rules,
// so schedules with seconds (`*:*:0/4`) fire within seconds. Since a finished or running job's
// reference is its start time and the next event lies strictly after it, ticking several times
// within one second never starts a job twice.
//
// Thread-safety: tick() and run() must not run concurrently (one scheduler thread); runners
// are called on that thread. The registered runners, the state store and the clock must
// outlive the scheduler.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "jobs/job_runner.h"
#include "jobs/job_state.h"
#include "jobs/upid.h"

namespace ferry::jobs {

struct SchedulerOptions {
  // How long a due job waits for its lock (§4: 10 s). Tests use less.
  std::chrono::milliseconds lock_timeout = JobStateStore::kLockTimeout;
  // Test only: tick every this long (after the previous tick ended) instead of at every full
  // minute. Must lie in [kMinTickInterval, kMaxTickInterval] (parse_tick_interval checks).
  std::optional<std::chrono::milliseconds> tick_interval = std::nullopt;
};

inline constexpr std::chrono::milliseconds kMinTickInterval{100};
inline constexpr std::chrono::milliseconds kMaxTickInterval{60000};

// Parses a tick interval: decimal milliseconds in [kMinTickInterval, kMaxTickInterval].
// Errors: InvalidArgument `invalid tick interval '{text}': ...`. Pure.
Result<std::chrono::milliseconds> parse_tick_interval(std::string_view text);

// What one tick did (for tests and diagnostics; everything is also logged).
struct TickReport {
  struct Started {
    std::string job_type;
    std::string job_id;
    Upid upid;
  };
  std::vector<Started> started;
  std::vector<std::string> errors;  // the messages logged for skipped jobs and failed starts
};

class Scheduler {
 public:
  Scheduler(const Clock& clock, const JobStateStore& states, SchedulerOptions options = {})
      : clock_(clock), states_(states), options_(options) {}

  // Adds a runner; runners are evaluated in the order added.
  void add_runner(JobRunner& runner) { runners_.push_back(&runner); }

  // Evaluates every job once at time `now` (epoch seconds) and starts the due ones. Never
  // fails: errors are logged and reported. Blocks while waiting for job locks.
  TickReport tick(int64_t now);

  // The daemon loop: sleeps until the next full minute of `clock` (epoch seconds divisible by
  // 60), or for `tick_interval` when set, ticks at clock_.epoch(), and repeats until `stop` is
  // requested (which also interrupts the sleep).
  void run(std::stop_token stop);

  const SchedulerOptions& options() const { return options_; }

 private:
  // Sleeps until the next full minute of clock_; false when stopped first.
  bool sleep_to_next_minute(std::stop_token& stop);
  void evaluate(JobRunner& runner, const ScheduledJob& job, int64_t now, TickReport& report);

  const Clock& clock_;
  const JobStateStore& states_;
  const SchedulerOptions options_;
  std::vector<JobRunner*> runners_;
};

}  // namespace ferry::jobs

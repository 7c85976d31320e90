// ferry::services — JobService: the scheduled jobs of one process in one object.
//
// Owns the job-state store (jobs/job_state.h, one directory of `{type}-{id}.json` files), the
// users/ACL cache the sync runner checks the job owner with, the Notifier (notifier.h), the
// runners of sync jobs (sync_job_runner.h) and verify jobs (verify_job_runner.h), and the
// jobs::Scheduler over them with its thread.
//
//   ferryd:        ApiRuntime creates it, start() runs the scheduler (once a minute), the API
//                  answers GET /admin/sync|verify with status() and "run now" with run_now();
//   ferry-manager: creates one over the same config, state and task-log directories without
//                  starting the scheduler, and runs a job in-process with run_now() (the
//                  job lock keeps it from running twice, also across processes).
//
// Shutdown: stop() ends the scheduler thread; the destructor also waits until no task of the
// registry runs in this process any more (request TaskRegistry::abort_all first), because the
// runners' tasks use this object.
//
// Thread-safe: run_now and status may be called from any thread.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "auth/user_info_cache.h"
#include "common/clock.h"
#include "common/result.h"
#include "jobs/job_state.h"
#include "jobs/scheduler.h"
#include "jobs/task_registry.h"
#include "services/job_deps.h"
#include "services/notifier.h"
#include "services/sync_job_runner.h"
#include "services/verify_job_runner.h"
#include "types/authid.h"

namespace ferry::services {

struct JobServiceOptions {
  config::ConfigDir config_dir{""};
  std::filesystem::path state_dir;  // job-state files (PBS: /var/lib/proxmox-backup/jobstates)
  DatastoreLookup lookup_datastore;
  DatastoreLookup lookup_datastore_for_write;  // see JobDeps; empty: lookup_datastore
  bool notifications = true;  // false: no webhook posts, no failure log lines
  jobs::SchedulerOptions scheduler;  // tick_interval: test only (ferryd's FERRY_SCHEDULER_TICK_MS)
};

class JobService {
 public:
  // `tasks` and `clock` must outlive the service. No I/O.
  JobService(JobServiceOptions options, jobs::TaskRegistry& tasks, const Clock& clock);
  ~JobService();
  JobService(const JobService&) = delete;
  JobService& operator=(const JobService&) = delete;

  // Starts the scheduler thread (jobs::Scheduler::run); logs a warning when the test-only
  // fast tick (options.scheduler.tick_interval) is set. Idempotent.
  void start();
  // Stops the scheduler thread and waits for it (a tick in progress finishes first; tasks it
  // started keep running). Idempotent.
  void stop();

  jobs::Scheduler& scheduler() { return scheduler_; }
  const jobs::JobStateStore& states() const { return states_; }
  SyncJobRunner& sync_jobs() { return sync_runner_; }
  VerifyJobRunner& verify_jobs() { return verify_runner_; }
  Notifier* notifier() { return notifier_.get(); }

  // "Run now" (jobs-and-schedules.md §4): checks that the job exists, takes its lock (waiting
  // up to 10 s) and starts it as `caller` without a schedule line. Errors: NotFound (no such
  // job), Timeout/Conflict "Unable to acquire lock ..." (the job runs), the runner's start
  // errors, Corruption/Io reading the configuration. Blocks.
  Result<jobs::Upid> run_now(jobs::JobRunner& runner, std::string_view id,
                             const types::Authid& caller);

  // The status fields of a job (last run, next run); empty when its state cannot be read.
  // Blocks (reads the state file and maybe the task log).
  jobs::JobStatus status(std::string_view job_type, std::string_view id,
                         const std::optional<std::string>& schedule) const;

 private:
  jobs::TaskRegistry& tasks_;
  jobs::JobStateStore states_;
  auth::UserInfoCache users_;
  std::unique_ptr<Notifier> notifier_;
  JobDeps deps_;
  SyncJobRunner sync_runner_;
  VerifyJobRunner verify_runner_;
  jobs::Scheduler scheduler_;
  std::jthread thread_;
};

}  // namespace ferry::services

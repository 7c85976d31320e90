// ferry::services — VerifyJobRunner: the jobs::JobRunner of verification.cfg
// (jobs-and-schedules.md §7).
//
// A run is a worker task of type `verificationjob` with id "<store>:<job id>". Its log starts
// with "Starting datastore verify job '<store>:<job id>'" and, for scheduled runs, "task
// triggered by schedule '<schedule>'", then verifies as verification.h describes with the
// job's ns, max-depth, ignore-verified (default true) and outdated-after. Failed snapshots end
// the task with "verification failed - please check the log for details"; an abort or a fatal
// error with "verification failed - job aborted" (the cause is logged first).
//
// Thread-safe: list_jobs and start read verification.cfg anew on every call.
#pragma once

#include <string>
#include <vector>

#include "jobs/job_runner.h"
#include "services/job_deps.h"

namespace ferry::services {

class VerifyJobRunner final : public jobs::JobRunner {
 public:
  explicit VerifyJobRunner(const JobDeps& deps) : deps_(deps) {}

  std::string job_type() const override { return "verificationjob"; }

  // Jobs of verification.cfg. Errors: Corruption, Io.
  Result<std::vector<jobs::ScheduledJob>> list_jobs() override;

  // Errors (no task started): NotFound "no such verification job '<id>'", errors of
  // TaskRegistry::spawn.
  Result<jobs::Upid> start(const jobs::ScheduledJob& job, jobs::Job&& lock,
                           const jobs::JobTrigger& trigger) override;

 private:
  JobDeps deps_;
};

}  // namespace ferry::services

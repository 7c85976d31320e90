// ferry::services — SyncJobRunner: the jobs::JobRunner of the sync jobs in sync.cfg
// (jobs-and-schedules.md §2, §4; sync-semantics.md §2).
//
// A run is a worker task of type `syncjob` with id sync_job_worker_id(job) (e.g.
// "-:store1:store2::s1" for a local sync), running sync::run_sync_job: the task log starts
// with "Starting datastore sync job '<worker id>'", then — for scheduled runs — "task
// triggered by schedule '<schedule>'", then the pull's lines and the summary, and ends with
// TASK OK / TASK WARNINGS / TASK ERROR. The job state (started, finished) is recorded by
// jobs::spawn_job_task; the result is handed to the Notifier.
//
// Sources (sync::open_sync_source): a job with `remote` pulls from that remote.cfg entry
// (logged in with its credentials, pinned fingerprint, the job's rate limits); a job without
// pulls from another local datastore as the job owner sees it. Failing to open the source
// (unknown remote, refused login) fails the task.
//
// Thread-safe: list_jobs and start read sync.cfg anew on every call.
#pragma once

#include <string>
#include <vector>

#include "jobs/job_runner.h"
#include "services/job_deps.h"

namespace ferry::services {

class SyncJobRunner final : public jobs::JobRunner {
 public:
  explicit SyncJobRunner(const JobDeps& deps) : deps_(deps) {}

  std::string job_type() const override { return "syncjob"; }

  // Pull jobs of sync.cfg (push jobs are not run by Ferry). Errors: Corruption, Io.
  Result<std::vector<jobs::ScheduledJob>> list_jobs() override;

  // Reads the job, checks it (PullParams::from_job) and spawns its task. Errors (no task was
  // started, the job state is unchanged): NotFound "no such sync job '<id>'", InvalidArgument
  // (push job, invalid job), errors of TaskRegistry::spawn.
  Result<jobs::Upid> start(const jobs::ScheduledJob& job, jobs::Job&& lock,
                           const jobs::JobTrigger& trigger) override;

 private:
  JobDeps deps_;
};

}  // namespace ferry::services

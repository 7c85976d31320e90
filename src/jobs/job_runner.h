// ferry::jobs — JobRunner, how the scheduler starts jobs it knows nothing about
// (jobs-and-schedules.md §2, §4; STYLE.md: jobs/ does not know sync or GC internals).
//
// Each job kind (sync jobs, verify jobs, prune jobs, GC, log rotation) implements a runner:
// the scheduler asks it for the configured jobs every tick and, when one is due and its job
// lock is free, hands it the lock to start the run. The same `start` serves "run now" from the
// API (with the caller's auth id and no schedule).
//
// A runner starts the run with spawn_job_task, which moves the job lock into the task and
// records the job state around the body:
//
//   Result<Upid> SyncJobRunner::start(const ScheduledJob& job, Job&& lock,
//                                     const JobTrigger& trigger) {
//     return spawn_job_task(registry_, std::move(lock), "syncjob", worker_id_of(job),
//                           trigger.auth_id, [=](TaskContext& ctx) -> Status {
//                             ctx.log(fmt::format("Starting datastore sync job '{}'", id));
//                             if (trigger.schedule) ctx.log(trigger_message(*trigger.schedule));
//                             return run_sync(ctx, ...);
//                           });
//   }
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "jobs/job_state.h"
#include "jobs/task_context.h"
#include "jobs/task_registry.h"
#include "jobs/upid.h"

namespace ferry::jobs {

// One configured job as the scheduler sees it.
struct ScheduledJob {
  std::string id;                       // job id: the `{jobname}` of the state file
  std::optional<std::string> schedule;  // calendar event; unset = never scheduled
};

// Why and for whom a run starts.
struct JobTrigger {
  // Set when the scheduler starts the run: the task logs trigger_message(*schedule).
  std::optional<std::string> schedule;
  // root@pam for scheduled runs (§2), the caller for "run now" (§4).
  std::string auth_id = "root@pam";
};

// "task triggered by schedule '{schedule}'" (§2, step 5).
std::string trigger_message(std::string_view schedule);

class JobRunner {
 public:
  virtual ~JobRunner() = default;

  // The job-state type, e.g. "syncjob", "verificationjob", "prunejob", "garbage_collection".
  virtual std::string job_type() const = 0;

  // The jobs configured now; called once per scheduler tick, so configuration changes take
  // effect at the next tick. Jobs that must not be scheduled (disabled, nothing to do) may be
  // left out. Errors: any (the scheduler logs it and skips this runner for the tick).
  virtual Result<std::vector<ScheduledJob>> list_jobs() = 0;

  // Starts one run of `job` as a worker task and returns its UPID. `lock` is the job's lock,
  // already held; the runner must keep it until the run ends (spawn_job_task does). An error
  // means no task was started; the job state is left as it was (§2: re-attempted next tick).
  virtual Result<Upid> start(const ScheduledJob& job, Job&& lock, const JobTrigger& trigger) = 0;
};

// Spawns `body` as a task that owns `lock`: the task first records `started` with its UPID
// (failing the task if that cannot be written), runs `body`, and records `finished` with the
// end state before the lock is released. Errors: those of TaskRegistry::spawn (the lock is then
// released and the state untouched).
Result<Upid> spawn_job_task(TaskRegistry& registry, Job&& lock, std::string_view worker_type,
                            std::optional<std::string> worker_id, std::string_view auth_id,
                            TaskFunction body);

}  // namespace ferry::jobs

// ferry::cli::internal — the job machinery of ferry-manager: the TaskRegistry, datastores and
// JobService over the same directories ferryd uses (api::ApiRuntime::defaults: task logs in
// $FERRY_LOG_DIR/tasks, job states in $FERRY_STATE_DIR/jobstates, locks below $FERRY_RUN_DIR).
//
// Decision (docs/design/jobs.md): PBS's manager asks the running daemon to start a job over
// its local API; ferry-manager runs the job in-process instead, as a task in the shared task
// registry under the same job lock, so the run shows up in ferryd's task list and job status
// and never overlaps a scheduled run. The command waits for the task (or hands it to a detached
// child process with --detach).
#pragma once

#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "api/admin/datastore_cache.h"
#include "cli/internal/command.h"
#include "common/result.h"
#include "jobs/job_state.h"
#include "jobs/task_registry.h"
#include "services/job_service.h"

namespace ferry::cli::internal {

struct LocalJobs {
  std::unique_ptr<jobs::TaskRegistry> tasks;
  std::unique_ptr<api::DatastoreCache> datastores;
  std::unique_ptr<services::JobService> service;  // last: destroyed first
};

// Opens the task registry (creating the log root). Errors of TaskRegistry::open. Blocks.
Result<std::unique_ptr<jobs::TaskRegistry>> open_local_tasks(const Context& ctx);

// Opens the registry, the datastore cache and a JobService (no scheduler thread). Errors of
// TaskRegistry::open. Blocks.
Result<std::unique_ptr<LocalJobs>> open_local_jobs(const Context& ctx);

// Prints the task's log lines to `out` as they are written until the task ends, and returns
// the task's outcome: ok for OK and WARNINGS, otherwise an error carrying the task's status
// text. `out` may be null (wait silently). Blocks for the whole task.
Status follow_task(const jobs::TaskRegistry& tasks, const jobs::Upid& upid, std::ostream* out);

// Adds next-run, last-run-upid, last-run-state and last-run-endtime (those that are set);
// times as epochs, or as RFC 3339 text for the text format.
void add_job_status(nlohmann::json& item, const jobs::JobStatus& status, OutputFormat format);

// "run ID [--detach]" for a job runner: runs the job in-process (see above) and waits,
// streaming the log in text mode; with --detach a child process runs it and the UPID is
// printed. Adds the subcommand `run` to `group`; `runner_of` picks the runner.
void add_run_command(CLI::App& group, Action& selected, std::string job_type);

}  // namespace ferry::cli::internal

// ferry::cli::internal — the job-state store ferry-manager hands to the config service layer,
// so `sync-job create|update|remove` and `verify-job create|update|remove` keep the job state
// files ($FERRY_STATE_DIR/jobstates, the ones ferryd's scheduler reads) in step with the config
// exactly as the REST API does (api/config/sync_jobs.h).
#pragma once

#include <memory>

#include "cli/internal/command.h"
#include "jobs/job_state.h"
#include "jobs/task_registry.h"

namespace ferry::cli::internal {

class LocalJobStates {
 public:
  // Opens the shared task registry (the store reads task logs) and the job-state store over
  // the directories of api::ApiRuntime::defaults. When that fails, a warning naming the cause
  // goes to stderr and get() is null: the config command still runs, without the state
  // update (as ferryd does when a state write fails). Blocks.
  static LocalJobStates open(const Context& ctx);

  // The store, or null (see open).
  const jobs::JobStateStore* get() const { return store_.get(); }

 private:
  std::unique_ptr<jobs::TaskRegistry> tasks_;
  std::unique_ptr<jobs::JobStateStore> store_;  // refers to *tasks_
};

}  // namespace ferry::cli::internal

#include "cli/internal/local_job_states.h"

#include <iostream>

#include "api/api_runtime.h"
#include "cli/internal/local_jobs.h"

namespace ferry::cli::internal {

LocalJobStates LocalJobStates::open(const Context& ctx) {
  LocalJobStates out;
  auto tasks = open_local_tasks(ctx);
  if (!tasks) {
    std::cerr << "warning: the job state is not updated: " << tasks.error().to_string() << '\n';
    return out;
  }
  out.tasks_ = std::move(*tasks);
  const auto dirs = api::ApiRuntime::defaults(ctx.config_dir.path());
  out.store_ = std::make_unique<jobs::JobStateStore>(dirs.job_state_dir, SystemClock::instance(),
                                                     *out.tasks_);
  return out;
}

}  // namespace ferry::cli::internal

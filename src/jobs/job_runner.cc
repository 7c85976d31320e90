#include "jobs/job_runner.h"

#include <fmt/format.h>

namespace ferry::jobs {

std::string trigger_message(std::string_view schedule) {
  return fmt::format("task triggered by schedule '{}'", schedule);
}

Result<Upid> spawn_job_task(TaskRegistry& registry, Job&& lock, std::string_view worker_type,
                            std::optional<std::string> worker_id, std::string_view auth_id,
                            TaskFunction body) {
  auto wrapped = [job = std::move(lock), body = std::move(body)](TaskContext& ctx) mutable
      -> Status {
    FERRY_TRY(with_context(job.start(ctx.upid()), "record job start"));
    Status result = body(ctx);
    if (auto st = job.finish(ctx.make_state(result)); !st) {
      ctx.warn(fmt::format("unable to record the job state: {}", st.error().to_string()));
    }
    return result;
  };
  return registry.spawn(worker_type, std::move(worker_id), auth_id, std::move(wrapped));
}

}  // namespace ferry::jobs

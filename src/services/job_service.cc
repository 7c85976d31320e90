#include "services/job_service.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace ferry::services {

JobService::JobService(JobServiceOptions options, jobs::TaskRegistry& tasks, const Clock& clock)
    : tasks_(tasks),
      states_(options.state_dir, clock, tasks),
      users_(options.config_dir),
      notifier_(options.notifications ? std::make_unique<Notifier>(options.config_dir) : nullptr),
      deps_{options.config_dir,
            tasks,
            states_,
            clock,
            std::move(options.lookup_datastore),
            std::move(options.lookup_datastore_for_write),
            users_,
            notifier_.get()},
      sync_runner_(deps_),
      verify_runner_(deps_),
      scheduler_(clock, states_, options.scheduler) {
  // PBS order: GC, prune, sync, verify, ...
  scheduler_.add_runner(sync_runner_);
  scheduler_.add_runner(verify_runner_);
}

JobService::~JobService() {
  stop();
  // Running tasks of our runners use this object; they end soon after abort_all().
  while (tasks_.active_count() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

void JobService::start() {
  if (thread_.joinable()) return;
  if (const auto& every = scheduler_.options().tick_interval) {
    spdlog::warn("job scheduler ticks every {} ms instead of every minute (test only)",
                 every->count());
  }
  thread_ = std::jthread([this](std::stop_token stop) { scheduler_.run(stop); });
}

void JobService::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

Result<jobs::Upid> JobService::run_now(jobs::JobRunner& runner, std::string_view id,
                                       const types::Authid& caller) {
  FERRY_TRY_ASSIGN(auto jobs, runner.list_jobs());
  const jobs::ScheduledJob* job = nullptr;
  for (const auto& j : jobs) {
    if (j.id == id) job = &j;
  }
  if (job == nullptr) return make_error(Errc::NotFound, "no such {} '{}'", runner.job_type(), id);
  FERRY_TRY_ASSIGN(auto lock, states_.acquire(runner.job_type(), id));
  return runner.start(*job, std::move(lock), jobs::JobTrigger{std::nullopt, caller.to_string()});
}

jobs::JobStatus JobService::status(std::string_view job_type, std::string_view id,
                                   const std::optional<std::string>& schedule) const {
  auto state = states_.read(job_type, id);
  if (!state) {
    spdlog::warn("could not read the state of {} {}: {}", job_type, id, state.error().to_string());
    return {};
  }
  return jobs::job_status(*state, schedule);
}

}  // namespace ferry::services

#include "services/sync_job_runner.h"

#include <fmt/format.h>

#include "config/config_file.h"
#include "config/sync_job_config.h"
#include "services/internal/job_task.h"
#include "sync/pull.h"
#include "sync/pull_params.h"
#include "sync/source_factory.h"

namespace ferry::services {
namespace {

Result<config::SyncJobConfig> read_job(const config::ConfigDir& dir, std::string_view id) {
  FERRY_TRY_ASSIGN(auto cfg, config::read_config(dir, config::sync_config_file()));
  const config::Section* s = cfg.data.find(id);
  if (s == nullptr) return make_error(Errc::NotFound, "no such sync job '{}'", id);
  return config::SyncJobConfig::from_section(*s);
}

// The sync source of `job`: the remote of remote.cfg (logged in) or the local datastore.
Result<std::unique_ptr<sync::SyncSource>> open_source(
    const JobDeps& deps, const config::SyncJobConfig& job,
    const std::shared_ptr<const auth::UserInfo>& users) {
  return sync::open_sync_source(deps.config_dir, sync::SyncSourceSpec::from_job(job, users),
                                deps.lookup_datastore);
}

Status run_job(const JobDeps& deps, const config::SyncJobConfig& job,
               const sync::PullParams& params, const std::optional<std::string>& schedule,
               jobs::TaskContext& ctx) {
  internal::TaskSyncLog log(ctx, schedule);
  const std::string name = sync::sync_job_worker_id(job);
  auto body = [&]() -> Status {
    const DatastoreLookup& for_write = deps.lookup_datastore_for_write
                                           ? deps.lookup_datastore_for_write
                                           : deps.lookup_datastore;
    FERRY_TRY_ASSIGN(auto target, for_write(job.store));
    FERRY_TRY_ASSIGN(auto users, deps.users.get());
    FERRY_TRY_ASSIGN(auto source, open_source(deps, job, users));
    internal::AbortWatch abort(ctx);
    sync::PullEnv env{*target, *source, *users, log, deps.clock, abort.flag()};
    return sync::run_sync_job(name, params, env);
  };
  Status result = body();
  internal::notify_result(deps, "syncjob", job.id, ctx, result);
  return result;
}

}  // namespace

Result<std::vector<jobs::ScheduledJob>> SyncJobRunner::list_jobs() {
  FERRY_TRY_ASSIGN(auto cfg, config::read_config(deps_.config_dir, config::sync_config_file()));
  std::vector<jobs::ScheduledJob> out;
  for (const config::Section& s : cfg.data.sections()) {
    FERRY_TRY_ASSIGN(auto job, config::SyncJobConfig::from_section(s));
    if (job.direction() != config::SyncDirection::Pull) continue;
    out.push_back({job.id, job.schedule});
  }
  return out;
}

Result<jobs::Upid> SyncJobRunner::start(const jobs::ScheduledJob& scheduled, jobs::Job&& lock,
                                        const jobs::JobTrigger& trigger) {
  FERRY_TRY_ASSIGN(auto job, read_job(deps_.config_dir, scheduled.id));
  FERRY_TRY_ASSIGN(auto params, sync::PullParams::from_job(job));
  const std::string worker_id = sync::sync_job_worker_id(job);
  return jobs::spawn_job_task(
      deps_.tasks, std::move(lock), "syncjob", worker_id, trigger.auth_id,
      [deps = deps_, job = std::move(job), params = std::move(params), schedule = trigger.schedule](
          jobs::TaskContext& ctx) -> Status { return run_job(deps, job, params, schedule, ctx); });
}

}  // namespace ferry::services

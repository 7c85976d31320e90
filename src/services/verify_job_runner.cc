#include "services/verify_job_runner.h"

#include <fmt/format.h>

#include "config/config_file.h"
#include "config/verification_job_config.h"
#include "services/internal/job_task.h"
#include "services/verification.h"

namespace ferry::services {
namespace {

Result<config::VerificationJobConfig> read_job(const config::ConfigDir& dir, std::string_view id) {
  FERRY_TRY_ASSIGN(auto cfg, config::read_config(dir, config::verification_config_file()));
  const config::Section* s = cfg.data.find(id);
  if (s == nullptr) return make_error(Errc::NotFound, "no such verification job '{}'", id);
  return config::VerificationJobConfig::from_section(*s);
}

VerificationScope scope_of(const config::VerificationJobConfig& job) {
  VerificationScope scope;
  scope.ns = job.ns.value_or(types::BackupNamespace());
  scope.max_depth = job.max_depth.value_or(types::BackupNamespace::kMaxDepth);
  scope.ignore_verified = job.ignore_verified.value_or(true);
  scope.outdated_after = job.outdated_after;
  return scope;
}

Status run_job(const JobDeps& deps, const config::VerificationJobConfig& job,
               const std::optional<std::string>& schedule, jobs::TaskContext& ctx) {
  ctx.log(fmt::format("Starting datastore verify job '{}:{}'", job.store, job.id));
  if (schedule) ctx.log(jobs::trigger_message(*schedule));
  auto body = [&]() -> Result<VerificationReport> {
    FERRY_TRY_ASSIGN(auto store, deps.lookup_datastore(job.store));
    return verify_datastore(*store, scope_of(job), ctx);
  };
  auto report = body();
  Status result = ok();
  if (!report) {
    // PBS: the cause is logged, the task fails with a fixed message.
    ctx.log(fmt::format("verification failed: {}", report.error().to_string()));
    result = make_error(report.error().code() == Errc::Cancelled ? Errc::Cancelled : Errc::Io,
                        "verification failed - job aborted");
  } else {
    result = verification_result(*report, ctx);
  }
  internal::notify_result(deps, "verificationjob", job.id, ctx, result);
  return result;
}

}  // namespace

Result<std::vector<jobs::ScheduledJob>> VerifyJobRunner::list_jobs() {
  FERRY_TRY_ASSIGN(auto cfg,
                   config::read_config(deps_.config_dir, config::verification_config_file()));
  std::vector<jobs::ScheduledJob> out;
  for (const config::Section& s : cfg.data.sections()) {
    FERRY_TRY_ASSIGN(auto job, config::VerificationJobConfig::from_section(s));
    out.push_back({job.id, job.schedule});
  }
  return out;
}

Result<jobs::Upid> VerifyJobRunner::start(const jobs::ScheduledJob& scheduled, jobs::Job&& lock,
                                          const jobs::JobTrigger& trigger) {
  FERRY_TRY_ASSIGN(auto job, read_job(deps_.config_dir, scheduled.id));
  const std::string worker_id = fmt::format("{}:{}", job.store, job.id);
  return jobs::spawn_job_task(
      deps_.tasks, std::move(lock), "verificationjob", worker_id, trigger.auth_id,
      [deps = deps_, job = std::move(job), schedule = trigger.schedule](
          jobs::TaskContext& ctx) -> Status { return run_job(deps, job, schedule, ctx); });
}

}  // namespace ferry::services

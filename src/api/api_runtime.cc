#include "api/api_runtime.h"

#include <cstdlib>

#include "api/protocol/protocol_upgrade_handler.h"
#include "auth/auth_context.h"
#include "http/api_service.h"
#include "jobs/task_registry.h"

namespace ferry::api {

ApiRuntime::Options ApiRuntime::defaults(const std::filesystem::path& config_dir) {
  auto env_or = [](const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return std::filesystem::path(v != nullptr && *v != '\0' ? v : fallback);
  };
  return Options{config_dir, env_or("FERRY_LOG_DIR", "/var/log/ferry"),
                 env_or("FERRY_RUN_DIR", "/run/ferry"),
                 env_or("FERRY_STATE_DIR", "/var/lib/ferry") / "jobstates"};
}

Result<std::optional<std::chrono::milliseconds>> ApiRuntime::scheduler_tick_from_env() {
  const char* v = std::getenv(kSchedulerTickEnv);
  if (v == nullptr || *v == '\0') return std::nullopt;
  FERRY_TRY_ASSIGN(auto tick, with_context(jobs::parse_tick_interval(v), "{}", kSchedulerTickEnv));
  return tick;
}

Result<std::unique_ptr<ApiRuntime>> ApiRuntime::open(const Options& options, const Clock& clock) {
  std::unique_ptr<ApiRuntime> rt(new ApiRuntime());
  const config::ConfigDir dir(options.config_dir);
  FERRY_TRY_ASSIGN(rt->auth_, auth::AuthContext::open(dir, clock));
  jobs::TaskRegistryOptions topts;
  topts.log_root = options.log_dir / "tasks";
  topts.clock = &clock;
  FERRY_TRY_ASSIGN(rt->tasks_, jobs::TaskRegistry::open(std::move(topts)));
  rt->context_ = std::make_unique<ApiContext>(dir, *rt->auth_, clock, options.run_dir / "locks");
  rt->context_->tasks = rt->tasks_.get();
  services::JobServiceOptions jopts;
  jopts.config_dir = dir;
  jopts.state_dir =
      options.job_state_dir.empty() ? options.log_dir / "jobstates" : options.job_state_dir;
  DatastoreCache* cache = &rt->context_->datastores;
  jopts.scheduler.tick_interval = options.scheduler_tick;
  jopts.lookup_datastore = [cache](std::string_view name) { return cache->lookup(name); };
  jopts.lookup_datastore_for_write = [cache](std::string_view name) {
    return cache->lookup(name, DatastoreOperation::Write);
  };
  rt->jobs_ = std::make_unique<services::JobService>(std::move(jopts), *rt->tasks_, clock);
  rt->context_->jobs = rt->jobs_.get();
  return rt;
}

ApiRuntime::~ApiRuntime() {
  if (tasks_) tasks_->abort_all();
  jobs_.reset();  // stops the scheduler, waits for the job tasks
}

void ApiRuntime::start_scheduler() {
  if (jobs_) jobs_->start();
}

void ApiRuntime::stop_scheduler() {
  if (jobs_) jobs_->stop();
}

void ApiRuntime::install(http::Router& router, http::ApiServiceOptions& options) {
  register_routes(router, *context_);
  options.authenticate = make_authenticator(*context_);
}

std::shared_ptr<http::Handler> ApiRuntime::make_handler(std::shared_ptr<http::Handler> service,
                                                       http::BlockingPool& pool,
                                                       const http::ApiServiceOptions& options) {
  ProtocolUpgradeOptions upgrade;
  upgrade.authenticate = options.authenticate;
  upgrade.auth_failure_delay = options.auth_failure_delay;
  return std::make_shared<ProtocolUpgradeHandler>(std::move(service), *context_, pool,
                                                  std::move(upgrade));
}

}  // namespace ferry::api

#include "api/api_runtime.h"

#include <cstdlib>

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
                 env_or("FERRY_RUN_DIR", "/run/ferry")};
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
  return rt;
}

ApiRuntime::~ApiRuntime() {
  if (tasks_) tasks_->abort_all();
}

void ApiRuntime::install(http::Router& router, http::ApiServiceOptions& options) {
  register_routes(router, *context_);
  options.authenticate = make_authenticator(*context_);
}

}  // namespace ferry::api

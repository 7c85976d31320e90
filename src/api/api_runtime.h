// ApiRuntime: ferryd's REST API in one object (see router_setup.h for the routes).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>

#include "api/router_setup.h"
#include "common/clock.h"
#include "common/result.h"
#include "services/job_service.h"

namespace ferry::http {
struct ApiServiceOptions;
class BlockingPool;
class Handler;
}  // namespace ferry::http

namespace ferry::api {

// ferryd's API in one object: opens the AuthContext (signing keys, created on first start), the
// TaskRegistry, the datastore cache and the JobService (sync/verify job runners, scheduler,
// notifications; services/job_service.h) for a configuration directory, registers every route
// and fills the ApiService options (authentication hook, failure delays). Owned by ferryd's
// main for the life of the server:
//
//   FERRY_TRY_ASSIGN(auto api, api::ApiRuntime::open(api::ApiRuntime::defaults(dir)));
//   api->install(*router, service_options);
//   auto handler = api->make_handler(std::make_shared<http::ApiService>(router, pool, opts),
//                                    pool, opts);   // + the backup/reader protocol upgrades
//   api->start_scheduler();   // scheduled jobs run from now on
//   ...                       // SIGTERM
//   api->stop_scheduler();
//
// The destructor aborts running tasks and waits for them.
class ApiRuntime {
 public:
  struct Options {
    std::filesystem::path config_dir;
    std::filesystem::path log_dir;  // task logs in <log_dir>/tasks
    std::filesystem::path run_dir;  // datastore manifest locks in <run_dir>/locks
    // Job-state files ({type}-{id}.json); empty = <log_dir>/jobstates.
    std::filesystem::path job_state_dir = {};
    // Test only: the scheduler ticks every this long instead of every full minute
    // (jobs::SchedulerOptions::tick_interval); unset in production.
    std::optional<std::chrono::milliseconds> scheduler_tick = std::nullopt;
  };
  // log_dir from $FERRY_LOG_DIR (default /var/log/ferry), run_dir from $FERRY_RUN_DIR
  // (default /run/ferry), job_state_dir $FERRY_STATE_DIR/jobstates (default
  // /var/lib/ferry/jobstates): PBS's /var/log/proxmox-backup, /run/proxmox-backup and
  // /var/lib/proxmox-backup/jobstates.
  static Options defaults(const std::filesystem::path& config_dir);

  // The test-only fast scheduler tick from $FERRY_SCHEDULER_TICK_MS (kSchedulerTickEnv):
  // nullopt when unset or empty, else milliseconds in 100..60000 (jobs::parse_tick_interval).
  // Errors: InvalidArgument naming the variable and the value. Reads the environment only.
  static Result<std::optional<std::chrono::milliseconds>> scheduler_tick_from_env();
  static constexpr const char* kSchedulerTickEnv = "FERRY_SCHEDULER_TICK_MS";

  // Errors: those of AuthContext::open (key files) and TaskRegistry::open. Blocks.
  static Result<std::unique_ptr<ApiRuntime>> open(const Options& options,
                                                   const Clock& clock = SystemClock::instance());
  ~ApiRuntime();

  // register_routes + `options.authenticate`. The runtime must outlive the router's use.
  void install(http::Router& router, http::ApiServiceOptions& options);

  // ferryd's top-level handler: GET /api2/json/backup and /api2/json/reader start the backup
  // and reader protocols (api/protocol/protocol_upgrade_handler.h), authenticated like the REST
  // API with `options.authenticate` and `options.auth_failure_delay`; every other request goes
  // to `service`. The runtime and `pool` must outlive the handler. Does not block.
  std::shared_ptr<http::Handler> make_handler(std::shared_ptr<http::Handler> service,
                                              http::BlockingPool& pool,
                                              const http::ApiServiceOptions& options);

  ApiContext& context() { return *context_; }
  services::JobService& jobs() { return *jobs_; }

  // Starts / stops the job scheduler thread (JobService::start/stop). Idempotent.
  void start_scheduler();
  void stop_scheduler();

 private:
  ApiRuntime() = default;
  std::unique_ptr<auth::AuthContext> auth_;
  std::unique_ptr<jobs::TaskRegistry> tasks_;
  std::unique_ptr<services::JobService> jobs_;  // after tasks_: destroyed before it
  std::unique_ptr<ApiContext> context_;
};

}  // namespace ferry::api

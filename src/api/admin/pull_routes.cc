// POST /api2/json/pull (api.md §5.8, auth.md §9.2, sync-semantics.md §2.2 "Ad-hoc pull"):
// pulls a remote's (or a local) datastore into `store` as a worker task of type `sync` with
// worker id `<store>`, and returns its UPID.
//
// Access: any authenticated caller at method level; in the handler, on the caller (who also
// becomes the owner of new groups and the identity of the run's checks): Datastore.Backup on
// the target anchor, Remote.Read on /remote/<remote>/<remote-store> (or Datastore.Backup on
// /datastore/<remote-store> for a local source), Datastore.Prune on the anchor with
// remove-vanished. A failed check is 400 "missing permissions …", as PBS bails in the handler.
//
// Before the task: the parameters are checked (adhoc_pull.h), the remote is looked up and
// both datastores are opened, so "no such remote 'x'" or "can't sync to same datastore" are
// API errors and no task exists. Connecting to the remote happens inside the task. The task
// log holds the PBS lines ("pull datastore 'x' from 'pbs2/y'", …, "pull datastore 'x' end")
// and ends with TASK OK / TASK ERROR.
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "api/access/checks.h"
#include "api/internal/param_specs.h"
#include "api/internal/routes.h"
#include "api/router_setup.h"
#include "auth/privileges.h"
#include "jobs/task_registry.h"
#include "sync/adhoc_pull.h"
#include "sync/pull.h"
#include "sync/source_factory.h"

namespace ferry::api::internal {
namespace {

using nlohmann::json;

// Forwards the pull's lines into the task log.
class TaskSyncLog final : public sync::SyncLog {
 public:
  explicit TaskSyncLog(jobs::TaskContext& task) : task_(task) {}
  void log(std::string_view line) override { task_.log(line); }
  void warn(std::string_view line) override { task_.warn(line); }

 private:
  jobs::TaskContext& task_;
};

std::optional<std::string> bool_text(const json& p, std::string_view name) {
  auto b = opt_bool(p, name);
  if (!b) return std::nullopt;
  return std::string(*b ? "true" : "false");
}

std::optional<std::string> int_text(const json& p, std::string_view name) {
  auto i = opt_int(p, name);
  if (!i) return std::nullopt;
  return std::to_string(*i);
}

sync::AdHocPullArgs pull_args(const json& p, const types::Authid& caller) {
  sync::AdHocPullArgs a;
  a.store = req_string(p, "store");
  a.ns = opt_string(p, "ns");
  a.remote = opt_string(p, "remote");
  a.remote_store = req_string(p, "remote-store");
  a.remote_ns = opt_string(p, "remote-ns");
  a.owner = caller.to_string();  // the caller owns what an ad-hoc pull creates
  a.remove_vanished = bool_text(p, "remove-vanished");
  a.max_depth = int_text(p, "max-depth");
  a.group_filter = string_list(p, "group-filter");
  a.transfer_last = int_text(p, "transfer-last");
  a.rate_in = opt_string(p, "rate-in");
  a.burst_in = opt_string(p, "burst-in");
  a.rate_out = opt_string(p, "rate-out");
  a.burst_out = opt_string(p, "burst-out");
  a.resync_corrupt = bool_text(p, "resync-corrupt");
  a.encrypted_only = bool_text(p, "encrypted-only");
  a.verified_only = bool_text(p, "verified-only");
  return a;
}

std::string datastore_acl_path(std::string_view store, const types::BackupNamespace& ns) {
  if (ns.is_root()) return fmt::format("/datastore/{}", store);
  return fmt::format("/datastore/{}/{}", store, ns.to_string());
}

// auth.md §9.2; failures are 400 with the UserInfo's "missing permissions …" text.
Status check_pull_access(const auth::UserInfo& info, const types::Authid& caller,
                         const config::SyncJobConfig& job) {
  auto bad_request = [](Status st) -> Status {
    if (st) return st;
    return make_error(Errc::InvalidArgument, "{}", st.error().message());
  };
  const std::string anchor = datastore_acl_path(job.store, job.ns.value_or(types::BackupNamespace()));
  FERRY_TRY(bad_request(info.check_privs(caller, anchor, auth::kPrivDatastoreBackup)));
  if (job.remote) {
    FERRY_TRY(bad_request(info.check_privs(
        caller, fmt::format("/remote/{}/{}", *job.remote, job.remote_store),
        auth::kPrivRemoteRead)));
  } else {
    FERRY_TRY(bad_request(info.check_privs(caller, fmt::format("/datastore/{}", job.remote_store),
                                           auth::kPrivDatastoreBackup)));
  }
  if (job.remove_vanished.value_or(false)) {
    FERRY_TRY(bad_request(info.check_privs(caller, anchor, auth::kPrivDatastorePrune)));
  }
  return ok();
}

Result<json> pull(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(config::SyncJobConfig job, sync::adhoc_pull_job(pull_args(call.params, who)));
  FERRY_TRY_ASSIGN(std::shared_ptr<const auth::UserInfo> users, user_info_of(ctx));
  FERRY_TRY(check_pull_access(*users, who, job));
  FERRY_TRY_ASSIGN(sync::PullParams params, sync::PullParams::from_job(job));
  if (ctx.tasks == nullptr) return make_error(Errc::Unavailable, "no task registry");
  if (job.remote) FERRY_TRY(sync::load_remote(ctx.config_dir, *job.remote));
  FERRY_TRY_ASSIGN(std::shared_ptr<datastore::Datastore> target, ctx.datastores.lookup(job.store, DatastoreOperation::Write));
  if (!job.remote) FERRY_TRY(ctx.datastores.lookup(job.remote_store));
  config::ConfigDir dir = ctx.config_dir;
  DatastoreCache* stores = &ctx.datastores;
  const Clock* clock = ctx.clock;
  auto body = [dir, stores, clock, job, params, users, target](jobs::TaskContext& task) -> Status {
    TaskSyncLog log(task);
    sync::DatastoreLookup lookup = [stores](std::string_view n) { return stores->lookup(n); };
    FERRY_TRY_ASSIGN(auto source,
                     sync::open_sync_source(dir, sync::SyncSourceSpec::from_job(job, users), lookup));
    std::atomic<bool> abort{false};
    sync::PullEnv env{*target, *source, *users, log, *clock, &abort};
    // The engine polls a flag; the task's flag lives in the registry.
    std::atomic<bool> done{false};
    std::thread watcher([&] {
      while (!done.load()) {
        if (task.abort_requested()) abort.store(true);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    });
    Status result = sync::run_pull(params, env);
    done.store(true);
    watcher.join();
    return result;
  };
  FERRY_TRY_ASSIGN(auto upid, ctx.tasks->spawn("sync", job.store, who.to_string(), std::move(body)));
  return json(upid.to_string());
}

http::ParamSchema pull_schema() {
  http::ParamSchema s;
  s.add("store", datastore_name_param())
      .add("ns", namespace_param())
      .add("remote", remote_name_param(Opt::Optional))
      .add("remote-store", datastore_name_param())
      .add("remote-ns", namespace_param())
      .add("remove-vanished", bool_param())
      .add("max-depth", max_depth_param())
      .add("group-filter", string_array_param())
      .add("transfer-last", int_param(Opt::Optional, 1))
      .add("resync-corrupt", bool_param())
      .add("encrypted-only", bool_param())
      .add("verified-only", bool_param());
  for (const char* rate : {"rate-in", "burst-in", "rate-out", "burst-out"}) {
    s.add(rate, string_param(Opt::Optional, 1, 64));
  }
  return s;
}

}  // namespace

void register_pull_routes(http::Router& router, ApiContext& ctx) {
  http::Route r;
  r.params = pull_schema();
  r.handler = [&ctx](http::ApiCall& call) { return pull(ctx, call); };
  router.add(http::Method::Post, "/pull", std::move(r));
}

}  // namespace ferry::api::internal

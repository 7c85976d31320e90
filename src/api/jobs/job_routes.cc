// /admin/sync and /admin/verify: job status and "run now" (api.md §5.7,
// jobs-and-schedules.md §3.5, §4), over the JobService of ApiContext::jobs.
//
//   GET  /admin/sync            sync jobs (pull by default; `store`, `sync-direction` filters)
//                               flattened with next-run, last-run-upid, last-run-state,
//                               last-run-endtime; filtered by sync-job read access
//   POST /admin/sync/{id}/run   needs sync-job modify access (400 "permission check failed",
//                               PBS bails inside the handler); returns the UPID
//   GET  /admin/verify          verify jobs with the same status fields; only jobs on whose
//                               datastore/namespace the caller has Datastore.Audit or
//                               Datastore.Verify
//   POST /admin/verify/{id}/run needs Datastore.Verify on the job's datastore/namespace (403)
//
// Without a JobService (ApiContext::jobs null) the run routes answer 503.
#include <nlohmann/json.hpp>

#include "api/access/checks.h"
#include "api/access/sync_access.h"
#include "api/config/sync_jobs.h"
#include "api/config/verify_jobs.h"
#include "api/internal/param_specs.h"
#include "api/internal/routes.h"
#include "api/router_setup.h"
#include "auth/acl_path.h"
#include "services/job_service.h"

namespace ferry::api::internal {
namespace {

using http::Method;
using nlohmann::json;

Result<services::JobService*> job_service(const ApiContext& ctx) {
  if (ctx.jobs == nullptr) return make_error(Errc::Unavailable, "job scheduler not available");
  return ctx.jobs;
}

void add_status(json& out, const jobs::JobStatus& st) {
  if (st.next_run) out["next-run"] = *st.next_run;
  if (st.last_run_upid) out["last-run-upid"] = *st.last_run_upid;
  if (st.last_run_state) out["last-run-state"] = *st.last_run_state;
  if (st.last_run_endtime) out["last-run-endtime"] = *st.last_run_endtime;
}

jobs::JobStatus status_of(const ApiContext& ctx, std::string_view type, std::string_view id,
                          const std::optional<std::string>& schedule) {
  if (ctx.jobs == nullptr) return {};
  return ctx.jobs->status(type, id, schedule);
}

Result<json> list_sync(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  FERRY_TRY_ASSIGN(auto direction, parse_sync_direction_filter(
                                       opt_string(call.params, "sync-direction").value_or("pull")));
  const auto store = opt_string(call.params, "store");
  FERRY_TRY_ASSIGN(auto jobs, list_sync_jobs(ctx.config_dir, who, direction));
  json out = json::array();
  for (const config::SyncJobConfig& job : jobs.data) {
    if (store && job.store != *store) continue;
    if (!sync_job_read_access(*info, who, job)) continue;
    json entry = to_json(job);
    add_status(entry, status_of(ctx, "syncjob", job.id, job.schedule));
    out.push_back(std::move(entry));
  }
  call.attributes["digest"] = jobs.digest;
  return out;
}

Result<json> run_sync(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  FERRY_TRY_ASSIGN(auto service, job_service(ctx));
  const std::string id = req_string(call.params, "id");
  FERRY_TRY_ASSIGN(auto job, not_found_is_bad_request(read_sync_job(ctx.config_dir, who, id)));
  if (!sync_job_modify_access(*info, who, job.data)) {
    return make_error(Errc::InvalidArgument, "permission check failed");
  }
  FERRY_TRY_ASSIGN(auto upid, service->run_now(service->sync_jobs(), id, who));
  return json(upid.to_string());
}

std::string verify_acl_path(const config::VerificationJobConfig& job) {
  return auth::datastore_acl_path(job.store, job.ns.value_or(types::BackupNamespace()));
}

Result<json> list_verify(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  const auto store = opt_string(call.params, "store");
  FERRY_TRY_ASSIGN(auto jobs, list_verify_jobs(ctx.config_dir, who));
  json out = json::array();
  for (const config::VerificationJobConfig& job : jobs.data) {
    if (store && job.store != *store) continue;
    if (!has_privs(*info, who, verify_acl_path(job),
                   auth::kPrivDatastoreAudit | auth::kPrivDatastoreVerify, true)) {
      continue;
    }
    json entry = to_json(job);
    add_status(entry, status_of(ctx, "verificationjob", job.id, job.schedule));
    out.push_back(std::move(entry));
  }
  call.attributes["digest"] = jobs.digest;
  return out;
}

Result<json> run_verify(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  FERRY_TRY_ASSIGN(auto service, job_service(ctx));
  const std::string id = req_string(call.params, "id");
  FERRY_TRY_ASSIGN(auto job, read_verify_job(ctx.config_dir, who, id));
  if (!has_privs(*info, who, verify_acl_path(job.data), auth::kPrivDatastoreVerify, true)) {
    return permission_check_failed();
  }
  FERRY_TRY_ASSIGN(auto upid, service->run_now(service->verify_jobs(), id, who));
  return json(upid.to_string());
}

}  // namespace

void register_job_routes(http::Router& router, ApiContext& ctx) {
  auto route = [&ctx](http::ParamSchema schema, ContextHandler fn) {
    return bind_route(ctx, std::move(schema), fn);
  };
  router.add(Method::Get, "/admin/sync",
             route(http::ParamSchema{}
                       .add("store", datastore_name_param(Opt::Optional))
                       .add("sync-direction", string_param(Opt::Optional)),
                   list_sync));
  router.add(Method::Post, "/admin/sync/{id}/run",
             route(http::ParamSchema{}.add("id", job_id_param()), run_sync));
  router.add(
      Method::Get, "/admin/verify",
      route(http::ParamSchema{}.add("store", datastore_name_param(Opt::Optional)), list_verify));
  router.add(Method::Post, "/admin/verify/{id}/run",
             route(http::ParamSchema{}.add("id", job_id_param()), run_verify));
}

}  // namespace ferry::api::internal

// /config/sync[/{id}] over the sync-job service layer (api.md §5.6, auth.md §9.3).
//
// Access is decided in the handlers (all methods are "Anybody" at method level, as in PBS):
// the list is filtered by read access, read needs read access, create/update/delete need
// modify access — for update on the job as it would be after the change. A failed check is
// 400 "permission check failed" (PBS bails inside the handler).
#include "api/access/checks.h"
#include "api/access/sync_access.h"
#include "api/config/sync_jobs.h"
#include "api/internal/param_specs.h"
#include "api/internal/routes.h"
#include "api/router_setup.h"
#include "jobs/job_state.h"
#include "services/job_service.h"

namespace ferry::api::internal {
namespace {

using http::Method;
using nlohmann::json;

tl::unexpected<Error> job_permission_failed() {
  return make_error(Errc::InvalidArgument, "permission check failed");
}

SyncJobProperties job_props(const json& p) {
  SyncJobProperties props;
  props.store = opt_string(p, "store");
  props.ns = opt_string(p, "ns");
  props.remote = opt_string(p, "remote");
  props.remote_store = opt_string(p, "remote-store");
  props.remote_ns = opt_string(p, "remote-ns");
  props.owner = opt_string(p, "owner");
  props.remove_vanished = opt_bool(p, "remove-vanished");
  props.max_depth = opt_int(p, "max-depth");
  if (p.contains("group-filter")) props.group_filter = string_list(p, "group-filter");
  props.transfer_last = opt_int(p, "transfer-last");
  props.schedule = opt_string(p, "schedule");
  props.comment = opt_string(p, "comment");
  props.rate_in = opt_string(p, "rate-in");
  props.burst_in = opt_string(p, "burst-in");
  props.rate_out = opt_string(p, "rate-out");
  props.burst_out = opt_string(p, "burst-out");
  props.sync_direction = opt_string(p, "sync-direction");
  props.resync_corrupt = opt_bool(p, "resync-corrupt");
  props.encrypted_only = opt_bool(p, "encrypted-only");
  props.verified_only = opt_bool(p, "verified-only");
  props.run_on_mount = opt_bool(p, "run-on-mount");
  props.unmount_on_done = opt_bool(p, "unmount-on-done");
  props.worker_threads = opt_int(p, "worker-threads");
  return props;
}

// The access-relevant fields of `job` after `deletes` and the properties in `p` are applied.
// Unparsable values are left out: the service layer rejects them afterwards.
config::SyncJobConfig apply_for_access(config::SyncJobConfig job, const json& p,
                                       const std::vector<std::string>& deletes) {
  for (const std::string& d : deletes) {
    if (d == "remote") job.remote.reset();
    if (d == "owner") job.owner.reset();
    if (d == "ns") job.ns.reset();
    if (d == "remote-ns") job.remote_ns.reset();
    if (d == "remove-vanished") job.remove_vanished.reset();
    if (d == "sync-direction") job.sync_direction.reset();
  }
  if (auto v = opt_string(p, "store")) job.store = *v;
  if (auto v = opt_string(p, "remote-store")) job.remote_store = *v;
  if (auto v = opt_string(p, "remote")) job.remote = *v;
  if (auto v = opt_bool(p, "remove-vanished")) job.remove_vanished = *v;
  if (auto v = opt_string(p, "ns"); v && types::BackupNamespace::parse(*v)) {
    job.ns = *types::BackupNamespace::parse(*v);
  }
  if (auto v = opt_string(p, "remote-ns"); v && types::BackupNamespace::parse(*v)) {
    job.remote_ns = *types::BackupNamespace::parse(*v);
  }
  if (auto v = opt_string(p, "owner"); v && types::Authid::parse(*v)) {
    job.owner = *types::Authid::parse(*v);
  }
  if (auto v = opt_string(p, "sync-direction"); v && config::parse_sync_direction(*v)) {
    job.sync_direction = *config::parse_sync_direction(*v);
  }
  return job;
}

Result<json> list(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  FERRY_TRY_ASSIGN(auto filter, parse_sync_direction_filter(
                                    opt_string(call.params, "sync-direction").value_or("pull")));
  FERRY_TRY_ASSIGN(auto jobs, list_sync_jobs(ctx.config_dir, who, filter));
  json out = json::array();
  for (const config::SyncJobConfig& job : jobs.data) {
    if (sync_job_read_access(*info, who, job)) out.push_back(to_json(job));
  }
  call.attributes["digest"] = jobs.digest;
  return out;
}

Result<json> read(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  FERRY_TRY_ASSIGN(auto job, not_found_is_bad_request(read_sync_job(
                                 ctx.config_dir, who, req_string(call.params, "id"))));
  if (!sync_job_read_access(*info, who, job.data)) return job_permission_failed();
  call.attributes["digest"] = job.digest;
  return to_json(job.data);
}

// ferryd's job-state store, so the service layer keeps the job state in step with sync.cfg
// (jobs-and-schedules.md §3.2–§3.4); null without a job service.
const jobs::JobStateStore* job_states(const ApiContext& ctx) {
  return ctx.jobs != nullptr ? &ctx.jobs->states() : nullptr;
}

Result<json> create(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  config::SyncJobConfig shape;
  shape.id = req_string(call.params, "id");
  if (!sync_job_modify_access(*info, who, apply_for_access(shape, call.params, {}))) {
    return job_permission_failed();
  }
  FERRY_TRY(
      create_sync_job(ctx.config_dir, who, {shape.id, job_props(call.params)}, job_states(ctx)));
  return json(nullptr);
}

Result<json> update(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  const std::string id = req_string(call.params, "id");
  FERRY_TRY_ASSIGN(auto job, not_found_is_bad_request(read_sync_job(ctx.config_dir, who, id)));
  SyncJobUpdateParams params;
  params.props = job_props(call.params);
  params.delete_props = string_list(call.params, "delete");
  params.digest = opt_string(call.params, "digest");
  if (!sync_job_modify_access(*info, who,
                              apply_for_access(job.data, call.params, params.delete_props))) {
    return job_permission_failed();
  }
  FERRY_TRY(
      not_found_is_bad_request(update_sync_job(ctx.config_dir, who, id, params, job_states(ctx))));
  return json(nullptr);
}

Result<json> remove(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  const std::string id = req_string(call.params, "id");
  auto job = read_sync_job(ctx.config_dir, who, id);
  if (!job && job.error().code() == Errc::NotFound) {
    return make_error(Errc::NotFound, "job '{}' does not exist.", id);
  }
  if (!job) return tl::unexpected(job.error());
  if (!sync_job_modify_access(*info, who, job->data)) return job_permission_failed();
  FERRY_TRY(
      delete_sync_job(ctx.config_dir, who, id, opt_string(call.params, "digest"), job_states(ctx)));
  return json(nullptr);
}

http::ParamSchema props_schema(Opt required) {
  using internal::string_param;
  http::ParamSchema s;
  s.add("id", job_id_param())
      .add("store", datastore_name_param(required))
      .add("ns", namespace_param())
      .add("remote", remote_name_param(Opt::Optional))
      .add("remote-store", datastore_name_param(required))
      .add("remote-ns", namespace_param())
      .add("owner", authid_param(Opt::Optional))
      .add("remove-vanished", bool_param())
      .add("max-depth", max_depth_param())
      .add("group-filter", string_array_param())
      .add("transfer-last", int_param(Opt::Optional, 1))
      .add("schedule", string_param(Opt::Optional, 1, 256))
      .add("comment", comment_param())
      .add("sync-direction", string_param(Opt::Optional))
      .add("resync-corrupt", bool_param())
      .add("encrypted-only", bool_param())
      .add("verified-only", bool_param())
      .add("run-on-mount", bool_param())
      .add("unmount-on-done", bool_param())
      .add("worker-threads", int_param(Opt::Optional, 1, 32));
  for (const char* rate : {"rate-in", "burst-in", "rate-out", "burst-out"}) {
    s.add(rate, string_param(Opt::Optional, 1, 64));
  }
  return s;
}

}  // namespace

void register_sync_config_routes(http::Router& router, ApiContext& ctx) {
  auto route = [&ctx](http::ParamSchema schema, ContextHandler fn) {
    return bind_route(ctx, std::move(schema), fn);
  };
  router.add(Method::Get, "/config/sync",
             route(http::ParamSchema{}.add("sync-direction", string_param(Opt::Optional)), list));
  router.add(Method::Post, "/config/sync", route(props_schema(Opt::Required), create));
  router.add(Method::Get, "/config/sync/{id}",
             route(http::ParamSchema{}.add("id", job_id_param()), read));
  router.add(Method::Put, "/config/sync/{id}",
             route(props_schema(Opt::Optional)
                       .add("delete", string_array_param())
                       .add("digest", digest_param()),
                   update));
  router.add(
      Method::Delete, "/config/sync/{id}",
      route(http::ParamSchema{}.add("id", job_id_param()).add("digest", digest_param()), remove));
}

}  // namespace ferry::api::internal

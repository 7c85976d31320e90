// /config/datastore[/{name}] over the datastore service layer (api.md §5.10).
//
// Access (method level, 403): create needs Datastore.Allocate on /datastore; read
// Datastore.Audit, update Datastore.Modify, delete Datastore.Allocate on /datastore/<name>.
// The list shows datastores with Datastore.Audit on /datastore/<name>.
//
// Creating a datastore creates its chunk store (65 536 directories), so as in PBS it runs as a
// worker task ("create-datastore") and POST returns the task's UPID; obvious errors (name
// taken, relative path) are answered at once. Without a TaskRegistry it runs inline and POST
// returns null.
#include "api/access/checks.h"
#include "api/config/datastores.h"
#include "api/internal/param_specs.h"
#include "api/internal/routes.h"
#include "api/router_setup.h"
#include "auth/acl_path.h"
#include "jobs/task_registry.h"

namespace ferry::api::internal {
namespace {

using nlohmann::json;
using http::Method;

DatastoreProperties store_props(const json& p) {
  DatastoreProperties props;
  props.comment = opt_string(p, "comment");
  props.gc_schedule = opt_string(p, "gc-schedule");
  props.prune_schedule = opt_string(p, "prune-schedule");
  props.keep_last = opt_int(p, "keep-last");
  props.keep_hourly = opt_int(p, "keep-hourly");
  props.keep_daily = opt_int(p, "keep-daily");
  props.keep_weekly = opt_int(p, "keep-weekly");
  props.keep_monthly = opt_int(p, "keep-monthly");
  props.keep_yearly = opt_int(p, "keep-yearly");
  props.verify_new = opt_bool(p, "verify-new");
  props.notify_user = opt_string(p, "notify-user");
  props.notify = opt_string(p, "notify");
  props.notification_mode = opt_string(p, "notification-mode");
  props.tuning = opt_string(p, "tuning");
  props.maintenance_mode = opt_string(p, "maintenance-mode");
  return props;
}

Result<json> list(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  FERRY_TRY_ASSIGN(auto stores, list_datastores(ctx.config_dir, who));
  json out = json::array();
  for (const config::DatastoreConfig& s : stores.data) {
    if (who.is_root() ||
        has_privs(*info, who, auth::datastore_acl_path(s.name), auth::kPrivDatastoreAudit)) {
      out.push_back(to_json(s));
    }
  }
  call.attributes["digest"] = stores.digest;
  return out;
}

Result<json> create(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  DatastoreCreateParams params{req_string(call.params, "name"), req_string(call.params, "path"),
                               store_props(call.params)};
  if (!std::filesystem::path(params.path).is_absolute()) {
    return make_error(Errc::InvalidArgument, "datastore path '{}' is not absolute", params.path);
  }
  FERRY_TRY_ASSIGN(auto existing, list_datastores(ctx.config_dir, who));
  for (const auto& s : existing.data) {
    if (s.name == params.name) {
      return make_error(Errc::AlreadyExists, "datastore '{}' already exists.", params.name);
    }
  }
  if (ctx.tasks == nullptr) {
    FERRY_TRY(create_datastore(ctx.config_dir, who, params));
    return json(nullptr);
  }
  config::ConfigDir dir = ctx.config_dir;
  FERRY_TRY_ASSIGN(auto upid,
                   ctx.tasks->spawn("create-datastore", params.name, who.to_string(),
                                    [dir, who, params](jobs::TaskContext& task) -> Status {
                                      task.log("create datastore '" + params.name + "' on '" +
                                               params.path + "'");
                                      return create_datastore(dir, who, params);
                                    }));
  return json(upid.to_string());
}

Result<json> read(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto store, not_found_is_bad_request(read_datastore(
                                   ctx.config_dir, who, req_string(call.params, "name"))));
  call.attributes["digest"] = store.digest;
  return to_json(store.data);
}

Result<json> update(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  DatastoreUpdateParams params;
  params.props = store_props(call.params);
  params.delete_props = string_list(call.params, "delete");
  params.digest = opt_string(call.params, "digest");
  FERRY_TRY(not_found_is_bad_request(
      update_datastore(ctx.config_dir, who, req_string(call.params, "name"), params)));
  return json(nullptr);
}

Result<json> remove(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  DatastoreDeleteParams params;
  params.digest = opt_string(call.params, "digest");
  params.keep_job_configs = opt_bool(call.params, "keep-job-configs").value_or(false);
  FERRY_TRY(delete_datastore(ctx.config_dir, who, req_string(call.params, "name"), params));
  return json(nullptr);
}

http::ParamSchema props_schema() {
  http::ParamSchema s;
  s.add("name", datastore_name_param())
      .add("comment", comment_param())
      .add("verify-new", bool_param());
  for (const char* name : {"gc-schedule", "prune-schedule", "notify-user", "notify",
                           "notification-mode", "tuning", "maintenance-mode"}) {
    s.add(name, string_param(Opt::Optional, 1, 256));
  }
  for (const char* keep : {"keep-last", "keep-hourly", "keep-daily", "keep-weekly",
                           "keep-monthly", "keep-yearly"}) {
    s.add(keep, int_param(Opt::Optional, 1));
  }
  return s;
}

}  // namespace

void register_datastore_config_routes(http::Router& router, ApiContext& ctx) {
  auto route = [&ctx](http::ParamSchema schema, PermissionRule rule, ContextHandler fn) {
    return bind_route(ctx, std::move(schema), fn, std::move(rule));
  };
  router.add(Method::Get, "/config/datastore", route(http::ParamSchema{}, nullptr, list));
  router.add(Method::Post, "/config/datastore",
             route(props_schema().add("path", string_param(Opt::Required, 1, 4096)),
                   require_privs(ctx, "/datastore", auth::kPrivDatastoreAllocate), create));
  router.add(Method::Get, "/config/datastore/{name}",
             route(http::ParamSchema{}.add("name", datastore_name_param()),
                   require_privs(ctx, "/datastore/{name}", auth::kPrivDatastoreAudit), read));
  router.add(Method::Put, "/config/datastore/{name}",
             route(props_schema().add("delete", string_array_param()).add("digest", digest_param()),
                   require_privs(ctx, "/datastore/{name}", auth::kPrivDatastoreModify), update));
  router.add(Method::Delete, "/config/datastore/{name}",
             route(http::ParamSchema{}
                       .add("name", datastore_name_param())
                       .add("digest", digest_param())
                       .add("keep-job-configs", bool_param()),
                   require_privs(ctx, "/datastore/{name}", auth::kPrivDatastoreAllocate),
                   remove));
}

}  // namespace ferry::api::internal

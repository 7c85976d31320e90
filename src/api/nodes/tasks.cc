// /nodes/{node}/tasks[/{upid}[/status|/log]] over the TaskRegistry (api.md §5.3, auth.md §9.6).
//
// `{node}` is checked for host-name syntax only (clients send "localhost"). Who sees a task:
// its auth-id, the user owning the token that started it, Sys.Audit on /system/tasks, or —
// for job tasks — whoever could run the job (syncjob: the ad-hoc pull checks derived from the
// worker id; verificationjob: Datastore.Verify; garbage_collection/prune/prunejob:
// Datastore.Modify). Stopping needs the identical auth-id or Sys.Modify on /system/tasks.
#include <string>
#include <vector>

#include "api/access/checks.h"
#include "api/internal/param_specs.h"
#include "api/internal/routes.h"
#include "api/router_setup.h"
#include "auth/acl_path.h"
#include "jobs/task_registry.h"

namespace ferry::api::internal {
namespace {

using nlohmann::json;
using http::Method;

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  for (;;) {
    const size_t next = s.find(sep, pos);
    out.emplace_back(s.substr(pos, next == std::string_view::npos ? s.npos : next - pos));
    if (next == std::string_view::npos) return out;
    pos = next + 1;
  }
}

// The job-specific part of auth.md §9.6.
bool job_task_access(const auth::UserInfo& info, const types::Authid& who, const jobs::Upid& upid) {
  if (!upid.worker_id) return false;
  const auto parts = split(*upid.worker_id, ':');
  auto has = [&](const std::string& path, auth::Privileges privs, bool any = false) {
    return has_privs(info, who, path, privs, any);
  };
  if (upid.worker_type == "syncjob" && parts.size() == 5) {
    auto ns = types::BackupNamespace::parse(parts[3]);
    if (!ns || !has(auth::datastore_acl_path(parts[2], *ns), auth::kPrivDatastoreBackup)) {
      return false;
    }
    if (parts[0] == "-") return has(auth::datastore_acl_path(parts[1]), auth::kPrivDatastoreBackup);
    return has(auth::remote_acl_path(parts[0], parts[1]), auth::kPrivRemoteRead);
  }
  const std::string store_path = auth::datastore_acl_path(parts[0]);
  if (upid.worker_type == "verificationjob") return has(store_path, auth::kPrivDatastoreVerify);
  if (upid.worker_type == "garbage_collection" || upid.worker_type == "prune" ||
      upid.worker_type == "prunejob") {
    return has(store_path, auth::kPrivDatastoreModify, true);
  }
  return false;
}

bool task_access(const auth::UserInfo& info, const types::Authid& who, const jobs::Upid& upid) {
  if (who.is_root()) return true;
  if (auto owner = types::Authid::parse(upid.auth_id)) {
    if (*owner == who) return true;
    if (owner->is_token() && !who.is_token() && owner->user() == who.user()) return true;
  }
  if (has_privs(info, who, "/system/tasks", auth::kPrivSysAudit)) return true;
  return job_task_access(info, who, upid);
}

Result<jobs::TaskRegistry*> registry(ApiContext& ctx) {
  if (ctx.tasks == nullptr) return make_error(Errc::Unavailable, "no task registry");
  return ctx.tasks;
}

json task_item(const jobs::TaskInfo& t) {
  json j{{"upid", t.upid_text},
         {"node", "localhost"},
         {"pid", t.upid.pid},
         {"pstart", t.upid.pstart},
         {"starttime", t.upid.starttime},
         {"worker_type", t.upid.worker_type},
         {"worker_id", t.upid.worker_id ? json(*t.upid.worker_id) : json(nullptr)},
         {"user", t.upid.auth_id}};
  if (!t.running && t.state) {
    j["endtime"] = t.state->endtime;
    j["status"] = t.state->status_string();
  }
  return j;
}

Result<jobs::TaskListFilter> list_filter(const json& p) {
  jobs::TaskListFilter f;
  f.start = static_cast<uint64_t>(opt_int(p, "start").value_or(0));
  f.limit = static_cast<uint64_t>(opt_int(p, "limit").value_or(50));
  f.store = opt_string(p, "store");
  f.running = opt_bool(p, "running").value_or(false);
  f.errors = opt_bool(p, "errors").value_or(false);
  f.userfilter = opt_string(p, "userfilter").value_or("");
  f.since = opt_int(p, "since");
  f.until = opt_int(p, "until");
  f.typefilter = opt_string(p, "typefilter").value_or("");
  for (const std::string& s : string_list(p, "statusfilter")) {
    using Kind = jobs::TaskState::Kind;
    if (s == "ok") f.statusfilter.push_back(Kind::Ok);
    else if (s == "warning") f.statusfilter.push_back(Kind::Warning);
    else if (s == "error") f.statusfilter.push_back(Kind::Error);
    else if (s == "unknown") f.statusfilter.push_back(Kind::Unknown);
    else return make_error(Errc::InvalidArgument,
                           "parameter verification failed - 'statusfilter': invalid value '{}'", s);
  }
  return f;
}

Result<json> list_tasks(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  FERRY_TRY_ASSIGN(auto* tasks, registry(ctx));
  FERRY_TRY_ASSIGN(auto filter, list_filter(call.params));
  const bool all = who.is_root() || has_privs(*info, who, "/system/tasks", auth::kPrivSysAudit);
  json out = json::array();
  if (all) {
    FERRY_TRY_ASSIGN(auto list, tasks->list(filter));
    for (const auto& t : list.tasks) out.push_back(task_item(t));
    call.attributes["total"] = list.total;
    return out;
  }
  // Filtering by access changes what a page is: select from the whole list, then page.
  const uint64_t start = filter.start, limit = filter.limit;
  filter.start = 0;
  filter.limit = 0;
  FERRY_TRY_ASSIGN(auto list, tasks->list(filter));
  uint64_t seen = 0;
  bool more = false;
  for (const auto& t : list.tasks) {
    if (!task_access(*info, who, t.upid)) continue;
    if (seen++ < start) continue;
    if (limit != 0 && out.size() >= limit) {
      more = true;
      break;
    }
    out.push_back(task_item(t));
  }
  call.attributes["total"] = start + out.size() + (more ? 1 : 0);
  return out;
}

// The UPID of the path, if the caller may see that task.
Result<jobs::Upid> accessible_upid(ApiContext& ctx, const http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  FERRY_TRY_ASSIGN(auto upid, jobs::Upid::parse(req_string(call.params, "upid")));
  if (!task_access(*info, who, upid)) {
    return make_error(Errc::PermissionDenied,
                      "task access not allowed - missing permissions 'Sys.Audit' on "
                      "'/system/tasks'");
  }
  return upid;
}

Result<json> task_status(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto* tasks, registry(ctx));
  FERRY_TRY_ASSIGN(auto upid, accessible_upid(ctx, call));
  FERRY_TRY_ASSIGN(auto t, tasks->status(upid));
  json j{{"upid", t.upid_text},
         {"node", upid.node},
         {"pid", upid.pid},
         {"pstart", upid.pstart},
         {"starttime", upid.starttime},
         {"type", upid.worker_type},
         {"id", upid.worker_id ? json(*upid.worker_id) : json(nullptr)},
         {"status", t.running ? "running" : "stopped"}};
  auto owner = types::Authid::parse(upid.auth_id);
  j["user"] = owner ? owner->user().to_string() : upid.auth_id;
  if (owner && owner->is_token()) j["tokenid"] = *owner->token_name();
  if (!t.running && t.state) j["exitstatus"] = t.state->status_string();
  return j;
}

Result<json> task_log(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto* tasks, registry(ctx));
  FERRY_TRY_ASSIGN(auto upid, accessible_upid(ctx, call));
  if (opt_bool(call.params, "download").value_or(false)) {
    return make_error(Errc::InvalidArgument, "'download' is not supported, use start/limit");
  }
  const auto start = static_cast<uint64_t>(opt_int(call.params, "start").value_or(0));
  const auto limit = static_cast<uint64_t>(opt_int(call.params, "limit").value_or(50));
  FERRY_TRY_ASSIGN(auto page, tasks->read_log(upid, start, limit));
  json out = json::array();
  for (const auto& line : page.lines) out.push_back({{"n", line.n}, {"t", line.text}});
  call.attributes["total"] = page.total;
  call.attributes["success"] = 1;
  if (opt_bool(call.params, "test-status").value_or(false)) {
    FERRY_TRY_ASSIGN(auto t, tasks->status(upid));
    call.attributes["active"] = t.running;
  }
  return out;
}

Result<json> stop_task(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  FERRY_TRY_ASSIGN(auto* tasks, registry(ctx));
  FERRY_TRY_ASSIGN(auto upid, jobs::Upid::parse(req_string(call.params, "upid")));
  if (upid.auth_id != who.to_string() && !who.is_root() &&
      !has_privs(*info, who, "/system/tasks", auth::kPrivSysModify)) {
    return make_error(Errc::PermissionDenied,
                      "missing permissions 'Sys.Modify' on '/system/tasks'");
  }
  FERRY_TRY_ASSIGN(auto t, tasks->status(upid));
  if (t.running) FERRY_TRY(tasks->abort(upid));
  return json(nullptr);
}

http::ParamSchema upid_schema() {
  return http::ParamSchema{}.add("node", node_param()).add("upid", string_param(Opt::Required, 1, 512));
}

}  // namespace

void register_task_routes(http::Router& router, ApiContext& ctx) {
  auto route = [&ctx](http::ParamSchema schema, ContextHandler fn) {
    return bind_route(ctx, std::move(schema), fn);
  };
  http::ParamSchema list_schema;
  list_schema.add("node", node_param())
      .add("start", int_param(Opt::Optional, 0))
      .add("limit", int_param(Opt::Optional, 0))
      .add("store", datastore_name_param(Opt::Optional))
      .add("running", bool_param())
      .add("errors", bool_param())
      .add("userfilter", string_param(Opt::Optional))
      .add("since", int_param(Opt::Optional))
      .add("until", int_param(Opt::Optional))
      .add("typefilter", string_param(Opt::Optional))
      .add("statusfilter", string_array_param());
  router.add(Method::Get, "/nodes/{node}/tasks", route(list_schema, list_tasks));
  router.add(Method::Get, "/nodes/{node}/tasks/{upid}/status", route(upid_schema(), task_status));
  router.add(Method::Get, "/nodes/{node}/tasks/{upid}/log",
             route(upid_schema()
                       .add("start", int_param(Opt::Optional, 0))
                       .add("limit", int_param(Opt::Optional, 0))
                       .add("download", bool_param())
                       .add("test-status", bool_param()),
                   task_log));
  router.add(Method::Delete, "/nodes/{node}/tasks/{upid}", route(upid_schema(), stop_task));
}

}  // namespace ferry::api::internal

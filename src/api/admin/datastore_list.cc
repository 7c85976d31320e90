// GET /admin/datastore and GET /admin/datastore/{store}/status (api.md §5.9.1, §5.9.8).
//
// The list shows a store when the caller has Datastore.Audit or Datastore.Backup on it (with
// its comment), or any of Modify/Read/Backup/Audit somewhere below it (comment null). The
// status has real numbers with Audit or Backup on the store, zeros with only Read or
// privileges below it, and is 403 otherwise.
#include <sys/statvfs.h>

#include <map>

#include "api/access/checks.h"
#include "api/admin/datastore_access.h"
#include "api/config/datastores.h"
#include "api/internal/param_specs.h"
#include "api/internal/routes.h"
#include "api/router_setup.h"
#include "auth/acl_path.h"

namespace ferry::api::internal {
namespace {

using nlohmann::json;
using http::Method;

constexpr auth::Privileges kListPrivs = auth::kPrivDatastoreAudit | auth::kPrivDatastoreBackup;
constexpr auth::Privileges kAnyPrivs = auth::kPrivDatastoreModify | auth::kPrivDatastoreRead |
                                       auth::kPrivDatastoreBackup | auth::kPrivDatastoreAudit;

Result<json> list(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  FERRY_TRY_ASSIGN(auto stores, list_datastores(ctx.config_dir, who));
  json out = json::array();
  for (const config::DatastoreConfig& s : stores.data) {
    const std::string path = auth::datastore_acl_path(s.name);
    const bool full = who.is_root() || (info->lookup_privs(who, path) & kListPrivs) != 0;
    if (!full && !info->any_privs_below(who, path, kAnyPrivs)) continue;
    json item{{"store", s.name}, {"comment", nullptr}};
    if (full && s.comment) item["comment"] = *s.comment;
    if (s.maintenance_mode) item["maintenance"] = *s.maintenance_mode;
    out.push_back(std::move(item));
  }
  return out;
}

// {"groups": n, "snapshots": n} per backup type over every namespace; only groups with
// snapshots count, and only own ones when `own_only`.
Result<json> count_groups(const datastore::Datastore& store, const types::Authid& who,
                          bool own_only) {
  std::map<std::string, std::pair<uint64_t, uint64_t>> counts;
  FERRY_TRY_ASSIGN(auto namespaces, store.list_namespaces({}, types::BackupNamespace::kMaxDepth));
  for (const auto& ns : namespaces) {
    auto groups = store.list_groups(ns);
    if (!groups) continue;  // vanished meanwhile
    for (const auto& group : *groups) {
      if (own_only && !check_group_owner(store, ns, group, who)) continue;
      auto snapshots = store.list_snapshots(ns, group);
      if (!snapshots || snapshots->empty()) continue;
      auto& c = counts[std::string(types::to_string(group.type()))];
      c.first += 1;
      c.second += snapshots->size();
    }
  }
  json out = json::object();
  for (const char* type : {"ct", "host", "vm", "other"}) {
    auto it = counts.find(type);
    out[type] = it == counts.end()
                    ? json(nullptr)
                    : json{{"groups", it->second.first}, {"snapshots", it->second.second}};
  }
  return out;
}

Result<json> status(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  const std::string name = req_string(call.params, "store");
  const std::string path = auth::datastore_acl_path(name);
  const auth::Privileges privs = who.is_root() ? auth::kAllPrivileges
                                               : info->lookup_privs(who, path);
  const bool full = (privs & kListPrivs) != 0;
  if (!full && (privs & auth::kPrivDatastoreRead) == 0 &&
      !info->any_privs_below(who, path, kAnyPrivs)) {
    return permission_check_failed();
  }
  FERRY_TRY_ASSIGN(auto store, ctx.datastores.lookup(name));
  json out{{"total", 0}, {"used", 0}, {"avail", 0}};
  if (!full) return out;
  struct statvfs st {};
  if (::statvfs(store->base().c_str(), &st) != 0) {
    return with_context(Result<json>(errno_error(errno)), "statvfs '{}'", store->base().string());
  }
  const uint64_t unit = st.f_frsize;
  out["total"] = unit * st.f_blocks;
  out["used"] = unit * (st.f_blocks - st.f_bfree);
  out["avail"] = unit * st.f_bavail;
  if (opt_bool(call.params, "verbose").value_or(false)) {
    const bool own_only = (privs & auth::kPrivDatastoreAudit) == 0;
    FERRY_TRY_ASSIGN(out["counts"], count_groups(*store, who, own_only));
  }
  return out;
}

}  // namespace

void register_datastore_admin_routes(http::Router& router, ApiContext& ctx) {
  http::Route list_route;
  list_route.params = http::ParamSchema{};
  list_route.handler = [&ctx](http::ApiCall& call) { return list(ctx, call); };
  router.add(Method::Get, "/admin/datastore", std::move(list_route));

  http::Route status_route;
  status_route.params =
      http::ParamSchema{}.add("store", datastore_name_param()).add("verbose", bool_param());
  status_route.handler = [&ctx](http::ApiCall& call) { return status(ctx, call); };
  router.add(Method::Get, "/admin/datastore/{store}/status", std::move(status_route));
}

}  // namespace ferry::api::internal

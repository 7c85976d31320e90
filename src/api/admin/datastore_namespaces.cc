// Namespaces of a datastore: GET/POST/DELETE /admin/datastore/{store}/namespace
// (api.md §5.9.6, auth.md §8).
//
// Listing shows the parent and its descendants (up to max-depth, default 7) where the caller
// has any of Datastore.Modify/Read/Backup/Audit; without such a privilege on the parent, a
// missing parent or an empty result is 403 (no information leak). Creating and deleting need
// Datastore.Modify on the parent namespace; the root can be neither.
#include "api/access/checks.h"
#include "api/admin/datastore_access.h"
#include "api/internal/param_specs.h"
#include "api/internal/routes.h"
#include "api/router_setup.h"
#include "auth/acl_path.h"
#include "auth/auth_context.h"

namespace ferry::api::internal {
namespace {

using nlohmann::json;
using http::Method;

constexpr auth::Privileges kNsPrivsOk = auth::kPrivDatastoreModify | auth::kPrivDatastoreRead |
                                        auth::kPrivDatastoreBackup | auth::kPrivDatastoreAudit;

Result<json> list_namespaces(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  FERRY_TRY_ASSIGN(auto parent, ns_of(call.params, "parent"));
  const std::string name = req_string(call.params, "store");
  auto visible = [&](const types::BackupNamespace& ns) {
    return who.is_root() ||
           (info->lookup_privs(who, auth::datastore_acl_path(name, ns)) & kNsPrivsOk) != 0;
  };
  const bool parent_access = visible(parent);
  FERRY_TRY_ASSIGN(auto store, ctx.datastores.lookup(name));
  const auto depth = static_cast<size_t>(opt_int(call.params, "max-depth").value_or(7));
  auto all = store->list_namespaces(parent, depth);
  if (!all && !parent_access) return permission_check_failed();
  FERRY_TRY_ASSIGN(auto namespaces, not_found_is_bad_request(std::move(all)));
  json out = json::array();
  for (const auto& ns : namespaces) {
    if (visible(ns)) out.push_back({{"ns", ns.to_string()}});
  }
  if (out.empty() && !parent_access) return permission_check_failed();
  return out;
}

// Datastore.Modify on the parent of `ns` (PBS: check_ns_modification_privs).
Result<ContentTarget> modification_target(ApiContext& ctx, const http::ApiCall& call,
                                          const types::BackupNamespace& ns) {
  json params = call.params;
  params["ns"] = ns.parent().to_string();
  return content_target(ctx, params, call.auth_id, auth::kPrivDatastoreModify, 0);
}

Result<json> create_namespace(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto parent, ns_of(call.params, "parent"));
  FERRY_TRY_ASSIGN(auto ns, parent.child(req_string(call.params, "name")));
  FERRY_TRY_ASSIGN(auto t, modification_target(ctx, call, ns));
  auto created = t.store->create_namespace(ns);
  if (!created && created.error().code() != Errc::AlreadyExists) {
    FERRY_TRY(not_found_is_bad_request(std::move(created)));
  }
  return json(ns.to_string());
}

struct NsCounts {
  uint64_t groups = 0, snapshots = 0, protected_snapshots = 0, groups_with_protected = 0;
};

NsCounts count_contents(const datastore::Datastore& store, const types::BackupNamespace& ns) {
  NsCounts c;
  auto namespaces = store.list_namespaces(ns, types::BackupNamespace::kMaxDepth);
  if (!namespaces) return c;
  for (const auto& sub : *namespaces) {
    auto groups = store.list_groups(sub);
    if (!groups) continue;
    for (const auto& group : *groups) {
      ++c.groups;
      auto snapshots = store.list_snapshots(sub, group);
      if (!snapshots) continue;
      uint64_t prot = 0;
      for (const auto& s : *snapshots) prot += s.is_protected ? 1 : 0;
      c.snapshots += snapshots->size();
      c.protected_snapshots += prot;
      c.groups_with_protected += prot > 0 ? 1 : 0;
    }
  }
  return c;
}

Result<json> delete_namespace(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto ns, ns_of(call.params, "ns"));
  if (ns.is_root()) return make_error(Errc::InvalidArgument, "cannot delete root namespace");
  FERRY_TRY_ASSIGN(auto t, modification_target(ctx, call, ns));
  const bool delete_groups = opt_bool(call.params, "delete-groups").value_or(false);
  const NsCounts before = delete_groups ? count_contents(*t.store, ns) : NsCounts{};
  auto deleted = t.store->delete_namespace(ns, delete_groups);
  const bool partial = !deleted && deleted.error().code() == Errc::Conflict && delete_groups &&
                       before.protected_snapshots > 0;
  if (!deleted && !partial) return tl::unexpected(deleted.error());
  if (partial && opt_bool(call.params, "error-on-protected").value_or(true)) {
    return make_error(Errc::InvalidArgument,
                      "group only partially deleted due to protected snapshots");
  }
  return json{{"removed-groups", before.groups - before.groups_with_protected},
              {"protected-snapshots", before.protected_snapshots},
              {"removed-snapshots", before.snapshots - before.protected_snapshots}};
}

}  // namespace

void register_namespace_routes(http::Router& router, ApiContext& ctx) {
  auto route = [&ctx](http::ParamSchema schema, ContextHandler fn) {
    return bind_route(ctx, std::move(schema), fn);
  };
  http::ParamSpec name = string_param(Opt::Required, 1, 32);
  name.check = [](const json& v) -> Status {
    return types::BackupNamespace::parse(v.get<std::string>()).has_value() &&
                   v.get<std::string>().find('/') == std::string::npos
               ? ok()
               : Status(make_error(Errc::InvalidArgument, "value does not match the regex pattern"));
  };
  const std::string path = "/admin/datastore/{store}/namespace";
  router.add(Method::Get, path,
             route(http::ParamSchema{}
                       .add("store", datastore_name_param())
                       .add("parent", namespace_param())
                       .add("max-depth", max_depth_param()),
                   list_namespaces));
  router.add(Method::Post, path,
             route(http::ParamSchema{}
                       .add("store", datastore_name_param())
                       .add("parent", namespace_param())
                       .add("name", name),
                   create_namespace));
  router.add(Method::Delete, path,
             route(http::ParamSchema{}
                       .add("store", datastore_name_param())
                       .add("ns", namespace_param(Opt::Required))
                       .add("delete-groups", bool_param())
                       .add("error-on-protected", bool_param()),
                   delete_namespace));
}

}  // namespace ferry::api::internal

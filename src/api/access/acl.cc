// GET/PUT /access/acl and GET /access/permissions (api.md §5.2, auth.md §6).
//
// Reading: with Sys.Audit on /access/acl every entry is listed, otherwise only the entries of
// the caller's own API tokens. Editing: Permissions.Modify on /access/acl, or a user (never a
// token) editing the ACLs of its own tokens; a token's privileges stay bounded by its user's
// anyway (UserInfo intersects them). Unprivileged attempts are 400 with PBS's texts.
#include <set>

#include "api/access/checks.h"
#include "api/internal/param_specs.h"
#include "api/internal/routes.h"
#include "api/router_setup.h"
#include "auth/acl_config.h"
#include "auth/acl_path.h"

namespace ferry::api::internal {
namespace {

using nlohmann::json;
using http::Method;

// Whether `entry_path` is `path` (exact) or lies at or below it.
bool path_selected(std::string_view entry_path, const std::optional<std::string>& path,
                   bool exact) {
  if (!path) return true;
  const std::string want = auth::normalize_acl_path(*path);
  if (entry_path == want) return true;
  if (exact) return false;
  if (want == "/") return true;
  return entry_path.size() > want.size() && entry_path.starts_with(want) &&
         entry_path[want.size()] == '/';
}

Result<json> read_acl(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  FERRY_TRY_ASSIGN(auto data, auth::AclConfig::read(ctx.config_dir));
  const bool audit = who.is_root() || has_privs(*info, who, "/access/acl", auth::kPrivSysAudit);
  const auto path = opt_string(call.params, "path");
  const bool exact = opt_bool(call.params, "exact").value_or(false);
  json out = json::array();
  for (const auth::AclEntry& e : data.tree.entries()) {
    if (!path_selected(e.path, path, exact)) continue;
    if (!audit) {
      auto id = types::Authid::parse(e.ugid);
      if (e.is_group || !id || !id->is_token() || id->user() != who.user()) continue;
    }
    out.push_back({{"path", e.path},
                   {"ugid", e.ugid},
                   {"ugid_type", e.is_group ? "group" : "user"},
                   {"propagate", e.propagate},
                   {"roleid", e.role}});
  }
  call.attributes["digest"] = data.digest;
  return out;
}

// PBS's rule for callers without Permissions.Modify on /access/acl: only users, only for
// their own tokens. 400 texts as PBS.
Status check_unprivileged_acl_edit(const types::Authid& who, const http::ApiCall& call) {
  if (call.params.contains("group")) {
    return make_error(Errc::InvalidArgument,
                      "Unprivileged users are not allowed to create group ACL item.");
  }
  auto target = opt_string(call.params, "auth-id");
  if (!target) {
    return make_error(Errc::InvalidArgument,
                      "Unprivileged user needs to provide auth_id to update ACL item.");
  }
  FERRY_TRY_ASSIGN(auto id, types::Authid::parse(*target));
  if (who.is_token()) {
    return make_error(Errc::InvalidArgument, "Unprivileged API tokens can't set ACL items.");
  }
  if (!id.is_token()) {
    return make_error(Errc::InvalidArgument,
                      "Unprivileged users can only set ACL items for API tokens.");
  }
  if (id.user() != who.user()) {
    return make_error(Errc::InvalidArgument,
                      "Unprivileged users can only set ACL items for their own API tokens.");
  }
  return ok();
}

Result<json> update_acl(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  if (!who.is_root() &&
      !has_privs(*info, who, "/access/acl", auth::kPrivPermissionsModify)) {
    FERRY_TRY(check_unprivileged_acl_edit(who, call));
  }
  auth::AclUpdate update;
  update.path = req_string(call.params, "path");
  update.role = req_string(call.params, "role");
  update.propagate = opt_bool(call.params, "propagate").value_or(true);
  if (auto id = opt_string(call.params, "auth-id")) {
    FERRY_TRY_ASSIGN(update.auth_id, types::Authid::parse(*id));
  }
  update.group = opt_string(call.params, "group");
  update.remove = opt_bool(call.params, "delete").value_or(false);
  update.digest = opt_string(call.params, "digest");
  FERRY_TRY(auth::AclConfig::update(ctx.config_dir, update));
  return json(nullptr);
}

// The auth-id whose permissions GET /access/permissions shows.
Result<types::Authid> permissions_subject(const auth::UserInfo& info, const types::Authid& who,
                                          const std::optional<std::string>& requested) {
  if (!requested) return who;
  FERRY_TRY_ASSIGN(auto id, types::Authid::parse(*requested));
  if (id == who || who.is_root()) return id;
  const bool audit = has_privs(info, who, "/access", auth::kPrivSysAudit);
  const bool own_token = id.is_token() && !who.is_token() && id.user() == who.user();
  if (audit || own_token) return id;
  return make_error(Errc::PermissionDenied, "not allowed to list permissions of {}",
                    id.to_string());
}

Result<json> list_permissions(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  FERRY_TRY_ASSIGN(auto subject,
                   permissions_subject(*info, who, opt_string(call.params, "auth-id")));
  std::set<std::string> paths;
  if (auto path = opt_string(call.params, "path")) {
    paths.insert(auth::normalize_acl_path(*path));
  } else {
    for (const std::string& p : info->acl().paths()) paths.insert(p);
    for (const char* p : {"/", "/access", "/datastore", "/remote", "/system"}) paths.insert(p);
  }
  json out = json::object();
  for (const std::string& path : paths) {
    const auto [privs, propagated] = info->lookup_privs_details(subject, path);
    if (privs == 0) continue;
    json entry = json::object();
    for (const auth::PrivilegeName& p : auth::all_privileges()) {
      if ((privs & p.bit) != 0) entry[std::string(p.name)] = (propagated & p.bit) != 0;
    }
    out[path] = std::move(entry);
  }
  return out;
}

http::ParamSpec acl_path_param(Opt opt) {
  http::ParamSpec spec = string_param(opt, 1, 128);
  spec.check = [](const json& v) -> Status { return auth::check_acl_path(v.get<std::string>()); };
  return spec;
}

}  // namespace

void register_acl_routes(http::Router& router, ApiContext& ctx) {
  auto route = [&ctx](http::ParamSchema schema, ContextHandler fn) {
    return bind_route(ctx, std::move(schema), fn);
  };
  router.add(Method::Get, "/access/acl",
             route(http::ParamSchema{}
                       .add("path", acl_path_param(Opt::Optional))
                       .add("exact", bool_param()),
                   read_acl));
  router.add(Method::Put, "/access/acl",
             route(http::ParamSchema{}
                       .add("path", string_param(Opt::Required, 1, 128))
                       .add("role", string_param(Opt::Required))
                       .add("propagate", bool_param())
                       .add("auth-id", authid_param(Opt::Optional))
                       .add("group", string_param(Opt::Optional))
                       .add("delete", bool_param())
                       .add("digest", digest_param()),
                   update_acl));
  router.add(Method::Get, "/access/permissions",
             route(http::ParamSchema{}
                       .add("auth-id", authid_param(Opt::Optional))
                       .add("path", acl_path_param(Opt::Optional)),
                   list_permissions));
}

}  // namespace ferry::api::internal

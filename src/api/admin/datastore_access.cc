#include "api/admin/datastore_access.h"

#include "api/internal/param_specs.h"
#include "auth/acl_path.h"

namespace ferry::api {

Result<bool> check_ns_privs_full(const auth::UserInfo& info, const types::Authid& who,
                                 std::string_view store, const types::BackupNamespace& ns,
                                 auth::Privileges full, auth::Privileges partial) {
  if (who.is_root()) return false;
  const std::string path = auth::datastore_acl_path(store, ns);
  const auth::Privileges privs = info.lookup_privs(who, path);
  if (full != 0 && (privs & full) != 0) return false;
  if (partial != 0 && (privs & partial) != 0) return true;
  return make_error(Errc::PermissionDenied, "permission check failed - missing {} on {}",
                    auth::join_privilege_names(full | partial, "|"), path);
}

Status check_group_owner(const datastore::Datastore& store, const types::BackupNamespace& ns,
                         const types::BackupGroup& group, const types::Authid& who) {
  FERRY_TRY_ASSIGN(auto owner, store.get_owner(ns, group));
  if (datastore::check_backup_owner(owner, who)) return ok();
  return make_error(Errc::InvalidArgument, "backup owner check failed ({} != {})",
                    who.to_string(), owner.to_string());
}

Result<types::BackupNamespace> ns_of(const nlohmann::json& params, std::string_view key) {
  return types::BackupNamespace::parse(internal::opt_string(params, key).value_or(""));
}

Result<types::BackupGroup> group_of(const nlohmann::json& params) {
  FERRY_TRY_ASSIGN(auto type,
                   types::parse_backup_type(internal::req_string(params, "backup-type")));
  return types::BackupGroup::create(type, internal::req_string(params, "backup-id"));
}

Result<types::BackupDir> snapshot_of(const nlohmann::json& params) {
  FERRY_TRY_ASSIGN(auto group, group_of(params));
  return types::BackupDir::create(std::move(group),
                                  internal::opt_int(params, "backup-time").value_or(0));
}

std::string first_line(std::string_view notes) {
  const size_t end = notes.find('\n');
  return std::string(notes.substr(0, end));
}

}  // namespace ferry::api

#include "api/router_setup.h"
#include "auth/auth_context.h"

namespace ferry::api {

Result<ContentTarget> content_target(ApiContext& ctx, const nlohmann::json& params,
                                     const std::string& caller, auth::Privileges full,
                                     auth::Privileges partial, std::string_view ns_key) {
  FERRY_TRY_ASSIGN(auto who, types::Authid::parse(caller));
  FERRY_TRY_ASSIGN(auto info, ctx.auth->user_info());
  FERRY_TRY_ASSIGN(auto ns, ns_of(params, ns_key));
  const std::string name = internal::req_string(params, "store");
  FERRY_TRY_ASSIGN(bool owner_check, check_ns_privs_full(*info, who, name, ns, full, partial));
  FERRY_TRY_ASSIGN(auto store, ctx.datastores.lookup(name));
  return ContentTarget{std::move(who), std::move(store), std::move(ns), owner_check};
}

}  // namespace ferry::api

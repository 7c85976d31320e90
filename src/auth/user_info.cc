#include "auth/user_info.h"

#include "auth/acl_path.h"
#include "auth/roles.h"

namespace ferry::auth {

bool UserInfo::is_active_user(const types::Userid& userid, int64_t now) const {
  const User* user = users_->find_user(userid);
  return user && user->is_active(now);
}

bool UserInfo::is_active_auth_id(const types::Authid& auth_id, int64_t now) const {
  return users_->is_active_auth_id(auth_id, now);
}

std::pair<Privileges, Privileges> UserInfo::lookup_privs_details(const types::Authid& auth_id,
                                                                 std::string_view path) const {
  if (is_superuser(auth_id)) return {kAllPrivileges, kAllPrivileges};
  Privileges privs = 0;
  Privileges propagated = 0;
  for (const auto& [role, propagate] : acl_->roles(auth_id, path)) {
    const RoleInfo* info = find_role(role);
    if (!info) continue;  // cannot happen: the tree only holds known roles
    privs |= info->privs;
    if (propagate) propagated |= info->privs;
  }
  if (auth_id.is_token()) {
    // A token never exceeds its user (auth.md §6.3 step 5).
    auto [user_privs, user_propagated] =
        lookup_privs_details(types::Authid::from_user(auth_id.user()), path);
    privs &= user_privs;
    propagated &= user_propagated;
  }
  return {privs, propagated};
}

Privileges UserInfo::lookup_privs(const types::Authid& auth_id, std::string_view path) const {
  return lookup_privs_details(auth_id, path).first;
}

Status UserInfo::check_privs(const types::Authid& auth_id, std::string_view path,
                             Privileges required, bool partial) const {
  const Privileges privs = lookup_privs(auth_id, path);
  const bool allowed = partial ? (privs & required) != 0 : (privs & required) == required;
  if (allowed) return ok();
  // PBS-compat: printing the path leaks nothing as long as privileges are checked before the
  // existence of the object.
  return make_error(Errc::PermissionDenied, "missing permissions '{}' on '{}'",
                    join_privilege_names(required, partial ? "|" : "&"),
                    normalize_acl_path(path));
}

bool UserInfo::any_privs_below(const types::Authid& auth_id, std::string_view path,
                               Privileges privs) const {
  if (is_superuser(auth_id)) return true;
  auto found = acl_->any_privs_below(auth_id, path, privs);
  if (!found || !*found) return false;
  if (!auth_id.is_token()) return true;
  return any_privs_below(types::Authid::from_user(auth_id.user()), path, privs);
}

}  // namespace ferry::auth

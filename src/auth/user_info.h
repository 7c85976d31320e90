// UserInfo: users + ACLs, the input of every permission decision (PBS: CachedUserInfo).
//
// Combines a UserConfig (who exists, who is active) with an AclTree (who may do what) and
// answers the questions the API layer asks (auth.md §5, §6.3):
//
//   * lookup_privs(auth_id, path): the privilege bitmask. root@pam (the user itself, never its
//     tokens) has every privilege everywhere. Otherwise the union of the privileges of the roles
//     AclTree::roles returns. For an API token the result is intersected with its user's
//     privileges on the same path, so a token never exceeds its user and a token without own
//     ACL entries has none.
//   * check_privs(auth_id, path, required, partial): PermissionDenied
//     "missing permissions 'A&B' on '/path'" (all-of) or 'A|B' (any-of, `partial`).
//   * is_active_auth_id: §1.3; note lookup_privs does not check activity — authentication
//     does, once per request.
//
// Privileges are evaluated on the ACL tree only; whether the user exists is not consulted
// (PBS behaves the same: ACL entries of deleted users are removed when the user is deleted).
//
// Immutable after construction; safe to share between threads (UserInfoCache hands out
// shared_ptr<const UserInfo>).
#pragma once

#include <memory>
#include <string_view>
#include <utility>

#include "auth/acl_tree.h"
#include "auth/privileges.h"
#include "auth/user_config.h"
#include "common/result.h"
#include "types/authid.h"

namespace ferry::auth {

class UserInfo {
 public:
  UserInfo(std::shared_ptr<const UserConfig> users, std::shared_ptr<const AclTree> acl)
      : users_(std::move(users)), acl_(std::move(acl)) {}

  const UserConfig& users() const { return *users_; }
  const AclTree& acl() const { return *acl_; }

  // root@pam itself.
  static bool is_superuser(const types::Authid& auth_id) { return auth_id.is_root(); }

  bool is_active_user(const types::Userid& userid, int64_t now) const;
  bool is_active_auth_id(const types::Authid& auth_id, int64_t now) const;

  // Privileges on `path` ("/datastore/s/ns", empty components ignored).
  Privileges lookup_privs(const types::Authid& auth_id, std::string_view path) const;

  // {privileges, propagating privileges}: the second are those granted by roles whose
  // propagate flag is set (what applies below `path` unless replaced there).
  std::pair<Privileges, Privileges> lookup_privs_details(const types::Authid& auth_id,
                                                         std::string_view path) const;

  // PermissionDenied "missing permissions '<names>' on '/<path>'" unless `auth_id` has all of
  // `required` on `path` (any of them when `partial`).
  Status check_privs(const types::Authid& auth_id, std::string_view path, Privileges required,
                     bool partial = false) const;

  // True if `auth_id` has any of `privs` through propagation at `path` or anywhere below it
  // (datastore list/status). Superuser: always. A path missing from the tree yields false.
  // Deliberately stricter than PBS for tokens: the token's user must also have such a grant.
  bool any_privs_below(const types::Authid& auth_id, std::string_view path,
                       Privileges privs) const;

 private:
  std::shared_ptr<const UserConfig> users_;
  std::shared_ptr<const AclTree> acl_;
};

}  // namespace ferry::auth

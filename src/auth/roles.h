// Roles: named privilege sets assigned in acl.cfg (auth.md §6.5, config-format.md §13.2).
//
// The role names are wire data: they are the exact strings of acl.cfg and of the API
// (`roleid`, `role`). `Admin` holds every privilege, including ones added later; `NoAccess`
// holds none and, in ACL evaluation, blocks inheritance (acl_tree.h).
//
// PBS-compat: the push-sync roles (RemoteSyncPushOperator, RemoteDatastorePowerUser,
// RemoteDatastoreAdmin) exist since pkg 3.2.11. A 3.2.4 server rejects an acl.cfg naming them;
// we accept them (we implement the newer privilege model).
//
// Pure constants and functions: thread-safe.
#pragma once

#include <span>
#include <string_view>

#include "auth/privileges.h"

namespace ferry::auth {

inline constexpr std::string_view kRoleAdmin = "Admin";
inline constexpr std::string_view kRoleNoAccess = "NoAccess";

struct RoleInfo {
  std::string_view name;         // "DatastoreBackup"
  Privileges privs;              // the role's privilege set
  std::string_view description;  // short human text, as the role list API shows it
};

// Every role, in PBS's enum order.
std::span<const RoleInfo> all_roles();

// The role of that exact name, or nullptr.
const RoleInfo* find_role(std::string_view name);

}  // namespace ferry::auth

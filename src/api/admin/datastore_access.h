// Shared pieces of the /admin/datastore routes: namespace privilege checks with PBS's
// full/partial semantics, the owner check, and decoding of ns/group/snapshot parameters
// (api.md §5.9, auth.md §7–§8).
//
// "Full" privileges give access to every group of a namespace, "partial" ones only to groups
// the caller owns (general owner rule: owner == caller, or owner is a token of the calling
// user). Pure functions over a UserInfo snapshot, except where noted; thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "auth/privileges.h"
#include "auth/user_info.h"
#include "common/result.h"
#include "datastore/datastore.h"
#include "types/authid.h"
#include "types/backup_group.h"
#include "types/backup_namespace.h"

namespace ferry::api {

// PBS's check_ns_privs_full: true when only `partial` privileges matched (the caller must own
// the groups it touches), false with full access. PermissionDenied "permission check failed -
// missing <full>|<partial> on <path>" (403) when neither matches. Either mask may be 0.
Result<bool> check_ns_privs_full(const auth::UserInfo& info, const types::Authid& who,
                                 std::string_view store, const types::BackupNamespace& ns,
                                 auth::Privileges full, auth::Privileges partial);

// The group's owner must pass the general owner rule for `who`: InvalidArgument "backup owner
// check failed (<who> != <owner>)" (400) otherwise; NotFound when the group is missing.
// Blocks (reads the owner file).
Status check_group_owner(const datastore::Datastore& store, const types::BackupNamespace& ns,
                         const types::BackupGroup& group, const types::Authid& who);

// Decoding of the checked request parameters `ns`/`parent`, `backup-type` + `backup-id`,
// and `backup-time`. InvalidArgument on invalid values (normally caught by the schema).
Result<types::BackupNamespace> ns_of(const nlohmann::json& params, std::string_view key = "ns");
Result<types::BackupGroup> group_of(const nlohmann::json& params);
Result<types::BackupDir> snapshot_of(const nlohmann::json& params);

// The first line of `notes` (the `comment` of group and snapshot list items), or "" if none.
std::string first_line(std::string_view notes);

}  // namespace ferry::api

namespace ferry::api {

struct ApiContext;

// The datastore, namespace and caller a content route works on, after the privilege check.
struct ContentTarget {
  types::Authid who;
  std::shared_ptr<datastore::Datastore> store;
  types::BackupNamespace ns;
  bool owner_check = false;  // only partial privileges: touch own groups only
};

// Caller → check_ns_privs_full on `{store}` + `ns_key` of the params → datastore lookup (in
// PBS's order: privileges first, so an unknown store is 403 without privileges and 400 with).
Result<ContentTarget> content_target(ApiContext& ctx, const nlohmann::json& params,
                                     const std::string& caller, auth::Privileges full,
                                     auth::Privileges partial, std::string_view ns_key = "ns");

}  // namespace ferry::api

// Backup groups of a datastore (api.md §5.9.2, §5.9.3, §5.9.7):
//   GET/DELETE /admin/datastore/{store}/groups, GET/PUT .../group-notes, POST .../change-owner.
//
// Access per auth.md §8 on /datastore/<store>[/<ns>]: list and read notes with Datastore.Audit
// (all groups) or Datastore.Backup (own groups); delete with Modify / Prune (own); set notes
// with Modify / Backup (own); change owner with Modify, or with Backup only between a user
// and that user's own tokens (401 otherwise, as PBS).
#include "api/access/checks.h"
#include "api/admin/datastore_access.h"
#include "api/internal/param_specs.h"
#include "api/internal/routes.h"
#include "api/router_setup.h"
#include "auth/auth_context.h"

namespace ferry::api::internal {
namespace {

using nlohmann::json;
using http::Method;
using auth::kPrivDatastoreAudit;
using auth::kPrivDatastoreBackup;
using auth::kPrivDatastoreModify;
using auth::kPrivDatastorePrune;

// A missing namespace is a 400 for listings (PBS: "namespace ... not found" from the iterator).
template <typename T>
Result<T> missing_ns_is_bad_request(Result<T>&& r) { return not_found_is_bad_request(std::move(r)); }

Result<std::optional<json>> group_item(const ContentTarget& t, const types::BackupGroup& group) {
  auto owner = t.store->get_owner(t.ns, group);
  if (!owner) return std::optional<json>();  // PBS skips groups without a readable owner
  if (t.owner_check && !datastore::check_backup_owner(*owner, t.who)) return std::optional<json>();
  FERRY_TRY_ASSIGN(auto snapshots, t.store->list_snapshots(t.ns, group));
  if (snapshots.empty()) return std::optional<json>();
  FERRY_TRY_ASSIGN(auto last, t.store->last_finished_snapshot(t.ns, group));
  const datastore::BackupInfo& newest = last ? *last : snapshots.back();
  json item{{"backup-type", types::to_string(group.type())},
            {"backup-id", group.id()},
            {"last-backup", newest.dir.time()},
            {"backup-count", snapshots.size()},
            {"files", newest.files},
            {"owner", owner->to_string()}};
  if (auto notes = t.store->group_notes(t.ns, group); notes && !notes->empty()) {
    item["comment"] = first_line(*notes);
  }
  return std::optional<json>(std::move(item));
}

Result<json> list_groups(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto t, content_target(ctx, call.params, call.auth_id, kPrivDatastoreAudit,
                                          kPrivDatastoreBackup));
  FERRY_TRY_ASSIGN(auto groups, missing_ns_is_bad_request(t.store->list_groups(t.ns)));
  json out = json::array();
  for (const auto& group : groups) {
    auto item = group_item(t, group);
    if (item && *item) out.push_back(std::move(**item));
  }
  return out;
}

Result<json> delete_group(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto t, content_target(ctx, call.params, call.auth_id, kPrivDatastoreModify,
                                          kPrivDatastorePrune));
  FERRY_TRY_ASSIGN(auto group, group_of(call.params));
  if (t.owner_check) FERRY_TRY(check_group_owner(*t.store, t.ns, group, t.who));
  FERRY_TRY_ASSIGN(auto before, t.store->list_snapshots(t.ns, group));
  size_t protected_count = 0;
  for (const auto& s : before) protected_count += s.is_protected ? 1 : 0;
  auto stats = t.store->delete_group(t.ns, group);
  if (!stats && !(stats.error().code() == Errc::Conflict && protected_count > 0)) {
    return tl::unexpected(stats.error());
  }
  const bool all_removed = stats.has_value();
  if (!all_removed && opt_bool(call.params, "error-on-protected").value_or(true)) {
    return make_error(Errc::InvalidArgument,
                      "group only partially deleted due to protected snapshots");
  }
  return json{{"removed-groups", all_removed ? 1 : 0},
              {"protected-snapshots", all_removed ? 0 : protected_count},
              {"removed-snapshots",
               all_removed ? stats->removed_snapshots : before.size() - protected_count}};
}

Result<json> read_group_notes(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto t, content_target(ctx, call.params, call.auth_id, kPrivDatastoreAudit,
                                          kPrivDatastoreBackup));
  FERRY_TRY_ASSIGN(auto group, group_of(call.params));
  if (t.owner_check) FERRY_TRY(check_group_owner(*t.store, t.ns, group, t.who));
  FERRY_TRY_ASSIGN(auto notes, t.store->group_notes(t.ns, group));
  return json(notes);
}

Result<json> update_group_notes(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto t, content_target(ctx, call.params, call.auth_id, kPrivDatastoreModify,
                                          kPrivDatastoreBackup));
  FERRY_TRY_ASSIGN(auto group, group_of(call.params));
  if (t.owner_check) FERRY_TRY(check_group_owner(*t.store, t.ns, group, t.who));
  FERRY_TRY(t.store->set_group_notes(t.ns, group, req_string(call.params, "notes")));
  return json(nullptr);
}

// With only Datastore.Backup: ownership may move between a user and its own tokens.
bool owner_change_within_user(const types::Authid& who, const types::Authid& owner,
                              const types::Authid& new_owner) {
  if (!owner.is_token() && !new_owner.is_token()) return false;
  return owner.user() == who.user() && new_owner.user() == who.user() &&
         (!who.is_token() || who == owner || who == new_owner);
}

Result<json> change_owner(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto t, content_target(ctx, call.params, call.auth_id, kPrivDatastoreModify,
                                          kPrivDatastoreBackup));
  FERRY_TRY_ASSIGN(auto group, group_of(call.params));
  FERRY_TRY_ASSIGN(auto new_owner, types::Authid::parse(req_string(call.params, "new-owner")));
  FERRY_TRY_ASSIGN(auto owner, t.store->get_owner(t.ns, group));
  if (t.owner_check && !owner_change_within_user(t.who, owner, new_owner)) {
    return make_error(Errc::Unauthenticated,
                      "{} does not have permission to change owner of backup group '{}' to {}",
                      t.who.to_string(), group.to_string(), new_owner.to_string());
  }
  FERRY_TRY_ASSIGN(auto info, ctx.auth->user_info());
  if (!info->is_active_auth_id(new_owner, ctx.clock->epoch())) {
    return make_error(Errc::InvalidArgument, "{} '{}' is inactive or non-existent",
                      new_owner.is_token() ? "API token" : "user", new_owner.to_string());
  }
  FERRY_TRY(t.store->set_owner(t.ns, group, new_owner));
  return json(nullptr);
}

http::ParamSchema group_schema() {
  return http::ParamSchema{}
      .add("store", datastore_name_param())
      .add("ns", namespace_param())
      .add("backup-type", backup_type_param())
      .add("backup-id", backup_id_param());
}

}  // namespace

void register_group_routes(http::Router& router, ApiContext& ctx) {
  auto route = [&ctx](http::ParamSchema schema, ContextHandler fn) {
    return bind_route(ctx, std::move(schema), fn);
  };
  const std::string base = "/admin/datastore/{store}";
  router.add(Method::Get, base + "/groups",
             route(http::ParamSchema{}
                       .add("store", datastore_name_param())
                       .add("ns", namespace_param()),
                   list_groups));
  router.add(Method::Delete, base + "/groups",
             route(group_schema().add("error-on-protected", bool_param()), delete_group));
  router.add(Method::Get, base + "/group-notes", route(group_schema(), read_group_notes));
  router.add(Method::Put, base + "/group-notes",
             route(group_schema().add("notes", string_param(Opt::Required, 0, 64 * 1024)),
                   update_group_notes));
  router.add(Method::Post, base + "/change-owner",
             route(group_schema().add("new-owner", authid_param()), change_owner));
}

}  // namespace ferry::api::internal

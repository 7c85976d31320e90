// Snapshots of a datastore (api.md §5.9.4, §5.9.5, §5.9.7):
//   GET/DELETE /admin/datastore/{store}/snapshots, GET/PUT .../protected, GET/PUT .../notes,
//   GET .../files.
//
// Access per auth.md §8: list/read with Datastore.Audit (all) or Datastore.Backup (own groups;
// files also with Datastore.Read); delete with Modify / Prune (own); set notes or protection
// with Modify / Backup (own).
#include <filesystem>
#include <set>
#include <system_error>

#include "api/admin/datastore_access.h"
#include "api/internal/param_specs.h"
#include "api/internal/routes.h"
#include "api/router_setup.h"

namespace ferry::api::internal {
namespace {

using nlohmann::json;
using http::Method;
using auth::kPrivDatastoreAudit;
using auth::kPrivDatastoreBackup;
using auth::kPrivDatastoreModify;
using auth::kPrivDatastorePrune;
using auth::kPrivDatastoreRead;

constexpr std::string_view kManifestName = "index.json.blob";

// `files` of a snapshot item and its total size (nullopt without a readable manifest).
std::pair<json, std::optional<uint64_t>> snapshot_files(
    const datastore::Datastore& store, const types::BackupNamespace& ns,
    const datastore::BackupInfo& info, const datastore::BackupManifest* manifest) {
  json files = json::array();
  if (manifest == nullptr) {
    for (const auto& f : info.files) files.push_back({{"filename", f}});
    return {files, std::nullopt};
  }
  uint64_t total = 0;
  std::set<std::string> listed;
  for (const auto& f : manifest->files) {
    files.push_back({{"filename", f.filename},
                     {"crypt-mode", datastore::crypt_mode_name(f.crypt_mode)},
                     {"size", f.size}});
    total += f.size;
    listed.insert(f.filename);
  }
  std::error_code ec;
  const auto blob_size = std::filesystem::file_size(
      store.snapshot_path(ns, info.dir) / std::string(kManifestName), ec);
  files.push_back({{"filename", kManifestName},
                   {"crypt-mode", manifest->signature ? "sign-only" : "none"},
                   {"size", ec ? 0 : blob_size}});
  total += ec ? 0 : blob_size;
  for (const auto& f : info.files) {
    if (f != kManifestName && !listed.contains(f)) files.push_back({{"filename", f}});
  }
  return {files, total};
}

json snapshot_item(const datastore::Datastore& store, const types::BackupNamespace& ns,
                   const datastore::BackupInfo& info, const types::Authid& owner) {
  json item{{"backup-type", types::to_string(info.dir.group().type())},
            {"backup-id", info.dir.group().id()},
            {"backup-time", info.dir.time()},
            {"owner", owner.to_string()},
            {"protected", info.is_protected}};
  auto manifest = info.finished ? store.load_manifest(ns, info.dir)
                                : Result<datastore::BackupManifest>(make_error(Errc::NotFound, "unfinished"));
  auto [files, size] = snapshot_files(store, ns, info, manifest ? &*manifest : nullptr);
  item["files"] = std::move(files);
  if (size) item["size"] = *size;
  if (manifest) {
    if (std::string notes = manifest->notes(); !notes.empty()) item["comment"] = first_line(notes);
    if (auto vs = manifest->verify_state(); vs && *vs) {
      item["verification"] = {{"upid", (*vs)->upid},
                              {"state", (*vs)->state == datastore::VerifyState::Ok ? "ok" : "failed"}};
    }
    if (auto fp = manifest->key_fingerprint()) item["fingerprint"] = *fp;
  }
  return item;
}

Result<json> list_snapshots(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto t, content_target(ctx, call.params, call.auth_id, kPrivDatastoreAudit,
                                          kPrivDatastoreBackup));
  std::vector<types::BackupGroup> groups;
  if (call.params.contains("backup-type") && call.params.contains("backup-id")) {
    FERRY_TRY_ASSIGN(auto group, group_of(call.params));
    FERRY_TRY_ASSIGN(bool exists, t.store->group_exists(t.ns, group));
    if (exists) groups.push_back(std::move(group));
  } else {
    FERRY_TRY_ASSIGN(groups, not_found_is_bad_request(t.store->list_groups(t.ns)));
  }
  const auto type_filter = opt_string(call.params, "backup-type");
  const auto id_filter = opt_string(call.params, "backup-id");
  json out = json::array();
  for (const auto& group : groups) {
    if (type_filter && types::to_string(group.type()) != *type_filter) continue;
    if (id_filter && group.id() != *id_filter) continue;
    auto owner = t.store->get_owner(t.ns, group);
    if (!owner || (t.owner_check && !datastore::check_backup_owner(*owner, t.who))) continue;
    auto snapshots = t.store->list_snapshots(t.ns, group);
    if (!snapshots) continue;  // removed meanwhile
    for (const auto& info : *snapshots) out.push_back(snapshot_item(*t.store, t.ns, info, *owner));
  }
  return out;
}

// The snapshot of the parameters, after the owner check when only partial privileges apply.
Result<types::BackupDir> checked_snapshot(const ContentTarget& t, const json& params) {
  FERRY_TRY_ASSIGN(auto dir, snapshot_of(params));
  if (t.owner_check) FERRY_TRY(check_group_owner(*t.store, t.ns, dir.group(), t.who));
  return dir;
}

Result<json> delete_snapshot(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto t, content_target(ctx, call.params, call.auth_id, kPrivDatastoreModify,
                                          kPrivDatastorePrune));
  FERRY_TRY_ASSIGN(auto dir, checked_snapshot(t, call.params));
  FERRY_TRY(t.store->delete_snapshot(t.ns, dir));
  return json(nullptr);
}

Result<json> get_protected(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto t, content_target(ctx, call.params, call.auth_id, kPrivDatastoreAudit,
                                          kPrivDatastoreBackup));
  FERRY_TRY_ASSIGN(auto dir, checked_snapshot(t, call.params));
  FERRY_TRY_ASSIGN(bool is_protected, t.store->is_protected(t.ns, dir));
  return json(is_protected);
}

Result<json> set_protected(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto t, content_target(ctx, call.params, call.auth_id, kPrivDatastoreModify,
                                          kPrivDatastoreBackup));
  FERRY_TRY_ASSIGN(auto dir, checked_snapshot(t, call.params));
  FERRY_TRY(t.store->set_protected(t.ns, dir, opt_bool(call.params, "protected").value_or(false)));
  return json(nullptr);
}

Result<json> get_notes(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto t, content_target(ctx, call.params, call.auth_id, kPrivDatastoreAudit,
                                          kPrivDatastoreBackup));
  FERRY_TRY_ASSIGN(auto dir, checked_snapshot(t, call.params));
  FERRY_TRY_ASSIGN(auto manifest, t.store->load_manifest(t.ns, dir));
  return json(manifest.notes());
}

Result<json> set_notes(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto t, content_target(ctx, call.params, call.auth_id, kPrivDatastoreModify,
                                          kPrivDatastoreBackup));
  FERRY_TRY_ASSIGN(auto dir, checked_snapshot(t, call.params));
  const std::string notes = req_string(call.params, "notes");
  FERRY_TRY(t.store->update_manifest(
      t.ns, dir, [&](datastore::BackupManifest& m) { return m.set_notes(notes); }));
  return json(nullptr);
}

Result<json> list_files(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto t, content_target(ctx, call.params, call.auth_id,
                                          kPrivDatastoreAudit | kPrivDatastoreRead,
                                          kPrivDatastoreBackup));
  FERRY_TRY_ASSIGN(auto dir, checked_snapshot(t, call.params));
  FERRY_TRY_ASSIGN(auto info, t.store->snapshot_info(t.ns, dir));
  FERRY_TRY_ASSIGN(auto manifest, t.store->load_manifest(t.ns, dir));
  return snapshot_files(*t.store, t.ns, info, &manifest).first;
}

http::ParamSchema snapshot_schema() {
  return http::ParamSchema{}
      .add("store", datastore_name_param())
      .add("ns", namespace_param())
      .add("backup-type", backup_type_param())
      .add("backup-id", backup_id_param())
      .add("backup-time", backup_time_param());
}

}  // namespace

void register_snapshot_routes(http::Router& router, ApiContext& ctx) {
  auto route = [&ctx](http::ParamSchema schema, ContextHandler fn) {
    return bind_route(ctx, std::move(schema), fn);
  };
  const std::string base = "/admin/datastore/{store}";
  router.add(Method::Get, base + "/snapshots",
             route(http::ParamSchema{}
                       .add("store", datastore_name_param())
                       .add("ns", namespace_param())
                       .add("backup-type", backup_type_param(Opt::Optional))
                       .add("backup-id", backup_id_param(Opt::Optional)),
                   list_snapshots));
  router.add(Method::Delete, base + "/snapshots", route(snapshot_schema(), delete_snapshot));
  router.add(Method::Get, base + "/protected", route(snapshot_schema(), get_protected));
  router.add(Method::Put, base + "/protected",
             route(snapshot_schema().add("protected", bool_param(Opt::Required)), set_protected));
  router.add(Method::Get, base + "/notes", route(snapshot_schema(), get_notes));
  router.add(Method::Put, base + "/notes",
             route(snapshot_schema().add("notes", string_param(Opt::Required, 0, 64 * 1024)),
                   set_notes));
  router.add(Method::Get, base + "/files", route(snapshot_schema(), list_files));
}

}  // namespace ferry::api::internal

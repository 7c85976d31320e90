#include "sync/internal/remote_json.h"

#include <optional>
#include <string>

#include "datastore/manifest.h"

namespace ferry::sync::internal {

using nlohmann::json;
using types::BackupGroup;

namespace {

// Item `i` of list `what` is malformed.
auto bad(std::string_view what, size_t i, std::string_view field, std::string_view reason) {
  return make_error(Errc::Corruption, "invalid {} from remote: item {}: '{}' {}", what, i, field,
                    reason);
}

Result<const json*> items_of(const json& data, std::string_view what) {
  if (!data.is_array()) {
    return make_error(Errc::Corruption, "invalid {} from remote: not a list", what);
  }
  return &data;
}

// The string member `key` of `item`, or nullptr when absent or not a string.
const std::string* string_member(const json& item, const char* key) {
  auto it = item.find(key);
  if (it == item.end() || !it->is_string()) return nullptr;
  return it->get_ptr<const std::string*>();
}

// An unsigned integer member: nullopt when absent or null; error text when ill-typed.
Result<std::optional<uint64_t>> unsigned_member(const json& item, const char* key) {
  auto it = item.find(key);
  if (it == item.end() || it->is_null()) return std::optional<uint64_t>();
  if (!it->is_number_unsigned()) return make_error(Errc::Corruption, "is not an unsigned integer");
  return std::optional<uint64_t>(it->get<uint64_t>());
}

Result<BackupGroup> group_of(const json& item) {
  const std::string* type = string_member(item, "backup-type");
  const std::string* id = string_member(item, "backup-id");
  if (!type || !id) return make_error(Errc::Corruption, "backup-type/backup-id missing");
  FERRY_TRY_ASSIGN(auto t, types::parse_backup_type(*type));
  return BackupGroup::create(t, *id);
}

Status parse_files(const json& item, SourceSnapshotInfo& out) {
  auto it = item.find("files");
  if (it == item.end() || it->is_null()) return ok();
  if (!it->is_array()) return make_error(Errc::Corruption, "is not a list");
  for (const auto& f : *it) {
    const std::string* name = f.is_object() ? string_member(f, "filename") : nullptr;
    if (!name) return make_error(Errc::Corruption, "entry without filename");
    if (*name == datastore::kManifestBlobName || *name == datastore::kClientLogBlobName) continue;
    SourceFileInfo info{*name, datastore::CryptMode::None, 0};
    if (const std::string* mode = string_member(f, "crypt-mode")) {
      auto parsed = datastore::parse_crypt_mode(*mode);
      if (!parsed) return make_error(Errc::Corruption, "unknown crypt-mode '{}'", *mode);
      info.crypt_mode = *parsed;
    }
    FERRY_TRY_ASSIGN(auto size, unsigned_member(f, "size"));
    info.size = size.value_or(0);
    out.files.push_back(std::move(info));
  }
  return ok();
}

std::optional<datastore::VerifyState> verify_state_of(const json& item) {
  auto it = item.find("verification");
  if (it == item.end() || !it->is_object()) return std::nullopt;
  const std::string* state = string_member(*it, "state");
  if (!state) return std::nullopt;
  if (*state == "ok") return datastore::VerifyState::Ok;
  if (*state == "failed") return datastore::VerifyState::Failed;
  return std::nullopt;
}

Result<SourceSnapshotInfo> snapshot_of(const json& item, const BackupGroup& group) {
  FERRY_TRY_ASSIGN(BackupGroup g, group_of(item));
  if (g != group) return make_error(Errc::Corruption, "belongs to group {}", g.to_string());
  auto time = item.find("backup-time");
  if (time == item.end() || !time->is_number_integer()) {
    return make_error(Errc::Corruption, "backup-time missing or not an integer");
  }
  FERRY_TRY_ASSIGN(auto dir, types::BackupDir::create(std::move(g), time->get<int64_t>()));
  SourceSnapshotInfo out{std::move(dir), std::nullopt, false, verify_state_of(item), {}};
  FERRY_TRY_ASSIGN(out.size, with_context(unsigned_member(item, "size"), "size"));
  auto prot = item.find("protected");
  out.is_protected = prot != item.end() && prot->is_boolean() && prot->get<bool>();
  FERRY_TRY(with_context(parse_files(item, out), "files"));
  return out;
}

}  // namespace

Result<std::vector<types::BackupNamespace>> parse_namespace_list(const json& data) {
  FERRY_TRY_ASSIGN(const json* items, items_of(data, "namespace list"));
  std::vector<types::BackupNamespace> out;
  for (size_t i = 0; i < items->size(); ++i) {
    const json& item = (*items)[i];
    const std::string* text = item.is_object() ? string_member(item, "ns") : nullptr;
    if (!text) return bad("namespace list", i, "ns", "missing or not a string");
    auto ns = types::BackupNamespace::parse(*text);
    if (!ns) return bad("namespace list", i, "ns", ns.error().to_string());
    out.push_back(std::move(*ns));
  }
  return out;
}

Result<std::vector<BackupGroup>> parse_group_list(const json& data) {
  FERRY_TRY_ASSIGN(const json* items, items_of(data, "group list"));
  std::vector<BackupGroup> out;
  for (size_t i = 0; i < items->size(); ++i) {
    const json& item = (*items)[i];
    if (!item.is_object()) return bad("group list", i, "item", "is not an object");
    auto group = group_of(item);
    if (!group) return bad("group list", i, "backup-type/backup-id", group.error().to_string());
    out.push_back(std::move(*group));
  }
  return out;
}

Result<std::vector<SourceSnapshotInfo>> parse_snapshot_list(const json& data,
                                                            const BackupGroup& group) {
  FERRY_TRY_ASSIGN(const json* items, items_of(data, "snapshot list"));
  std::vector<SourceSnapshotInfo> out;
  for (size_t i = 0; i < items->size(); ++i) {
    const json& item = (*items)[i];
    if (!item.is_object()) return bad("snapshot list", i, "item", "is not an object");
    auto snap = snapshot_of(item, group);
    if (!snap) return bad("snapshot list", i, "snapshot", snap.error().to_string());
    out.push_back(std::move(*snap));
  }
  return out;
}

}  // namespace ferry::sync::internal

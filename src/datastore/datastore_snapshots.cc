// Datastore: groups and snapshots (spec datastore-format §1.4, §1.5, §10).
#include <algorithm>

#include <fmt/ranges.h>

#include "common/fs.h"
#include "common/time.h"
#include "datastore/datastore.h"
#include "datastore/internal/dir_util.h"

namespace ferry::datastore {

namespace stdfs = std::filesystem;
using types::Authid;
using types::BackupDir;
using types::BackupGroup;
using types::BackupNamespace;

namespace {

constexpr uint64_t kMaxOwnerFileSize = 4096;
constexpr uint64_t kMaxNotesFileSize = 16u << 20;

fs::ReplaceOptions durable_0644() { return fs::ReplaceOptions{.mode = 0644, .fsync = true}; }

// First line, trailing whitespace removed (spec §1.4).
std::string_view owner_line(std::string_view text) {
  text = text.substr(0, text.find('\n'));
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

// ---- Groups -------------------------------------------------------------------------------

Result<std::vector<BackupGroup>> Datastore::list_groups(const BackupNamespace& ns) const {
  FERRY_TRY_ASSIGN(bool exists, namespace_exists(ns));
  if (!exists) {
    return make_error(Errc::NotFound, "namespace '{}' not found", ns.to_string());
  }
  std::vector<BackupGroup> out;
  for (auto type : {types::BackupType::Ct, types::BackupType::Host, types::BackupType::Vm}) {
    FERRY_TRY_ASSIGN(auto ids, internal::list_subdirs(namespace_path(ns) / types::to_string(type)));
    for (const auto& id : ids) {
      if (auto group = BackupGroup::create(type, id)) out.push_back(std::move(*group));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<bool> Datastore::group_exists(const BackupNamespace& ns, const BackupGroup& group) const {
  return fs::is_directory(group_path(ns, group));
}

Result<Authid> Datastore::get_owner(const BackupNamespace& ns, const BackupGroup& group) const {
  stdfs::path path = group_path(ns, group) / kGroupOwnerName;
  auto text = fs::read_text_file(path, kMaxOwnerFileSize);
  if (!text) {
    if (text.error().code() != Errc::NotFound) return tl::unexpected(std::move(text).error());
    FERRY_TRY_ASSIGN(bool exists, group_exists(ns, group));
    if (exists)
      return make_error(Errc::NotFound, "backup group '{}' has no owner", group.to_string());
    return make_error(Errc::NotFound, "backup group '{}' not found", group.to_string());
  }
  auto owner = Authid::parse(owner_line(*text));
  if (!owner) {
    return make_error(Errc::Corruption, "invalid owner file '{}': {}", path.string(),
                      owner.error().to_string());
  }
  return *owner;
}

Status Datastore::set_owner(const BackupNamespace& ns, const BackupGroup& group,
                            const Authid& owner) {
  FERRY_TRY_ASSIGN(bool exists, group_exists(ns, group));
  if (!exists) return make_error(Errc::NotFound, "backup group '{}' not found", group.to_string());
  return fs::atomic_replace(group_path(ns, group) / kGroupOwnerName, owner.to_string() + "\n",
                            durable_0644());
}

Result<std::string> Datastore::group_notes(const BackupNamespace& ns,
                                           const BackupGroup& group) const {
  FERRY_TRY_ASSIGN(bool exists, group_exists(ns, group));
  if (!exists) return make_error(Errc::NotFound, "backup group '{}' not found", group.to_string());
  auto text = fs::read_text_file(group_path(ns, group) / kGroupNotesName, kMaxNotesFileSize);
  if (!text && text.error().code() == Errc::NotFound) return std::string();
  return text;
}

Status Datastore::set_group_notes(const BackupNamespace& ns, const BackupGroup& group,
                                  std::string_view notes) {
  FERRY_TRY_ASSIGN(bool exists, group_exists(ns, group));
  if (!exists) return make_error(Errc::NotFound, "backup group '{}' not found", group.to_string());
  return fs::atomic_replace(group_path(ns, group) / kGroupNotesName, notes, durable_0644());
}

Result<LockedGroup> Datastore::create_locked_group(const BackupNamespace& ns,
                                                   const BackupGroup& group,
                                                   const Authid& auth_id) {
  FERRY_TRY_ASSIGN(bool ns_exists, namespace_exists(ns));
  if (!ns_exists) return make_error(Errc::NotFound, "namespace '{}' not found", ns.to_string());
  FERRY_TRY(fs::make_dir(namespace_path(ns) / types::to_string(group.type()), 0755, true));
  stdfs::path path = group_path(ns, group);
  // PBS-compat: the hint of create_locked_backup_group (backup and sync writers).
  auto lock_for_writing = [&] {
    return internal::lock_dir(path, LockMode::Exclusive, "backup group",
                              "another backup is already running");
  };
  auto made = fs::make_dir(path, 0755);
  if (made) {
    FERRY_TRY_ASSIGN(FileLock lock, lock_for_writing());
    FERRY_TRY(fs::create_exclusive(path / kGroupOwnerName, as_bytes(auth_id.to_string() + "\n")));
    return LockedGroup{auth_id, std::move(lock), true};
  }
  if (made.error().code() != Errc::AlreadyExists) return tl::unexpected(std::move(made).error());
  FERRY_TRY_ASSIGN(FileLock lock, lock_for_writing());
  FERRY_TRY_ASSIGN(Authid owner, get_owner(ns, group));
  return LockedGroup{std::move(owner), std::move(lock), false};
}

Result<GroupDeleteStats> Datastore::delete_group(const BackupNamespace& ns,
                                                 const BackupGroup& group) {
  FERRY_TRY_ASSIGN(FileLock lock, lock_group(ns, group, LockMode::Exclusive));
  FERRY_TRY_ASSIGN(auto snapshots, list_snapshots(ns, group));
  GroupDeleteStats stats;
  for (const auto& info : snapshots) {
    if (info.is_protected) {
      stats.protected_snapshots.push_back(info.dir);
      continue;
    }
    auto st = delete_snapshot(ns, info.dir);
    if (!st && st.error().code() != Errc::NotFound) return tl::unexpected(std::move(st).error());
    ++stats.removed_snapshots;
  }
  if (!stats.all_removed()) {
    std::vector<std::string> names;
    for (const auto& dir : stats.protected_snapshots) names.push_back(dir.to_string());
    return make_error(Errc::Conflict,
                      "backup group '{}' only partially deleted: protected snapshot(s) remain: {}",
                      group.to_string(), fmt::join(names, ", "));
  }
  FERRY_TRY(fs::remove_tree(group_path(ns, group)));
  return stats;
}

// ---- Snapshots ----------------------------------------------------------------------------

Result<BackupInfo> Datastore::load_info(const stdfs::path& path, BackupDir dir) const {
  FERRY_TRY_ASSIGN(auto entries, fs::list_dir(path));
  BackupInfo info{std::move(dir), {}, false, false, std::nullopt};
  for (auto& e : entries) {
    if (e.name == kProtectedMarkerName) info.is_protected = true;
    if (e.is_regular && is_snapshot_file_name(e.name)) info.files.push_back(std::move(e.name));
  }
  std::sort(info.files.begin(), info.files.end());
  info.finished = info.has_file(kManifestBlobName);
  if (info.finished) {
    if (auto manifest = BackupManifest::load(path / kManifestBlobName)) {
      uint64_t size = 0;
      for (const auto& f : manifest->files) size += f.size;
      info.size = size;
    }
  }
  return info;
}

Result<std::vector<BackupInfo>> Datastore::list_snapshots(const BackupNamespace& ns,
                                                          const BackupGroup& group) const {
  FERRY_TRY_ASSIGN(bool exists, group_exists(ns, group));
  if (!exists) return make_error(Errc::NotFound, "backup group '{}' not found", group.to_string());
  stdfs::path gpath = group_path(ns, group);
  FERRY_TRY_ASSIGN(auto names, internal::list_subdirs(gpath));
  std::vector<BackupInfo> out;
  for (const auto& name : names) {
    auto time = parse_backup_time_string(name);
    if (!time) continue;  // not a snapshot directory
    auto dir = BackupDir::create(group, *time);
    if (!dir || dir->time_string() != name) continue;
    auto info = load_info(gpath / name, std::move(*dir));
    if (!info && info.error().code() == Errc::NotFound) continue;  // deleted meanwhile
    FERRY_TRY(info);
    out.push_back(std::move(*info));
  }
  std::sort(out.begin(), out.end(),
            [](const BackupInfo& a, const BackupInfo& b) { return a.dir.time() < b.dir.time(); });
  return out;
}

Result<BackupInfo> Datastore::snapshot_info(const BackupNamespace& ns, const BackupDir& dir) const {
  auto info = load_info(snapshot_path(ns, dir), dir);
  if (!info && info.error().code() == Errc::NotFound) {
    return make_error(Errc::NotFound, "snapshot '{}' not found", dir.to_string());
  }
  return info;
}

Result<std::optional<BackupInfo>> Datastore::last_finished_snapshot(
    const BackupNamespace& ns, const BackupGroup& group) const {
  FERRY_TRY_ASSIGN(auto snapshots, list_snapshots(ns, group));
  for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
    if (it->finished) return std::optional<BackupInfo>(std::move(*it));
  }
  return std::optional<BackupInfo>();
}

Result<LockedSnapshot> Datastore::create_locked_snapshot(const BackupNamespace& ns,
                                                         const BackupDir& dir) {
  FERRY_TRY_ASSIGN(bool exists, group_exists(ns, dir.group()));
  if (!exists) {
    return make_error(Errc::NotFound, "backup group '{}' not found", dir.group().to_string());
  }
  stdfs::path path = snapshot_path(ns, dir);
  auto made = fs::make_dir(path, 0755);
  if (!made && made.error().code() != Errc::AlreadyExists) {
    return tl::unexpected(std::move(made).error());
  }
  FERRY_TRY_ASSIGN(FileLock lock, lock_snapshot(ns, dir, LockMode::Exclusive));
  return LockedSnapshot{std::move(path), std::move(lock), bool(made)};
}

Result<BackupManifest> Datastore::load_manifest(const BackupNamespace& ns,
                                                const BackupDir& dir) const {
  return BackupManifest::load(snapshot_path(ns, dir) / kManifestBlobName);
}

Status Datastore::update_manifest(const BackupNamespace& ns, const BackupDir& dir,
                                  const std::function<Status(BackupManifest&)>& update) {
  FERRY_TRY_ASSIGN(FileLock lock, lock_manifest(ns, dir));
  FERRY_TRY_ASSIGN(BackupManifest manifest, load_manifest(ns, dir));
  FERRY_TRY(update(manifest));
  FERRY_TRY_ASSIGN(DataBlob blob, manifest.to_blob());
  return with_context(fs::atomic_replace(snapshot_path(ns, dir) / kManifestBlobName,
                                         ByteView(blob.raw()), durable_0644()),
                      "update manifest of snapshot '{}'", dir.to_string());
}

Result<bool> Datastore::is_protected(const BackupNamespace& ns, const BackupDir& dir) const {
  return fs::exists(snapshot_path(ns, dir) / kProtectedMarkerName);
}

Status Datastore::set_protected(const BackupNamespace& ns, const BackupDir& dir, bool protect) {
  FERRY_TRY_ASSIGN(FileLock lock, lock_snapshot(ns, dir, LockMode::Exclusive));
  stdfs::path marker = snapshot_path(ns, dir) / kProtectedMarkerName;
  if (!protect) return fs::remove_file(marker, true);
  auto st = fs::create_exclusive(marker, ByteView());
  if (!st && st.error().code() == Errc::AlreadyExists) return ok();
  return st;
}

Status Datastore::delete_snapshot(const BackupNamespace& ns, const BackupDir& dir, bool force) {
  stdfs::path path = snapshot_path(ns, dir);
  FERRY_TRY_ASSIGN(bool exists, fs::is_directory(path));
  if (!exists) return make_error(Errc::NotFound, "snapshot '{}' not found", dir.to_string());
  std::optional<FileLock> snapshot_lock, manifest_lock;
  if (!force) {
    FERRY_TRY_ASSIGN(snapshot_lock, lock_snapshot(ns, dir, LockMode::Exclusive));
    FERRY_TRY_ASSIGN(manifest_lock, lock_manifest(ns, dir));
  }
  FERRY_TRY_ASSIGN(bool is_prot, is_protected(ns, dir));
  if (is_prot) {
    return make_error(Errc::Conflict, "cannot remove protected snapshot '{}'", dir.to_string());
  }
  FERRY_TRY(fs::remove_tree(path));
  // The lock file is no longer needed; failing to remove it is harmless.
  (void)fs::remove_file(manifest_lock_path(ns, dir), true);
  return ok();
}

}  // namespace ferry::datastore

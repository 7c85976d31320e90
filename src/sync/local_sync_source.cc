#include "sync/local_sync_source.h"

#include <algorithm>

#include "auth/acl_path.h"
#include "auth/privileges.h"
#include "common/fs.h"
#include "datastore/data_blob.h"
#include "datastore/index.h"

namespace ferry::sync {

using datastore::BackupManifest;
using types::BackupDir;
using types::BackupGroup;
using types::BackupNamespace;

namespace {

// Largest file a snapshot reader hands out, by kind: index files are bounded by the index
// format limit, blobs (manifest, client log, .blob archives) by the blob limit.
Result<uint64_t> max_file_size(std::string_view name) {
  if (name == datastore::kManifestBlobName || name == datastore::kClientLogBlobName) {
    return datastore::kMaxBlobPlaintextSize + datastore::kEncryptedBlobHeaderSize;
  }
  auto type = datastore::parse_archive_name(name);
  if (!type) {
    return make_error(Errc::InvalidArgument, "invalid snapshot file name '{}'", name);
  }
  if (*type == datastore::ArchiveType::Blob) {
    return datastore::kMaxBlobPlaintextSize + datastore::kEncryptedBlobHeaderSize;
  }
  return datastore::kMaxIndexFileSize;
}

class LocalSnapshotReader final : public SnapshotReader {
 public:
  LocalSnapshotReader(const datastore::Datastore& store, std::filesystem::path dir, FileLock lock)
      : store_(store), dir_(std::move(dir)), lock_(std::move(lock)) {}

  Result<Bytes> download(std::string_view file_name) override {
    FERRY_TRY_ASSIGN(uint64_t max_size, max_file_size(file_name));
    return fs::read_file(dir_ / std::string(file_name), max_size);
  }

  std::future<Result<Bytes>> fetch_chunk(const Digest& digest) override {
    // Deferred: the read happens on the thread that waits, so outstanding fetches hold no
    // chunk data (a local read is far cheaper than the verification that follows it).
    return std::async(std::launch::deferred,
                      [path = store_.chunk_store().chunk_path(digest), store = store_.name(),
                       digest]() -> Result<Bytes> {
                        return with_context(fs::read_file(path, datastore::kMaxEncodedChunkSize),
                                            "read chunk {} from datastore '{}'", digest.to_hex(),
                                            store);
                      });
  }

 private:
  const datastore::Datastore& store_;
  std::filesystem::path dir_;
  FileLock lock_;  // shared snapshot lock, held while the reader lives
};

SourceSnapshotInfo snapshot_info_from(const datastore::BackupInfo& info,
                                      const Result<BackupManifest>& manifest) {
  SourceSnapshotInfo out{info.dir, std::nullopt, info.is_protected, std::nullopt, {}};
  if (!info.finished || !manifest) return out;
  uint64_t size = 0;
  for (const auto& f : manifest->files) {
    size += f.size;
    out.files.push_back({f.filename, f.crypt_mode, f.size});
  }
  out.size = size;
  if (auto state = manifest->verify_state(); state && *state) out.verify_state = (*state)->state;
  return out;
}

}  // namespace

LocalSyncSource::Access LocalSyncSource::access(const BackupNamespace& ns) const {
  auth::Privileges privs =
      user_info_->lookup_privs(auth_id_, auth::datastore_acl_path(store_.name(), ns));
  if (privs & auth::kPrivDatastoreRead) return Access::All;
  if (privs & auth::kPrivDatastoreBackup) return Access::Owned;
  return Access::None;
}

Status LocalSyncSource::check_group_visible(const BackupNamespace& ns,
                                            const BackupGroup& group) const {
  Access a = access(ns);
  if (a == Access::All) return ok();
  if (a == Access::Owned) {
    FERRY_TRY_ASSIGN(types::Authid owner, store_.get_owner(ns, group));
    if (datastore::check_backup_owner(owner, auth_id_)) return ok();
  }
  return make_error(Errc::PermissionDenied, "no permission to read backup group '{}' of '{}'",
                    group.to_string(), auth::datastore_acl_path(store_.name(), ns));
}

Result<std::optional<std::vector<BackupNamespace>>> LocalSyncSource::list_namespaces(
    const BackupNamespace& anchor, std::optional<size_t> max_depth) {
  FERRY_TRY_ASSIGN(auto list,
                   store_.list_namespaces(anchor, max_depth.value_or(BackupNamespace::kMaxDepth)));
  return std::optional<std::vector<BackupNamespace>>(std::move(list));
}

Result<std::vector<BackupGroup>> LocalSyncSource::list_groups(const BackupNamespace& ns) {
  FERRY_TRY_ASSIGN(auto groups, store_.list_groups(ns));
  Access a = access(ns);
  if (a == Access::All) return groups;
  std::vector<BackupGroup> out;
  if (a == Access::None) return out;
  for (auto& group : groups) {
    auto owner = store_.get_owner(ns, group);
    if (owner && datastore::check_backup_owner(*owner, auth_id_)) out.push_back(std::move(group));
  }
  return out;
}

Result<std::vector<SourceSnapshotInfo>> LocalSyncSource::list_snapshots(const BackupNamespace& ns,
                                                                        const BackupGroup& group) {
  FERRY_TRY(check_group_visible(ns, group));
  FERRY_TRY_ASSIGN(auto infos, store_.list_snapshots(ns, group));
  std::vector<SourceSnapshotInfo> out;
  out.reserve(infos.size());
  for (const auto& info : infos) {
    if (!info.finished) {
      out.push_back(snapshot_info_from(info, make_error(Errc::NotFound, "no manifest")));
      continue;
    }
    out.push_back(snapshot_info_from(info, store_.load_manifest(ns, info.dir)));
  }
  return out;
}

Result<std::unique_ptr<SnapshotReader>> LocalSyncSource::open_reader(const BackupNamespace& ns,
                                                                     const BackupDir& dir) {
  FERRY_TRY(check_group_visible(ns, dir.group()));
  auto lock = store_.lock_snapshot(ns, dir, LockMode::Shared);
  if (!lock) {
    if (lock.error().code() == Errc::NotFound) {
      return make_error(Errc::NotFound, "snapshot {} does not exist.", dir.to_string());
    }
    return tl::unexpected(std::move(lock).error());
  }
  return std::make_unique<LocalSnapshotReader>(store_, store_.snapshot_path(ns, dir),
                                               std::move(*lock));
}

}  // namespace ferry::sync

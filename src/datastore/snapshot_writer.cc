#include "datastore/snapshot_writer.h"

#include <spdlog/spdlog.h>

#include "common/fault.h"
#include "common/fs.h"
#include "datastore/datastore.h"
#include "datastore/index.h"

namespace ferry::datastore {

namespace stdfs = std::filesystem;
using types::Authid;
using types::BackupDir;
using types::BackupNamespace;

struct SnapshotWriter::State {
  Datastore* store = nullptr;
  BackupNamespace ns;
  BackupDir dir;
  stdfs::path path;
  Authid owner;
  std::optional<BackupInfo> base;
  // Released in reverse order of acquisition: snapshot, base, chunk guard, group.
  FileLock group_lock;
  ProcessLocker::SharedGuard chunk_guard;
  std::optional<FileLock> base_lock;
  FileLock snapshot_lock;
  bool committed = false;
  bool aborted = false;
};

namespace {

// The base snapshot of spec §10 step 2: the newest finished snapshot, unless verification
// marked it failed (then there is no base at all).
Result<std::optional<BackupInfo>> find_base(const Datastore& store, const BackupNamespace& ns,
                                            const types::BackupGroup& group) {
  FERRY_TRY_ASSIGN(auto last, store.last_finished_snapshot(ns, group));
  if (!last) return last;
  FERRY_TRY_ASSIGN(BackupManifest manifest, store.load_manifest(ns, last->dir));
  auto state = manifest.verify_state();
  if (state && *state && (*state)->state == VerifyState::Failed) {
    return std::optional<BackupInfo>();
  }
  return last;
}

Status check_index_file(const stdfs::path& path, const FileInfo& info) {
  FERRY_TRY_ASSIGN(auto index, open_index(path));
  if (index->index_bytes() != info.size) {
    return make_error(Errc::InvalidArgument, "wrong size ({} != {})", info.size,
                      index->index_bytes());
  }
  if (index->compute_csum() != info.csum) {
    return make_error(Errc::InvalidArgument, "wrong index checksum");
  }
  return ok();
}

Status check_blob_file(const stdfs::path& path, const FileInfo& info) {
  FERRY_TRY_ASSIGN(Bytes raw,
                   fs::read_file(path, kMaxBlobPlaintextSize + kEncryptedBlobHeaderSize));
  if (raw.size() != info.size) {
    return make_error(Errc::InvalidArgument, "wrong size ({} != {})", info.size, raw.size());
  }
  if (sha256(raw) != info.csum) return make_error(Errc::InvalidArgument, "wrong checksum");
  return ok();
}

}  // namespace

Result<SnapshotWriter> SnapshotWriter::create(Datastore& store, const BackupNamespace& ns,
                                              const BackupDir& dir, const Authid& auth_id) {
  auto run = [&]() -> Result<SnapshotWriter> {
    FERRY_TRY_ASSIGN(LockedGroup group, store.create_locked_group(ns, dir.group(), auth_id));
    FERRY_TRY(check_backup_owner(group.owner, auth_id));
    FERRY_TRY_ASSIGN(auto chunk_guard, store.chunk_store().try_shared_lock());
    FERRY_TRY_ASSIGN(auto base, find_base(store, ns, dir.group()));
    std::optional<FileLock> base_lock;
    if (base) {
      if (dir.time() <= base->dir.time()) {
        return make_error(Errc::InvalidArgument,
                          "backup timestamp {} is not newer than the last backup {}",
                          dir.time_string(), base->dir.time_string());
      }
      FERRY_TRY_ASSIGN(base_lock, store.lock_snapshot(ns, base->dir, LockMode::Shared));
    }
    FERRY_TRY_ASSIGN(LockedSnapshot snap, store.create_locked_snapshot(ns, dir));
    if (!snap.created) {
      return make_error(Errc::AlreadyExists, "backup directory '{}' already exists",
                        snap.path.string());
    }
    FERRY_FAULT_POINT("snapshot.dir_created");
    auto state = std::unique_ptr<State>(new State{
        &store, ns, dir, std::move(snap.path), std::move(group.owner), std::move(base),
        std::move(group.lock), std::move(chunk_guard), std::move(base_lock), std::move(snap.lock)});
    return SnapshotWriter(std::move(state));
  };
  return with_context(run(), "create snapshot '{}' in store '{}'", dir.to_string(), store.name());
}

SnapshotWriter::SnapshotWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
SnapshotWriter::SnapshotWriter(SnapshotWriter&&) noexcept = default;
SnapshotWriter& SnapshotWriter::operator=(SnapshotWriter&& other) noexcept {
  if (this != &other) {
    abort();
    state_ = std::move(other.state_);
  }
  return *this;
}
SnapshotWriter::~SnapshotWriter() { abort(); }

const BackupNamespace& SnapshotWriter::ns() const { return state_->ns; }
const BackupDir& SnapshotWriter::dir() const { return state_->dir; }
const stdfs::path& SnapshotWriter::path() const { return state_->path; }
const Authid& SnapshotWriter::owner() const { return state_->owner; }
const std::optional<BackupInfo>& SnapshotWriter::base_snapshot() const { return state_->base; }
bool SnapshotWriter::is_committed() const { return state_ && state_->committed; }

Result<stdfs::path> SnapshotWriter::archive_path(std::string_view name) const {
  FERRY_TRY(parse_archive_name(name));
  if (name == kManifestBlobName) {
    return make_error(Errc::InvalidArgument, "'{}' is written by commit, not as an archive", name);
  }
  return state_->path / name;
}

Result<FixedIndexWriter> SnapshotWriter::create_fixed_index(std::string_view name, uint64_t size,
                                                            uint64_t chunk_size) {
  FERRY_TRY_ASSIGN(ArchiveType type, parse_archive_name(name));
  if (type != ArchiveType::FixedIndex) {
    return make_error(Errc::InvalidArgument, "fixed index name '{}' must end in .fidx", name);
  }
  FERRY_TRY_ASSIGN(stdfs::path path, archive_path(name));
  return FixedIndexWriter::create(path, size, chunk_size, state_->store->clock().epoch());
}

Result<DynamicIndexWriter> SnapshotWriter::create_dynamic_index(std::string_view name) {
  FERRY_TRY_ASSIGN(ArchiveType type, parse_archive_name(name));
  if (type != ArchiveType::DynamicIndex) {
    return make_error(Errc::InvalidArgument, "dynamic index name '{}' must end in .didx", name);
  }
  FERRY_TRY_ASSIGN(stdfs::path path, archive_path(name));
  return DynamicIndexWriter::create(path, state_->store->clock().epoch());
}

Status SnapshotWriter::add_blob(std::string_view name, const DataBlob& blob) {
  FERRY_TRY_ASSIGN(ArchiveType type, parse_archive_name(name));
  if (type != ArchiveType::Blob) {
    return make_error(Errc::InvalidArgument, "blob name '{}' must end in .blob", name);
  }
  FERRY_TRY_ASSIGN(stdfs::path path, archive_path(name));
  FERRY_TRY(with_context(blob.verify_crc(), "blob '{}'", name));
  bool fsync = state_->store->chunk_store().sync_level() == SyncLevel::File;
  return fs::atomic_replace(path, ByteView(blob.raw()), {.mode = 0644, .fsync = fsync});
}

Status SnapshotWriter::check_manifest_matches(const BackupManifest& m) const {
  const BackupDir& dir = state_->dir;
  if (m.backup_type != types::to_string(dir.group().type()) || m.backup_id != dir.group().id() ||
      m.backup_time != dir.time()) {
    return make_error(Errc::InvalidArgument, "manifest names {}/{}/{}, not snapshot '{}'",
                      m.backup_type, m.backup_id, m.backup_time, dir.to_string());
  }
  if (m.files.empty()) {
    return make_error(Errc::InvalidArgument,
                      "backup does not contain valid files (file count "
                      "== 0)");
  }
  return ok();
}

Status SnapshotWriter::check_files(const BackupManifest& m) const {
  FERRY_TRY_ASSIGN(auto entries, fs::list_dir(state_->path));
  for (const auto& e : entries) {
    std::string_view n = e.name;
    if (n.ends_with(".tmp_fidx") || n.ends_with(".tmp_didx")) {
      return make_error(Errc::Conflict, "index '{}' is still being written", n);
    }
  }
  for (const auto& f : m.files) {
    FERRY_TRY_ASSIGN(ArchiveType type, parse_archive_name(f.filename));
    stdfs::path p = state_->path / f.filename;
    Status st = type == ArchiveType::Blob ? check_blob_file(p, f) : check_index_file(p, f);
    if (!st) {
      return with_context<void>(std::move(st), "manifest entry '{}' does not match the file",
                                f.filename);
    }
  }
  return ok();
}

Status SnapshotWriter::write_manifest(const BackupManifest& manifest, const DataBlob& blob) {
  if (!state_ || state_->committed || state_->aborted) {
    return make_error(Errc::InvalidArgument, "snapshot writer is no longer active");
  }
  auto run = [&]() -> Status {
    FERRY_TRY(check_manifest_matches(manifest));
    FERRY_TRY(check_files(manifest));
    Datastore& store = *state_->store;
    if (state_->base) {
      FERRY_TRY_ASSIGN(bool base_there,
                       fs::is_directory(store.snapshot_path(state_->ns, state_->base->dir)));
      if (!base_there) {
        return make_error(Errc::Conflict, "base snapshot {} was removed during the backup",
                          state_->base->dir.to_string());
      }
    }
    SyncLevel level = store.chunk_store().sync_level();
    if (level == SyncLevel::Filesystem) FERRY_TRY(store.chunk_store().sync_filesystem());
    FERRY_FAULT_POINT("snapshot.before_manifest");
    // The commit point: after this rename the snapshot is finished.
    FERRY_TRY(fs::atomic_replace(state_->path / kManifestBlobName, ByteView(blob.raw()),
                                 {.mode = 0644, .fsync = level != SyncLevel::None}));
    FERRY_FAULT_POINT("snapshot.committed");
    return ok();
  };
  FERRY_TRY(with_context(run(), "finish snapshot '{}'", state_->dir.to_string()));
  state_->committed = true;
  release_locks();
  return ok();
}

Status SnapshotWriter::commit(const BackupManifest& manifest) {
  FERRY_TRY_ASSIGN(DataBlob blob, manifest.to_blob());
  return write_manifest(manifest, blob);
}

Status SnapshotWriter::commit_blob(const DataBlob& manifest_blob) {
  FERRY_TRY_ASSIGN(BackupManifest manifest, BackupManifest::from_blob(manifest_blob));
  return write_manifest(manifest, manifest_blob);
}

void SnapshotWriter::abort() {
  if (!state_ || state_->committed || state_->aborted) return;
  state_->aborted = true;
  if (auto st = fs::remove_tree(state_->path); !st) {
    spdlog::warn("abort snapshot '{}': {}", state_->dir.to_string(), st.error().to_string());
  }
  release_locks();
}

void SnapshotWriter::release_locks() {
  state_->snapshot_lock.release();
  state_->base_lock.reset();
  { auto guard = std::move(state_->chunk_guard); }
  state_->group_lock.release();
}

}  // namespace ferry::datastore

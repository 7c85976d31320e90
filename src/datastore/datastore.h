// ferry::datastore — the PBS-compatible datastore: chunk store, snapshot layout, namespaces,
// groups, snapshots, locks, snapshot writing and verification.
//
// This header holds `Datastore`, the store half's entry point. The format half lives beside
// it (data_blob.h, fixed_index.h, dynamic_index.h, manifest.h); the other store types are
// chunk_store.h (chunk files), backup_info.h (listing entries), snapshot_writer.h (creating a
// snapshot, spec §10) and verify.h (spec §14.5).
//
// On disk (docs/formats/datastore-layout.md, spec datastore-format §1):
//
//   <base>/.lock  .chunks/…                      chunk store (chunk_store.h)
//   <base>/<type>/<id>/owner, notes               a group of the root namespace
//   <base>/<type>/<id>/<YYYY-MM-DDTHH:MM:SSZ>/    a snapshot: index.json.blob, *.fidx, …
//   <base>/ns/<a>/ns/<b>/<type>/<id>/…            the same below namespace a/b
//
// Listings ignore entries that do not fit this scheme (wrong names, files where directories
// belong, symlinks), as PBS does; they never fail because of junk.
//
// Locks (docs/design/locking.md, spec §12): non-blocking `flock` on a group or snapshot
// directory itself; a manifest lock file below `<lock_dir>/<store>/` (5 s timeout) for every
// read-modify-write of index.json.blob and for snapshot deletion; the chunk store `.lock`.
// Lock conflicts are Errc::Conflict `unable to acquire lock on <what> directory "<path>" - <hint>`.
//
// A Datastore is thread-safe: it holds no mutable state besides the chunk store's. Open it
// once per process and store and share it. Every function blocks on file I/O.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/file_lock.h"
#include "common/result.h"
#include "datastore/backup_info.h"
#include "datastore/chunk_store.h"
#include "datastore/manifest.h"
#include "types/authid.h"
#include "types/backup_group.h"
#include "types/backup_namespace.h"

namespace ferry::datastore {

struct DatastoreOptions {
  // Root of the manifest lock files: `<lock_dir>/<store>/<snapshot path>/…` (PBS uses
  // /run/proxmox-backup/locks). Required: a parameter, never a built-in path.
  std::filesystem::path lock_dir;
  SyncLevel sync_level = SyncLevel::File;
  // Time source; nullptr = the system clock. Must outlive the datastore.
  const Clock* clock = nullptr;
};

// A group whose directory lock this caller holds (backup sessions, sync).
struct LockedGroup {
  types::Authid owner;  // the group's owner (the caller's auth-id if just created)
  FileLock lock;        // exclusive flock on the group directory
  bool created = false;
};

// A snapshot directory whose exclusive lock this caller holds.
struct LockedSnapshot {
  std::filesystem::path path;
  FileLock lock;
  bool created = false;  // false: the directory existed already
};

// Outcome of deleting a group's snapshots.
struct GroupDeleteStats {
  size_t removed_snapshots = 0;
  std::vector<types::BackupDir> protected_snapshots;  // kept
  bool all_removed() const { return protected_snapshots.empty(); }
};

class Datastore {
 public:
  // Creates the chunk store at `base` (ChunkStore::create) and opens the datastore.
  // Errors: as ChunkStore::create, InvalidArgument when opts.lock_dir is empty.
  static Result<std::unique_ptr<Datastore>> create(std::string_view name,
                                                   const std::filesystem::path& base,
                                                   const DatastoreOptions& opts);
  // Opens an existing datastore. Errors: InvalidArgument (bad name, relative path, no
  // lock_dir), NotFound ("... is not a datastore"), Io.
  static Result<std::unique_ptr<Datastore>> open(std::string_view name,
                                                 const std::filesystem::path& base,
                                                 const DatastoreOptions& opts);

  Datastore(const Datastore&) = delete;
  Datastore& operator=(const Datastore&) = delete;

  const std::string& name() const { return chunks_.name(); }
  const std::filesystem::path& base() const { return chunks_.base(); }
  ChunkStore& chunk_store() { return chunks_; }
  const ChunkStore& chunk_store() const { return chunks_; }
  const Clock& clock() const { return *clock_; }

  // ---- Paths (pure; the values are valid by construction) ----------------------------
  std::filesystem::path namespace_path(const types::BackupNamespace& ns) const;
  std::filesystem::path group_path(const types::BackupNamespace& ns,
                                   const types::BackupGroup& group) const;
  std::filesystem::path snapshot_path(const types::BackupNamespace& ns,
                                      const types::BackupDir& dir) const;
  // `<lock_dir>/<store>/<ns path>/<type>/<id>/<time>/<time>.index.json.lck` (spec §12.3).
  std::filesystem::path manifest_lock_path(const types::BackupNamespace& ns,
                                           const types::BackupDir& dir) const;

  // ---- Namespaces (spec §1.3) ----------------------------------------------------------
  // Io on errors other than "missing".
  Result<bool> namespace_exists(const types::BackupNamespace& ns) const;
  // Creates `ns`; its parent must exist. Errors: InvalidArgument (the root), NotFound (parent
  // missing), AlreadyExists, Io.
  Status create_namespace(const types::BackupNamespace& ns);
  // `anchor` and the namespaces below it down to `max_depth` levels (0 = only the anchor;
  // capped at the depth limit), sorted (a parent before its children). NotFound if the
  // anchor does not exist.
  Result<std::vector<types::BackupNamespace>> list_namespaces(const types::BackupNamespace& anchor,
                                                              size_t max_depth) const;
  // Removes `ns` and its sub-namespaces bottom-up with rmdir. Without `delete_groups`,
  // Conflict (before anything is removed) when any of them holds a group. With it, every
  // group is deleted first (delete_group). Errors: InvalidArgument (the root), NotFound,
  // Conflict naming protected snapshots or namespaces that stayed because they were not
  // empty (everything else has been removed then), Io.
  Status delete_namespace(const types::BackupNamespace& ns, bool delete_groups);

  // ---- Groups (spec §1.4) --------------------------------------------------------------
  // Groups of `ns`, sorted by type name then id. NotFound if `ns` does not exist.
  Result<std::vector<types::BackupGroup>> list_groups(const types::BackupNamespace& ns) const;
  Result<bool> group_exists(const types::BackupNamespace& ns,
                            const types::BackupGroup& group) const;
  // First line of `owner`, trailing whitespace removed. Errors: NotFound (group or owner
  // file missing), Corruption (not an auth-id), Io.
  Result<types::Authid> get_owner(const types::BackupNamespace& ns,
                                  const types::BackupGroup& group) const;
  // Rewrites `owner` atomically. NotFound if the group does not exist.
  Status set_owner(const types::BackupNamespace& ns, const types::BackupGroup& group,
                   const types::Authid& owner);
  // Group notes ("" when there is no notes file) and their atomic replacement (mode 0644,
  // written as given). NotFound if the group does not exist.
  Result<std::string> group_notes(const types::BackupNamespace& ns,
                                  const types::BackupGroup& group) const;
  Status set_group_notes(const types::BackupNamespace& ns, const types::BackupGroup& group,
                         std::string_view notes);
  // Creates the group (type directory as needed, group directory, `owner` = auth_id created
  // exclusively) or opens the existing one, holding its exclusive lock either way (spec §10
  // step 1). The owner check is the caller's (see check_backup_owner). Errors: NotFound
  // (namespace missing, or an existing group without owner), Conflict (locked), Io.
  Result<LockedGroup> create_locked_group(const types::BackupNamespace& ns,
                                          const types::BackupGroup& group,
                                          const types::Authid& auth_id);
  // Under the exclusive group lock, deletes every unprotected snapshot (as delete_snapshot),
  // then the group directory if nothing protected remains. Errors: NotFound, Conflict (group
  // or a snapshot locked; or protected snapshots remain — they are named in the message and
  // the unprotected ones are gone), Io.
  Result<GroupDeleteStats> delete_group(const types::BackupNamespace& ns,
                                        const types::BackupGroup& group);

  // ---- Snapshots (spec §1.5, §10) ------------------------------------------------------
  // Snapshots of a group, oldest first. NotFound if the group does not exist.
  Result<std::vector<BackupInfo>> list_snapshots(const types::BackupNamespace& ns,
                                                 const types::BackupGroup& group) const;
  // One snapshot. NotFound if its directory does not exist.
  Result<BackupInfo> snapshot_info(const types::BackupNamespace& ns,
                                   const types::BackupDir& dir) const;
  // The newest finished snapshot, if any.
  Result<std::optional<BackupInfo>> last_finished_snapshot(const types::BackupNamespace& ns,
                                                           const types::BackupGroup& group) const;
  // mkdir the snapshot directory and lock it exclusively; an existing directory is locked
  // too (created = false). The group must exist (NotFound). Errors: Conflict (locked), Io.
  Result<LockedSnapshot> create_locked_snapshot(const types::BackupNamespace& ns,
                                                const types::BackupDir& dir);

  // Loads index.json.blob. Errors: NotFound (no manifest), Corruption, InvalidArgument, Io.
  Result<BackupManifest> load_manifest(const types::BackupNamespace& ns,
                                       const types::BackupDir& dir) const;
  // Read-modify-write of the manifest under the manifest lock: load, `update`, re-encode
  // (compressed if smaller) and atomically replace index.json.blob (fsync'ed). An error from
  // `update` aborts without writing. Errors: those of load_manifest, Timeout (lock), Io.
  Status update_manifest(const types::BackupNamespace& ns, const types::BackupDir& dir,
                         const std::function<Status(BackupManifest&)>& update);

  // Protection marker. set_protected takes the exclusive snapshot lock (Conflict if held).
  Result<bool> is_protected(const types::BackupNamespace& ns, const types::BackupDir& dir) const;
  Status set_protected(const types::BackupNamespace& ns, const types::BackupDir& dir, bool protect);

  // Deletes a snapshot directory under the exclusive snapshot lock and the manifest lock
  // (neither with `force`), then its manifest lock file. Errors: NotFound, Conflict (locked,
  // or protected: "cannot remove protected snapshot"), Timeout (manifest lock), Io.
  Status delete_snapshot(const types::BackupNamespace& ns, const types::BackupDir& dir,
                         bool force = false);

  // ---- Locks (spec §12.2, §12.3) -------------------------------------------------------
  // Non-blocking flock on the directory. Errors: NotFound, Conflict (`unable to acquire lock
  // on backup group directory "<path>" - possible running backup`), Io.
  Result<FileLock> lock_group(const types::BackupNamespace& ns, const types::BackupGroup& group,
                              LockMode mode) const;
  Result<FileLock> lock_snapshot(const types::BackupNamespace& ns, const types::BackupDir& dir,
                                 LockMode mode) const;
  // Exclusive manifest lock, waiting up to 5 s (creates the lock file and its directories).
  // Errors: Timeout, Io.
  Result<FileLock> lock_manifest(const types::BackupNamespace& ns,
                                 const types::BackupDir& dir) const;

 private:
  Datastore(ChunkStore chunks, std::filesystem::path lock_dir, const Clock& clock)
      : chunks_(std::move(chunks)), lock_dir_(std::move(lock_dir)), clock_(&clock) {}
  Result<BackupInfo> load_info(const std::filesystem::path& path, types::BackupDir dir) const;
  Status remove_namespace_dirs(const std::vector<types::BackupNamespace>& bottom_up,
                               std::vector<std::string>& kept) const;

  ChunkStore chunks_;
  std::filesystem::path lock_dir_;
  const Clock* clock_;
};

// PBS's owner rule (spec §10): `auth_id` may use a group owned by `owner` when they are
// equal, or when `owner` is an API token of the user `auth_id`. PermissionDenied otherwise
// ("backup owner check failed (<auth_id> != <owner>)").
Status check_backup_owner(const types::Authid& owner, const types::Authid& auth_id);

}  // namespace ferry::datastore

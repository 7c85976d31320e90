// ferry::datastore::SnapshotWriter — creates one backup snapshot on disk, the way a PBS
// backup session does (spec datastore-format §10, docs/design/locking.md).
//
//   auto w = SnapshotWriter::create(store, ns, dir, auth_id);   // group + snapshot dir, locks
//   auto fidx = w->create_fixed_index("drive-scsi0.img.fidx", size, 4 << 20);
//   ... store.chunk_store().insert(digest, chunk); fidx->add_digest(i, digest); ...
//   fidx->close();  w->add_blob("qemu-server.conf.blob", blob);
//   w->commit(manifest);                                        // index.json.blob, last
//
// While it lives the writer holds: the exclusive lock of the group directory (one backup per
// group), a shared lock on the base snapshot (the newest finished one unless its verify state
// is "failed"), the exclusive lock of the new snapshot directory, and a shared guard on the
// chunk store `.lock` (so GC keeps chunks this backup references).
//
// Crash consistency: a snapshot is finished iff index.json.blob exists, and commit writes it
// atomically after everything else is durable (per the store's sync level). Destroying the
// writer without a successful commit removes the snapshot directory (the group directory and
// its owner stay), so an aborted backup leaves nothing behind; after a crash the directory
// stays as an unfinished snapshot, which listings report as such and prune removes.
//
// Owned by one session (not thread-safe); movable. Every function blocks on file I/O.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>

#include "common/result.h"
#include "datastore/backup_info.h"
#include "datastore/data_blob.h"
#include "datastore/dynamic_index.h"
#include "datastore/fixed_index.h"
#include "datastore/manifest.h"
#include "types/authid.h"
#include "types/backup_group.h"
#include "types/backup_namespace.h"

namespace ferry::datastore {

class Datastore;

class SnapshotWriter {
 public:
  // Steps 1–3 of spec §10: create or open the group (the owner must be `auth_id` or, for a
  // token owner, its user), pick and shared-lock the base snapshot, mkdir and lock the new
  // snapshot directory. `store` must outlive the writer.
  // Errors: NotFound (namespace), PermissionDenied (owner check), Conflict (group or base
  // locked; chunk store locked exclusively), InvalidArgument (backup time not newer than the
  // base snapshot's), AlreadyExists (snapshot directory exists), Io.
  static Result<SnapshotWriter> create(Datastore& store, const types::BackupNamespace& ns,
                                       const types::BackupDir& dir, const types::Authid& auth_id);

  SnapshotWriter(SnapshotWriter&&) noexcept;
  SnapshotWriter& operator=(SnapshotWriter&&) noexcept;
  // Aborts unless committed.
  ~SnapshotWriter();

  const types::BackupNamespace& ns() const;
  const types::BackupDir& dir() const;
  const std::filesystem::path& path() const;
  const types::Authid& owner() const;
  // The base snapshot for an incremental backup (its lock is held), if any.
  const std::optional<BackupInfo>& base_snapshot() const;

  // `<snapshot dir>/<name>` after checking `name` is an archive name (safe id ending in
  // .fidx/.didx/.blob) other than index.json.blob. InvalidArgument otherwise; never touches
  // the disk for a bad name.
  Result<std::filesystem::path> archive_path(std::string_view name) const;

  // Index writers for archives of this snapshot (ctime = now). The caller closes them before
  // commit. Errors: InvalidArgument (name, or wrong extension), those of the writers.
  Result<FixedIndexWriter> create_fixed_index(std::string_view name, uint64_t size,
                                              uint64_t chunk_size);
  Result<DynamicIndexWriter> create_dynamic_index(std::string_view name);

  // Writes a blob archive atomically after checking its CRC. Errors: InvalidArgument (name),
  // Corruption (CRC), Io.
  Status add_blob(std::string_view name, const DataBlob& blob);

  // Finishes the snapshot (spec §10 step 5): the manifest must name this snapshot and list at
  // least one file; every listed file must exist with the listed size and checksum and no
  // index writer may still be open; the base snapshot must still exist. Then data is made
  // durable (syncfs for SyncLevel::Filesystem) and index.json.blob written atomically — the
  // commit point. Errors: InvalidArgument (manifest does not match), Conflict (index still
  // being written; base snapshot removed), Io. After a failed commit the writer can be retried
  // or destroyed (which aborts).
  Status commit(const BackupManifest& manifest);
  // As commit, but stores `manifest_blob` byte for byte (sync stores the source's manifest).
  // Corruption if it is not a valid, unencrypted manifest blob.
  Status commit_blob(const DataBlob& manifest_blob);

  // Removes the snapshot directory and releases the locks. Idempotent; no-op once committed.
  void abort();
  bool is_committed() const;

 private:
  struct State;
  explicit SnapshotWriter(std::unique_ptr<State> state);
  Status check_manifest_matches(const BackupManifest& manifest) const;
  Status check_files(const BackupManifest& manifest) const;
  Status write_manifest(const BackupManifest& manifest, const DataBlob& blob);
  void release_locks();

  std::unique_ptr<State> state_;
};

}  // namespace ferry::datastore

// ferry::datastore verification — checking that a snapshot's archives and every chunk they
// reference are intact (spec datastore-format §14.5, jobs-and-schedules §7.3–7.4).
//
// Per snapshot: take the shared snapshot lock (skip if that fails or the snapshot is gone),
// load the manifest (failure = failed, no verify state written), then check each file entry:
//   * .fidx/.didx: index size and checksum against the manifest, then every chunk once:
//     load (header + CRC), encryption state vs the entry's crypt-mode, and for unencrypted
//     chunks the decoded SHA-256 and length against the digest and the index's chunk range.
//     Chunks that fail to load or decode are renamed to "<digest>.<n>.bad"; a crypt-mode
//     mismatch is an error but not a corrupt chunk.
//   * .blob: CRC, file size and SHA-256 against the manifest; unencrypted blobs must decode.
// Finally `unprotected.verify_state = {"state": "ok"|"failed", "upid": …}` is written under the
// manifest lock (atomic replace).
//
// One `VerifyCache` lives for a whole verification run: a chunk shared by many snapshots is
// read once, and a chunk found corrupt fails every later snapshot that references it without
// being read again. The cache is thread-safe, so snapshots may be verified in parallel.
//
// Log lines (VerifyOptions::log) use PBS's task-log wording. All functions block on I/O.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/digest.h"
#include "common/result.h"
#include "types/backup_group.h"
#include "types/backup_namespace.h"

namespace ferry::datastore {

class Datastore;

// Digests verified good or found corrupt during one run. Thread-safe.
class VerifyCache {
 public:
  bool is_verified(const Digest& digest) const;
  bool is_corrupt(const Digest& digest) const;
  void mark_verified(const Digest& digest);
  void mark_corrupt(const Digest& digest);
  size_t verified_count() const;
  size_t corrupt_count() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_set<Digest> verified_;  // guarded by mutex_
  std::unordered_set<Digest> corrupt_;   // guarded by mutex_
};

struct VerifyOptions {
  // The task's UPID, recorded in verify_state.upid.
  std::string upid;
  // Receives task-log lines; may be empty.
  std::function<void(std::string_view)> log;
};

enum class VerifyOutcome { Ok, Failed, Skipped };

struct SnapshotVerifyResult {
  types::BackupNamespace ns;
  types::BackupDir dir;
  VerifyOutcome outcome = VerifyOutcome::Ok;
  // Failed: one line per problem ("drive-scsi0.img.fidx: chunks could not be verified",
  // "manifest load error: ..."); Skipped: the reason.
  std::vector<std::string> errors;
  // Corrupt chunks this snapshot referenced (renamed or already known bad).
  std::vector<Digest> corrupt_chunks;

  // Skipped counts as success, as in PBS.
  bool ok() const { return outcome != VerifyOutcome::Failed; }
};

// Verifies one snapshot and records its verify state. Problems with the snapshot's data are
// reported in the result, never as an error. Errors (the run should stop, as PBS 3.2.4
// aborts the task): writing the verify state failed (Timeout on the manifest lock, Io).
// Durable side effects: corrupt chunks renamed; index.json.blob rewritten.
Result<SnapshotVerifyResult> verify_snapshot(Datastore& store, const types::BackupNamespace& ns,
                                             const types::BackupDir& dir, VerifyCache& cache,
                                             const VerifyOptions& opts);

// Verifies every snapshot of a group, newest first, stopping at the first error. Errors: those
// of verify_snapshot, NotFound/Io listing the group.
Result<std::vector<SnapshotVerifyResult>> verify_group(Datastore& store,
                                                       const types::BackupNamespace& ns,
                                                       const types::BackupGroup& group,
                                                       VerifyCache& cache,
                                                       const VerifyOptions& opts);

// "ns/a/vm/100/2024-06-05T14:24:36Z": how logs and results name a snapshot.
std::string snapshot_display(const types::BackupNamespace& ns, const types::BackupDir& dir);

}  // namespace ferry::datastore

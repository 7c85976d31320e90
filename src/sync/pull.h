// The pull engine: copies namespaces, groups and snapshots from a SyncSource into a local
// datastore (sync-semantics.md §3–§8, §10–§12; decisions in docs/design/sync.md).
//
// One run (pull_store):
//   1. refuses a local sync into its own source ("can't sync to same datastore") and takes a
//      shared guard on the target chunk store's `.lock` for the whole run, so a concurrent
//      garbage collection keeps the chunks the run inserts (§3.1);
//   2. discovers the source namespaces below `source_ns`, maps them below `target_ns` and
//      checks the depth limit (namespace_plan.h, §3.2–§3.4);
//   3. per namespace, parents first: creates the target namespace (job owner needs
//      Datastore.Modify on the parent) and requires Datastore.Backup there (§3.5); lists and
//      filters the source groups (§4.1, §5); per group — up to `group_workers` at once — takes
//      the target group's lock, checks its owner, selects snapshots (snapshot_selection.h) and
//      transfers them (§4.2, §6, §7); removes vanished snapshots and groups (§4.3, §6.5);
//   4. removes vanished namespaces (§3.7, decision S9).
// Errors inside a snapshot fail its group; a failing group or namespace is logged, counted in
// PullStats::errors and does not stop the others (§7.5).
//
// Per snapshot (§7): the source manifest is compared byte for byte with the local one first —
// identical means "no data changes" and nothing else is read. Otherwise each listed file that is
// missing or differs locally is downloaded to "<stem>.tmp", checked against the manifest (size,
// checksum) and, for indexes, every referenced chunk the target lacks is fetched and verified
// (CRC, crypt mode, digest and length) before it is inserted; then the file is renamed into
// place. The manifest is renamed last (the commit point) and stored byte for byte. A new
// snapshot that fails is removed completely. `.protected` is never copied nor removed.
//
// Durability follows the target's sync level: files and directories are fsync'ed (File) or the
// filesystem is synced before the manifest is committed (Filesystem).
//
// Threads: the calling thread (and `group_workers - 1` more) fetch; chunk verification and
// inserts run on `verify_threads` workers behind a bounded queue, so memory stays bounded by
// about (chunks_in_flight + 2·verify_threads) chunks per group worker whatever the store size.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include "auth/user_info.h"
#include "common/clock.h"
#include "common/result.h"
#include "datastore/datastore.h"
#include "sync/pull_params.h"
#include "sync/sync_log.h"
#include "sync/sync_source.h"

namespace ferry::sync {

// The collaborators of one run. All must outlive it. `user_info` answers the permission checks
// of the job owner (PullParams::owner) on the target. `abort`, when set and true, stops the run
// at the next snapshot or chunk boundary.
struct PullEnv {
  datastore::Datastore& target;
  SyncSource& source;
  const auth::UserInfo& user_info;
  SyncLog& log;
  const Clock& clock;
  const std::atomic<bool>* abort = nullptr;
};

// What a run did. Counters are totals over the whole run.
struct PullStats {
  uint64_t chunks_downloaded = 0;  // chunks fetched from the source and inserted
  uint64_t bytes_downloaded = 0;   // their encoded (on-disk) size
  double transfer_seconds = 0;     // sum of the per-index transfer times (§10)
  uint64_t chunks_reused = 0;      // referenced chunks already in the target (touched)
  uint64_t files_downloaded = 0;   // archives (indexes and blobs) downloaded
  uint64_t groups = 0;             // groups processed (selected by the filter)
  uint64_t snapshots = 0;          // selected snapshots processed successfully
  uint64_t removed_snapshots = 0;  // remove-vanished
  uint64_t removed_groups = 0;
  uint64_t removed_namespaces = 0;
  uint64_t errors = 0;  // failed namespaces and groups (the job fails if > 0)

  void add(const PullStats& other);
};

// Runs one pull (the store-level algorithm, §3). Returns the statistics also when some groups
// or namespaces failed (stats.errors > 0; the details are in the log). Errors end the run
// early, as PBS fails the task at once: InvalidArgument "can't sync to same datastore", the
// chunk store lock (Conflict), namespace discovery ("Remote namespace set/recursive sync
// requested, but remote does not support namespaces.", source errors), the depth limit
// ("Syncing would exceed max allowed namespace depth. (L+d > 7)"), listing the target's
// namespaces for remove-vanished, and Cancelled when aborted. Blocks for the whole transfer.
Result<PullStats> pull_store(const PullParams& params, const PullEnv& env);

// The body of a sync job task (§2.2 steps 4, 6–9): "Starting datastore sync job '{name}'",
// "sync datastore '{store}' from '{remote}/{remote-store}'", the pull, the summary lines (§10)
// and "sync job '{name}' end". `name` is the job's worker id (sync_job_worker_id). Errors:
// "sync failed with some errors." (Io) when groups or namespaces failed, "sync aborted"
// (Cancelled) on abort, or the error that ended pull_store.
Status run_sync_job(std::string_view name, const PullParams& params, const PullEnv& env);

// The body of an ad-hoc pull task: "pull datastore '{store}' from '{remote or -}/{store}'",
// the pull, "pull datastore '{store}' end"; no summary. Errors as run_sync_job, with
// "pull aborted" on abort.
Status run_pull(const PullParams& params, const PullEnv& env);

}  // namespace ferry::sync

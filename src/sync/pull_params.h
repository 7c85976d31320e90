// PullParams: everything a pull run needs to know about *what* to pull, built from a sync
// job (sync.cfg, config/sync_job_config.h) or from the arguments of an ad-hoc pull
// (POST /api2/json/pull), sync-semantics.md §1, §2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/sync_job_config.h"
#include "types/authid.h"
#include "types/backup_namespace.h"
#include "types/group_filter.h"

namespace ferry::sync {

// Groups pulled at once when the job does not set `worker-threads`. PBS's default is 1; see
// docs/design/sync.md "Concurrency" for the measurement behind ours.
inline constexpr size_t kDefaultGroupWorkers = 1;
// Verify-and-insert threads per run (PBS: 4 per archive) and chunk downloads in flight per
// archive (PBS: 20).
inline constexpr size_t kDefaultVerifyThreads = 4;
inline constexpr size_t kDefaultChunksInFlight = 20;

struct PullParams {
  // The remote's name for log lines; unset for a local sync (source = another datastore).
  std::optional<std::string> remote;
  // The source datastore (`remote-store`) and the source anchor (`remote-ns`).
  std::string source_store;
  types::BackupNamespace source_ns;
  // The target anchor (`ns`); the target datastore itself is PullEnv::target.
  types::BackupNamespace target_ns;
  // Owner of new groups; identity of every permission check of the run (§2.3).
  types::Authid owner = types::Authid::root();
  bool remove_vanished = false;
  std::optional<size_t> max_depth;  // unset = full recursion
  std::vector<types::GroupFilter> group_filter;
  std::optional<uint64_t> transfer_last;
  bool resync_corrupt = false;
  bool encrypted_only = false;
  bool verified_only = false;
  // Concurrency (§12.3, §7.4): groups of one namespace at once, verify threads, and chunk
  // downloads in flight per archive. Values below 1 count as 1.
  size_t group_workers = kDefaultGroupWorkers;
  size_t verify_threads = kDefaultVerifyThreads;
  size_t chunks_in_flight = kDefaultChunksInFlight;

  // The parameters of a pull job. Errors: InvalidArgument for a push job, "can't sync to same
  // datastore" for a local job into its source, or when the job fails SyncJobConfig::validate
  // (depth limits, ...).
  static Result<PullParams> from_job(const config::SyncJobConfig& job);
};

// The worker id of a sync job task (§2.1): "{remote or -}:{remote-store}:{store}:{ns}:{id}",
// e.g. "pbs2:local:local::pbs2-local". Also the name "Starting datastore sync job '…'" prints.
std::string sync_job_worker_id(const config::SyncJobConfig& job);

}  // namespace ferry::sync

#include "sync/pull_params.h"

#include <fmt/format.h>

namespace ferry::sync {

Result<PullParams> PullParams::from_job(const config::SyncJobConfig& job) {
  if (job.direction() != config::SyncDirection::Pull) {
    return make_error(Errc::InvalidArgument, "sync job '{}' is not a pull job", job.id);
  }
  // Before validate(): a (hand-edited) job into its own source fails in PBS's run-time words
  // (sync-test-cases.md I7), not in the configuration's.
  if (!job.remote && job.remote_store == job.store) {
    return make_error(Errc::InvalidArgument, "can't sync to same datastore");
  }
  FERRY_TRY(with_context(job.validate(), "sync job '{}'", job.id));
  PullParams p;
  p.remote = job.remote;
  p.source_store = job.remote_store;
  p.source_ns = job.remote_ns.value_or(types::BackupNamespace());
  p.target_ns = job.ns.value_or(types::BackupNamespace());
  p.owner = job.effective_owner();
  p.remove_vanished = job.remove_vanished.value_or(false);
  if (job.max_depth) p.max_depth = *job.max_depth;
  p.group_filter = job.group_filter;
  p.transfer_last = job.transfer_last;
  p.resync_corrupt = job.resync_corrupt.value_or(false);
  p.encrypted_only = job.encrypted_only.value_or(false);
  p.verified_only = job.verified_only.value_or(false);
  p.group_workers = job.worker_threads.value_or(kDefaultGroupWorkers);
  return p;
}

std::string sync_job_worker_id(const config::SyncJobConfig& job) {
  return fmt::format("{}:{}:{}:{}:{}", job.remote.value_or("-"), job.remote_store, job.store,
                     job.ns ? job.ns->to_string() : "", job.id);
}

}  // namespace ferry::sync

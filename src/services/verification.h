// ferry::services — verification of a datastore, a namespace tree, a group or one snapshot
// (jobs-and-schedules.md §7.2, §7.5): the body of verify jobs (verify_job_runner.h) and of
// `ferry-manager verify`.
//
// Which snapshots: every group of `ns` and its namespaces down to `max_depth` levels (no owner
// filter), except `host/benchmark`; per group, snapshots newest first. With
// `ignore_verified`, a snapshot whose manifest holds a verify state (ok *or* failed) is skipped
// unless `outdated_after` is set and at least outdated_after + 1 whole days passed since the
// start time of the UPID in that state. Each snapshot is checked by datastore::verify_snapshot
// with one VerifyCache for the whole run, which records the new verify state.
//
// Log lines (PBS wording) go to the task: "found N groups", "verify group store:vm/100 (N
// snapshots)", "SKIPPED: verify store:vm/100/... (recently verified)", "percentage done: ...",
// and at the end "Failed to verify the following snapshots/groups:" with one tab-indented line
// per failed snapshot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "datastore/datastore.h"
#include "jobs/task_context.h"
#include "types/backup_group.h"
#include "types/backup_namespace.h"

namespace ferry::services {

struct VerificationScope {
  types::BackupNamespace ns;  // anchor (root by default)
  size_t max_depth = types::BackupNamespace::kMaxDepth;
  bool ignore_verified = true;
  std::optional<int64_t> outdated_after;    // days
  std::optional<types::BackupGroup> group;  // only this group of `ns` (max_depth ignored)
};

struct VerificationReport {
  size_t verified = 0;              // snapshots checked and ok
  size_t skipped = 0;               // recently verified, vanished or locked
  std::vector<std::string> failed;  // "ns/a/vm/100/2024-..." per failed snapshot
};

// True when a snapshot with this manifest verify-state UPID start time should be verified
// again at `now` (§7.2 step 5). Pure.
bool is_outdated(int64_t verified_at, std::optional<int64_t> outdated_after, int64_t now);

// Verifies per `scope`, logging to `ctx` and recording verify states with ctx's UPID. Stops
// at an abort request (Cancelled "abort requested - aborting task"). Failed snapshots are in
// the report, not an error. Errors: NotFound (anchor namespace or group missing), Cancelled,
// Timeout/Io writing a verify state (the run stops, as in PBS 3.2.4), Io listing. Blocks.
// Durable: verify states written, corrupt chunks renamed.
Result<VerificationReport> verify_datastore(datastore::Datastore& store,
                                            const VerificationScope& scope, jobs::TaskContext& ctx);

// The task result of a finished verification (§7.5): logs the failed list and returns
// InvalidArgument "verification failed - please check the log for details" when any failed.
Status verification_result(const VerificationReport& report, jobs::TaskContext& ctx);

}  // namespace ferry::services

// Namespace steps of a pull (sync-semantics.md §3.5–§3.7, §4.1, §4.3; decision S9).
#pragma once

#include <set>

#include "common/result.h"
#include "sync/internal/pull_run.h"
#include "sync/namespace_plan.h"

namespace ferry::sync::internal {

// Creates the target namespace of `m` if missing (job owner needs Datastore.Modify on its
// parent) and requires Datastore.Backup on it. Errors (PermissionDenied, NotFound, Io) carry
// the texts of §3.5 ("Creating {ns} not allowed - …", "sync into {tgt} failed - namespace
// creation failed: …", "sync into {tgt} not allowed - …").
Status prepare_target_namespace(PullRun& run, const NamespaceMapping& m);

// Lists, sorts and filters the source groups of `m` and pulls them, up to
// params.group_workers at once; then removes vanished groups. Group failures are logged and
// counted in the returned stats. Errors: listing the source groups failed, Cancelled.
Result<PullStats> pull_namespace(PullRun& run, const NamespaceMapping& m);

// §3.7 with decision S9: local namespaces below the target anchor that were not synced lose the
// groups the job owner owns (and the group filter selects); a namespace is removed only when
// nothing else remains in it. Failures are logged and counted. Errors: listing the local
// namespaces failed.
Status remove_vanished_namespaces(PullRun& run, const std::set<types::BackupNamespace>& synced,
                                  PullStats& stats);

// PBS ≥ 3.3.0 group order: by type name, then numeric ids numerically (before other ids),
// other ids byte-wise.
bool group_order_less(const types::BackupGroup& a, const types::BackupGroup& b);

}  // namespace ferry::sync::internal

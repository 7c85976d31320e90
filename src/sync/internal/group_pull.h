// Group steps of a pull (sync-semantics.md §4.2, §4.3, §6).
#pragma once

#include <cstdint>

#include "common/result.h"
#include "datastore/datastore.h"
#include "sync/internal/pull_run.h"

namespace ferry::sync::internal {

// Pulls one group whose target lock is held and whose owner was checked: lists the source
// snapshots (skipping in-progress ones and, with verified-only/encrypted-only, those that do
// not qualify), selects (snapshot_selection.h), transfers in ascending order with a progress
// line after each, stops at the first failing snapshot, then removes vanished snapshots when
// asked. Errors: the failure that stopped the group.
Status pull_group(GroupPull& g);

// Outcome of removing a local group with remove-vanished.
struct GroupRemoval {
  uint64_t removed_snapshots = 0;
  bool protected_left = false;  // the group stays because protected snapshots remain
};

// Deletes every unprotected snapshot of the group and the group itself when nothing protected
// remains. Errors: those of Datastore::delete_group other than the protected case.
Result<GroupRemoval> remove_group(datastore::Datastore& store, const types::BackupNamespace& ns,
                                  const types::BackupGroup& group);

}  // namespace ferry::sync::internal

// Transfer of one snapshot (sync-semantics.md §7.1–§7.3, §8; decisions S4–S7).
#pragma once

#include "common/result.h"
#include "sync/internal/pull_run.h"
#include "types/backup_group.h"

namespace ferry::sync::internal {

// Pulls `dir` of the group into the target: opens a source reader, creates and exclusively
// locks the target snapshot directory, then transfers as the header of pull.h describes.
// `corrupt` (resync-corrupt) skips the unchanged-manifest shortcut and re-downloads every
// archive. A new snapshot is removed again when the transfer fails, is skipped by
// verified-only/encrypted-only, or vanished on the source. Errors: anything that failed the
// snapshot (the group stops), with the file or chunk named. Updates g.stats.
Status pull_snapshot(GroupPull& g, const types::BackupDir& dir, bool corrupt);

}  // namespace ferry::sync::internal

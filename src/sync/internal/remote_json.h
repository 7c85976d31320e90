// Decoding the JSON answers of a remote's datastore listings (api.md; sync-semantics.md §3.2,
// §4.1, §6.1). The input is untrusted: anything without the documented shape is a Corruption
// error naming the list, the item and the field; nothing here throws or asserts.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "sync/sync_source.h"
#include "types/backup_group.h"
#include "types/backup_namespace.h"

namespace ferry::sync::internal {

// `[{"ns": "a/b", ...}, ...]` (the root is "").
Result<std::vector<types::BackupNamespace>> parse_namespace_list(const nlohmann::json& data);

// `[{"backup-type": "vm", "backup-id": "100", ...}, ...]`.
Result<std::vector<types::BackupGroup>> parse_group_list(const nlohmann::json& data);

// `[{"backup-type", "backup-id", "backup-time", "size"?, "protected"?, "verification"?,
// "files"?: [{"filename", "crypt-mode"?, "size"?}]}, ...]`; every item must belong to `group`.
// The manifest and client log entries of `files` are left out.
Result<std::vector<SourceSnapshotInfo>> parse_snapshot_list(const nlohmann::json& data,
                                                            const types::BackupGroup& group);

}  // namespace ferry::sync::internal

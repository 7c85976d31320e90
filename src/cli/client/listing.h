// Text rendering of ferry-client's REST results: the table rows of `list`, `snapshot list`
// and `status`, built from the API's JSON (api.md §5.9.2, §5.9.4, §5.9.8). JSON output formats
// print the API data unchanged; only text mode goes through these functions.
//
// Pure functions: malformed items (missing or ill-typed keys) render as empty cells, never
// errors, since the data comes from the network.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "cli/client/session.h"
#include "cli/output.h"
#include "types/backup_group.h"

namespace ferry::cli::client {

// Columns of `list`: group, last snapshot, backup-count, owner, files.
extern const std::vector<Column> kGroupColumns;
// Columns of `snapshot list`: snapshot, size, files, protected.
extern const std::vector<Column> kSnapshotColumns;

// Query parameters with the session's namespace (`ns`, omitted for the root).
nlohmann::json namespace_params(const Session& session);
// The same plus backup-type, backup-id (and backup-time) of a group or snapshot.
nlohmann::json group_params(const Session& session, const types::BackupGroup& group);
nlohmann::json snapshot_params(const Session& session, const types::BackupDir& snapshot);

// "disk.img.fidx" → "disk.img", "index.json.blob" → "index.json" (PBS lists archive names
// without the server-side extension).
std::string strip_server_extension(const std::string& file_name);

// Rows for the tables above, sorted by group (and time).
nlohmann::json group_rows(const nlohmann::json& groups);
nlohmann::json snapshot_rows(const nlohmann::json& snapshots);
// total/used/avail as human sizes, used with its percentage.
nlohmann::json status_row(const nlohmann::json& status);

}  // namespace ferry::cli::client

// ferry::datastore::BackupInfo — what a snapshot listing knows about one snapshot directory
// (spec datastore-format §1.3, §1.5, §10): its id, the archive files present, whether it is
// finished (index.json.blob exists) and protected (.protected exists), and its size.
//
// Produced by Datastore::list_snapshots / snapshot_info; a plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "types/backup_group.h"

namespace ferry::datastore {

// Snapshot-directory entries with a special meaning (spec §1.1, §1.5).
inline constexpr std::string_view kProtectedMarkerName = ".protected";
inline constexpr std::string_view kGroupOwnerName = "owner";
inline constexpr std::string_view kGroupNotesName = "notes";

struct BackupInfo {
  types::BackupDir dir;
  // Regular files named "*.fidx", "*.didx" or "*.blob" in the snapshot directory (including
  // index.json.blob and client.log.blob), sorted byte-wise.
  std::vector<std::string> files;
  // index.json.blob exists.
  bool finished = false;
  // .protected exists.
  bool is_protected = false;
  // Sum of the `size` of the manifest's file entries; nullopt when the snapshot is unfinished
  // or its manifest cannot be loaded (a listing never fails because of one bad manifest).
  std::optional<uint64_t> size;

  bool has_file(std::string_view name) const;
};

// Does `name` look like an archive file of a snapshot directory (`^.*\.([fd]idx|blob)$`)?
bool is_snapshot_file_name(std::string_view name);

}  // namespace ferry::datastore

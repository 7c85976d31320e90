// Command-line specs of ferry-client, as proxmox-backup-client spells them:
//
//   archive spec   NAME.img:PATH          a block image (or regular file) to back up as the
//                                         fixed-index archive NAME.img.fidx
//   snapshot spec  TYPE/ID/TIME           TIME as RFC 3339 ("2024-06-05T14:24:36Z", any offset)
//                                         or epoch seconds ("1717597476")
//   group spec     TYPE/ID
//   archive name   disk.img | disk.img.fidx   for restore; both name the fixed index
//
// Pure functions; errors are InvalidArgument naming the input and the reason.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "types/backup_group.h"

namespace ferry::cli::client {

// One `NAME.img:PATH` argument of `backup`.
struct ArchiveSpec {
  std::string name;  // "disk.img"
  std::string path;  // the image file or block device
  // The archive file in the snapshot: "disk.img.fidx".
  std::string index_name() const { return name + ".fidx"; }
};

// Splits at the first ':'; NAME must be a safe id ending in ".img" (other archive types, e.g.
// pxar directories, are not supported) and PATH non-empty. Does not touch the file system.
Result<ArchiveSpec> parse_archive_spec(std::string_view text);

// "vm/100/2024-06-05T14:24:36Z" or "vm/100/1717597476".
Result<types::BackupDir> parse_snapshot_spec(std::string_view text);

// "vm/100".
Result<types::BackupGroup> parse_group_spec(std::string_view text);

// The index file an archive argument of `restore` names: "disk.img" and "disk.img.fidx" both
// give "disk.img.fidx". Anything else (other extensions, unsafe names) is InvalidArgument.
Result<std::string> restore_index_name(std::string_view archive);

}  // namespace ferry::cli::client

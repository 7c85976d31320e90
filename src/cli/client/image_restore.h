// Image restore: writes one fixed-index archive of a snapshot back into a file, a block
// device or stdout, over the reader protocol (protocol.md §3.5).
//
// Steps: start the reader connection for the snapshot; download and parse the manifest; look
// the archive up (it must be listed and unencrypted); download its index and check checksum
// and size against the manifest; fetch the chunks with up to kRestoreWindow downloads in
// flight, on worker threads that check each blob's CRC, decode it and verify its SHA-256 and
// length against the index; write them in image order.
//
// The target is "-" (stdout), an existing block device, or a new file: an existing regular
// file is refused rather than overwritten. A failed restore to a new file removes it.
#pragma once

#include <functional>
#include <string>

#include "cli/client/progress.h"
#include "client/http_client.h"
#include "common/result.h"
#include "types/backup_group.h"
#include "types/backup_namespace.h"

namespace ferry::cli::client {

inline constexpr size_t kRestoreWindow = 16;

struct ImageRestoreParams {
  std::string store;
  types::BackupNamespace ns;
  types::BackupDir snapshot;
  std::string index_name;  // "disk.img.fidx"
  std::string target;      // path or "-"
  bool show_progress = false;
};

// Runs the restore. Errors: the server's (e.g. the snapshot does not exist), NotFound
// "archive '<name>' is not part of snapshot '<snap>'", InvalidArgument for an encrypted
// archive or an existing target file, Corruption for an index or chunk that fails its checks
// (the message names the digest), Io writing the target. Blocks for the whole transfer.
Result<RestoreStats> run_image_restore(ferry::client::HttpClient& http,
                                       const ImageRestoreParams& params);

}  // namespace ferry::cli::client

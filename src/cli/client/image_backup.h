// Image backup: uploads block images (or regular files) as fixed-index archives into a new
// snapshot over the backup protocol (protocol.md §3.4), the way proxmox-backup-client backs up
// `NAME.img:PATH` archives.
//
// Per snapshot: start the protocol connection (the server creates the snapshot), fetch the
// previous snapshot's manifest, then per archive:
//   1. if the previous manifest lists the archive, download its index (GET /previous, which
//      also makes the server treat its chunks as known), check it against the manifest and
//      add its digests to the client's known set;
//   2. POST /fixed_index; cut the image into 4 MiB chunks; hash them on worker threads; in
//      image order, a digest not yet known is compressed (zstd) on a worker and uploaded with
//      many uploads in flight, a known one is only referenced;
//   3. append the digests in image order in batches of at most 64 (an uploaded chunk only
//      after its upload was answered) and close the index with the checksum of §6.3.
// Finally the manifest `index.json.blob` (archive names, sizes, checksums) and POST /finish.
//
// Memory is bounded: at most kHashWindow chunks are read ahead and at most kUploadWindow
// uploads are in flight (each holding one 4 MiB chunk and its encoding).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cli/client/progress.h"
#include "cli/client/specs.h"
#include "client/http_client.h"
#include "common/result.h"
#include "types/backup_group.h"
#include "types/backup_namespace.h"

namespace ferry::cli::client {

inline constexpr uint64_t kFixedChunkSize = 4u << 20;  // protocol.md §3.4.3
inline constexpr size_t kHashWindow = 8;
inline constexpr size_t kUploadWindow = 16;
inline constexpr size_t kMaxAppendBatch = 64;  // PBS batches up to 64 references per PUT

struct ImageBackupParams {
  std::string store;
  types::BackupNamespace ns;
  types::BackupDir snapshot;
  std::vector<ArchiveSpec> archives;
  bool show_progress = false;
  // Receives one summary line per archive (the caller decides where it goes).
  std::function<void(const std::string&)> report;
};

struct ImageBackupResult {
  std::vector<BackupStats> archives;  // in the order of params.archives
};

// Checks that every archive's path is a readable regular file or block device of non-zero
// size: InvalidArgument or NotFound naming the path. Opens and closes the files; call before
// connecting so that a typo creates no snapshot.
Status check_image_sources(const std::vector<ArchiveSpec>& archives);

// Runs the whole backup. Errors: those of the sources (as above, Io on read failures), the
// server's (e.g. InvalidArgument "backup timestamp is older than last backup.", PermissionDenied),
// Unavailable/Timeout from the connection. On any error the connection is dropped before
// /finish, so the server discards the snapshot. Blocks for the whole transfer.
Result<ImageBackupResult> run_image_backup(ferry::client::HttpClient& http,
                                           const ImageBackupParams& params);

}  // namespace ferry::cli::client

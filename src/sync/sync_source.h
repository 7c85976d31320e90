// ferry::sync — pulling backup snapshots from a source into a local datastore
// (sync-semantics.md §3–§8, §11, §12; docs/design/sync.md).
//
// The pull engine (pull.h) is written against the narrow interfaces of this header, so that the
// same engine pulls from a remote Proxmox Backup Server (RemoteSyncSource, over client/) and from
// another local datastore (LocalSyncSource, local_sync_source.h), the way PBS has one pull
// source trait with both implementations. tests/unit/sync/sync_source_conformance_test.cc runs
// one suite against every implementation.
//
//   SyncSource       what a source datastore holds: namespaces, groups, snapshots (with the
//                    listing details the selection rules need), and readers for snapshots
//   SnapshotReader   one open snapshot: its files as raw bytes and the raw chunk blobs its
//                    indexes reference, many chunk fetches in flight at once
//
// Everything a source returns is *untrusted*: the engine checks manifests, file checksums and
// every chunk (CRC, crypt mode, digest, length) before anything reaches the target, so a source
// never verifies on the engine's behalf and hands out bytes exactly as stored.
//
// What a source shows is decided by the source: a remote filters by the remote user's
// privileges, the local source by the job owner's (sync-semantics.md §4.1, §11).
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/digest.h"
#include "common/result.h"
#include "datastore/manifest.h"
#include "types/backup_group.h"
#include "types/backup_namespace.h"

namespace ferry::sync {

// One archive of a listed snapshot (an entry of the snapshot list's `files`, without the
// manifest and the client log).
struct SourceFileInfo {
  std::string filename;
  datastore::CryptMode crypt_mode = datastore::CryptMode::None;
  uint64_t size = 0;
};

// One snapshot as the source lists it (the PBS snapshot list item).
struct SourceSnapshotInfo {
  types::BackupDir dir;
  // Sum of the manifest's file sizes. Absent when the snapshot has no readable manifest: an
  // in-progress backup (or a broken one), which pull skips (§6.1).
  std::optional<uint64_t> size;
  bool is_protected = false;
  // unprotected.verify_state of the source manifest, if any (verified-only, §12.2).
  std::optional<datastore::VerifyState> verify_state;
  // The archives listed in the manifest (encrypted-only, §12.2); empty without a manifest.
  std::vector<SourceFileInfo> files;
};

// One open source snapshot. Used by one pull thread at a time; the futures fetch_chunk returns
// may be waited for on any thread. Destroying the reader releases whatever the source holds
// for it (a shared snapshot lock, an HTTP/2 reader connection); outstanding futures must be
// waited for first.
class SnapshotReader {
 public:
  virtual ~SnapshotReader() = default;

  // The raw bytes of a file of the snapshot: "index.json.blob" (the manifest blob, byte for
  // byte), an archive named in the manifest, or "client.log.blob". Errors: NotFound when the
  // snapshot has no such file (a vanished manifest, no client log), InvalidArgument for a name
  // that is not a snapshot file name, Io/Unavailable/Timeout for transport failures. Blocks.
  virtual Result<Bytes> download(std::string_view file_name) = 0;

  // The raw chunk file (an unverified data blob) of `digest`. Precondition: an index listing
  // the chunk was downloaded through this reader (the reader protocol refuses others). Many
  // fetches may be outstanding; the caller bounds them. The future yields NotFound for a
  // chunk the source does not have, Io/Unavailable/Timeout for transport failures. Does not
  // block (a source may defer the work until the future is waited for).
  virtual std::future<Result<Bytes>> fetch_chunk(const Digest& digest) = 0;
};

// A datastore to pull from. Implementations are thread-safe: the engine lists and opens
// readers from several group workers at once. Every function blocks.
class SyncSource {
 public:
  virtual ~SyncSource() = default;

  // `anchor` and the namespaces below it down to `max_depth` levels (absent = all), as full
  // paths, anchor included, in no particular order. nullopt (not an error) when the source
  // does not support namespaces at all (a PBS older than 2.2 answers 404; §3.2), so that the
  // engine can fall back to the root namespace. Errors: NotFound (anchor missing), and the
  // source's access or transport errors.
  virtual Result<std::optional<std::vector<types::BackupNamespace>>> list_namespaces(
      const types::BackupNamespace& anchor, std::optional<size_t> max_depth) = 0;

  // The groups of exactly `ns` that are visible to the sync (§4.1), in no particular order.
  // Errors: NotFound (namespace missing), PermissionDenied, transport errors.
  virtual Result<std::vector<types::BackupGroup>> list_groups(const types::BackupNamespace& ns) = 0;

  // The snapshots of a group, in no particular order, unfinished ones included (size unset).
  // Errors: NotFound (group missing), PermissionDenied, transport errors.
  virtual Result<std::vector<SourceSnapshotInfo>> list_snapshots(
      const types::BackupNamespace& ns, const types::BackupGroup& group) = 0;

  // Opens one snapshot for reading. Errors: NotFound (snapshot gone), Conflict (locked
  // exclusively on the source, e.g. being deleted), PermissionDenied, transport errors.
  virtual Result<std::unique_ptr<SnapshotReader>> open_reader(const types::BackupNamespace& ns,
                                                              const types::BackupDir& dir) = 0;
};

}  // namespace ferry::sync

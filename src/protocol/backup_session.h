// ferry::protocol::BackupSession — the server state of one PBS backup protocol connection
// (spec protocol.md §3.3–§3.4, §5; datastore-format.md §10), independent of the transport.
//
// The HTTP/2 endpoint layer parses each request and calls one function here:
//
//   auto s = BackupSession::start(store, ns, dir, auth_id);     // after the upgrade checks
//   s->previous_backup_time();                                   // GET  /previous_backup_time
//   s->download_previous("disk.img.fidx");                       // GET  /previous
//   auto wid = s->create_fixed_index("disk.img.fidx", size, {}); // POST /fixed_index
//   s->upload_chunk(IndexKind::Fixed, *wid, digest, size, encoded_size, body);
//   s->append(IndexKind::Fixed, *wid, digests, offsets);         // PUT  /fixed_index
//   s->close_index(IndexKind::Fixed, *wid, count, size, csum);   // POST /fixed_close
//   s->upload_blob("index.json.blob", encoded_size, body);       // POST /blob
//   s->finish();                                                 // POST /finish
//   s->end();                                                    // connection closed
//
// Error messages are PBS's texts (spec §3.4, §7); the caller maps Errc::NotFound to 404 and
// everything else to 400. Destroying or `end()`ing the session before a successful `finish`
// removes the half-written snapshot directory (SnapshotWriter's abort).
//
// Thread-safe: requests of one connection may arrive on concurrent streams; every function
// serializes on an internal mutex (chunk decoding included — kept simple on purpose). Every
// function blocks on file I/O.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/digest.h"
#include "common/result.h"
#include "datastore/manifest.h"
#include "types/authid.h"
#include "types/backup_group.h"
#include "types/backup_namespace.h"

namespace ferry::datastore {
class Datastore;
}

namespace ferry::protocol {

// Fixed indexes always use 4 MiB chunks on the server (spec §3.4.3).
inline constexpr uint64_t kFixedChunkSize = uint64_t(4) << 20;
// Parameter domains (spec §3.4.1).
inline constexpr uint64_t kMaxWriterId = 256;
inline constexpr uint64_t kMaxChunkSize = uint64_t(16) << 20;
inline constexpr uint64_t kMaxEncodedSize = kMaxChunkSize + 44;

enum class IndexKind { Fixed, Dynamic };
std::string_view index_kind_name(IndexKind kind);  // "fixed" / "dynamic"

class BackupSession {
 public:
  // Creates the group (owner = auth_id) if new, locks it, picks and shared-locks the previous
  // snapshot and creates the snapshot directory (SnapshotWriter::create). Errors carry PBS's
  // texts: InvalidArgument `backup timestamp is older than last backup.`, AlreadyExists
  // `backup directory already exists.`, PermissionDenied `backup owner check failed (...)`,
  // Conflict (group locked by another backup), NotFound `namespace not found`.
  // `store` must outlive the session.
  static Result<std::unique_ptr<BackupSession>> start(datastore::Datastore& store,
                                                      const types::BackupNamespace& ns,
                                                      const types::BackupDir& dir,
                                                      const types::Authid& auth_id);
  ~BackupSession();
  BackupSession(const BackupSession&) = delete;
  BackupSession& operator=(const BackupSession&) = delete;

  // Epoch of the previous snapshot (spec §3.3), if any. Never fails.
  std::optional<int64_t> previous_backup_time() const;
  // Bytes of `archive_name` from the previous snapshot; for .fidx/.didx every chunk of the
  // index is registered as known (digest → chunk length). Errors: InvalidArgument
  // (`no valid previous backup`, `unknown archive type`, unreadable index), NotFound
  // (missing blob file).
  Result<Bytes> download_previous(std::string_view archive_name);

  // Index writers; return the writer id (1, 2, ... shared by both kinds, at most 256).
  // `reuse_csum_hex` (fixed only) pre-fills the index from the previous snapshot's archive
  // of the same name, whose checksum must match. Errors: InvalidArgument.
  Result<uint64_t> create_dynamic_index(std::string_view archive_name);
  Result<uint64_t> create_fixed_index(std::string_view archive_name, uint64_t size,
                                      std::optional<std::string_view> reuse_csum_hex);

  // Verifies the uploaded chunk blob (length, magic; unencrypted: digest and size),
  // recomputes its CRC, inserts it into the chunk store and records digest → size as known.
  // Returns the digest hex. Errors: InvalidArgument/Corruption with PBS's texts.
  Result<std::string> upload_chunk(IndexKind kind, uint64_t wid, const Digest& digest,
                                   uint64_t size, uint64_t encoded_size, Bytes body);

  // Appends known chunks at the given start offsets (spec §3.4.5).
  Status append(IndexKind kind, uint64_t wid, const std::vector<Digest>& digests,
                const std::vector<uint64_t>& offsets);

  // Checks chunk count, size and checksum and finalizes the index file (spec §3.4.6).
  Status close_index(IndexKind kind, uint64_t wid, uint64_t chunk_count, uint64_t size,
                     const Digest& csum);

  // Stores a blob after checking its length and CRC. `index.json.blob` is kept in memory
  // until `finish` writes it (the commit point). Errors: InvalidArgument, Corruption.
  Status upload_blob(std::string_view file_name, uint64_t encoded_size, Bytes body);

  // Checks that no writer is open, at least one file was written and the manifest was
  // uploaded; adds chunk_upload_stats to the manifest and commits the snapshot.
  Status finish();
  bool finished() const;

  // The connection ended: removes the snapshot unless finished. Idempotent.
  void end();

  // Upload statistics so far (chunk_upload_stats of the manifest at finish).
  datastore::ChunkUploadStats stats() const;

 private:
  struct State;
  explicit BackupSession(std::unique_ptr<State> state);
  Status check_not_finished() const;
  Status append_fixed(uint64_t wid, const std::vector<Digest>& digests,
                      const std::vector<uint64_t>& offsets);
  Status append_dynamic(uint64_t wid, const std::vector<Digest>& digests,
                        const std::vector<uint64_t>& offsets);
  Status close_fixed(uint64_t wid, uint64_t chunk_count, uint64_t size, const Digest& csum);
  Status close_dynamic(uint64_t wid, uint64_t chunk_count, uint64_t size, const Digest& csum);
  Result<uint64_t> next_wid();

  std::unique_ptr<State> s_;
};

}  // namespace ferry::protocol

// BackupWriterClient: the client side of the backup protocol (protocol.md §2, §3.4).
//
// start() upgrades a new connection with `proxmox-backup-protocol-v1`, which creates the
// snapshot on the server; every endpoint of §3.4 is then one method. The server keeps the
// snapshot only if finish() succeeds before the connection closes (§3.3).
//
// Concurrency: chunk uploads may run in parallel (upload_chunk_async; at most
// HttpClientOptions::h2_max_in_flight requests are on the wire, the rest wait), so one
// connection keeps the link full. The caller keeps the ordering rules of §3.6: append a chunk
// only after its upload answered, appends of one writer in offset order, close after the last
// append, finish last.
//
// Every blocking method is thread-safe and may be called from several threads; none may be
// called on the client's I/O thread. Errors: the server's (InvalidArgument for its 400s, e.g.
// "no such chunk <hex>"), Unavailable when the connection is lost, Timeout.
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "client/http_client.h"
#include "common/bytes.h"
#include "common/digest.h"
#include "common/result.h"
#include "types/backup_group.h"
#include "types/backup_namespace.h"

namespace ferry::client {

namespace internal {
class ProtocolSession;
}  // namespace internal

// Protocol ids of the Upgrade header (protocol.md §2.1).
inline constexpr std::string_view kBackupProtocolId = "proxmox-backup-protocol-v1";
inline constexpr std::string_view kReaderProtocolId = "proxmox-backup-reader-protocol-v1";

// Which family of index endpoints a writer belongs to (`fixed_*` or `dynamic_*`).
enum class IndexKind { Fixed, Dynamic };

struct BackupWriterParams {
  std::string store;
  types::BackupNamespace ns;  // root: `ns` is omitted from the query, as PBS does
  types::BackupDir snapshot;  // the snapshot to create (type, id, time)
  bool debug = false;
  bool benchmark = false;
  bool no_cache = false;  // sent only when true (pkg 4.0.4+; a 3.2.4 server rejects it)
  StartH2Options start;
};

class BackupWriterClient {
 public:
  // Upgrades a new connection of `client`; the result keeps working after `client` is gone
  // (it shares the I/O thread). Errors of
  // HttpClient::start_h2, e.g. InvalidArgument "backup timestamp is older than last backup."
  // Blocks.
  static Result<std::unique_ptr<BackupWriterClient>> start(HttpClient& client,
                                                           const BackupWriterParams& params);
  // Closes the connection (without finish() the server discards the snapshot).
  ~BackupWriterClient();

  // GET /previous_backup_time: epoch of the previous snapshot, or nullopt.
  Result<std::optional<int64_t>> previous_backup_time();

  // GET /previous?archive-name=: the file of the previous snapshot; for indexes the server
  // then knows their chunks. InvalidArgument "no valid previous backup", NotFound.
  Result<Bytes> download_previous(std::string_view archive_name);

  // POST /dynamic_index (name ends .didx) / POST /fixed_index (name ends .fidx, image `size`
  // bytes, optional `reuse_csum` hex of the previous index): the writer id.
  Result<uint64_t> create_dynamic_index(std::string_view archive_name);
  Result<uint64_t> create_fixed_index(std::string_view archive_name, uint64_t size,
                                      std::optional<std::string> reuse_csum = std::nullopt);

  // POST /<kind>_chunk: uploads one chunk encoded as a data blob; `size` is the plain length.
  // Returns the digest the server stored (Corruption if it differs from `digest`).
  Result<Digest> upload_chunk(IndexKind kind, uint64_t wid, const Digest& digest, uint64_t size,
                              Bytes encoded);
  // The same without blocking; the future completes when the server answered.
  std::future<Result<Digest>> upload_chunk_async(IndexKind kind, uint64_t wid, const Digest& digest,
                                                 uint64_t size, Bytes encoded);

  // PUT /<kind>_index: appends known chunks; offsets are chunk *start* offsets.
  // InvalidArgument if the lists differ in length.
  Status append(IndexKind kind, uint64_t wid, std::span<const Digest> digests,
                std::span<const uint64_t> offsets);

  // POST /<kind>_close with the index checksum (§6.3).
  Status close_index(IndexKind kind, uint64_t wid, uint64_t chunk_count, uint64_t size,
                     const Digest& csum);

  // POST /blob: a whole file encoded as a data blob (name ends .blob).
  Status upload_blob(std::string_view file_name, Bytes encoded);

  // POST /finish: the snapshot is complete. Afterwards only close() is useful.
  Status finish();

  // POST /speedtest with `data` as body.
  Status speedtest(Bytes data);

  // Ends the connection gracefully and waits for it; idempotent. Blocks.
  Status close();

 private:
  explicit BackupWriterClient(std::unique_ptr<internal::ProtocolSession> session);
  std::unique_ptr<internal::ProtocolSession> session_;
};

}  // namespace ferry::client

// BackupReaderClient: the client side of the reader protocol (protocol.md §2, §3.5), used to
// restore and to pull snapshots.
//
// start() upgrades a new connection with `proxmox-backup-reader-protocol-v1` for one existing
// snapshot. download() fetches any file of it; downloading an index (.fidx/.didx) is what
// allows fetching its chunks with download_chunk() on the same connection (otherwise the
// server answers 401 "download chunk <hex> not allowed" after ~3 s).
//
// Concurrency: download_chunk_async() lets a pull keep many chunk requests in flight (PBS
// pull uses 20; at most HttpClientOptions::h2_max_in_flight are on the wire). Results are raw
// bytes exactly as stored on the server (a chunk is a data blob); verifying them (CRC, digest,
// crypt mode) is the caller's job. Thread-safe; never call blocking methods on the client's
// I/O thread.
#pragma once

#include <future>
#include <memory>
#include <string>
#include <string_view>

#include "client/backup_writer_client.h"
#include "client/http_client.h"
#include "common/bytes.h"
#include "common/digest.h"
#include "common/result.h"
#include "types/backup_group.h"
#include "types/backup_namespace.h"

namespace ferry::client {

struct BackupReaderParams {
  std::string store;
  types::BackupNamespace ns;  // root: `ns` is omitted from the query
  types::BackupDir snapshot;  // the snapshot to read
  bool debug = false;
  StartH2Options start;
};

class BackupReaderClient {
 public:
  // Upgrades a new connection of `client`; the result keeps working after `client` is gone
  // (it shares the I/O thread). Errors of
  // HttpClient::start_h2, e.g. InvalidArgument "snapshot vm/100/… does not exist." Blocks.
  static Result<std::unique_ptr<BackupReaderClient>> start(HttpClient& client,
                                                           const BackupReaderParams& params);
  ~BackupReaderClient();

  // GET /download?file-name=: a whole file of the snapshot. NotFound for a missing file
  // (404, e.g. a vanished snapshot's index.json.blob), InvalidArgument for other refusals.
  Result<Bytes> download(std::string_view file_name);
  std::future<Result<Bytes>> download_async(std::string_view file_name);

  // GET /chunk?digest=: the stored chunk blob. Unauthenticated (401) when no index listing
  // it was downloaded on this connection.
  Result<Bytes> download_chunk(const Digest& digest);
  std::future<Result<Bytes>> download_chunk_async(const Digest& digest);

  // GET /speedtest: 1 MiB of 0x41 from the server.
  Result<Bytes> speedtest();

  // Ends the connection gracefully and waits for it; idempotent. Blocks.
  Status close();

 private:
  explicit BackupReaderClient(std::unique_ptr<internal::ProtocolSession> session);
  std::unique_ptr<internal::ProtocolSession> session_;
};

}  // namespace ferry::client

// RemoteSyncSource: a datastore on another Proxmox Backup Server (or Ferry) as the source of a
// pull, reached through client/ (sync-semantics.md §3.2, §4.1, §6.1, §7.0, §9).
//
//   list_namespaces  GET /api2/json/admin/datastore/{store}/namespace  ?parent= &max-depth=
//                    (404 = the remote predates namespaces → "unsupported", not an error)
//   list_groups      GET /api2/json/admin/datastore/{store}/groups     ?ns=
//   list_snapshots   GET /api2/json/admin/datastore/{store}/snapshots  ?ns= &backup-type=
//                    &backup-id=  (an entry without `size` is an in-progress backup)
//   open_reader      GET /api2/json/reader upgraded to HTTP/2 (proxmox-backup-reader-protocol-v1,
//                    debug=true), then /download?file-name= and /chunk?digest= on it; chunk
//                    requests are pipelined (HttpClientOptions::h2_max_in_flight on the wire)
//
// What is visible is decided by the remote for the remote user (§4.1). The HttpClient carries
// the remote's address, pinned fingerprint, credentials and the job's rate limits (§9): rate
// limiting is a property of the connection, not of the pull loop. Every answer is untrusted:
// JSON that does not have the documented shape is a Corruption error naming the field, never a
// crash.
//
// Thread-safe (HttpClient is); each reader owns one HTTP/2 connection. Every function blocks.
#pragma once

#include <cstdint>
#include <string>

#include "client/http_client.h"
#include "config/remote_config.h"
#include "config/sync_job_config.h"
#include "sync/sync_source.h"

namespace ferry::sync {

// Rates in bytes per second and bursts in bytes (0 = unlimited / burst = rate), §9.
struct TrafficLimits {
  uint64_t rate_in = 0;
  uint64_t burst_in = 0;
  uint64_t rate_out = 0;
  uint64_t burst_out = 0;

  // The `rate-in`, `burst-in`, `rate-out` and `burst-out` of a sync job.
  static TrafficLimits from_job(const config::SyncJobConfig& job);
};

// HttpClient options for pulling from `remote` (host, port, fingerprint, auth-id and the
// decoded password) with `limits`. Errors: InvalidArgument when the stored password is not
// valid base64/UTF-8.
Result<client::HttpClientOptions> remote_client_options(const config::RemoteConfig& remote,
                                                        const TrafficLimits& limits);

class RemoteSyncSource final : public SyncSource {
 public:
  // `client` must outlive the source and its readers; `store` is the remote datastore
  // (`remote-store`).
  RemoteSyncSource(client::HttpClient& client, std::string store)
      : client_(client), store_(std::move(store)) {}

  Result<std::optional<std::vector<types::BackupNamespace>>> list_namespaces(
      const types::BackupNamespace& anchor, std::optional<size_t> max_depth) override;
  Result<std::vector<types::BackupGroup>> list_groups(const types::BackupNamespace& ns) override;
  Result<std::vector<SourceSnapshotInfo>> list_snapshots(const types::BackupNamespace& ns,
                                                         const types::BackupGroup& group) override;
  // Errors of BackupReaderClient::start; "snapshot … does not exist." answers become NotFound.
  Result<std::unique_ptr<SnapshotReader>> open_reader(const types::BackupNamespace& ns,
                                                      const types::BackupDir& dir) override;

 private:
  std::string api_path(std::string_view leaf) const;

  client::HttpClient& client_;
  std::string store_;
};

}  // namespace ferry::sync

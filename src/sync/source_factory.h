// open_sync_source: the SyncSource a pull reads from, chosen by the job's `remote` (a sync job,
// `ferry-manager pull`, POST /api2/json/pull; sync-semantics.md §2.2, §4.1, §9, §11).
//
//   remote set    RemoteSyncSource over an HttpClient made from remote.cfg's entry: host,
//                 port, pinned fingerprint, auth-id and the decoded password, with the job's
//                 `rate-in`/`burst-in` (and out) on the connection. The client logs in at once,
//                 so a bad password or an untrusted certificate fails here, before the run.
//   remote unset  LocalSyncSource over the datastore `source_store` of this server, seen with
//                 the owner's privileges (a "local sync").
//
// The returned source owns everything it needs (the HttpClient, a reference on the source
// datastore) and may outlive the arguments. Thread-safe like the sources themselves.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/user_info.h"
#include "common/result.h"
#include "config/config_dir.h"
#include "config/sync_job_config.h"
#include "datastore/datastore.h"
#include "sync/remote_sync_source.h"
#include "sync/sync_source.h"
#include "types/authid.h"

namespace ferry::sync {

// How the caller opens one of its own datastores by name (ferryd: api::DatastoreCache::lookup;
// the CLI: datastore.cfg + Datastore::open). Errors are passed through.
using DatastoreLookup =
    std::function<Result<std::shared_ptr<datastore::Datastore>>(std::string_view name)>;

// What to open.
struct SyncSourceSpec {
  std::optional<std::string> remote;  // remote.cfg section name; unset = local source
  std::string source_store;           // `remote-store`
  TrafficLimits limits;               // remote only
  // Local source: whose privileges decide what is visible (the job owner, or the caller of
  // an ad-hoc pull), and the users + ACLs to decide it with. Ignored for a remote.
  types::Authid owner = types::Authid::root();
  std::shared_ptr<const auth::UserInfo> user_info;
  // Remote only: connect and request timeouts of the HttpClient (0 = client defaults).
  std::chrono::milliseconds connect_timeout{0};
  std::chrono::milliseconds request_timeout{0};

  // remote, remote-store, rate/burst limits and effective owner of a pull job.
  static SyncSourceSpec from_job(const config::SyncJobConfig& job,
                                 std::shared_ptr<const auth::UserInfo> user_info);
};

// Opens the source of a pull. Errors:
//   remote:  InvalidArgument "no such remote '<name>'" (no such section), errors reading
//            remote.cfg (Io, Corruption), InvalidArgument for an undecodable password, and the
//            login's: Unauthenticated for a refused certificate (the message names the expected
//            and the offered fingerprint) or bad credentials, Unavailable/Timeout when the
//            remote cannot be reached — all with the context "remote '<name>'".
//   local:   InvalidArgument without `user_info`; the errors of `datastores(source_store)`.
// Blocks (config read, TLS handshake and login for a remote). No durable side effects.
Result<std::unique_ptr<SyncSource>> open_sync_source(const config::ConfigDir& config_dir,
                                                     const SyncSourceSpec& spec,
                                                     const DatastoreLookup& datastores);

// The remote.cfg entry `name`. InvalidArgument "no such remote '<name>'"; Io/Corruption
// for the file. Blocks.
Result<config::RemoteConfig> load_remote(const config::ConfigDir& config_dir,
                                         std::string_view name);

}  // namespace ferry::sync

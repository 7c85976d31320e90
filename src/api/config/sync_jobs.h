// Config service layer for sync jobs: /config/sync (api.md §5.6), over sync.cfg.
//
// Called in-process by the REST handlers and `ferry-manager sync-job ...`. `caller` is the
// acting Authid; privilege checks ("modify access" / "read access", auth.md §9.3) arrive with
// issue #4 and until then the parameter is accepted and ignored (the manager passes root@pam).
//
// Validation on create/update (sync-semantics.md §1.3, checked on the resulting job):
// every property per its schema, `schedule` as a calendar event, group filters (compiled),
// local sync with store == remote-store rejected, depth(ns/remote-ns) + max-depth <= 7,
// resync-corrupt only for pull. Unlike PBS 3.2.4 (which checks neither at config time), the
// referenced remote (remote.cfg) and datastore(s) (datastore.cfg: `store`, and `remote-store`
// for a local sync) must exist — on create always, on update when the update sets them:
// NotFound naming them.
//
// Writes lock .sync.lck, re-read, check `digest`, validate and replace sync.cfg atomically; on
// any error nothing changes on disk. Job state (jobs-and-schedules.md §3.2–§3.4): when the
// caller passes the job-state store (ferryd's JobService, or the one ferry-manager builds over
// $FERRY_STATE_DIR), create writes a created state, a changed schedule resets the reference
// time (Ferry's rule: the schedule text differs — not PBS's "any update without schedule"
// quirk, docs/design/sync.md S10) and remove deletes the state and lock files. A failure there
// is logged, not returned: the config change stands. All functions block.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/config/with_digest.h"
#include "common/result.h"
#include "config/config_dir.h"
#include "config/sync_job_config.h"
#include "jobs/job_state.h"
#include "types/authid.h"

namespace ferry::api {

// Settable properties in their API text form; unset fields are left alone (update) or omitted
// (create). Errors name the parameter by its wire name ("rate-in", "group-filter", ...).
struct SyncJobProperties {
  std::optional<std::string> store;
  std::optional<std::string> ns;            // "" = root namespace
  std::optional<std::string> remote;
  std::optional<std::string> remote_store;
  std::optional<std::string> remote_ns;
  std::optional<std::string> owner;         // Authid
  std::optional<bool> remove_vanished;
  std::optional<int64_t> max_depth;         // 0..7
  std::optional<std::vector<std::string>> group_filter;  // replaces the whole list
  std::optional<int64_t> transfer_last;     // >= 1
  std::optional<std::string> schedule;      // calendar event
  std::optional<std::string> comment;       // empty or whitespace-only: no comment
  std::optional<std::string> rate_in;       // HumanByte, e.g. "20MiB"
  std::optional<std::string> burst_in;
  std::optional<std::string> rate_out;
  std::optional<std::string> burst_out;
  std::optional<std::string> sync_direction;  // "pull" | "push"
  std::optional<bool> resync_corrupt;
  std::optional<bool> encrypted_only;
  std::optional<bool> verified_only;
  std::optional<bool> run_on_mount;
  std::optional<bool> unmount_on_done;
  std::optional<int64_t> worker_threads;    // 1..32
};

struct SyncJobCreateParams {
  std::string id;
  SyncJobProperties props;  // store and remote_store are required
};

struct SyncJobUpdateParams {
  SyncJobProperties props;
  // Properties to unset, applied before `props`: any optional property by wire name
  // ("remote", "owner", "comment", "schedule", "remove-vanished", "group-filter", "rate-in",
  // "burst-in", "rate-out", "burst-out", "ns", "remote-ns", "max-depth", "transfer-last",
  // "sync-direction", "resync-corrupt", "encrypted-only", "verified-only", "run-on-mount",
  // "unmount-on-done", "worker-threads").
  std::vector<std::string> delete_props;
  std::optional<std::string> digest;
};

// Which jobs list_sync_jobs returns (api.md §5.6 `sync-direction`: default pull).
enum class SyncDirectionFilter { Pull, Push, All };

// The `sync-direction` value of a list request: "pull", "push" or "all". InvalidArgument
// `parameter verification failed - 'sync-direction': value '<text>' is not one of pull, push,
// all` otherwise.
Result<SyncDirectionFilter> parse_sync_direction_filter(std::string_view text);

// Jobs in file order with the digest of sync.cfg. Errors: Corruption, Io, PermissionDenied.
Result<WithDigest<std::vector<config::SyncJobConfig>>> list_sync_jobs(
    const config::ConfigDir& dir, const types::Authid& caller,
    SyncDirectionFilter direction = SyncDirectionFilter::Pull);

// One job. NotFound "no such sync job '<id>'"; errors of list_sync_jobs.
Result<WithDigest<config::SyncJobConfig>> read_sync_job(const config::ConfigDir& dir,
                                                        const types::Authid& caller,
                                                        std::string_view id);

// Adds a job. InvalidArgument, NotFound (remote or datastore), AlreadyExists
// ("job '<id>' already exists"), Timeout, Corruption, Io.
Status create_sync_job(const config::ConfigDir& dir, const types::Authid& caller,
                       const SyncJobCreateParams& params,
                       const jobs::JobStateStore* states = nullptr);

// Changes a job. NotFound (job, remote or datastore), InvalidArgument, Conflict (stale
// digest), Timeout, Corruption, Io.
Status update_sync_job(const config::ConfigDir& dir, const types::Authid& caller,
                       std::string_view id, const SyncJobUpdateParams& params,
                       const jobs::JobStateStore* states = nullptr);

// Removes a job. NotFound ("job '<id>' does not exist"), Conflict (stale digest), Timeout, Io.
Status delete_sync_job(const config::ConfigDir& dir, const types::Authid& caller,
                       std::string_view id, const std::optional<std::string>& digest,
                       const jobs::JobStateStore* states = nullptr);

// The API job object: kebab-case keys, unset properties omitted, booleans and integers as JSON
// values, byte sizes as "<number> <unit>", group-filter as an array.
nlohmann::json to_json(const config::SyncJobConfig& job);

}  // namespace ferry::api

// Config service layer for datastores: /config/datastore (api.md §5.10), over datastore.cfg.
//
// Called in-process by the REST handlers and `ferry-manager datastore ...`. `caller` is the
// acting Authid; privilege checks (Datastore.Audit / Datastore.Allocate / Datastore.Modify)
// arrive with issue #4 and until then the parameter is accepted and ignored.
//
// Writes lock .datastore.lck, re-read, check `digest`, validate and replace datastore.cfg
// atomically; on any error nothing changes in the config. `path` is fixed at creation.
// Schedules (`gc-schedule`, `prune-schedule`) are validated as calendar events. All functions
// block.
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
#include "config/datastore_config.h"
#include "types/authid.h"

namespace ferry::api {

// Settable properties in their API text form; unset fields are left alone (update) or omitted
// (create).
struct DatastoreProperties {
  std::optional<std::string> comment;  // empty or whitespace-only: no comment
  std::optional<std::string> gc_schedule;
  std::optional<std::string> prune_schedule;
  std::optional<int64_t> keep_last;
  std::optional<int64_t> keep_hourly;
  std::optional<int64_t> keep_daily;
  std::optional<int64_t> keep_weekly;
  std::optional<int64_t> keep_monthly;
  std::optional<int64_t> keep_yearly;
  std::optional<bool> verify_new;
  std::optional<std::string> notify_user;        // Userid
  std::optional<std::string> notify;             // property string
  std::optional<std::string> notification_mode;  // legacy-sendmail | notification-system
  std::optional<std::string> tuning;             // property string
  std::optional<std::string> maintenance_mode;   // property string
};

struct DatastoreCreateParams {
  std::string name;
  std::string path;  // absolute
  DatastoreProperties props;
};

struct DatastoreUpdateParams {
  DatastoreProperties props;
  // Properties to unset, applied before `props`: any optional property by wire name
  // ("comment", "gc-schedule", "keep-last", "tuning", "maintenance-mode", ...).
  std::vector<std::string> delete_props;
  std::optional<std::string> digest;
};

struct DatastoreDeleteParams {
  std::optional<std::string> digest;
  // false (PBS default): sync and verification jobs whose `store` is this datastore are
  // removed as well.
  bool keep_job_configs = false;
};

// Datastores in file order with the digest of datastore.cfg. Errors: Corruption, Io,
// PermissionDenied.
Result<WithDigest<std::vector<config::DatastoreConfig>>> list_datastores(
    const config::ConfigDir& dir, const types::Authid& caller);

// One datastore. NotFound "no such datastore '<name>'"; errors of list_datastores.
Result<WithDigest<config::DatastoreConfig>> read_datastore(const config::ConfigDir& dir,
                                                           const types::Authid& caller,
                                                           std::string_view name);

// Adds a datastore and creates its on-disk layout at `path` (the directory must not exist or
// be empty). InvalidArgument (bad parameter, relative path, non-empty directory),
// AlreadyExists ("datastore '<name>' already exists"), Timeout, Io, PermissionDenied.
// Durable side effects: the datastore directory tree, then datastore.cfg.
Status create_datastore(const config::ConfigDir& dir, const types::Authid& caller,
                        const DatastoreCreateParams& params);

// Changes a datastore's properties. NotFound, InvalidArgument, Conflict (stale digest),
// Timeout, Corruption, Io.
Status update_datastore(const config::ConfigDir& dir, const types::Authid& caller,
                        std::string_view name, const DatastoreUpdateParams& params);

// Removes a datastore from the configuration (its data stays on disk) and, unless
// `keep_job_configs`, the jobs that use it (sync.cfg and verification.cfg are written first,
// each atomically). NotFound ("datastore '<name>' does not exist"), Conflict, Timeout, Io.
Status delete_datastore(const config::ConfigDir& dir, const types::Authid& caller,
                        std::string_view name, const DatastoreDeleteParams& params);

// The API object: kebab-case keys, unset properties omitted.
nlohmann::json to_json(const config::DatastoreConfig& store);

}  // namespace ferry::api

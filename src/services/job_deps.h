// ferry::services — what the job runners of this module need from the process.
//
// The services module sits between the jobs/ scheduler (which knows nothing about sync or
// verification, STYLE.md) and the engines (sync/, datastore/verify). Its runners turn a job
// of sync.cfg or verification.cfg into a worker task. They are used by ferryd (scheduled
// runs, "run now" over the API) and by ferry-manager (in-process runs), see job_service.h.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "auth/user_info_cache.h"
#include "common/clock.h"
#include "common/result.h"
#include "config/config_dir.h"
#include "datastore/datastore.h"
#include "jobs/job_state.h"
#include "jobs/task_registry.h"

namespace ferry::services {

class Notifier;

// Opens a datastore of datastore.cfg by name (ferryd: api::DatastoreCache::lookup). Errors:
// InvalidArgument/NotFound for an unknown or missing datastore, Unavailable, Io. Blocks.
using DatastoreLookup =
    std::function<Result<std::shared_ptr<datastore::Datastore>>(std::string_view name)>;

// The collaborators of the runners. Everything referenced must outlive the runners and every
// task they start. Thread-safe as a whole (each member is).
struct JobDeps {
  config::ConfigDir config_dir;
  jobs::TaskRegistry& tasks;
  const jobs::JobStateStore& states;
  const Clock& clock;
  DatastoreLookup lookup_datastore;
  // For datastores a job writes into (a sync target): also refuses read-only maintenance.
  // Empty: lookup_datastore.
  DatastoreLookup lookup_datastore_for_write;
  const auth::UserInfoCache& users;
  Notifier* notifier = nullptr;  // null: no notifications
};

}  // namespace ferry::services

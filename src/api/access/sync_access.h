// Who may see and change a sync job (auth.md §9.3; PBS: check_sync_job_read_access and
// check_sync_job_modify_access), with the pkg 3.2.11+ rules that Ferry implements (push jobs,
// Datastore.Audit required for modify access, the general owner rule of §7).
//
// Used by /config/sync (list filter, read, create/update/delete), and by the task access
// check for `syncjob` tasks. Pure functions over a UserInfo snapshot; thread-safe.
#pragma once

#include "auth/user_info.h"
#include "config/sync_job_config.h"
#include "types/authid.h"

namespace ferry::api {

// Read access: Datastore.Audit on the local anchor, plus Remote.Audit on /remote/<remote>
// (pull from a remote), Datastore.Audit on /datastore/<remote-store> (local pull) or
// Remote.Audit on /remote/<remote>/<remote-store>[/<remote-ns>] (push; no remote: no access).
bool sync_job_read_access(const auth::UserInfo& info, const types::Authid& auth_id,
                          const config::SyncJobConfig& job);

// Modify access (create, update, delete, run), pull: Datastore.Audit and Datastore.Backup on
// the local anchor, Datastore.Prune with remove-vanished, Datastore.Modify when the owner is
// not the caller (general owner rule; unset owner = root@pam), Remote.Read on
// /remote/<remote>/<remote-store> for a remote source. Push: see auth.md §9.3.
bool sync_job_modify_access(const auth::UserInfo& info, const types::Authid& auth_id,
                            const config::SyncJobConfig& job);

}  // namespace ferry::api

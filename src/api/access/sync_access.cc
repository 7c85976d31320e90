#include "api/access/sync_access.h"

#include "auth/acl_path.h"
#include "datastore/datastore.h"

namespace ferry::api {
namespace {

using auth::Privileges;

bool has_all(const auth::UserInfo& info, const types::Authid& id, const std::string& path,
             Privileges privs) {
  return (info.lookup_privs(id, path) & privs) == privs;
}

std::string local_anchor(const config::SyncJobConfig& job) {
  return auth::datastore_acl_path(job.store, job.ns.value_or(types::BackupNamespace{}));
}

std::string push_target(const config::SyncJobConfig& job) {
  return auth::remote_acl_path(*job.remote, job.remote_store,
                               job.remote_ns.value_or(types::BackupNamespace{}));
}

bool caller_owns(const config::SyncJobConfig& job, const types::Authid& auth_id) {
  return datastore::check_backup_owner(job.effective_owner(), auth_id).has_value();
}

bool push_modify_access(const auth::UserInfo& info, const types::Authid& id,
                        const config::SyncJobConfig& job) {
  if (!job.remote) return false;
  const std::string target = push_target(job);
  if (!has_all(info, id, target, auth::kPrivRemoteDatastoreBackup)) return false;
  if (job.remove_vanished.value_or(false) &&
      !has_all(info, id, target, auth::kPrivRemoteDatastorePrune)) {
    return false;
  }
  const std::string anchor = local_anchor(job);
  if (!has_all(info, id, anchor, auth::kPrivDatastoreAudit)) return false;
  if (has_all(info, id, anchor, auth::kPrivDatastoreRead)) return true;
  if (!caller_owns(job, id) && !has_all(info, id, anchor, auth::kPrivDatastoreModify)) {
    return false;
  }
  return has_all(info, id, anchor, auth::kPrivDatastoreBackup);
}

}  // namespace

bool sync_job_read_access(const auth::UserInfo& info, const types::Authid& id,
                          const config::SyncJobConfig& job) {
  if (id.is_root()) return true;
  if (!has_all(info, id, local_anchor(job), auth::kPrivDatastoreAudit)) return false;
  if (job.direction() == config::SyncDirection::Push) {
    return job.remote && has_all(info, id, push_target(job), auth::kPrivRemoteAudit);
  }
  if (job.remote) return has_all(info, id, auth::remote_acl_path(*job.remote), auth::kPrivRemoteAudit);
  return has_all(info, id, auth::datastore_acl_path(job.remote_store), auth::kPrivDatastoreAudit);
}

bool sync_job_modify_access(const auth::UserInfo& info, const types::Authid& id,
                            const config::SyncJobConfig& job) {
  if (id.is_root()) return true;
  if (job.direction() == config::SyncDirection::Push) return push_modify_access(info, id, job);
  const std::string anchor = local_anchor(job);
  Privileges need = auth::kPrivDatastoreAudit | auth::kPrivDatastoreBackup;
  if (job.remove_vanished.value_or(false)) need |= auth::kPrivDatastorePrune;
  if (!caller_owns(job, id)) need |= auth::kPrivDatastoreModify;
  if (!has_all(info, id, anchor, need)) return false;
  if (job.remote) {
    return has_all(info, id, auth::remote_acl_path(*job.remote, job.remote_store),
                   auth::kPrivRemoteRead);
  }
  return true;
}

}  // namespace ferry::api

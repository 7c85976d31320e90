// LocalSyncSource: another datastore of this server as the source of a pull — a "local sync",
// a sync job without `remote` (sync-semantics.md §11).
//
// Visibility follows the job owner's privileges on the *source* datastore, as PBS does for
// local syncs (§4.1): all groups of a namespace when the owner has Datastore.Read on
// `/datastore/{store}/{ns…}`; only the groups it owns (owner equal to it, or one of its API
// tokens) when it has Datastore.Backup there; none otherwise. Namespaces are not filtered
// (PBS 3.2.4). Readers refuse snapshots of groups the owner cannot see (PermissionDenied).
//
// A reader holds a *shared* lock on the source snapshot directory while it lives, so the
// snapshot cannot be deleted or rewritten under the pull ("unable to acquire lock on snapshot
// directory ..."
// (Conflict) while a backup or a deletion holds it exclusively). Files and chunks are read as
// stored; chunk reads are deferred until their future is waited for, so a pull's "chunks in
// flight" cost no memory here.
//
// PBS-compat: unlike PBS 3.2.4's local source, snapshots without a readable manifest are listed
// with no size, so pull skips them as in-progress exactly as it does for a remote.
//
// Thread-safe (the datastore and user info are immutable to it). Every function blocks.
#pragma once

#include <memory>

#include "auth/user_info.h"
#include "datastore/datastore.h"
#include "sync/sync_source.h"
#include "types/authid.h"

namespace ferry::sync {

class LocalSyncSource final : public SyncSource {
 public:
  // `store` must outlive the source and every reader it opens. `auth_id` is the identity whose
  // privileges decide visibility: the job owner (or the caller of an ad-hoc pull).
  LocalSyncSource(const datastore::Datastore& store,
                  std::shared_ptr<const auth::UserInfo> user_info, types::Authid auth_id)
      : store_(store), user_info_(std::move(user_info)), auth_id_(std::move(auth_id)) {}

  const datastore::Datastore& store() const { return store_; }

  Result<std::optional<std::vector<types::BackupNamespace>>> list_namespaces(
      const types::BackupNamespace& anchor, std::optional<size_t> max_depth) override;
  Result<std::vector<types::BackupGroup>> list_groups(const types::BackupNamespace& ns) override;
  Result<std::vector<SourceSnapshotInfo>> list_snapshots(const types::BackupNamespace& ns,
                                                         const types::BackupGroup& group) override;
  Result<std::unique_ptr<SnapshotReader>> open_reader(const types::BackupNamespace& ns,
                                                      const types::BackupDir& dir) override;

 private:
  enum class Access { None, Owned, All };
  Access access(const types::BackupNamespace& ns) const;
  Status check_group_visible(const types::BackupNamespace& ns,
                             const types::BackupGroup& group) const;

  const datastore::Datastore& store_;
  std::shared_ptr<const auth::UserInfo> user_info_;
  types::Authid auth_id_;
};

}  // namespace ferry::sync

// The privilege logic of the REST layer without a server: method-level rules, PBS's
// full/partial namespace checks and the sync-job access rules of auth.md §9.3, table-driven
// over real acl.cfg / user.cfg text.
#include <gtest/gtest.h>

#include "api/access/checks.h"
#include "api/access/sync_access.h"
#include "api/admin/datastore_access.h"
#include "auth/acl_tree.h"
#include "auth/user_config.h"

namespace ferry::api {
namespace {

std::shared_ptr<const auth::UserInfo> make_info(std::string_view acl) {
  auto users = auth::UserConfig::parse(
      "user: alice@pbs\n\nuser: bob@pbs\n\ntoken: alice@pbs!t\n\nuser: carol@pbs\n");
  EXPECT_TRUE(users) << users.error().to_string();
  auto tree = auth::AclTree::parse(acl, "acl.cfg");
  EXPECT_TRUE(tree) << tree.error().to_string();
  return std::make_shared<auth::UserInfo>(
      std::make_shared<auth::UserConfig>(std::move(*users)),
      std::make_shared<auth::AclTree>(std::move(*tree)));
}

types::Authid id(std::string_view s) { return *types::Authid::parse(s); }

config::SyncJobConfig job(std::string_view store, std::optional<std::string> remote,
                          std::string_view remote_store) {
  config::SyncJobConfig j;
  j.id = "job1";
  j.store = store;
  j.remote = std::move(remote);
  j.remote_store = remote_store;
  return j;
}

TEST(AccessRoutesTest, ExpandAclPathTakesPathParametersOnly) {
  http::ApiCall call;
  call.params = {{"name", "pbs2"}, {"store", "s1"}};
  EXPECT_EQ(expand_acl_path("/remote/{name}", call), "/remote/pbs2");
  EXPECT_EQ(expand_acl_path("/datastore/{store}/x", call), "/datastore/s1/x");
  EXPECT_EQ(expand_acl_path("/remote", call), "/remote");
  EXPECT_EQ(expand_acl_path("/remote/{missing}", call), "/remote/");
}

TEST(AccessRoutesTest, CallerOfRejectsAnonymousCalls) {
  http::ApiCall call;
  EXPECT_EQ(caller_of(call).error().code(), Errc::Unauthenticated);
  call.auth_id = "alice@pbs!t";
  EXPECT_EQ(caller_of(call)->to_string(), "alice@pbs!t");
}

struct SyncCase {
  std::string acl;
  std::string who;
  config::SyncJobConfig job;
  bool read;
  bool modify;
};

TEST(AccessRoutesTest, SyncJobAccessFollowsAuthSection93) {
  auto pull = job("s1", "r1", "rs");
  auto pull_rv = pull;
  pull_rv.remove_vanished = true;
  auto pull_owned = pull;
  pull_owned.owner = id("alice@pbs");
  auto local = job("s1", std::nullopt, "s2");
  local.owner = id("alice@pbs");
  auto push = job("s1", "r1", "rs");
  push.sync_direction = config::SyncDirection::Push;
  push.owner = id("alice@pbs");
  const std::string ds_backup_audit =
      "acl:1:/datastore/s1:alice@pbs:DatastoreBackup,DatastoreAudit\n";
  const std::vector<SyncCase> cases = {
      // Remote sync operator + backup/audit on the store, owner = caller.
      {ds_backup_audit + "acl:1:/remote:alice@pbs:RemoteSyncOperator\n", "alice@pbs", pull_owned,
       true, true},
      // Owner unset (root@pam) needs Datastore.Modify.
      {ds_backup_audit + "acl:1:/remote:alice@pbs:RemoteSyncOperator\n", "alice@pbs", pull,
       true, false},
      {"acl:1:/datastore/s1:alice@pbs:DatastoreAdmin\nacl:1:/remote:alice@pbs:RemoteSyncOperator\n",
       "alice@pbs", pull, true, true},
      // remove-vanished needs Prune: DatastoreAdmin has it.
      {"acl:1:/datastore/s1:alice@pbs:DatastoreAdmin\nacl:1:/remote:alice@pbs:RemoteSyncOperator\n",
       "alice@pbs", pull_rv, true, true},
      // Remote.Audit only (RemoteAudit): readable, but no Remote.Read for modify.
      {ds_backup_audit + "acl:1:/remote:alice@pbs:RemoteAudit\n", "alice@pbs", pull_owned, true,
       false},
      // No Datastore.Audit: neither (3.2.11+ modify rule too).
      {"acl:1:/datastore/s1:alice@pbs:DatastoreBackup\nacl:1:/remote:alice@pbs:RemoteAdmin\n",
       "alice@pbs", pull_owned, false, false},
      // Local sync: read needs Audit on the source store.
      {ds_backup_audit, "alice@pbs", local, false, true},
      {ds_backup_audit + "acl:1:/datastore/s2:alice@pbs:DatastoreAudit\n", "alice@pbs", local,
       true, true},
      // Push: Remote.DatastoreBackup on the target, Audit (+Read or Backup) locally.
      {"acl:1:/datastore/s1:alice@pbs:DatastoreReader\n"
       "acl:1:/remote/r1:alice@pbs:RemoteSyncPushOperator\n",
       "alice@pbs", push, true, true},
      {"acl:1:/datastore/s1:alice@pbs:DatastoreReader\nacl:1:/remote/r1:alice@pbs:RemoteAdmin\n",
       "alice@pbs", push, true, false},
      // A token without own ACL entries has nothing; with Admin it is bounded by its user,
      // and it does not own its user's groups (owner alice@pbs needs Datastore.Modify).
      {ds_backup_audit + "acl:1:/remote:alice@pbs:RemoteSyncOperator\n", "alice@pbs!t",
       pull_owned, false, false},
      {ds_backup_audit + "acl:1:/remote:alice@pbs:RemoteSyncOperator\n"
                         "acl:1:/:alice@pbs!t:Admin\n",
       "alice@pbs!t", pull_owned, true, false},
      // Admin on / can do anything.
      {"acl:1:/:bob@pbs:Admin\n", "bob@pbs", push, true, true},
      {"", "root@pam", push, true, true},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    auto info = make_info(c.acl);
    EXPECT_EQ(sync_job_read_access(*info, id(c.who), c.job), c.read)
        << "case " << i << " read, acl:\n" << c.acl;
    EXPECT_EQ(sync_job_modify_access(*info, id(c.who), c.job), c.modify)
        << "case " << i << " modify, acl:\n" << c.acl;
  }
}

TEST(AccessRoutesTest, NamespacePrivilegeCheckDistinguishesFullPartialAndNone) {
  auto info = make_info(
      "acl:1:/datastore/s1:alice@pbs:DatastoreAudit\n"
      "acl:1:/datastore/s1:bob@pbs:DatastoreBackup\n"
      "acl:1:/datastore/s1/ns1:bob@pbs:NoAccess\n");
  const auto full = auth::kPrivDatastoreAudit;
  const auto partial = auth::kPrivDatastoreBackup;
  EXPECT_EQ(check_ns_privs_full(*info, id("alice@pbs"), "s1", {}, full, partial), false);
  EXPECT_EQ(check_ns_privs_full(*info, id("bob@pbs"), "s1", {}, full, partial), true);
  auto ns1 = *types::BackupNamespace::parse("ns1");
  auto denied = check_ns_privs_full(*info, id("bob@pbs"), "s1", ns1, full, partial);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), Errc::PermissionDenied);
  EXPECT_EQ(denied.error().message(),
            "permission check failed - missing Datastore.Audit|Datastore.Backup on "
            "/datastore/s1/ns1");
  EXPECT_EQ(check_ns_privs_full(*info, id("root@pam"), "s2", {}, full, partial), false);
}

}  // namespace
}  // namespace ferry::api

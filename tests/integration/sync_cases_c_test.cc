// sync-test-cases.md §C (ownership and permissions) against a real source ferryd over TLS
// (issue #6). C1, C2, C5 and C6 run the job in-process through the remote `pbs2`; C4 ("run
// now") needs sync jobs on a target ferryd and POST /admin/sync/{id}/run as different users.
// There is no case C3 in the spec.
#include <gtest/gtest.h>

#include "sync_cases_support.h"

namespace ferry {
namespace {

using test::contains;
using test::grp;
using test::t;
using test::TestDatastoreSpec;

class SyncCasesCTest : public test::SyncCasesFixture {};

TEST_F(SyncCasesCTest, C1_NewGroupsGetTheJobOwner) {
  ASSERT_NO_FATAL_FAILURE(serve({.snapshots = {{.group = "vm/100", .time = t(1)}}}));
  auto r = pull(params());
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  EXPECT_EQ(owner_file("", "vm/100"), "root@pam\n");
  EXPECT_EQ(expect_synced_identical(), 1u);

  // The same with the job owner sync@pbs (Datastore.Backup on the target store).
  ASSERT_TRUE(dst_->delete_group({}, grp("vm/100")));
  ASSERT_NO_FATAL_FAILURE(set_acl("acl:1:/datastore/local:sync@pbs:DatastoreBackup\n"));
  auto p = params();
  p.owner = *types::Authid::parse("sync@pbs");
  auto again = pull(p);
  ASSERT_TRUE(again && again->errors == 0) << log_.text();
  EXPECT_EQ(owner_file("", "vm/100"), "sync@pbs\n");
  EXPECT_EQ(expect_synced_identical(), 1u);
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesCTest, C2_ForeignOwnedExistingGroupIsAnErrorNotASkip) {
  ASSERT_NO_FATAL_FAILURE(serve({.snapshots = {{.group = "vm/100", .time = t(1)},
                                               {.group = "vm/100", .time = t(2)},
                                               {.group = "vm/101", .time = t(1)}}}));
  // alice's local snapshot is not on the source (so it is not compared as a synced copy).
  const int64_t local_only = t(1) - 3600;
  add_target_snapshot({.group = "vm/100", .time = local_only}, "alice@pbs");
  Status r = run_job(params());
  ASSERT_FALSE(r) << log_.text();
  EXPECT_EQ(r.error().message(), "sync failed with some errors.");
  EXPECT_TRUE(contains(log_.text(),
                       "sync group vm/100 failed - owner check failed (root@pam != alice@pbs)"))
      << log_.text();
  EXPECT_EQ(target_times("", "vm/100"), std::vector<int64_t>{local_only});
  EXPECT_EQ(owner_file("", "vm/100"), "alice@pbs\n");
  EXPECT_EQ(target_times("", "vm/101"), std::vector<int64_t>{t(1)});
  EXPECT_EQ(expect_synced_identical(), 1u);
  expect_only_complete_snapshots();
}

// C4 on the target ferryd. Ferry follows the PBS ≥ 3.2.11 modify-access rule, which also needs
// Datastore.Audit on the target store (api/access/sync_access.h), so u@pbs holds DatastoreAudit
// besides the spec's Datastore.Backup and Remote.Read throughout.
class SyncCasesC4Test : public SyncCasesCTest {
 protected:
  void SetUp() override {
    serve({.snapshots = {{.group = "vm/100", .time = t(1)}}});
    if (HasFatalFailure()) return;
    test::write_text_file(dst_etc_ / "user.cfg",
                          "user: admin@pbs\n\tenable true\n\texpire 0\n\n"
                          "user: u@pbs\n\tenable true\n\texpire 0\n\n"
                          "user: v@pbs\n\tenable true\n\texpire 0\n");
    test::write_text_file(dst_etc_ / "acl.cfg",
                          "acl:1:/:admin@pbs:Admin\n"
                          "acl:1:/datastore/local:u@pbs:DatastoreAudit,DatastoreBackup\n"
                          "acl:1:/remote/pbs2/src:u@pbs:RemoteSyncOperator\n");
    ASSERT_TRUE(auth::PbsAuthenticator(config::ConfigDir(dst_etc_)).store_password("u", "pw"));
    ASSERT_TRUE(auth::PbsAuthenticator(config::ConfigDir(dst_etc_)).store_password("v", "pw"));
    start_target();
    if (HasFatalFailure()) return;
    admin_ = api();
    user_ = api("u@pbs");
    ASSERT_NE(admin_, nullptr);
    ASSERT_NE(user_, nullptr);
    create("own", {{"owner", "u@pbs"}});
    create("own-rv", {{"owner", "u@pbs"}, {"remove-vanished", true}});
    create("root", nlohmann::json::object());
    create("other", {{"owner", "v@pbs"}});
  }

  void create(const std::string& id, nlohmann::json extra) {
    nlohmann::json job{
        {"id", id}, {"store", "local"}, {"remote", "pbs2"}, {"remote-store", "src"}};
    job.update(extra);
    auto r = admin_->post("/api2/json/config/sync", job);
    ASSERT_TRUE(r) << id << ": " << r.error().to_string();
  }

  void grant(const std::string& path, const std::string& role, bool remove = false) {
    auto r = admin_->put("/api2/json/access/acl",
                         {{"path", path}, {"role", role}, {"auth-id", "u@pbs"}, {"delete", remove}});
    ASSERT_TRUE(r) << path << " " << role << ": " << r.error().to_string();
  }

  // "" when u@pbs may run job `id` (its task is awaited), else the error text.
  std::string run_as_user(const std::string& id) {
    auto upid = user_->post("/api2/json/admin/sync/" + id + "/run");
    if (!upid) return upid.error().to_string();
    EXPECT_TRUE(upid->is_string()) << upid->dump();
    if (upid->is_string()) {
      const auto task = wait_task(*admin_, upid->get<std::string>());
      EXPECT_NE(task.exitstatus, "") << id << ": task did not end\n" << task.log;
    }
    return "";
  }

  void expect_refused(const std::string& id) {
    const std::string err = run_as_user(id);
    EXPECT_TRUE(contains(err, "permission check failed")) << id << ": " << err;
  }

  std::unique_ptr<client::HttpClient> admin_;
  std::unique_ptr<client::HttpClient> user_;
};

TEST_F(SyncCasesC4Test, C4_RunNowPermissionMatrix) {
  EXPECT_EQ(run_as_user("own"), "");
  expect_refused("own-rv");
  expect_refused("root");
  expect_refused("other");

  ASSERT_NO_FATAL_FAILURE(grant("/datastore/local", "DatastorePowerUser"));  // + Prune
  EXPECT_EQ(run_as_user("own-rv"), "");
  expect_refused("root");
  expect_refused("other");

  ASSERT_NO_FATAL_FAILURE(grant("/datastore/local", "DatastoreAdmin"));  // + Modify
  EXPECT_EQ(run_as_user("root"), "");
  EXPECT_EQ(run_as_user("other"), "");

  ASSERT_NO_FATAL_FAILURE(grant("/remote/pbs2/src", "RemoteSyncOperator", true));
  for (const char* id : {"own", "own-rv", "root", "other"}) expect_refused(id);
}

TEST_F(SyncCasesCTest, C5_GroupLockedByARunningBackupFailsOnlyThatGroup) {
  ASSERT_NO_FATAL_FAILURE(serve({.snapshots = {{.group = "vm/100", .time = t(1)},
                                               {.group = "vm/100", .time = t(2)},
                                               {.group = "vm/101", .time = t(1)}}}));
  // A backup into vm/100 holds the group lock (the backup protocol's create_locked_group).
  auto held = dst_->create_locked_group({}, grp("vm/100"), types::Authid::root());
  ASSERT_TRUE(held) << held.error().to_string();
  Status r = run_job(params());
  ASSERT_FALSE(r) << log_.text();
  EXPECT_EQ(r.error().message(), "sync failed with some errors.");
  const std::string log = log_.text();
  const long failed = test::line_index(log, "sync group vm/100 failed - group lock failed: ");
  ASSERT_GE(failed, 0) << log;
  EXPECT_TRUE(contains(test::split_lines(log)[size_t(failed)], "another backup is already running"))
      << log;
  EXPECT_EQ(test::exact_line_index(log, "create_locked_backup_group failed"), failed + 1) << log;
  EXPECT_TRUE(target_times("", "vm/100").empty());
  EXPECT_EQ(target_times("", "vm/101"), std::vector<int64_t>{t(1)});
  EXPECT_EQ(expect_synced_identical(), 1u);
  expect_only_complete_snapshots();
}

// C6: the remote user sync@pbs gets only Datastore.Backup on the source store; it owns vm/100
// there, backup@pbs owns vm/101.
TEST_F(SyncCasesCTest, C6_RemoteUserSeesOnlyOwnedGroups) {
  ASSERT_NO_FATAL_FAILURE(serve({.snapshots = {{.group = "vm/101", .time = t(1)}}}));
  add_source_snapshot({.group = "vm/100", .time = t(1), .image_chunks = {5}}, "sync@pbs");
  test::write_text_file(src_etc_ / "acl.cfg", "acl:1:/datastore/src:sync@pbs:DatastoreBackup\n");
  server_->stop(SIGTERM);
  ASSERT_EQ(server_->start(), "");  // same port, same certificate, the new ACL

  auto r = pull(params());
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  EXPECT_TRUE(contains(log_.text(), "found 1 groups to sync (out of 1 total)")) << log_.text();
  EXPECT_EQ(target_groups(), std::vector<std::string>{"vm/100"});
  EXPECT_EQ(expect_synced_identical(), 1u);

  // With remove-vanished, the job owner's local vm/101 counts as vanished: deleted.
  add_target_snapshot({.group = "vm/101", .time = t(1)});
  auto p = params();
  p.remove_vanished = true;
  log_.clear();
  auto again = pull(p);
  ASSERT_TRUE(again && again->errors == 0) << log_.text();
  EXPECT_TRUE(contains(log_.text(), "delete vanished group 'vm/101'")) << log_.text();
  EXPECT_EQ(target_groups(), std::vector<std::string>{"vm/100"});
  EXPECT_EQ(expect_synced_identical(), 1u);
  expect_only_complete_snapshots();
}

}  // namespace
}  // namespace ferry

// Group listing, filters, ownership and permissions of a pull, and local-to-local specifics
// (sync-test-cases.md §B, §C, §J; sync-semantics.md §4, §5, §11; decision S2).
#include <gtest/gtest.h>

#include "sync_test_support.h"

namespace ferry::sync::test {
namespace {

std::vector<std::string> target_groups(datastore::Datastore& store, const BackupNamespace& n = {}) {
  std::vector<std::string> out;
  auto list = store.list_groups(n);
  if (!list) return out;
  for (auto& g : *list) out.push_back(g.to_string());
  return out;
}

TestDatastoreSpec groups_spec(const std::vector<std::string>& groups) {
  TestDatastoreSpec spec;
  for (const auto& g : groups) spec.snapshots.push_back({.group = g, .time = t(1)});
  return spec;
}

const std::vector<std::string> kNineGroups = {"vm/101", "vm/102", "vm/103", "vm/104", "vm/105",
                                              "vm/106", "vm/107", "vm/108", "vm/109"};

class GroupFilterTest : public SyncTest {
 protected:
  // Pulls the nine groups with `filters`; returns the groups that arrived.
  std::vector<std::string> pull_with(const std::vector<std::string>& filters) {
    make_source(groups_spec(kNineGroups));
    PullParams p = params();
    for (const auto& f : filters) p.group_filter.push_back(*types::GroupFilter::parse(f));
    auto r = pull(p);
    EXPECT_TRUE(r && r->errors == 0) << log_.dump();
    return target_groups(*dst_);
  }
};

TEST_F(GroupFilterTest, B1_NoFilterSelectsEverything) {
  EXPECT_EQ(pull_with({}), kNineGroups);
  EXPECT_TRUE(log_.has("found 9 groups to sync (out of 9 total)")) << log_.dump();
}

TEST_F(GroupFilterTest, B2_IncludeRegex) {
  EXPECT_EQ(pull_with({"regex:.*10[2-8]"}),
            (std::vector<std::string>{"vm/102", "vm/103", "vm/104", "vm/105", "vm/106", "vm/107",
                                      "vm/108"}));
  EXPECT_TRUE(log_.has("found 7 groups to sync (out of 9 total)")) << log_.dump();
}

TEST_F(GroupFilterTest, B3_OnlyExcludes) {
  EXPECT_EQ(pull_with({"exclude:regex:.*10[1-3]", "exclude:regex:.*10[5-7]"}),
            (std::vector<std::string>{"vm/104", "vm/108", "vm/109"}));
}

TEST_F(GroupFilterTest, B4_IncludeAndExcludeCombinedInAnyOrder) {
  EXPECT_EQ(pull_with({"regex:.*10[2-8]", "exclude:regex:.*10[5-7]", "exclude:regex:.*10[1-3]"}),
            (std::vector<std::string>{"vm/104", "vm/108"}));
}

TEST_F(GroupFilterTest, B4_IncludeAndExcludeCombinedExcludeFirst) {
  EXPECT_EQ(pull_with({"exclude:regex:.*10[1-3]", "regex:.*10[2-8]", "exclude:regex:.*10[5-7]"}),
            (std::vector<std::string>{"vm/104", "vm/108"}));
}

TEST_F(SyncTest, B5_UnionOfDifferentIncludeTypes) {
  make_source(groups_spec({"ct/200", "ct/201", "vm/100", "vm/101", "host/srv"}));
  PullParams p = params();
  p.group_filter = {*types::GroupFilter::parse("type:ct"),
                    *types::GroupFilter::parse("group:vm/100")};
  ASSERT_TRUE(pull(p));
  EXPECT_EQ(target_groups(*dst_), (std::vector<std::string>{"ct/200", "ct/201", "vm/100"}));
  // PBS group order: type name, then numeric ids numerically.
  EXPECT_LT(log_.index_of("sync snapshot ct/201"), log_.index_of("sync snapshot vm/100"));
}

TEST_F(SyncTest, B8_FilteredOutGroupsAreProtectedFromRemoveVanished) {
  make_source(groups_spec({"vm/300"}));
  for (auto g : {"vm/100", "ct/200"}) {
    ASSERT_TRUE(
        ferry::test::write_test_snapshot(*dst_, {.group = g, .time = t(1)}, aid("root@pam")));
  }
  PullParams p = params();
  p.group_filter = {*types::GroupFilter::parse("type:vm")};
  p.remove_vanished = true;
  auto r = pull(p);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(target_groups(*dst_), (std::vector<std::string>{"ct/200", "vm/300"}));
  EXPECT_TRUE(log_.has("delete vanished group 'vm/100'"));
  EXPECT_EQ(r->removed_groups, 1u);
}

TEST_F(SyncTest, C1_NewGroupsGetTheJobOwner) {
  make_source(groups_spec({"vm/100"}));
  ASSERT_TRUE(pull(params()));
  auto text = fs::read_text_file(dst_->group_path({}, grp("vm/100")) / "owner", 1024);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "root@pam\n");
}

TEST_F(SyncTest, C1_NewGroupsGetAConfiguredOwner) {
  make_source(groups_spec({"vm/100"}));
  set_acl(
      "acl:1:/datastore/local:sync@pbs:DatastoreBackup\n"
      "acl:1:/datastore/src:sync@pbs:DatastoreReader\n");
  PullParams p = params();
  p.owner = aid("sync@pbs");
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_EQ(*fs::read_text_file(dst_->group_path({}, grp("vm/100")) / "owner", 1024), "sync@pbs\n");
}

TEST_F(SyncTest, C2_ForeignOwnedExistingGroupIsAnErrorNotASkip) {
  make_source(groups_spec({"vm/100", "vm/101"}));
  add_source_snapshot({.group = "vm/100", .time = t(2)});
  ASSERT_TRUE(
      ferry::test::write_test_snapshot(*dst_, {.group = "vm/100", .time = t(1)}, aid("alice@pbs")));
  auto r = pull(params());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->errors, 1u);
  EXPECT_TRUE(log_.has("sync group vm/100 failed - owner check failed (root@pam != alice@pbs)"))
      << log_.dump();
  EXPECT_EQ(target_times({}, "vm/100"), std::vector<int64_t>{t(1)});
  expect_synced_copy({}, {}, snap("vm/101", t(1)));
  EXPECT_FALSE(run_job(params()));
}

TEST_F(SyncTest, C2_S2_GroupOwnedByATokenOfTheJobOwnerIsSynced) {
  make_source(groups_spec({"vm/100"}));
  add_source_snapshot({.group = "vm/100", .time = t(2)});
  ASSERT_TRUE(ferry::test::write_test_snapshot(*dst_, {.group = "vm/100", .time = t(1)},
                                               aid("sync@pbs!tok")));
  set_acl(
      "acl:1:/datastore/local:sync@pbs:DatastoreBackup\n"
      "acl:1:/datastore/src:sync@pbs:DatastoreReader\n");
  PullParams p = params();
  p.owner = aid("sync@pbs");
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  expect_synced_copy({}, {}, snap("vm/100", t(2)));
}

TEST_F(SyncTest, C5_GroupLockedByARunningBackupFailsOnlyThatGroup) {
  make_source(groups_spec({"vm/100", "vm/101"}));
  auto held = dst_->create_locked_group({}, grp("vm/100"), aid("root@pam"));
  ASSERT_TRUE(held);
  auto r = pull(params());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->errors, 1u);
  EXPECT_TRUE(log_.has("sync group vm/100 failed - group lock failed: ")) << log_.dump();
  EXPECT_EQ(log_.index_of("create_locked_backup_group failed"),
            log_.index_of("sync group vm/100 failed") + 1);
  EXPECT_TRUE(target_times({}, "vm/100").empty());
  expect_synced_copy({}, {}, snap("vm/101", t(1)));
}

// J2 (and C6 for the local source): the job owner sees only its own source groups with
// Datastore.Backup, all of them with Datastore.Read.
TEST_F(SyncTest, J2_JobOwnerWithBackupPrivilegeSeesOnlyOwnedSourceGroups) {
  make_source({});
  add_source_snapshot({.group = "vm/100", .time = t(1)}, "u@pbs");
  add_source_snapshot({.group = "vm/101", .time = t(1)}, "root@pam");
  ASSERT_TRUE(
      ferry::test::write_test_snapshot(*dst_, {.group = "vm/101", .time = t(1)}, aid("u@pbs")));
  set_acl(
      "acl:1:/datastore/local:u@pbs:DatastorePowerUser\n"
      "acl:1:/datastore/src:u@pbs:DatastoreBackup\n");
  PullParams p = params();
  p.owner = aid("u@pbs");
  p.remove_vanished = true;
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_TRUE(log_.has("found 1 groups to sync (out of 1 total)")) << log_.dump();
  // vm/101 is invisible on the source, so the owner's local copy counts as vanished (C6).
  EXPECT_EQ(target_groups(*dst_), std::vector<std::string>{"vm/100"});
}

TEST_F(SyncTest, J2_JobOwnerWithReadPrivilegeSeesEveryGroup) {
  make_source({});
  add_source_snapshot({.group = "vm/100", .time = t(1)}, "u@pbs");
  add_source_snapshot({.group = "vm/101", .time = t(1)}, "root@pam");
  set_acl(
      "acl:1:/datastore/local:u@pbs:DatastoreBackup\n"
      "acl:1:/datastore/src:u@pbs:DatastoreReader\n");
  PullParams p = params();
  p.owner = aid("u@pbs");
  ASSERT_TRUE(pull(p));
  EXPECT_EQ(target_groups(*dst_), (std::vector<std::string>{"vm/100", "vm/101"}));
}

TEST_F(SyncTest, J1_BasicLocalSyncCopiesArchivesChunksAndClientLogs) {
  make_source(groups_spec({"vm/100"}));
  add_source_snapshot({.group = "vm/100", .time = t(2), .image_chunks = {7, 8}});
  for (int64_t time : {t(1), t(2)}) {
    auto blob = datastore::DataBlob::encode(as_bytes(std::string("client log\n")), nullptr, true);
    ASSERT_TRUE(fs::atomic_replace(
        src_->snapshot_path({}, snap("vm/100", time)) / "client.log.blob", ByteView(blob->raw())));
  }
  ASSERT_TRUE(run_job(params())) << log_.dump();
  EXPECT_TRUE(log_.has("sync datastore 'local' from 'src'"));
  EXPECT_EQ(log_.count("got backup log file \"client.log.blob\""), 2u) << log_.dump();
  // Client logs are copied for local syncs too (PBS ≥ 4.1.11), so the copies are identical.
  expect_synced_copy({}, {}, snap("vm/100", t(1)));
  expect_synced_copy({}, {}, snap("vm/100", t(2)));
  EXPECT_EQ(log_.lines().front(), "Starting datastore sync job '-:src:local::job1'");
  EXPECT_EQ(log_.lines().back(), "sync job '-:src:local::job1' end");
}

TEST_F(SyncTest, GroupWorkersPullGroupsConcurrentlyWithTheSameResult) {
  TestDatastoreSpec spec;
  for (int i = 0; i < 8; ++i) {
    for (int day = 1; day <= 2; ++day) {
      spec.snapshots.push_back({.group = "vm/" + std::to_string(100 + i),
                                .time = t(day),
                                .image_chunks = {uint64_t(100 * i + day), uint64_t(7)},
                                .stream_seed = uint64_t(50 + i)});
    }
  }
  make_source(spec);
  PullParams p = params();
  p.group_workers = 4;
  p.verify_threads = 2;
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_EQ(r->groups, 8u);
  EXPECT_EQ(r->snapshots, 16u);
  for (int i = 0; i < 8; ++i) {
    for (int day = 1; day <= 2; ++day) {
      expect_synced_copy({}, {}, snap("vm/" + std::to_string(100 + i), t(day)));
    }
  }
  // Lines of concurrent groups are attributable.
  EXPECT_TRUE(log_.has("vm/103: sync snapshot vm/103/2024-06-02T00:00:00Z done")) << log_.dump();
  EXPECT_TRUE(log_.has("vm/103: snapshot 2/2 within vm/103 is done, "));
  EXPECT_TRUE(log_.has(": group sync done: percentage done: 100.00% (8/8 groups)"));
}

}  // namespace
}  // namespace ferry::sync::test

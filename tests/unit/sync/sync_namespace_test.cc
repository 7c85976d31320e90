// Namespace discovery, mapping, creation and removal of a pull (sync-test-cases.md §A, I7;
// sync-semantics.md §3; decisions S1, S8, S9).
#include <gtest/gtest.h>

#include "sync_test_support.h"

namespace ferry::sync::test {
namespace {

TestDatastoreSpec site_tree() {
  TestDatastoreSpec spec;
  spec.namespaces = {"site1",          "site1/rack1", "site1/rack1/web",
                     "site1/rack1/db", "site1/rack2", "site2"};
  uint64_t seed = 10;
  for (const auto& n : spec.namespaces) {
    spec.snapshots.push_back({.ns = n, .group = "vm/100", .time = t(1), .image_chunks = {seed++}});
  }
  return spec;
}

std::vector<std::string> target_namespaces(datastore::Datastore& store) {
  std::vector<std::string> out;
  auto list = store.list_namespaces({}, 7);
  if (!list) return out;
  for (auto& n : *list) out.push_back(n.to_string());
  return out;
}

// Makes the source look like a PBS without namespace support (404 on the namespace list).
void old_remote(CountingSource& s) {
  s.faults.list_namespaces = [] {
    return Result<std::optional<std::vector<BackupNamespace>>>(std::nullopt);
  };
}

TEST_F(SyncTest, A1_BackwardsCompatFallbackSyncsRootAndEndsWithWarnings) {
  TestDatastoreSpec spec;
  spec.snapshots = {{.group = "vm/100", .time = t(1)}, {.group = "vm/101", .time = t(1)}};
  make_source(spec);
  setup_source_ = old_remote;
  PullParams p = params();
  p.remote = "pbs2";
  ASSERT_TRUE(run_job(p)) << log_.dump();
  EXPECT_TRUE(target_has({}, "vm/100", t(1)));
  EXPECT_TRUE(target_has({}, "vm/101", t(1)));
  // Decision S1: both warnings, no failure (PBS 3.2.4 failed the job here).
  EXPECT_EQ(log_.warnings(), 2u) << log_.dump();
  EXPECT_TRUE(
      log_.has("WARN: Could not query remote for namespaces (404) -> temporarily "
               "switching to backwards-compat mode"));
  EXPECT_TRUE(
      log_.has("WARN: Either make backwards-compat mode explicit (max-depth == 0) or "
               "upgrade remote system."));
  EXPECT_FALSE(log_.has("Finished syncing")) << log_.dump();
}

TEST_F(SyncTest, A2_ExplicitCompatModeDoesNotQueryNamespaces) {
  TestDatastoreSpec spec;
  spec.snapshots = {{.group = "vm/100", .time = t(1)}, {.group = "vm/101", .time = t(1)}};
  make_source(spec);
  setup_source_ = old_remote;
  PullParams p = params();
  p.max_depth = 0;
  ASSERT_TRUE(run_job(p)) << log_.dump();
  EXPECT_EQ(last_calls_.list_namespaces, 0u);
  EXPECT_EQ(log_.warnings(), 0u);
  EXPECT_TRUE(target_has({}, "vm/100", t(1)));
  EXPECT_TRUE(target_has({}, "vm/101", t(1)));
}

TEST_F(SyncTest, A3_NamespaceOnSourceWithoutNamespaceSupportFails) {
  TestDatastoreSpec spec;
  spec.namespaces = {"a"};
  spec.snapshots = {{.ns = "a", .group = "vm/100", .time = t(1)}};
  make_source(spec);
  setup_source_ = old_remote;
  PullParams p = params();
  p.source_ns = ns("a");
  auto r = pull(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "Remote namespace set/recursive sync requested, but remote does not support "
            "namespaces.");
  EXPECT_EQ(target_namespaces(*dst_), std::vector<std::string>{""});
  EXPECT_TRUE(dst_->list_groups({})->empty());
}

TEST_F(SyncTest, A4_SubtreeMappingWithFullRecursion) {
  make_source(site_tree());
  PullParams p = params();
  p.source_ns = ns("site1/rack1");
  p.target_ns = ns("r1copy");
  set_acl("");  // root@pam: every privilege
  auto r = pull(p);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->errors, 0u) << log_.dump();
  EXPECT_EQ(target_namespaces(*dst_),
            (std::vector<std::string>{"", "r1copy", "r1copy/db", "r1copy/web"}));
  for (auto [s, d] : {std::pair{"site1/rack1", "r1copy"},
                      {"site1/rack1/web", "r1copy/web"},
                      {"site1/rack1/db", "r1copy/db"}}) {
    expect_synced_copy(ns(s), ns(d), snap("vm/100", t(1)));
  }
  EXPECT_EQ(log_.count("Created namespace "), 3u) << log_.dump();
  long parent = log_.index_of("Created namespace r1copy");
  EXPECT_GE(parent, 0);
  EXPECT_LT(parent, log_.index_of("Created namespace r1copy/web"));
  EXPECT_LT(parent, log_.index_of("Created namespace r1copy/db"));
  EXPECT_TRUE(
      log_.has("Syncing datastore 'src', namespace 'site1/rack1' into datastore "
               "'local', namespace 'r1copy'"));
  // Correct running totals (decision S8).
  EXPECT_TRUE(
      log_.has("Finished syncing namespace site1/rack1/web, current progress: 3 groups, "
               "3 snapshots"))
      << log_.dump();
}

TEST_F(SyncTest, A6_AnchorOnlyWithMaxDepthZero) {
  make_source(site_tree());
  PullParams p = params();
  p.source_ns = ns("site1/rack1");
  p.target_ns = ns("r1copy");
  p.max_depth = 0;
  auto r = pull(p);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(target_namespaces(*dst_), (std::vector<std::string>{"", "r1copy"}));
  expect_synced_copy(ns("site1/rack1"), ns("r1copy"), snap("vm/100", t(1)));
  EXPECT_FALSE(log_.has("Finished syncing")) << "max-depth 0 prints no progress line";
}

TEST_F(SyncTest, A8_DepthLimitAtRunTimeFailsBeforeAnyGroup) {
  TestDatastoreSpec spec;
  spec.namespaces = {"site1", "site1/x", "site1/x/y", "site1/x/y/z"};
  spec.snapshots = {{.ns = "site1", .group = "vm/100", .time = t(1)}};
  make_source(spec);
  for (auto n : {"a", "a/b", "a/b/c", "a/b/c/d", "a/b/c/d/e"}) {
    ASSERT_TRUE(dst_->create_namespace(ns(n)));
  }
  PullParams p = params();
  p.source_ns = ns("site1");
  p.target_ns = ns("a/b/c/d/e");
  auto r = pull(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "Syncing would exceed max allowed namespace depth. (3+5 > 7)");
  EXPECT_EQ(last_calls_.open_reader, 0u);
  EXPECT_FALSE(log_.has("sync snapshot"));
}

TEST_F(SyncTest, A9_NamespaceCreationNotPermittedFailsOnlyThatNamespace) {
  TestDatastoreSpec spec;
  spec.namespaces = {"p", "q"};
  spec.snapshots = {{.ns = "p", .group = "vm/100", .time = t(1)},
                    {.ns = "q", .group = "vm/100", .time = t(1)}};
  make_source(spec);
  ASSERT_TRUE(dst_->create_namespace(ns("p")));
  set_acl(
      "acl:1:/datastore/local:sync@pbs:DatastoreBackup\n"
      "acl:1:/datastore/src:sync@pbs:DatastoreReader\n");
  PullParams p = params();
  p.owner = aid("sync@pbs");
  auto r = pull(p);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->errors, 1u) << log_.dump();
  expect_synced_copy(ns("p"), ns("p"), snap("vm/100", t(1)));
  EXPECT_TRUE(
      log_.has("Cannot sync datastore 'src', namespace 'q' into datastore 'local', "
               "namespace 'q' - Creating q not allowed - missing permissions "
               "'Datastore.Modify' on '/datastore/local'"))
      << log_.dump();
  EXPECT_FALSE(*dst_->namespace_exists(ns("q")));
  EXPECT_EQ(*dst_->get_owner(ns("p"), grp("vm/100")), aid("sync@pbs"));
  Status job = run_job(p);
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error().message(), "sync failed with some errors.");
}

// Target: namespaces keep (on the source) and gone (not), gone holding `groups` (owner per
// group), optionally one protected snapshot.
class VanishedNamespaceTest : public SyncTest {
 protected:
  void prepare(const std::vector<std::pair<std::string, std::string>>& groups, bool one_protected) {
    TestDatastoreSpec spec;
    spec.namespaces = {"keep"};
    spec.snapshots = {{.ns = "keep", .group = "vm/100", .time = t(1)}};
    make_source(spec);
    ASSERT_TRUE(dst_->create_namespace(ns("keep")));
    ASSERT_TRUE(dst_->create_namespace(ns("gone")));
    for (const auto& [group, owner] : groups) {
      TestSnapshotSpec s{.ns = "gone", .group = group, .time = t(1)};
      s.is_protected = one_protected;
      ASSERT_TRUE(ferry::test::write_test_snapshot(*dst_, s, aid(owner)));
    }
  }
};

TEST_F(VanishedNamespaceTest, A10_RemoveVanishedNamespaceWithTheJobOwnersGroups) {
  prepare({{"vm/200", "root@pam"}, {"vm/201", "root@pam"}}, false);
  PullParams p = params();
  p.remove_vanished = true;
  ASSERT_TRUE(run_job(p)) << log_.dump();
  EXPECT_FALSE(*dst_->namespace_exists(ns("gone")));
  EXPECT_TRUE(*dst_->namespace_exists(ns("keep")));
  EXPECT_TRUE(log_.has("Removed namespace gone")) << log_.dump();
  EXPECT_TRUE(log_.has("Summary: removed vanished: snapshots: 2, groups: 2, namespaces: 1"))
      << log_.dump();
}

TEST_F(VanishedNamespaceTest, A10_S9_VanishedNamespaceKeepsGroupsOfOtherOwners) {
  prepare({{"vm/200", "bob@pbs"}, {"vm/201", "root@pam"}}, false);
  PullParams p = params();
  p.remove_vanished = true;
  ASSERT_TRUE(run_job(p)) << log_.dump();
  // Decision S9: PBS would delete bob's group too; Ferry removes only the job owner's.
  EXPECT_TRUE(*dst_->group_exists(ns("gone"), grp("vm/200")));
  EXPECT_FALSE(*dst_->group_exists(ns("gone"), grp("vm/201")));
  EXPECT_TRUE(*dst_->namespace_exists(ns("gone")));
  EXPECT_TRUE(log_.has("Did not remove namespace gone - groups not owned by root@pam"))
      << log_.dump();
  EXPECT_TRUE(log_.has("Summary: removed vanished: snapshots: 1, groups: 1, namespaces: 0"));
}

TEST_F(VanishedNamespaceTest, A10_ProtectedSnapshotKeepsVanishedNamespaceWithoutFailing) {
  prepare({{"vm/200", "root@pam"}}, true);
  PullParams p = params();
  p.remove_vanished = true;
  ASSERT_TRUE(run_job(p)) << log_.dump();
  EXPECT_TRUE(*dst_->namespace_exists(ns("gone")));
  EXPECT_TRUE(log_.has("Did not remove namespace gone - protected snapshots remain"))
      << log_.dump();
  EXPECT_TRUE(log_.has("namespaces: 0"));
}

TEST_F(VanishedNamespaceTest, A10_WithoutRemoveVanishedNothingIsRemoved) {
  prepare({{"vm/200", "root@pam"}}, false);
  ASSERT_TRUE(run_job(params())) << log_.dump();
  EXPECT_TRUE(*dst_->group_exists(ns("gone"), grp("vm/200")));
  EXPECT_FALSE(log_.has("Summary: removed vanished"));
}

TEST_F(SyncTest, I7_LocalSyncIntoTheSameDatastoreIsRefused) {
  make_source({});
  PullParams p = params();
  p.source_store = "local";
  auto r = pull(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "can't sync to same datastore");
}

TEST_F(SyncTest, RootToRootMirrorsEveryNamespace) {
  make_source(site_tree());
  auto r = pull(params());
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(target_namespaces(*dst_),
            (std::vector<std::string>{"", "site1", "site1/rack1", "site1/rack1/db",
                                      "site1/rack1/web", "site1/rack2", "site2"}));
  EXPECT_TRUE(
      log_.has("Finished syncing root namespace, current progress: 0 groups, "
               "0 snapshots"))
      << log_.dump();
  expect_synced_copy(ns("site1/rack2"), ns("site1/rack2"), snap("vm/100", t(1)));
}

}  // namespace
}  // namespace ferry::sync::test

// remove-vanished and protection (sync-test-cases.md §F; sync-semantics.md §4.3, §6.5, §8;
// decision S6).
#include <gtest/gtest.h>

#include "sync_test_support.h"

namespace ferry::sync::test {
namespace {

TestDatastoreSpec days_spec(int from, int to) {
  TestDatastoreSpec spec;
  for (int d = from; d <= to; ++d) spec.snapshots.push_back({.group = "vm/100", .time = t(d)});
  return spec;
}

class VanishedSnapshotTest : public SyncTest {
 protected:
  // Target t1…t5 synced; t1 then deleted on the source.
  void prepare() {
    make_source(days_spec(1, 5));
    ASSERT_TRUE(pull(params()));
    ASSERT_TRUE(src_->delete_snapshot({}, snap("vm/100", t(1))));
    log_.clear();
  }
};

TEST_F(VanishedSnapshotTest, F1_VanishedSnapshotIsDeleted) {
  prepare();
  PullParams p = params();
  p.remove_vanished = true;
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_TRUE(log_.has("delete vanished snapshot vm/100/2024-06-01T00:00:00Z")) << log_.dump();
  EXPECT_FALSE(target_has({}, "vm/100", t(1)));
  EXPECT_EQ(r->removed_snapshots, 1u);
}

TEST_F(VanishedSnapshotTest, F1_ProtectedVanishedSnapshotIsKept) {
  prepare();
  ASSERT_TRUE(dst_->set_protected({}, snap("vm/100", t(1)), true));
  PullParams p = params();
  p.remove_vanished = true;
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_TRUE(log_.has("don't delete vanished snapshot vm/100/2024-06-01T00:00:00Z (protected)"))
      << log_.dump();
  EXPECT_TRUE(target_has({}, "vm/100", t(1)));
  EXPECT_EQ(r->removed_snapshots, 0u);
}

TEST_F(VanishedSnapshotTest, F3_FlagOffDeletesNothing) {
  prepare();
  ASSERT_TRUE(run_job(params())) << log_.dump();
  EXPECT_TRUE(target_has({}, "vm/100", t(1)));
  EXPECT_FALSE(log_.has("Summary: removed vanished"));
  EXPECT_FALSE(log_.has("delete vanished"));
}

TEST_F(VanishedSnapshotTest, F6_NoSnapshotDeletionAfterAFailedGroup) {
  prepare();
  TestSnapshotSpec t6{.group = "vm/100", .time = t(6), .image_chunks = {60}};
  add_source_snapshot(t6);
  replace_chunk(*src_, ferry::test::test_image_chunk_digest(t6, 0), 1234);
  PullParams p = params();
  p.remove_vanished = true;
  auto r = pull(p);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->errors, 1u) << log_.dump();
  EXPECT_TRUE(target_has({}, "vm/100", t(1)));
  EXPECT_FALSE(log_.has("delete vanished snapshot"));
}

class VanishedGroupTest : public SyncTest {
 protected:
  // Source: vm/100; target additionally vm/300 (job owner's, 3 snapshots).
  void prepare(bool one_protected) {
    make_source(days_spec(1, 1));
    for (int d = 1; d <= 3; ++d) {
      TestSnapshotSpec s{.group = "vm/300", .time = t(d)};
      s.is_protected = one_protected && d == 2;
      ASSERT_TRUE(ferry::test::write_test_snapshot(*dst_, s, aid("root@pam")));
    }
  }
};

TEST_F(VanishedGroupTest, F2_VanishedGroupIsDeleted) {
  prepare(false);
  PullParams p = params();
  p.remove_vanished = true;
  ASSERT_TRUE(run_job(p)) << log_.dump();
  EXPECT_TRUE(log_.has("delete vanished group 'vm/300'"));
  EXPECT_FALSE(*dst_->group_exists({}, grp("vm/300")));
  EXPECT_TRUE(log_.has("Summary: removed vanished: snapshots: 3, groups: 1, namespaces: 0"))
      << log_.dump();
}

TEST_F(VanishedGroupTest, F2_ProtectedSnapshotKeepsTheVanishedGroup) {
  prepare(true);
  PullParams p = params();
  p.remove_vanished = true;
  ASSERT_TRUE(run_job(p)) << log_.dump();
  EXPECT_TRUE(log_.has("kept some protected snapshots of group 'vm/300'")) << log_.dump();
  EXPECT_EQ(target_times({}, "vm/300"), std::vector<int64_t>{t(2)});
  EXPECT_TRUE(log_.has("Summary: removed vanished: snapshots: 2, groups: 0, namespaces: 0"))
      << log_.dump();
}

TEST_F(VanishedGroupTest, F2_GroupOfAnotherOwnerIsNeverDeleted) {
  make_source(days_spec(1, 1));
  ASSERT_TRUE(
      ferry::test::write_test_snapshot(*dst_, {.group = "vm/300", .time = t(1)}, aid("bob@pbs")));
  PullParams p = params();
  p.remove_vanished = true;
  ASSERT_TRUE(run_job(p)) << log_.dump();
  EXPECT_TRUE(*dst_->group_exists({}, grp("vm/300")));
}

TEST_F(SyncTest, F4_SummaryWithZeros) {
  make_source(days_spec(1, 1));
  PullParams p = params();
  p.remove_vanished = true;
  ASSERT_TRUE(run_job(p)) << log_.dump();
  EXPECT_TRUE(log_.has("Summary: removed vanished: snapshots: 0, groups: 0, namespaces: 0"));
}

TEST_F(SyncTest, F5_ProtectionIsNotSynced) {
  TestDatastoreSpec spec = days_spec(1, 1);
  spec.snapshots[0].is_protected = true;
  make_source(spec);
  ASSERT_TRUE(pull(params()));
  EXPECT_FALSE(*dst_->is_protected({}, snap("vm/100", t(1))));
  expect_synced_copy({}, {}, snap("vm/100", t(1)));
}

TEST_F(SyncTest, F7_TransferLastNeverDeletes) {
  make_source(days_spec(1, 5));
  ASSERT_TRUE(pull(params()));
  for (int d = 6; d <= 10; ++d) add_source_snapshot({.group = "vm/100", .time = t(d)});
  PullParams p = params();
  p.transfer_last = 2;
  p.remove_vanished = true;
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_EQ(r->removed_snapshots, 0u);
  EXPECT_EQ(target_times({}, "vm/100"),
            (std::vector<int64_t>{t(1), t(2), t(3), t(4), t(5), t(9), t(10)}));
}

TEST_F(SyncTest, S6_ResyncWithAChangedManifestKeepsTheProtectionMarker) {
  make_source(days_spec(1, 2));
  ASSERT_TRUE(pull(params()));
  const BackupDir t2 = snap("vm/100", t(2));
  ASSERT_TRUE(dst_->set_protected({}, t2, true));
  ASSERT_TRUE(src_->update_manifest({}, t2, [](auto& m) { return m.set_notes("changed"); }));
  auto r = pull(params());
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_EQ(dst_->load_manifest({}, t2)->notes(), "changed");
  EXPECT_TRUE(*dst_->is_protected({}, t2)) << "PBS removed it here; Ferry never does (S6)";
  expect_synced_copy({}, {}, t2);
}

}  // namespace
}  // namespace ferry::sync::test

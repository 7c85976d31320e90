// sync-test-cases.md §D (snapshot selection) against a real source ferryd over TLS (issue #6):
// pulls in-process through the remote `pbs2`. D10 is a configuration case, tested on the target
// ferryd's /config/sync. There are no cases D4 and D9 in the spec.
//
// Skip reports use the PBS ≥ 3.2.8 reason text "older than the newest snapshot present on sync
// target" (sync-semantics.md §6.3; the spec's D2/D6 quote the 3.2.4 text "older than the newest
// local snapshot"), emitted after the selection loop as PBS ≥ 3.2.9 does (decision S3).
#include <gtest/gtest.h>

#include "sync_cases_support.h"

namespace ferry {
namespace {

using test::contains;
using test::exact_line_index;
using test::line_index;
using test::t;
using test::TestDatastoreSpec;

constexpr const char* kOlderReason = "older than the newest snapshot present on sync target";

// vm/100 with one snapshot per day `from`..`to`, each with its own chunk.
TestDatastoreSpec days(int from, int to) {
  TestDatastoreSpec spec;
  for (int d = from; d <= to; ++d) {
    spec.snapshots.push_back({.group = "vm/100", .time = t(d), .image_chunks = {uint64_t(d), 100}});
  }
  return spec;
}

std::vector<int64_t> times(std::initializer_list<int> day_list) {
  std::vector<int64_t> out;
  for (int d : day_list) out.push_back(t(d));
  return out;
}

std::string name(int day) {
  return fmt::format("vm/100/2024-06-{:02}T00:00:00Z", day);
}

class SyncCasesDTest : public test::SyncCasesFixture {
 protected:
  void add_source_days(int from, int to) {
    for (const auto& s : days(from, to).snapshots) add_source_snapshot(s);
  }

  sync::PullParams transfer_last(uint64_t n) const {
    auto p = params();
    p.transfer_last = n;
    return p;
  }

  void pull_ok(const sync::PullParams& p) {
    auto r = pull(p);
    ASSERT_TRUE(r) << r.error().to_string() << "\n" << log_.text();
    ASSERT_EQ(r->errors, 0u) << log_.text();
  }
};

TEST_F(SyncCasesDTest, D1_FirstSyncTransfersEverythingInAscendingOrder) {
  ASSERT_NO_FATAL_FAILURE(serve(days(1, 4)));
  ASSERT_NO_FATAL_FAILURE(pull_ok(params()));
  EXPECT_EQ(target_times("", "vm/100"), times({1, 2, 3, 4}));
  const std::string log = log_.text();
  long last = -1;
  for (int d = 1; d <= 4; ++d) {
    const long start = exact_line_index(log, "sync snapshot " + name(d));
    const long done = exact_line_index(log, "sync snapshot " + name(d) + " done");
    const long progress = line_index(log, "percentage done: ", done);
    EXPECT_GT(start, last) << name(d) << "\n" << log;
    EXPECT_GT(done, start) << name(d) << "\n" << log;
    EXPECT_GT(progress, done) << name(d) << "\n" << log;
    EXPECT_TRUE(contains(test::split_lines(log)[size_t(std::max(progress, 0L))],
                         fmt::format("({}/4 snapshots)", d)))
        << log;
    last = progress;
  }
  EXPECT_TRUE(contains(log, "percentage done: 25.00% (1/4 snapshots)")) << log;
  EXPECT_TRUE(contains(log, "percentage done: 100.00% (4/4 snapshots)")) << log;
  EXPECT_EQ(expect_synced_identical(), 4u);
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesDTest, D2_IncrementalRunResyncsTheNewestLocalSnapshot) {
  ASSERT_NO_FATAL_FAILURE(serve(days(1, 5)));
  ASSERT_NO_FATAL_FAILURE(pull_ok(params()));
  add_source_days(6, 8);
  log_.clear();
  ASSERT_NO_FATAL_FAILURE(pull_ok(params()));
  const std::string log = log_.text();
  const long skipped = exact_line_index(
      log, std::string("skipped: 4 snapshot(s) (2024-06-01T00:00:00Z .. 2024-06-04T00:00:00Z) - ") +
               kOlderReason);
  const long resync = exact_line_index(log, "re-sync snapshot " + name(5));
  ASSERT_GE(skipped, 0) << log;
  ASSERT_GE(resync, 0) << log;
  EXPECT_EQ(exact_line_index(log, "no data changes"), resync + 1) << log;
  for (int d = 6; d <= 8; ++d) {
    EXPECT_GT(exact_line_index(log, "sync snapshot " + name(d)), resync) << d << "\n" << log;
    EXPECT_GE(exact_line_index(log, "sync snapshot " + name(d) + " done"), 0) << d;
  }
  for (int d = 1; d <= 4; ++d) EXPECT_FALSE(contains(log, "snapshot " + name(d))) << log;
  EXPECT_EQ(target_times("", "vm/100"), times({1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(expect_synced_identical(), 8u);
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesDTest, D3_OlderLocalGapsAreNeverFilled) {
  ASSERT_NO_FATAL_FAILURE(serve(days(1, 5)));
  ASSERT_NO_FATAL_FAILURE(pull_ok(params()));
  ASSERT_TRUE(dst_->delete_snapshot({}, *types::BackupDir::create(test::grp("vm/100"), t(3))));
  for (int run = 0; run < 2; ++run) {
    log_.clear();
    ASSERT_NO_FATAL_FAILURE(pull_ok(params()));
    EXPECT_EQ(target_times("", "vm/100"), times({1, 2, 4, 5})) << "run " << run;
    EXPECT_FALSE(contains(log_.text(), "snapshot " + name(3))) << log_.text();
  }
  EXPECT_EQ(expect_synced_identical(), 4u);
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesDTest, D5_TransferLastOnAnEmptyTarget) {
  ASSERT_NO_FATAL_FAILURE(serve(days(1, 10)));
  ASSERT_NO_FATAL_FAILURE(pull_ok(transfer_last(3)));
  EXPECT_EQ(target_times("", "vm/100"), times({8, 9, 10}));
  EXPECT_GE(exact_line_index(log_.text(),
                             "skipped: 7 snapshot(s) (2024-06-01T00:00:00Z .. "
                             "2024-06-07T00:00:00Z) - due to transfer-last"),
            0)
      << log_.text();
  EXPECT_EQ(expect_synced_identical(), 3u);
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesDTest, D6_TransferLastWithAnExistingLocalSnapshot) {
  ASSERT_NO_FATAL_FAILURE(serve(days(1, 5)));
  ASSERT_NO_FATAL_FAILURE(pull_ok(transfer_last(1)));
  ASSERT_EQ(target_times("", "vm/100"), times({5}));
  add_source_days(6, 10);
  log_.clear();
  ASSERT_NO_FATAL_FAILURE(pull_ok(transfer_last(2)));
  const std::string log = log_.text();
  EXPECT_EQ(target_times("", "vm/100"), times({5, 9, 10}));
  EXPECT_GE(exact_line_index(log, "re-sync snapshot " + name(5)), 0) << log;
  EXPECT_GE(exact_line_index(log,
                             std::string("skipped: 4 snapshot(s) (2024-06-01T00:00:00Z .. "
                                         "2024-06-04T00:00:00Z) - ") +
                                 kOlderReason),
            0)
      << log;
  EXPECT_GE(exact_line_index(log,
                             "skipped: 3 snapshot(s) (2024-06-06T00:00:00Z .. "
                             "2024-06-08T00:00:00Z) - due to transfer-last"),
            0)
      << log;
  EXPECT_EQ(expect_synced_identical(), 3u);
  expect_only_complete_snapshots();
}

// D7, decision S3: PBS 3.2.4 also syncs t5 (the first snapshot after the "older" run bypasses
// transfer-last); Ferry has the ≥ 3.2.9 result, only t9 and t10.
TEST_F(SyncCasesDTest, D7_S3_TransferLastAlwaysAppliesAfterOlderSkips) {
  ASSERT_NO_FATAL_FAILURE(serve(days(1, 10)));
  const int64_t local_only = t(4) + 12 * 3600;  // 2024-06-04T12:00:00Z, not on the remote
  add_target_snapshot({.group = "vm/100", .time = local_only, .image_chunks = {77}});
  ASSERT_NO_FATAL_FAILURE(pull_ok(transfer_last(2)));
  EXPECT_EQ(target_times("", "vm/100"), (std::vector<int64_t>{local_only, t(9), t(10)}));
  EXPECT_FALSE(contains(log_.text(), "snapshot " + name(5))) << log_.text();
  EXPECT_EQ(expect_synced_identical(), 2u);
  expect_only_complete_snapshots();
}

// D8: t2 is being written on the source (its directory exists, its manifest not yet).
TEST_F(SyncCasesDTest, D8_InProgressRemoteSnapshotIsSkippedUntilFinished) {
  ASSERT_NO_FATAL_FAILURE(serve(days(1, 1)));
  const auto t2 = *types::BackupDir::create(test::grp("vm/100"), t(2));
  std::filesystem::create_directories(src_->snapshot_path({}, t2));
  ASSERT_NO_FATAL_FAILURE(pull_ok(params()));
  EXPECT_GE(exact_line_index(log_.text(), "skipping snapshot " + name(2) + " - in-progress backup"),
            0)
      << log_.text();
  EXPECT_EQ(target_times("", "vm/100"), times({1}));
  EXPECT_EQ(expect_synced_identical(), 1u);

  std::filesystem::remove_all(src_->snapshot_path({}, t2));
  add_source_days(2, 2);
  log_.clear();
  ASSERT_NO_FATAL_FAILURE(pull_ok(params()));
  const std::string log = log_.text();
  const long resync = exact_line_index(log, "re-sync snapshot " + name(1));
  ASSERT_GE(resync, 0) << log;
  EXPECT_EQ(exact_line_index(log, "no data changes"), resync + 1) << log;
  EXPECT_GT(exact_line_index(log, "sync snapshot " + name(2) + " done"), resync) << log;
  EXPECT_EQ(target_times("", "vm/100"), times({1, 2}));
  EXPECT_EQ(expect_synced_identical(), 2u);
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesDTest, D10_InvalidTransferLastIsRejected) {
  ASSERT_NO_FATAL_FAILURE(serve({}));
  ASSERT_NO_FATAL_FAILURE(start_target());
  auto c = api();
  ASSERT_NE(c, nullptr);
  nlohmann::json job{{"id", "job1"},           {"store", "local"},   {"remote", "pbs2"},
                     {"remote-store", "src"}, {"transfer-last", 0}};
  EXPECT_FALSE(c->post("/api2/json/config/sync", job)) << "created with transfer-last 0";
  job["transfer-last"] = 3;
  auto created = c->post("/api2/json/config/sync", job);
  ASSERT_TRUE(created) << created.error().to_string();
  auto update = c->put("/api2/json/config/sync/job1", {{"transfer-last", 0}});
  ASSERT_FALSE(update) << "updated to transfer-last 0";
  EXPECT_TRUE(contains(update.error().to_string(), "transfer-last")) << update.error().to_string();
  auto stored = c->get("/api2/json/config/sync/job1");
  ASSERT_TRUE(stored) << stored.error().to_string();
  EXPECT_EQ(stored->value("transfer-last", -1), 3) << stored->dump();
}

}  // namespace
}  // namespace ferry

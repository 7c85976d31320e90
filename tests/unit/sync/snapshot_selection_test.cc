#include "sync/snapshot_selection.h"

#include <gtest/gtest.h>

namespace ferry::sync {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kT1 = 1717200000;  // 2024-06-01T00:00:00Z
int64_t t(int k) { return kT1 + (k - 1) * kDay; }

std::vector<SourceSnapshot> source_days(std::initializer_list<int> days) {
  std::vector<SourceSnapshot> out;
  for (int d : days) out.push_back({t(d), false});
  return out;
}

std::vector<int64_t> times(const Selection& s) {
  std::vector<int64_t> out;
  for (auto& x : s.selected) out.push_back(x.time);
  return out;
}

TEST(SnapshotSelectionTest, EmptyTargetTakesEverything) {
  auto s = select_snapshots(source_days({3, 1, 2}), std::nullopt, {});
  EXPECT_EQ(times(s), (std::vector<int64_t>{t(1), t(2), t(3)}));
  EXPECT_TRUE(s.skipped.empty());
  EXPECT_EQ(s.source_times.size(), 3u);
}

TEST(SnapshotSelectionTest, ResyncsNewestLocalAndSkipsOlder) {
  auto s = select_snapshots(source_days({1, 2, 3, 4}), t(3), {});
  EXPECT_EQ(times(s), (std::vector<int64_t>{t(3), t(4)}));
  ASSERT_EQ(s.skipped.size(), 1u);
  EXPECT_EQ(format_skip_report(s.skipped[0]),
            "skipped: 2 snapshot(s) (2024-06-01T00:00:00Z .. 2024-06-02T00:00:00Z) - older than "
            "the newest snapshot present on sync target");
}

TEST(SnapshotSelectionTest, TransferLastKeepsNewestN) {
  auto s = select_snapshots(source_days({1, 2, 3, 4, 5}), std::nullopt, {.transfer_last = 2});
  EXPECT_EQ(times(s), (std::vector<int64_t>{t(4), t(5)}));
  ASSERT_EQ(s.skipped.size(), 1u);
  EXPECT_EQ(s.skipped[0].reason, SkipReport::Reason::TransferLast);
  EXPECT_EQ(s.skipped[0].count, 3u);
  EXPECT_EQ(s.source_times.size(), 5u);  // transfer-last never causes deletion
}

TEST(SnapshotSelectionTest, TransferLastStillAppliesAfterOlderSkips) {
  // PBS 3.2.4 selected t3 here by mistake; Ferry applies transfer-last (decision S3).
  auto s = select_snapshots(source_days({1, 2, 3, 4, 5}), t(2), {.transfer_last = 1});
  EXPECT_EQ(times(s), (std::vector<int64_t>{t(2), t(5)}));
  ASSERT_EQ(s.skipped.size(), 2u);
  EXPECT_EQ(s.skipped[0].count, 1u);  // t1 older
  EXPECT_EQ(s.skipped[1].count, 2u);  // t3, t4 transfer-last
}

TEST(SnapshotSelectionTest, LocalNewerThanSourceSuppressesEverything) {
  auto s = select_snapshots(source_days({1, 2}), t(5), {});
  EXPECT_TRUE(s.selected.empty());
  ASSERT_EQ(s.skipped.size(), 1u);
  EXPECT_EQ(s.skipped[0].count, 2u);
}

TEST(SnapshotSelectionTest, ResyncCorruptSelectsOldCorruptSnapshots) {
  auto src = source_days({1, 2, 3});
  src[0].local_corrupt = true;
  auto off = select_snapshots(src, t(3), {});
  EXPECT_EQ(times(off), (std::vector<int64_t>{t(3)}));
  auto on = select_snapshots(src, t(3), {.resync_corrupt = true});
  ASSERT_EQ(on.selected.size(), 2u);
  EXPECT_EQ(on.selected[0].time, t(1));
  EXPECT_TRUE(on.selected[0].corrupt);
  EXPECT_FALSE(on.selected[1].corrupt);
}

}  // namespace
}  // namespace ferry::sync

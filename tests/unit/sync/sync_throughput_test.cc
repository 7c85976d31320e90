// Throughput measurement behind the default of `worker-threads` (docs/design/sync.md
// "Concurrency"). Disabled by default (it takes a minute and its numbers depend on the
// machine); run it with
//   ferry_unit_sync_tests --gtest_also_run_disabled_tests --gtest_filter='*Throughput*'
#include <chrono>
#include <cstdio>

#include <gtest/gtest.h>

#include "sync_test_support.h"

namespace ferry::sync::test {
namespace {

constexpr int kGroups = 8;
constexpr int kSnapshotsPerGroup = 2;
constexpr int kChunksPerImage = 48;  // 48 × 64 KiB = 3 MiB per snapshot, all distinct

TEST(SyncThroughputTest, DISABLED_MeasureGroupWorkersAndVerifyThreads) {
  StoreTempDir dir;
  TestDatastoreSpec spec;
  spec.name = "src";
  uint64_t seed = 1000;
  for (int g = 0; g < kGroups; ++g) {
    for (int s = 1; s <= kSnapshotsPerGroup; ++s) {
      TestSnapshotSpec snap{.group = "vm/" + std::to_string(100 + g), .time = t(s)};
      snap.image_chunks.clear();
      for (int c = 0; c < kChunksPerImage; ++c) snap.image_chunks.push_back(seed++);
      snap.stream_seed = seed++;
      spec.snapshots.push_back(snap);
    }
  }
  auto src = ferry::test::make_test_datastore(dir / "src", dir / "locks", spec);
  ASSERT_TRUE(src) << src.error().to_string();
  auto users = make_user_info("");
  struct Config {
    size_t groups;
    size_t verify;
  };
  for (int round = 0; round < 2; ++round) {
    for (Config c : {Config{1, 4}, Config{2, 4}, Config{4, 4}, Config{1, 1}, Config{2, 2}}) {
      std::string name =
          "dst" + std::to_string(round) + std::to_string(c.groups) + std::to_string(c.verify);
      auto dst = datastore::Datastore::create(
          name, dir / name, {.lock_dir = dir / "locks", .sync_level = datastore::SyncLevel::None});
      ASSERT_TRUE(dst);
      LocalSyncSource source(**src, users, Authid::root());
      MemoryLog log;
      PullParams p;
      p.source_store = "src";
      p.group_workers = c.groups;
      p.verify_threads = c.verify;
      PullEnv env{**dst, source, *users, log, SystemClock::instance(), nullptr};
      auto start = std::chrono::steady_clock::now();
      auto r = pull_store(p, env);
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      ASSERT_TRUE(r && r->errors == 0) << log.dump();
      std::printf("group-workers %zu verify-threads %zu: %.2f s, %.1f MiB/s (%llu chunks)\n",
                  c.groups, c.verify, secs, double(r->bytes_downloaded) / secs / (1 << 20),
                  static_cast<unsigned long long>(r->chunks_downloaded));
    }
  }
}

}  // namespace
}  // namespace ferry::sync::test

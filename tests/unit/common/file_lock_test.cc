#include "common/file_lock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/fs.h"
#include "support/temp_dir.h"

namespace ferry {
namespace {

using namespace std::chrono_literals;

TEST(FileLockTest, ExclusiveFlockConflictsWithinProcess) {
  test::TempDir dir;
  auto a = FileLock::acquire(dir.path(), LockMode::Exclusive);
  ASSERT_TRUE(a) << a.error().to_string();
  auto b = FileLock::acquire(dir.path(), LockMode::Shared);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code(), Errc::Conflict);
  a->release();
  EXPECT_TRUE(FileLock::acquire(dir.path(), LockMode::Shared));
}

TEST(FileLockTest, SharedLocksCoexist) {
  test::TempDir dir;
  auto a = FileLock::acquire(dir.path(), LockMode::Shared);
  auto b = FileLock::acquire(dir.path(), LockMode::Shared);
  EXPECT_TRUE(a && b);
  EXPECT_FALSE(FileLock::acquire(dir.path(), LockMode::Exclusive));
}

TEST(FileLockTest, TimedAcquireWaitsForRelease) {
  test::TempDir dir;
  auto path = dir / "file.lck";
  auto a = FileLock::acquire(path, LockMode::Exclusive, {.create = true});
  ASSERT_TRUE(a);
  std::thread releaser([&] {
    std::this_thread::sleep_for(50ms);
    a->release();
  });
  auto b = FileLock::acquire(path, LockMode::Exclusive, {.timeout = 2000ms});
  releaser.join();
  EXPECT_TRUE(b) << b.error().to_string();
}

TEST(FileLockTest, TimedAcquireTimesOut) {
  test::TempDir dir;
  auto path = dir / "file.lck";
  auto a = FileLock::acquire(path, LockMode::Exclusive, {.create = true});
  ASSERT_TRUE(a);
  auto b = FileLock::acquire(path, LockMode::Exclusive, {.timeout = 30ms});
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code(), Errc::Timeout);
}

TEST(FileLockTest, RecordLocksConflictAndConvert) {
  test::TempDir dir;
  auto path = dir / ".lock";
  ASSERT_TRUE(fs::atomic_replace(path, std::string_view("")));
  FileLock::Options rec{.kind = FileLock::Kind::Record};
  auto shared = FileLock::acquire(path, LockMode::Shared, rec);
  ASSERT_TRUE(shared) << shared.error().to_string();
  EXPECT_FALSE(FileLock::acquire(path, LockMode::Exclusive, rec));
  EXPECT_TRUE(shared->change_mode(LockMode::Exclusive, rec));
  EXPECT_FALSE(FileLock::acquire(path, LockMode::Shared, rec));
  EXPECT_TRUE(shared->change_mode(LockMode::Shared, rec));
  EXPECT_TRUE(FileLock::acquire(path, LockMode::Shared, rec));
}

TEST(FileLockTest, MissingFileIsNotFound) {
  test::TempDir dir;
  auto r = FileLock::acquire(dir / "nope", LockMode::Shared);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::NotFound);
}

}  // namespace
}  // namespace ferry

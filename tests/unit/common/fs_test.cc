#include "common/fs.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace ferry {
namespace {

TEST(FsTest, AtomicReplaceWritesContentAndModeAndLeavesNoTemp) {
  test::TempDir dir;
  auto path = dir / "remote.cfg";
  ASSERT_TRUE(fs::atomic_replace(path, std::string_view("old"), {.mode = 0640}));
  ASSERT_TRUE(fs::atomic_replace(path, std::string_view("new content"), {.mode = 0640}));
  EXPECT_EQ(*fs::read_text_file(path, 1024), "new content");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  auto entries = fs::list_dir(dir.path());
  ASSERT_TRUE(entries);
  EXPECT_EQ(entries->size(), 1u);
}

TEST(FsTest, AtomicReplaceIntoMissingDirectoryFailsWithNotFound) {
  test::TempDir dir;
  auto st = fs::atomic_replace(dir / "missing/file", std::string_view("x"));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), Errc::NotFound);
  EXPECT_NE(st.error().to_string().find("missing/file"), std::string::npos);
}

TEST(FsTest, ReadFileEnforcesLimitAndReportsMissing) {
  test::TempDir dir;
  ASSERT_TRUE(fs::atomic_replace(dir / "f", std::string_view("0123456789")));
  auto big = fs::read_file(dir / "f", 5);
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message().find("too large"), std::string::npos);
  auto missing = fs::read_file(dir / "nope", 5);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), Errc::NotFound);
  EXPECT_FALSE(fs::read_file(dir.path(), 5));  // a directory is not a regular file
}

TEST(FsTest, ReadFileReadsProcFilesThatReportSizeZero) {
  auto stat = fs::read_text_file("/proc/self/stat", 64 * 1024);
  ASSERT_TRUE(stat) << stat.error().to_string();
  EXPECT_FALSE(stat->empty());
  EXPECT_NE(stat->find(')'), std::string::npos);
  auto limited = fs::read_file("/proc/self/stat", 3);
  ASSERT_FALSE(limited);
  EXPECT_NE(limited.error().message().find("too large"), std::string::npos);
}

TEST(FsTest, CreateExclusiveRefusesExisting) {
  test::TempDir dir;
  ASSERT_TRUE(fs::create_exclusive(dir / "owner", as_bytes("a@pbs\n")));
  auto again = fs::create_exclusive(dir / "owner", as_bytes("b@pbs\n"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), Errc::AlreadyExists);
  EXPECT_EQ(*fs::read_text_file(dir / "owner", 100), "a@pbs\n");
}

TEST(FsTest, MakeDirsAndRemoveTree) {
  test::TempDir dir;
  ASSERT_TRUE(fs::make_dirs(dir / "a/b/c"));
  EXPECT_TRUE(*fs::is_directory(dir / "a/b/c"));
  EXPECT_FALSE(fs::make_dir(dir / "a/b/c"));
  EXPECT_TRUE(fs::make_dir(dir / "a/b/c", 0755, true));
  ASSERT_TRUE(fs::remove_tree(dir / "a"));
  EXPECT_FALSE(*fs::exists(dir / "a"));
  EXPECT_TRUE(fs::remove_tree(dir / "a"));
}

}  // namespace
}  // namespace ferry

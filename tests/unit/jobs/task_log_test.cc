// Task log files: line format, writer, status recovery from the tail and paged reading
// (jobs-and-schedules.md §6, api.md §5.3.5).
#include "jobs/task_log.h"

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "common/fs.h"
#include "support/temp_dir.h"
#include "unit/jobs/jobs_test_util.h"

namespace ferry::jobs {
namespace {

// 2024-06-05T10:17:23Z
constexpr int64_t kT0 = 1717582643;

using test_util::ScopedTimeZone;

void write_file(const std::filesystem::path& p, std::string_view data) {
  ASSERT_TRUE(fs::atomic_replace(p, data, {.mode = 0644, .fsync = false}).has_value()) << p;
}

std::string read_all(const std::filesystem::path& p) {
  auto t = fs::read_text_file(p, 1 << 20);
  EXPECT_TRUE(t.has_value()) << p;
  return t ? *t : std::string();
}

TEST(TaskLogTest, LineHasLocalTimeWithNumericOffset) {
  {
    ScopedTimeZone tz("UTC0");
    EXPECT_EQ(format_task_log_line(kT0, "TASK OK"), "2024-06-05T10:17:23+00:00: TASK OK");
  }
  {
    ScopedTimeZone tz("CET-1CEST,M3.5.0,M10.5.0/3");
    EXPECT_EQ(format_task_log_line(kT0, "sync group vm/100 failed - x"),
              "2024-06-05T12:17:23+02:00: sync group vm/100 failed - x");
  }
  {
    ScopedTimeZone tz("EST5");
    EXPECT_EQ(format_task_log_line(kT0, "m"), "2024-06-05T05:17:23-05:00: m");
  }
}

TEST(TaskLogTest, WriterPrefixesEveryLineOfAMultiLineMessage) {
  ScopedTimeZone tz("UTC0");
  test::TempDir dir;
  auto path = dir / "EF" / "log";
  auto w = TaskLogWriter::create(path);
  ASSERT_TRUE(w.has_value()) << w.error().to_string();
  ASSERT_TRUE(w->write(kT0, "one").has_value());
  ASSERT_TRUE(w->write(kT0 + 1, "two\nthree").has_value());
  ASSERT_TRUE(w->write(kT0 + 2, "").has_value());
  ASSERT_TRUE(w->close().has_value());
  EXPECT_EQ(read_all(path),
            "2024-06-05T10:17:23+00:00: one\n"
            "2024-06-05T10:17:24+00:00: two\n"
            "2024-06-05T10:17:24+00:00: three\n"
            "2024-06-05T10:17:25+00:00: \n");
  EXPECT_EQ(TaskLogWriter::create(path).error().code(), Errc::AlreadyExists);
}

struct RecoveryCase {
  std::string_view name;
  std::string log;
  TaskState expected;
};

TEST(TaskLogTest, StatusRecoveryFromTail) {
  const std::string t1 = "2024-06-05T10:17:30+00:00";  // kT0 + 7
  const std::string t2 = "2024-06-05T12:17:40+02:00";  // kT0 + 17
  const std::vector<RecoveryCase> cases = {
      {"ok", t1 + ": start\n" + t1 + ": TASK OK\n", TaskState::ok(kT0 + 7)},
      {"warnings", t1 + ": WARN: x\n" + t2 + ": TASK WARNINGS: 2\n", TaskState::warning(2, kT0 + 17)},
      {"error", t1 + ": TASK ERROR: sync failed - x: y\n", TaskState::error("sync failed - x: y", kT0 + 7)},
      {"other text is an error", t1 + ": TASK sync aborted\n", TaskState::error("sync aborted", kT0 + 7)},
      {"explicit unknown", t1 + ": TASK unknown\n", TaskState::unknown(kT0 + 7)},
      {"bad warning count", t1 + ": TASK WARNINGS: x\n", TaskState::unknown(kT0 + 7)},
      {"no end line", t1 + ": start\n" + t2 + ": working\n", TaskState::unknown(kT0 + 17)},
      {"no newline at end", t1 + ": start\n" + t2 + ": TASK OK", TaskState::ok(kT0 + 17)},
      {"trailing blank lines", t1 + ": TASK OK\n\n\n", TaskState::ok(kT0 + 7)},
      {"partial last line", t1 + ": TASK OK\n2024-06-05T1", TaskState::ok(kT0 + 7)},
      {"garbage after work", t2 + ": working\nno time here\n", TaskState::unknown(kT0 + 17)},
      {"empty", "", TaskState::unknown(kT0)},
      {"no time at all", "hello\nworld\n", TaskState::unknown(kT0)},
      {"time without separator", t1 + "TASK OK\n", TaskState::unknown(kT0)},
  };
  test::TempDir dir;
  for (const auto& c : cases) {
    auto path = dir / "log";
    write_file(path, c.log);
    auto s = read_task_state_from_log(path, kT0);
    ASSERT_TRUE(s.has_value()) << c.name << ": " << s.error().to_string();
    EXPECT_EQ(*s, c.expected) << c.name << ": got '" << s->status_string() << "' at "
                              << s->endtime;
  }
}

TEST(TaskLogTest, StatusRecoveryReadsOnlyTheLast8KiB) {
  test::TempDir dir;
  auto path = dir / "log";
  const std::string end = "2024-06-05T10:17:30+00:00: TASK OK\n";
  // Exactly 8192 bytes after the end line: the end line lies outside the window.
  std::string filler;
  while (filler.size() < 8192) filler += "x";
  filler.back() = '\n';
  write_file(path, end + filler);
  EXPECT_EQ(*read_task_state_from_log(path, kT0), TaskState::unknown(kT0));

  // The window starts exactly at the end line: it is whole and counts.
  std::string tail = end;
  while (tail.size() < 8191) tail += "y";
  tail += '\n';
  ASSERT_EQ(tail.size(), 8192u);
  write_file(path, "previous line\n" + tail);
  EXPECT_EQ(*read_task_state_from_log(path, kT0), TaskState::ok(kT0 + 7));

  // One byte further the first line is cut and must not be used.
  write_file(path, "previous line\n" + tail + "z\n");
  EXPECT_EQ(*read_task_state_from_log(path, kT0), TaskState::unknown(kT0));
}

TEST(TaskLogTest, StatusRecoveryOfMissingLogIsNotFound) {
  test::TempDir dir;
  auto s = read_task_state_from_log(dir / "missing", kT0);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code(), Errc::NotFound);
}

TEST(TaskLogTest, PagingFollowsApiRules) {
  test::TempDir dir;
  auto path = dir / "log";
  write_file(path, "l1\nl2\nl3\nl4\nl5\n");
  struct Case {
    uint64_t start, limit;
    std::vector<uint64_t> numbers;
  };
  const std::vector<Case> cases = {
      {0, 0, {1, 2, 3, 4, 5}}, {1, 0, {1, 2, 3, 4, 5}}, {0, 2, {1, 2}}, {1, 2, {1, 2}},
      {3, 50, {3, 4, 5}},      {5, 1, {5}},             {6, 50, {}},    {100, 0, {}},
  };
  for (const auto& c : cases) {
    auto page = read_task_log(path, c.start, c.limit);
    ASSERT_TRUE(page.has_value()) << page.error().to_string();
    EXPECT_EQ(page->total, 5u) << "start " << c.start << " limit " << c.limit;
    std::vector<uint64_t> got;
    for (const auto& l : page->lines) {
      got.push_back(l.n);
      EXPECT_EQ(l.text, "l" + std::to_string(l.n));
    }
    EXPECT_EQ(got, c.numbers) << "start " << c.start << " limit " << c.limit;
  }
}

TEST(TaskLogTest, PagingReplacesInvalidUtf8AndCutsHugeLines) {
  test::TempDir dir;
  auto path = dir / "log";
  write_file(path, "a\xff" "b\n" + std::string(kMaxTaskLogLineLength + 10, 'q') + "\nlast");
  auto page = read_task_log(path, 0, 0);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->lines.size(), 3u);
  EXPECT_EQ(page->lines[0].text, "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(page->lines[1].text.size(), kMaxTaskLogLineLength);
  EXPECT_EQ(page->lines[2].text, "last");
  EXPECT_EQ(read_task_log(dir / "nope", 0, 0).error().code(), Errc::NotFound);
}

}  // namespace
}  // namespace ferry::jobs

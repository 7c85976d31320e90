// TaskState: the status strings of api.md §5.3.4 and the end lines of jobs-and-schedules.md §6.
#include "jobs/task_state.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace ferry::jobs {
namespace {

TEST(TaskStateTest, TextFormsOfEveryKind) {
  struct Case {
    TaskState state;
    std::string_view status;
    std::string_view result_text;
    std::string_view kind;
  };
  const std::vector<Case> cases = {
      {TaskState::ok(10), "OK", "TASK OK", "ok"},
      {TaskState::warning(2, 10), "WARNINGS: 2", "TASK WARNINGS: 2", "warning"},
      {TaskState::error("sync failed with some errors.", 10), "sync failed with some errors.",
       "TASK ERROR: sync failed with some errors.", "error"},
      {TaskState::unknown(10), "unknown", "TASK unknown", "unknown"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.state.status_string(), c.status);
    EXPECT_EQ(c.state.result_text(), c.result_text);
    EXPECT_EQ(c.state.kind_name(), c.kind);
  }
}

TEST(TaskStateTest, ParseFollowsPbsRules) {
  struct Case {
    std::string_view text;
    TaskState expected;
  };
  const std::vector<Case> cases = {
      {"OK", TaskState::ok(5)},
      {"unknown", TaskState::unknown(5)},
      {"WARNINGS: 3", TaskState::warning(3, 5)},
      {"ERROR: pull failed", TaskState::error("pull failed", 5)},
      {"pull failed", TaskState::error("pull failed", 5)},
      {"ok", TaskState::error("ok", 5)},  // case-sensitive: anything else is an error message
  };
  for (const auto& c : cases) {
    auto s = TaskState::parse(c.text, 5);
    ASSERT_TRUE(s.has_value()) << c.text;
    EXPECT_EQ(*s, c.expected) << c.text;
  }
  for (std::string_view bad : {"", "WARNINGS: ", "WARNINGS: x", "WARNINGS: -1", "WARNINGS: 2 "}) {
    EXPECT_FALSE(TaskState::parse(bad, 5).has_value()) << "'" << bad << "'";
  }
}

TEST(TaskStateTest, FromResultPrefersErrorThenWarnings) {
  Status failed = tl::unexpected(
      Error(Errc::Io, "No space left on device").add_context("sync group vm/100 failed"));
  EXPECT_EQ(TaskState::from_result(failed, 4, 9),
            TaskState::error("sync group vm/100 failed: No space left on device", 9));
  EXPECT_EQ(TaskState::from_result(ok(), 4, 9), TaskState::warning(4, 9));
  EXPECT_EQ(TaskState::from_result(ok(), 0, 9), TaskState::ok(9));
}

TEST(TaskStateTest, ErrorMessagesBecomeOneLine) {
  Status failed = make_error(Errc::Internal, "first line\nsecond\tline\r");
  EXPECT_EQ(TaskState::from_result(failed, 0, 1).message, "first line second line ");
}

}  // namespace
}  // namespace ferry::jobs

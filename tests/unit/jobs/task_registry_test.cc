// TaskRegistry: task life cycle, end lines, abort, the task lists and the index queries
// (jobs-and-schedules.md §5–§6, api.md §5.3, sync-test-cases.md M10/M11).
#include "jobs/task_registry.h"

#include <unistd.h>

#include <chrono>
#include <future>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/fs.h"
#include "support/manual_clock.h"
#include "support/temp_dir.h"

namespace ferry::jobs {
namespace {

constexpr int64_t kT0 = 1717582643;  // 2024-06-05T10:17:23Z

std::vector<std::string> lines_of(const std::filesystem::path& p) {
  auto text = fs::read_text_file(p, 1 << 20);
  std::vector<std::string> out;
  if (!text) return out;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    if (nl == std::string::npos) nl = text->size();
    out.push_back(text->substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

// The message part of a log line, after checking the time prefix.
std::string message_of(const std::string& line) {
  static const std::regex kLine(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d: (.*)$)");
  std::smatch m;
  EXPECT_TRUE(std::regex_match(line, m, kLine)) << "bad log line '" << line << "'";
  return m.size() > 1 ? m[1].str() : line;
}

class TaskRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override { registry_ = open_registry(); }

  std::unique_ptr<TaskRegistry> open_registry() {
    TaskRegistryOptions o;
    o.log_root = dir_ / "tasks";
    o.clock = &clock_;
    o.node = "pbs1";
    auto r = TaskRegistry::open(o);
    EXPECT_TRUE(r.has_value()) << r.error().to_string();
    return r ? std::move(*r) : nullptr;
  }

  // Spawns a task and waits for its end.
  TaskInfo run(std::string_view type, std::optional<std::string> id, std::string_view auth,
               TaskFunction body) {
    auto upid = registry_->spawn(type, std::move(id), auth, std::move(body));
    EXPECT_TRUE(upid.has_value()) << upid.error().to_string();
    if (!upid) return {};
    auto info = registry_->wait(*upid);
    EXPECT_TRUE(info.has_value()) << info.error().to_string();
    return info ? *info : TaskInfo{};
  }

  std::vector<std::string> log_messages(const Upid& upid) {
    std::vector<std::string> out;
    for (const auto& l : lines_of(registry_->log_path(upid))) out.push_back(message_of(l));
    return out;
  }

  test::TempDir dir_;
  test::ManualClock clock_{kT0};
  std::unique_ptr<TaskRegistry> registry_;
};

TEST_F(TaskRegistryTest, SuccessfulTaskEndsWithTaskOk) {
  auto info = run("syncjob", "pbs2:local:local::pbs2-local", "root@pam", [](TaskContext& ctx) {
    ctx.log("starting sync");
    ctx.log("sync done");
    return ok();
  });
  EXPECT_FALSE(info.running);
  ASSERT_TRUE(info.state.has_value());
  EXPECT_EQ(*info.state, TaskState::ok(kT0));
  EXPECT_EQ(info.upid.node, "pbs1");
  EXPECT_EQ(info.upid.pid, uint32_t(getpid()));
  EXPECT_EQ(info.upid.starttime, kT0);
  EXPECT_EQ(log_messages(info.upid),
            (std::vector<std::string>{"starting sync", "sync done", "TASK OK"}));
  // {root}/{pstart & 0xFF as XX}/{UPID}
  auto path = registry_->log_path(info.upid);
  EXPECT_EQ(path, dir_ / "tasks" / info.upid.log_dir_name() / info.upid_text);
  EXPECT_TRUE(*fs::exists(path));
  EXPECT_EQ(lines_of(dir_ / "tasks" / "archive"),
            (std::vector<std::string>{info.upid_text + " 66603B33 OK"}));
  EXPECT_TRUE(lines_of(dir_ / "tasks" / "active").empty());
}

TEST_F(TaskRegistryTest, WarningsAreCountedAndPrefixed) {
  auto info = run("sync", "local", "root@pam", [](TaskContext& ctx) {
    ctx.warn("group vm/100: skipped");
    ctx.log("between");
    ctx.warn("group vm/101: skipped");
    return ok();
  });
  EXPECT_EQ(*info.state, TaskState::warning(2, kT0));
  EXPECT_EQ(log_messages(info.upid),
            (std::vector<std::string>{"WARN: group vm/100: skipped", "between",
                                      "WARN: group vm/101: skipped", "TASK WARNINGS: 2"}));
  EXPECT_EQ(lines_of(dir_ / "tasks" / "archive").back(), info.upid_text + " 66603B33 WARNINGS: 2");
}

TEST_F(TaskRegistryTest, FailingTaskEndsWithTheErrorChain) {
  auto info = run("syncjob", "x", "root@pam", [](TaskContext& ctx) -> Status {
    ctx.warn("a warning does not hide the error");
    return with_context(Status(make_error(Errc::Io, "No space left on device")),
                        "sync group vm/100 failed");
  });
  EXPECT_EQ(*info.state, TaskState::error("sync group vm/100 failed: No space left on device", kT0));
  EXPECT_EQ(log_messages(info.upid).back(),
            "TASK ERROR: sync group vm/100 failed: No space left on device");
  EXPECT_EQ(lines_of(dir_ / "tasks" / "archive").back(),
            info.upid_text + " 66603B33 sync group vm/100 failed: No space left on device");
}

TEST_F(TaskRegistryTest, ExceptionInBodyFailsOnlyThatTask) {
  auto info = run("verify", "store1", "root@pam", [](TaskContext&) -> Status {
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(info.state->status_string(), "task panicked: boom");
  auto next = run("verify", "store1", "root@pam", [](TaskContext&) { return ok(); });
  EXPECT_EQ(next.state->kind, TaskState::Kind::Ok);
  EXPECT_NE(next.upid.task_id, info.upid.task_id);
}

TEST_F(TaskRegistryTest, AbortSetsTheFlagTheBodyChecks) {
  std::promise<void> started;
  auto upid = registry_->spawn("syncjob", "j1", "root@pam", [&](TaskContext& ctx) -> Status {
    started.set_value();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      FERRY_TRY(ctx.check_abort());
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return make_error(Errc::Timeout, "test: abort never arrived");
  });
  ASSERT_TRUE(upid.has_value());
  started.get_future().wait();
  EXPECT_TRUE(registry_->is_active_here(*upid));
  auto running = registry_->status(*upid);
  ASSERT_TRUE(running.has_value());
  EXPECT_TRUE(running->running);
  EXPECT_FALSE(running->state.has_value());
  EXPECT_EQ(lines_of(dir_ / "tasks" / "active"), std::vector<std::string>{upid->to_string()});

  ASSERT_TRUE(registry_->abort(*upid).has_value());
  auto info = registry_->wait(*upid);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->state->status_string(), "abort requested - aborting task");
  auto msgs = log_messages(*upid);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0], "received abort request ...");
  EXPECT_EQ(msgs[1], "TASK ERROR: abort requested - aborting task");
  EXPECT_EQ(registry_->abort(*upid).error().code(), Errc::NotFound);
  EXPECT_FALSE(registry_->is_active_here(*upid));
}

TEST_F(TaskRegistryTest, SpawnRejectsInvalidNames) {
  auto body = [](TaskContext&) { return ok(); };
  EXPECT_EQ(registry_->spawn("bad type", std::nullopt, "root@pam", body).error().code(),
            Errc::InvalidArgument);
  EXPECT_EQ(registry_->spawn("a/b", std::nullopt, "root@pam", body).error().code(),
            Errc::InvalidArgument);
  EXPECT_EQ(registry_->spawn("sync", std::nullopt, "nobody", body).error().code(),
            Errc::InvalidArgument);
  EXPECT_EQ(registry_->active_count(), 0u);
}

TEST_F(TaskRegistryTest, StatusOfUnknownTaskIsNotFound) {
  auto upid = Upid::parse("UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:sync::root@pam:");
  auto s = registry_->status(*upid);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code(), Errc::NotFound);
}

TEST_F(TaskRegistryTest, ReadLogPagesTheTaskLog) {
  auto info = run("sync", "local", "root@pam", [](TaskContext& ctx) {
    for (int i = 1; i <= 4; ++i) ctx.log("line " + std::to_string(i));
    return ok();
  });
  auto page = registry_->read_log(info.upid, 2, 2);
  ASSERT_TRUE(page.has_value()) << page.error().to_string();
  EXPECT_EQ(page->total, 5u);
  ASSERT_EQ(page->lines.size(), 2u);
  EXPECT_EQ(page->lines[0].n, 2u);
  EXPECT_EQ(message_of(page->lines[0].text), "line 2");
  EXPECT_EQ(message_of(page->lines[1].text), "line 3");
  auto all = registry_->read_log(info.upid, 0, 0);
  EXPECT_EQ(message_of(all->lines.back().text), "TASK OK");
}

TEST_F(TaskRegistryTest, RetentionRemovesOldAndSurplusTasks) {
  std::vector<TaskInfo> tasks;
  for (int day = 0; day < 4; ++day) {
    clock_.set_epoch(kT0 + day * 86400);
    tasks.push_back(run("garbage_collection", "store1", "root@pam",
                        [](TaskContext&) { return ok(); }));
  }
  clock_.set_epoch(kT0 + 4 * 86400);
  // Older than 2 days: the tasks of day 0 and day 1.
  ASSERT_TRUE(registry_->apply_retention({.max_age_days = 2, .max_finished = std::nullopt}));
  EXPECT_FALSE(*fs::exists(registry_->log_path(tasks[0].upid)));
  EXPECT_FALSE(*fs::exists(registry_->log_path(tasks[1].upid)));
  EXPECT_TRUE(*fs::exists(registry_->log_path(tasks[2].upid)));
  EXPECT_EQ(registry_->status(tasks[0].upid).error().code(), Errc::NotFound);
  // Cap: only the newest finished task stays.
  ASSERT_TRUE(registry_->apply_retention({.max_age_days = std::nullopt, .max_finished = 1}));
  auto list = registry_->list({.limit = 0});
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->tasks.size(), 1u);
  EXPECT_EQ(list->tasks[0].upid, tasks[3].upid);
  auto archive = lines_of(dir_ / "tasks" / "archive");
  ASSERT_EQ(archive.size(), 1u);
  EXPECT_EQ(archive[0].substr(0, tasks[3].upid_text.size()), tasks[3].upid_text);
}

TEST_F(TaskRegistryTest, ReopenedRegistryKeepsFinishedTasks) {
  auto info = run("prunejob", "store1", "root@pam", [](TaskContext&) { return ok(); });
  registry_.reset();
  registry_ = open_registry();
  auto s = registry_->status(info.upid);
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_EQ(*s->state, TaskState::ok(kT0));
}

TEST_F(TaskRegistryTest, NewIndexImportsPbsTaskLists) {
  test::TempDir other;
  auto root = other / "tasks";
  ASSERT_TRUE(fs::make_dirs(root));
  const std::string a = "UPID:pbs1:00001A2B:00ABCDEF:00000001:66603B33:sync:local:root@pam:";
  const std::string b = "UPID:pbs1:00001A2B:00ABCDEF:00000002:66603B34:sync:local:root@pam:";
  ASSERT_TRUE(fs::atomic_replace(root / "archive",
                                 a + " 66603B40 OK\n" + b + " 66603B50 sync failed\n"));
  TaskRegistryOptions o;
  o.log_root = root;
  o.clock = &clock_;
  o.node = "pbs1";
  auto reg = TaskRegistry::open(o);
  ASSERT_TRUE(reg.has_value()) << reg.error().to_string();
  auto list = (*reg)->list({});
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->tasks.size(), 2u);
  EXPECT_EQ(list->tasks[0].upid_text, b);  // newest end first
  EXPECT_EQ(*list->tasks[0].state, TaskState::error("sync failed", 0x66603B50));
  EXPECT_EQ(*list->tasks[1].state, TaskState::ok(0x66603B40));
}

TEST(TaskStoreMatchTest, StoreFilterFollowsWorkerIdShapes) {
  struct Case {
    std::string type;
    std::optional<std::string> id;
    bool matches_store1;
  };
  const std::vector<Case> cases = {
      {"syncjob", "pbs2:src:store1::job1", true},
      {"syncjob", "-:store1:other::job1", false},  // store1 is the source here
      {"sync", "store1", true},
      {"verificationjob", "store1:v-1", true},
      {"verify", "store1", true},
      {"verify_group", "store1:vm/100", true},
      {"verify", "store10", false},
      {"backup", "store1:vm/100", true},
      {"reader", "store1:vm/100/6661A2B4", true},
      {"garbage_collection", "store1", true},
      {"prunejob", "store1:ns1", true},
      {"prunejob", "store10", false},
      {"logrotate", std::nullopt, false},
  };
  for (const auto& c : cases) {
    Upid u{"pbs1", 1, 1, 0, 0, c.type, c.id, "root@pam"};
    EXPECT_EQ(task_matches_store(u, "store1"), c.matches_store1)
        << c.type << " " << c.id.value_or("(none)");
  }
}

}  // namespace
}  // namespace ferry::jobs

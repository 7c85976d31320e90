// Tasks of a stopped or crashed server are finalized when the registry opens, never listed as
// running forever (jobs-and-schedules.md §6 status recovery).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "common/fs.h"
#include "jobs/task_registry.h"
#include "support/manual_clock.h"
#include "support/temp_dir.h"

namespace ferry::jobs {
namespace {

constexpr int64_t kT0 = 1717582643;

// A pid that is not running: a reaped child's.
uint32_t dead_pid() {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  int status = 0;
  waitpid(pid, &status, 0);
  return uint32_t(pid);
}

std::unique_ptr<TaskRegistry> open_registry(const std::filesystem::path& root,
                                            const Clock* clock) {
  TaskRegistryOptions o;
  o.log_root = root;
  o.clock = clock;
  o.node = "pbs1";
  auto r = TaskRegistry::open(o);
  EXPECT_TRUE(r.has_value()) << r.error().to_string();
  return r ? std::move(*r) : nullptr;
}

TEST(TaskRecoveryTest, ActiveTaskOfDeadProcessIsFinalizedFromItsLog) {
  test::TempDir dir;
  auto root = dir / "tasks";
  Upid upid{"pbs1", dead_pid(), 0x1234567, 5, kT0, "syncjob", std::string("-:a:b::j1"), "root@pam"};
  std::string text = upid.to_string();
  ASSERT_TRUE(fs::make_dirs(root / upid.log_dir_name()));
  // PBS's `active` list names the task; its log stops without an end line.
  ASSERT_TRUE(fs::atomic_replace(root / "active", text + "\n"));
  ASSERT_TRUE(fs::atomic_replace(root / upid.log_dir_name() / text,
                                 "2024-06-05T10:17:23+00:00: starting\n"
                                 "2024-06-05T12:17:53+02:00: sync group vm/100\n"));
  test::ManualClock clock(kT0 + 3600);
  auto registry = open_registry(root, &clock);
  ASSERT_TRUE(registry);
  auto s = registry->status(upid);
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_FALSE(s->running);
  ASSERT_TRUE(s->state.has_value());
  EXPECT_EQ(*s->state, TaskState::unknown(kT0 + 30));  // time of its last log line
  auto running = registry->list({.running = true});
  ASSERT_TRUE(running.has_value());
  EXPECT_TRUE(running->tasks.empty());
  EXPECT_EQ(*fs::read_text_file(root / "active", 1 << 16), "");
  EXPECT_EQ(*fs::read_text_file(root / "archive", 1 << 16), text + " 66603B51 unknown\n");
}

TEST(TaskRecoveryTest, TaskOfDeadProcessWithoutLogIsUnknownAtItsStart) {
  test::TempDir dir;
  auto root = dir / "tasks";
  Upid upid{"pbs1", dead_pid(), 0x99, 0, kT0, "verify", std::string("store1"), "root@pam"};
  ASSERT_TRUE(fs::make_dirs(root));
  ASSERT_TRUE(fs::atomic_replace(root / "active", upid.to_string() + "\n"));
  auto registry = open_registry(root, nullptr);
  ASSERT_TRUE(registry);
  auto s = registry->status(upid);
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_FALSE(s->running);
  EXPECT_EQ(*s->state, TaskState::unknown(kT0));
}

// Reads one line from `fd` (the child's UPID), giving up after ~20 s.
std::string read_line(int fd) {
  std::string out;
  char c = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    ssize_t n = read(fd, &c, 1);
    if (n == 1 && c == '\n') return out;
    if (n == 1) {
      out.push_back(c);
    } else if (n == 0) {
      return out;
    }
  }
  return out;
}

// A real crash: a child process runs a task, which is killed with SIGKILL mid-task. The
// child's index row says "running"; the reopened registry (in this process, another pid) must
// see that the child is gone and report the task as finished.
TEST(TaskRecoveryTest, TaskOfKilledProcessIsNotRunningAfterReopen) {
  test::TempDir dir;
  auto root = dir / "tasks";
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    TaskRegistryOptions o;
    o.log_root = root;
    o.node = "pbs1";
    auto reg = TaskRegistry::open(o);
    if (!reg) _exit(1);
    auto upid = (*reg)->spawn("syncjob", std::string("-:a:b::j1"), "root@pam",
                              [](TaskContext& ctx) -> Status {
                                ctx.log("sync group vm/100");
                                for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
                              });
    if (!upid) _exit(2);
    // Give the task time to write its line before announcing the UPID.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::string line = upid->to_string() + "\n";
    if (write(fds[1], line.data(), line.size()) != ssize_t(line.size())) _exit(3);
    for (;;) pause();
  }
  close(fds[1]);
  std::string text = read_line(fds[0]);
  close(fds[0]);
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child failed early with status " << status;
  auto upid = Upid::parse(text);
  ASSERT_TRUE(upid.has_value()) << "child sent '" << text << "'";
  EXPECT_EQ(upid->pid, uint32_t(child));
  EXPECT_EQ(*fs::read_text_file(root / "active", 1 << 16), text + "\n");

  auto registry = open_registry(root, nullptr);
  ASSERT_TRUE(registry);
  auto s = registry->status(*upid);
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_FALSE(s->running);
  ASSERT_TRUE(s->state.has_value());
  EXPECT_EQ(s->state->kind, TaskState::Kind::Unknown);
  EXPECT_GE(s->state->endtime, upid->starttime);
  auto running = registry->list({.running = true});
  ASSERT_TRUE(running.has_value());
  EXPECT_TRUE(running->tasks.empty());
  auto all = registry->list({});
  ASSERT_EQ(all->tasks.size(), 1u);
  EXPECT_EQ(all->tasks[0].state->status_string(), "unknown");
}

}  // namespace
}  // namespace ferry::jobs

// TaskRegistry::abort across processes (docs/design/jobs.md "Stopping tasks of another
// process"): two registries on one log root, the second posing as another process (its own
// pid and start time), the way ferry-manager's registry sees ferryd's tasks. The request
// leaves a marker next to the task log; the owning task finds it at its next abort check
// (within kAbortPollInterval), logs "received abort request ..." and stops; the marker goes
// with the task.
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "common/fs.h"
#include "jobs/task_registry.h"
#include "support/temp_dir.h"

namespace ferry::jobs {
namespace {

class TaskAbortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    owner_ = open_registry(std::nullopt);
    other_ = open_registry(1);  // "pid 1", never the owner of a task here
    ASSERT_TRUE(owner_ && other_);
  }

  std::unique_ptr<TaskRegistry> open_registry(std::optional<uint32_t> pid) {
    TaskRegistryOptions o;
    o.log_root = dir_ / "tasks";
    o.node = "pbs1";
    if (pid) {
      o.pid = *pid;
      o.pstart = 1;
    }
    auto r = TaskRegistry::open(o);
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? std::move(*r) : nullptr;
  }

  std::filesystem::path marker(const Upid& upid) const {
    auto p = owner_->log_path(upid);
    return p += ".abort";
  }

  // A body that checks for abort every few milliseconds for up to 20 s.
  static Status until_aborted(TaskContext& ctx, std::promise<void>& started) {
    started.set_value();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      FERRY_TRY(ctx.check_abort());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return make_error(Errc::Timeout, "test: abort never arrived");
  }

  std::string log_text(const Upid& upid) const {
    auto t = fs::read_text_file(owner_->log_path(upid), 1 << 20);
    return t ? *t : "<no log>";
  }

  test::TempDir dir_;
  std::unique_ptr<TaskRegistry> owner_;
  std::unique_ptr<TaskRegistry> other_;
};

TEST_F(TaskAbortTest, AbortFromAnotherProcessStopsTheTask) {
  std::promise<void> started;
  auto upid = owner_->spawn("syncjob", "pbs2:src:local::job1", "root@pam",
                            [&](TaskContext& ctx) { return until_aborted(ctx, started); });
  ASSERT_TRUE(upid) << upid.error().to_string();
  started.get_future().wait();
  auto seen = other_->status(*upid);
  ASSERT_TRUE(seen) << seen.error().to_string();
  ASSERT_TRUE(seen->running) << "the other process sees the task running";
  EXPECT_FALSE(other_->is_active_here(*upid));

  const auto asked = std::chrono::steady_clock::now();
  auto st = other_->abort(*upid);
  ASSERT_TRUE(st) << st.error().to_string();
  auto info = owner_->wait(*upid);
  ASSERT_TRUE(info) << info.error().to_string();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, kAbortPollInterval + std::chrono::seconds(2));
  ASSERT_TRUE(info->state);
  EXPECT_EQ(info->state->status_string(), "abort requested - aborting task");
  const std::string log = log_text(*upid);
  EXPECT_NE(log.find(": received abort request ...\n"), std::string::npos) << log;
  EXPECT_NE(log.find(": TASK ERROR: abort requested - aborting task\n"), std::string::npos) << log;
  EXPECT_FALSE(std::filesystem::exists(marker(*upid))) << "the marker is consumed";

  auto after = other_->status(*upid);
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->running);
  auto again = other_->abort(*upid);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), Errc::NotFound);
  EXPECT_EQ(again.error().message(), "task '" + upid->to_string() + "' is not running");
}

TEST_F(TaskAbortTest, AMarkerTheTaskNeverSawGoesWithIt) {
  std::promise<void> started;
  std::promise<void> release;
  auto released = release.get_future().share();
  auto upid =
      owner_->spawn("garbage_collection", "store1", "root@pam", [&, released](TaskContext&) {
        started.set_value();
        released.wait();  // never checks for abort
        return ok();
      });
  ASSERT_TRUE(upid) << upid.error().to_string();
  started.get_future().wait();
  ASSERT_TRUE(other_->abort(*upid));
  EXPECT_TRUE(std::filesystem::exists(marker(*upid)));
  release.set_value();
  auto info = owner_->wait(*upid);
  ASSERT_TRUE(info && info->state);
  EXPECT_EQ(info->state->status_string(), "OK");
  EXPECT_FALSE(std::filesystem::exists(marker(*upid)));
}

TEST_F(TaskAbortTest, UnknownTaskIsNotFound) {
  auto upid = Upid::parse("UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:sync::root@pam:");
  ASSERT_TRUE(upid);
  auto st = other_->abort(*upid);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), Errc::NotFound) << st.error().to_string();
  EXPECT_FALSE(std::filesystem::exists(marker(*upid)));
}

TEST_F(TaskAbortTest, LocalAbortStillWorksAndLogsOnce) {
  std::promise<void> started;
  auto upid = owner_->spawn("syncjob", "job1", "root@pam",
                            [&](TaskContext& ctx) { return until_aborted(ctx, started); });
  ASSERT_TRUE(upid);
  started.get_future().wait();
  ASSERT_TRUE(owner_->abort(*upid));
  ASSERT_TRUE(owner_->abort(*upid));
  auto info = owner_->wait(*upid);
  ASSERT_TRUE(info && info->state);
  const std::string log = log_text(*upid);
  EXPECT_EQ(log.find("received abort request"), log.rfind("received abort request")) << log;
}

}  // namespace
}  // namespace ferry::jobs

// `ferry-manager task stop UPID` stops a task of another process (issue #7, sync-test-cases.md
// I9): a target ferryd runs a rate-limited sync job, the CLI — sharing the target's
// FERRY_LOG_DIR/RUN_DIR/STATE_DIR — asks for the abort and returns once the task has ended;
// the task log holds "received abort request ..." and ends `TASK ERROR: sync aborted`, and the
// target holds no partial snapshot. Also the CLI's errors for finished and unknown tasks.
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "client/http_client.h"
#include "integration/sync_fixture.h"

namespace ferry::test {
namespace {

using namespace std::chrono_literals;

class TaskStopTest : public SyncServerFixture {
 protected:
  // Polls the task log until it contains `text` (false after `limit`).
  static bool wait_for_log(client::HttpClient& c, const std::string& upid, const std::string& text,
                           std::chrono::seconds limit = 30s) {
    const std::string path =
        "/api2/json/nodes/localhost/tasks/" + client::encode_path_component(upid) + "/log";
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      auto log = c.get(path, {{"limit", 0}});
      if (log && log->dump().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
};

TEST_F(TaskStopTest, ManagerStopsASyncJobOfFerryd) {
  // 2 snapshots of 4 MiB each at 1 MiB/s: the abort lands inside the first transfer.
  serve({.snapshots = {{.group = "vm/100", .time = t(1), .image_chunks = many_chunks(100, 64)},
                       {.group = "vm/100", .time = t(2), .image_chunks = many_chunks(200, 64)}}});
  dst_.reset();
  const auto created = manager({"sync-job", "create", "job1", "--remote", "pbs2", "--remote-store",
                                "src", "--store", "local", "--rate-in", "1MiB"});
  ASSERT_EQ(created.status, 0) << created.out << created.err;
  start_target();
  auto c = api();
  ASSERT_NE(c, nullptr);
  auto upid = c->post("/api2/json/admin/sync/job1/run", nlohmann::json::object());
  ASSERT_TRUE(upid) << upid.error().to_string();
  ASSERT_TRUE(upid->is_string()) << upid->dump();
  const std::string text = upid->get<std::string>();
  ASSERT_TRUE(wait_for_log(*c, text, "sync archive")) << "the transfer never started";

  const auto asked = std::chrono::steady_clock::now();
  const auto stop = manager({"task", "stop", text});
  EXPECT_EQ(stop.status, 0) << stop.out << stop.err;
  EXPECT_EQ(stop.out, "");
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 10s) << "stop waited too long";

  // The CLI returned after the end: the task is stopped now.
  auto status =
      c->get("/api2/json/nodes/localhost/tasks/" + client::encode_path_component(text) + "/status");
  ASSERT_TRUE(status) << status.error().to_string();
  EXPECT_EQ(status->value("status", ""), "stopped") << status->dump();
  const TaskOutcome task = wait_task(*c, text, 10s);
  EXPECT_EQ(task.exitstatus, "sync aborted") << task.log;
  EXPECT_NE(task.log.find(": received abort request ...\n"), std::string::npos) << task.log;
  EXPECT_TRUE(task.log.ends_with(": TASK ERROR: sync aborted\n")) << task.log;

  const auto again = manager({"task", "stop", text});
  EXPECT_NE(again.status, 0);
  EXPECT_NE(again.err.find("task '" + text + "' is not running"), std::string::npos) << again.err;

  target_->stop(SIGTERM);
  auto dst = datastore::Datastore::open(
      "local", root() / "local",
      {.lock_dir = root() / "run" / "locks", .sync_level = datastore::SyncLevel::None});
  ASSERT_TRUE(dst) << dst.error().to_string();
  dst_ = std::move(*dst);
  EXPECT_FALSE(target_has("", "vm/100", t(2))) << "the sync was not aborted\n" << task.log;
  expect_only_complete_snapshots();
}

TEST_F(TaskStopTest, UnknownTaskIsAnError) {
  std::filesystem::create_directories(dst_etc_);
  const auto r =
      manager({"task", "stop", "UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:sync::root@pam:"});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("Error: "), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ferry::test

// Scheduled sync jobs end to end (issue #7): a source ferryd with data and a target ferryd
// whose scheduler ticks every 200 ms (FERRY_SCHEDULER_TICK_MS, test only) with the real clock,
// so a job scheduled `*:*:0/4` runs by itself every four seconds. The job is created through the
// target's API (POST /config/sync) and observed through GET /admin/sync, the task API and
// `ferry-manager sync-job list --status`.
//
// Covers: a scheduled run ends TASK OK with the data byte-identical, next-run follows the
// schedule, the next run finds nothing new; ferryd killed (SIGKILL) during a rate-limited
// scheduled run: after the restart the task is stopped with status `unknown`, /admin/sync shows
// it, the target has no finished partial snapshot (at most an unfinished directory without
// manifest), and the next scheduled run completes the data. An invalid tick value stops ferryd.
//
// The target store is compared on disk only after the target ferryd stopped (no writer left).
#include <signal.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "jobs/upid.h"
#include "support/temp_dir.h"
#include "sync_fixture.h"

namespace ferry {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::many_chunks;
using test::t;

constexpr const char* kEvery4s = "*:*:0/4";

class ScheduledSyncTest : public test::SyncServerFixture {
 protected:
  // The target ferryd with the fast scheduler tick.
  void start_fast_target() {
    start_target({{"FERRY_SCHEDULER_TICK_MS", "200"}});
    ASSERT_EQ(target_->wait_for("job scheduler ticks every (\\d+) ms", 10s), "200")
        << target_->log();
    client_ = api();
    ASSERT_NE(client_, nullptr);
  }

  // Creates sync job `id` pulling pbs2/src into local, with `extra` properties.
  void create_job(const std::string& id, json extra = json::object()) {
    json p = {{"id", id}, {"store", "local"}, {"remote", "pbs2"}, {"remote-store", "src"},
              {"schedule", kEvery4s}};
    p.update(extra);
    auto r = client_->post("/api2/json/config/sync", p);
    ASSERT_TRUE(r) << r.error().to_string();
  }

  void update_job(const std::string& id, const json& params) {
    auto r = client_->put("/api2/json/config/sync/" + id, params);
    ASSERT_TRUE(r) << r.error().to_string();
  }

  // The job's entry in GET /admin/sync ({} when missing or on error).
  json sync_status(const std::string& id) {
    auto list = client_->get("/api2/json/admin/sync");
    if (!list || !list->is_array()) return json::object();
    for (const auto& e : *list) {
      if (e.is_object() && e.value("id", "") == id) return e;
    }
    return json::object();
  }

  // Polls GET /admin/sync every 100 ms until `pred(entry)` holds (up to `limit`); returns the
  // entry, or null on timeout (the last entry seen is in `last_status_`).
  template <typename Pred>
  json wait_status(const std::string& id, Pred pred, std::chrono::seconds limit = 20s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      last_status_ = sync_status(id);
      if (last_status_.is_object() && pred(last_status_)) return last_status_;
      std::this_thread::sleep_for(100ms);
    }
    return nullptr;
  }

  std::string task_path(const std::string& upid) const {
    return "/api2/json/nodes/localhost/tasks/" + client::encode_path_component(upid);
  }

  // Polls the task log until it contains `text` (up to `limit`); returns the log so far.
  std::string wait_log(const std::string& upid, const std::string& text,
                       std::chrono::seconds limit = 20s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    std::string out;
    while (std::chrono::steady_clock::now() < end) {
      out.clear();
      if (auto log = client_->get(task_path(upid) + "/log", {{"limit", 0}})) {
        for (const auto& l : *log) out += l.value("t", "") + "\n";
      }
      if (out.find(text) != std::string::npos) break;
      std::this_thread::sleep_for(100ms);
    }
    return out;
  }

  std::unique_ptr<client::HttpClient> client_;
  json last_status_;
};

bool has_upid(const json& e) { return e.contains("last-run-upid"); }
bool finished(const json& e) { return e.contains("last-run-state"); }

std::string last_line(const std::string& log) {
  const size_t end = log.find_last_not_of('\n');
  if (end == std::string::npos) return "";
  const size_t begin = log.rfind('\n', end);
  return log.substr(begin == std::string::npos ? 0 : begin + 1, end - begin);
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int64_t upid_start(const std::string& text) {
  auto u = jobs::Upid::parse(text);
  EXPECT_TRUE(u) << text;
  return u ? u->starttime : 0;
}

TEST_F(ScheduledSyncTest, JobRunsOnItsScheduleThenTheNextRunFindsNothingNew) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1)},
                       {.group = "vm/100", .time = t(2), .image_chunks = {1, 2, 4}},
                       {.group = "ct/200", .time = t(1), .stream_seed = 7}}});
  start_fast_target();
  create_job("every4");

  // The first run: started by the scheduler, not by us.
  const json started = wait_status("every4", has_upid);
  ASSERT_TRUE(started.is_object()) << last_status_.dump() << "\n" << target_->log();
  const std::string first = started["last-run-upid"];
  EXPECT_NE(first.find(":syncjob:"), std::string::npos) << first;
  EXPECT_TRUE(ends_with(first, ":root@pam:")) << first;
  const auto task = wait_task(*client_, first);
  EXPECT_EQ(task.exitstatus, "OK") << task.log;
  EXPECT_TRUE(ends_with(last_line(task.log), ": TASK OK")) << task.log;
  EXPECT_NE(task.log.find("task triggered by schedule '*:*:0/4'"), std::string::npos) << task.log;
  EXPECT_NE(task.log.find("Summary: sync job pulled"), std::string::npos) << task.log;

  // A finished run's status: OK, next-run the first `*:*:0/4` event after its end.
  const json done = wait_status("every4", finished);
  ASSERT_TRUE(done.is_object()) << last_status_.dump();
  const int64_t seen_at = SystemClock::instance().epoch();
  EXPECT_EQ(done.value("last-run-state", ""), "OK") << done.dump();
  ASSERT_TRUE(done.contains("next-run") && done.contains("last-run-endtime")) << done.dump();
  const int64_t next = done["next-run"], endtime = done["last-run-endtime"];
  EXPECT_EQ(next % 4, 0) << done.dump();
  EXPECT_GT(next, endtime) << done.dump();
  EXPECT_LE(next, endtime + 4) << done.dump();
  // In the future up to the scheduler's delay: the next run has not started yet.
  EXPECT_GE(next + 4, seen_at) << "next-run lies in the past: " << done.dump();

  // The following scheduled run transfers nothing.
  const json again = wait_status("every4", [&](const json& e) {
    return finished(e) && e.value("last-run-upid", "") != first;
  });
  ASSERT_TRUE(again.is_object()) << last_status_.dump();
  const std::string second = again["last-run-upid"];
  EXPECT_GT(upid_start(second), upid_start(first));
  const auto rerun = wait_task(*client_, second);
  EXPECT_EQ(rerun.exitstatus, "OK") << rerun.log;
  EXPECT_NE(rerun.log.find("task triggered by schedule '*:*:0/4'"), std::string::npos)
      << rerun.log;
  EXPECT_NE(rerun.log.find("Summary: sync job found no new data to pull"), std::string::npos)
      << rerun.log;
  EXPECT_EQ(rerun.log.find("Summary: sync job pulled"), std::string::npos) << rerun.log;

  // The CLI reads the same state files. While ferryd runs the job, another process sees the
  // run as not running here (§3.3), so wait for a listing taken between two runs.
  json listed = json::object();
  for (int i = 0; i < 50 && listed.value("last-run-state", "") != "OK"; ++i) {
    const auto r = manager({"sync-job", "list", "--status", "--output-format", "json"});
    ASSERT_EQ(r.status, 0) << r.out << r.err;
    const json list = json::parse(r.out, nullptr, false);
    ASSERT_TRUE(list.is_array() && list.size() == 1) << r.out;
    listed = list[0];
    EXPECT_EQ(listed.value("id", ""), "every4") << r.out;
    EXPECT_EQ(listed.value("schedule", ""), kEvery4s) << r.out;
  }
  ASSERT_EQ(listed.value("last-run-state", ""), "OK") << listed.dump();
  ASSERT_TRUE(listed.contains("next-run") && listed["next-run"].is_number()) << listed.dump();
  ASSERT_TRUE(listed.contains("last-run-endtime")) << listed.dump();
  EXPECT_EQ(listed["next-run"].get<int64_t>() % 4, 0) << listed.dump();
  EXPECT_GT(listed["next-run"].get<int64_t>(), listed["last-run-endtime"].get<int64_t>())
      << listed.dump();

  // Byte comparison with no writer left: no more runs, the last one ended, ferryd stopped.
  update_job("every4", {{"delete", json::array({"schedule"})}});
  ASSERT_TRUE(wait_status("every4", finished).is_object()) << last_status_.dump();
  EXPECT_EQ(target_->stop(SIGTERM), 0) << target_->log();
  reopen_target();
  EXPECT_EQ(expect_synced_identical(), 3u);
  expect_only_complete_snapshots();
}

TEST_F(ScheduledSyncTest, KilledDuringAScheduledRunTheTaskIsUnknownAndTheNextRunCompletes) {
  // Two snapshots of 1.5 MiB each at 256 KiB/s: the first alone takes about six seconds.
  serve({.snapshots = {{.group = "vm/100", .time = t(1), .image_chunks = many_chunks(100, 24)},
                       {.group = "vm/100", .time = t(2), .image_chunks = many_chunks(200, 24)}}});
  start_fast_target();
  create_job("slow", {{"rate-in", "256KiB"}});
  const json started = wait_status("slow", has_upid);
  ASSERT_TRUE(started.is_object()) << last_status_.dump() << "\n" << target_->log();
  const std::string upid = started["last-run-upid"];
  const std::string log =
      wait_log(upid, "sync snapshot vm/100/2024-06-01T00:00:00Z\n");  // the transfer began
  ASSERT_NE(log.find("sync snapshot vm/100/2024-06-01T00:00:00Z\n"), std::string::npos) << log;
  auto status = client_->get(task_path(upid) + "/status");
  ASSERT_TRUE(status) << status.error().to_string();
  ASSERT_EQ(status->value("status", ""), "running") << status->dump() << "\n" << log;

  // While it runs: no schedule (so nothing starts right after the restart) and no rate limit.
  // The run keeps its state (§3.4: a running job's reference is not reset).
  update_job("slow", {{"delete", json::array({"schedule", "rate-in"})}});
  EXPECT_EQ(sync_status("slow").value("last-run-upid", ""), upid);

  EXPECT_EQ(target_->stop(SIGKILL), 128 + SIGKILL);
  ASSERT_EQ(target_->start(), "");
  EXPECT_EQ(target_->wait_for("task \\S+ is no longer running: recorded as '([^']*)'", 10s),
            "unknown")
      << target_->log();
  client_ = api();
  ASSERT_NE(client_, nullptr);

  status = client_->get(task_path(upid) + "/status");
  ASSERT_TRUE(status) << status.error().to_string();
  EXPECT_EQ(status->value("status", ""), "stopped") << status->dump();
  EXPECT_EQ(status->value("exitstatus", ""), "unknown") << status->dump();
  const json crashed = sync_status("slow");
  EXPECT_EQ(crashed.value("last-run-upid", ""), upid) << crashed.dump();
  EXPECT_EQ(crashed.value("last-run-state", ""), "unknown") << crashed.dump();
  EXPECT_FALSE(crashed.contains("next-run")) << "no schedule: " << crashed.dump();
  // No finished snapshot came out of the crashed run. The snapshot it was writing may remain
  // as an unfinished directory (no manifest, listed without `size`: datastore-format.md), as
  // in PBS, which nothing reads as a backup; the next run re-syncs it.
  auto snapshots = client_->get("/api2/json/admin/datastore/local/snapshots");
  ASSERT_TRUE(snapshots && snapshots->is_array()) << snapshots.error().to_string();
  bool leftover = false;
  for (const auto& snap : *snapshots) {
    EXPECT_FALSE(snap.contains("size")) << "finished snapshot after a crash: " << snap.dump();
    EXPECT_EQ(snap.value("backup-time", int64_t(0)), t(1)) << snap.dump();
    leftover = true;
  }

  // The schedule back: counted from now (§3.4); the next scheduled run completes the data.
  const int64_t rescheduled_at = SystemClock::instance().epoch();
  update_job("slow", {{"schedule", kEvery4s}});
  if (const json now = sync_status("slow"); now.value("last-run-upid", "") == upid) {
    // Still the crashed run (the next has not started): next-run counts from the change.
    EXPECT_EQ(now.value("last-run-state", ""), "unknown") << now.dump();
    EXPECT_GT(now.value("next-run", int64_t(0)), rescheduled_at) << now.dump();
  }
  const json next = wait_status("slow", [&](const json& e) {
    return finished(e) && e.value("last-run-upid", "") != upid;
  });
  ASSERT_TRUE(next.is_object()) << last_status_.dump() << "\n" << target_->log();
  const std::string rerun_upid = next["last-run-upid"];
  EXPECT_GE(upid_start(rerun_upid), rescheduled_at) << rerun_upid;
  const auto rerun = wait_task(*client_, rerun_upid);
  EXPECT_EQ(rerun.exitstatus, "OK") << rerun.log;
  EXPECT_TRUE(ends_with(last_line(rerun.log), ": TASK OK")) << rerun.log;
  EXPECT_NE(rerun.log.find("task triggered by schedule '*:*:0/4'"), std::string::npos)
      << rerun.log;
  EXPECT_NE(rerun.log.find("sync snapshot vm/100/2024-06-02T00:00:00Z done"), std::string::npos)
      << rerun.log;
  if (leftover) {
    EXPECT_NE(rerun.log.find("re-sync snapshot vm/100/2024-06-01T00:00:00Z"), std::string::npos)
        << rerun.log;
  }
  EXPECT_EQ(next.value("last-run-state", ""), "OK") << next.dump();

  update_job("slow", {{"delete", json::array({"schedule"})}});
  ASSERT_TRUE(wait_status("slow", finished).is_object()) << last_status_.dump();
  EXPECT_EQ(target_->stop(SIGTERM), 0) << target_->log();
  reopen_target();
  EXPECT_EQ(expect_synced_identical(), 2u);
  expect_only_complete_snapshots();
}

// The fast tick is for tests only and checked strictly: a bad value stops ferryd at startup.
TEST(ScheduledSyncStartupTest, InvalidTickIntervalFailsTheStartNamingTheVariable) {
  for (const char* value : {"50", "60001", "fast"}) {
    test::TempDir tmp;
    test::FerrydProcess ferryd(test::FerrydOptions{.config_dir = tmp / "etc",
                                                   .var_dir = tmp / "var",
                                                   .env = {{"FERRY_SCHEDULER_TICK_MS", value}}});
    ASSERT_EQ(ferryd.spawn(), "");
    EXPECT_EQ(ferryd.wait_exit(10s), 1) << value << "\n" << ferryd.log();
    EXPECT_NE(ferryd.log().find(std::string("FERRY_SCHEDULER_TICK_MS: invalid tick interval '") +
                                value + "'"),
              std::string::npos)
        << ferryd.log();
  }
}

}  // namespace
}  // namespace ferry

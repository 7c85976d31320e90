// /admin/sync and /admin/verify through the real routes of an ApiRuntime (no network):
// job status fields, "run now" returning a UPID whose run shows up in the status, privilege
// failures, and the scheduler thread starting and stopping.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "api/api_runtime.h"
#include "http/api_service.h"
#include "http/router.h"
#include "jobs/job_state.h"
#include "jobs/task_registry.h"
#include "services/job_service.h"
#include "support/datastore_builder.h"
#include "support/store_temp_dir.h"

namespace ferry::api {
namespace {

using nlohmann::json;

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

class JobRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    etc_ = dir_.path() / "etc";
    std::filesystem::create_directories(etc_);
    const auto locks = dir_.path() / "run" / "locks";
    test::TestDatastoreSpec src;
    src.name = "src";
    src.snapshots = {{"", "vm/100", 1700000000, {1, 2}, 1, false}};
    ASSERT_TRUE(test::make_test_datastore(dir_.path() / "src", locks, src));
    test::TestDatastoreSpec dst;
    dst.name = "dst";
    dst.snapshots = {};
    ASSERT_TRUE(test::make_test_datastore(dir_.path() / "dst", locks, dst));
    write_text(etc_ / "datastore.cfg", "datastore: src\n\tpath " + (dir_.path() / "src").string() +
                                           "\n\ndatastore: dst\n\tpath " +
                                           (dir_.path() / "dst").string() + "\n");
    write_text(etc_ / "sync.cfg",
               "sync: job1\n\tremote-store src\n\tschedule daily\n\tstore dst\n");
    write_text(etc_ / "verification.cfg", "verification: verify1\n\tstore dst\n");
    write_text(etc_ / "user.cfg", "user: alice@pbs\n\tenable true\n");
    auto rt = ApiRuntime::open({etc_, dir_.path() / "log", dir_.path() / "run"});
    ASSERT_TRUE(rt) << rt.error().to_string();
    runtime_ = std::move(*rt);
    http::ApiServiceOptions opts;
    runtime_->install(router_, opts);
  }

  Result<json> call(http::Method method, std::vector<std::string> path, json params,
                    const std::string& who = "root@pam") {
    auto match = router_.find(method, path);
    EXPECT_TRUE(match && match->route) << path.back();
    if (!match || !match->route) return make_error(Errc::NotFound, "no route");
    http::ApiCall c;
    c.method = method;
    c.params = params.is_null() ? json::object() : params;
    for (const auto& [k, v] : match->path_params) c.params[k] = v;
    c.auth_id = who;
    return match->route->handler(c);
  }

  void wait(const std::string& upid_text) {
    auto upid = jobs::Upid::parse(upid_text);
    ASSERT_TRUE(upid) << upid_text;
    auto info = runtime_->context().tasks->wait(*upid);
    ASSERT_TRUE(info) << info.error().to_string();
  }

  test::StoreTempDir dir_;
  std::filesystem::path etc_;
  std::unique_ptr<ApiRuntime> runtime_;
  http::Router router_;
};

TEST_F(JobRoutesTest, SyncListShowsStatusAndRunNowUpdatesIt) {
  auto list = call(http::Method::Get, {"admin", "sync"}, nullptr);
  ASSERT_TRUE(list) << list.error().to_string();
  ASSERT_EQ(list->size(), 1u) << list->dump();
  EXPECT_EQ((*list)[0]["id"], "job1");
  EXPECT_TRUE((*list)[0].contains("next-run")) << list->dump();
  EXPECT_FALSE((*list)[0].contains("last-run-upid")) << list->dump();

  auto upid = call(http::Method::Post, {"admin", "sync", "job1", "run"}, nullptr);
  ASSERT_TRUE(upid) << upid.error().to_string();
  ASSERT_TRUE(upid->is_string()) << upid->dump();
  EXPECT_NE(upid->get<std::string>().find(":syncjob:"), std::string::npos) << upid->dump();
  wait(upid->get<std::string>());

  list = call(http::Method::Get, {"admin", "sync"}, nullptr);
  ASSERT_TRUE(list);
  const json& job = (*list)[0];
  EXPECT_EQ(job["last-run-upid"], *upid) << job.dump();
  EXPECT_EQ(job["last-run-state"], "OK") << job.dump();
  EXPECT_TRUE(job.contains("last-run-endtime")) << job.dump();
  EXPECT_TRUE(job.contains("next-run")) << job.dump();
}

TEST_F(JobRoutesTest, StoreFilterAndUnknownJob) {
  auto list = call(http::Method::Get, {"admin", "sync"}, {{"store", "src"}});
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty()) << list->dump();
  auto run = call(http::Method::Post, {"admin", "sync", "nope", "run"}, nullptr);
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().code(), Errc::InvalidArgument) << run.error().to_string();
}

TEST_F(JobRoutesTest, UnprivilegedUserSeesNoJobsAndCannotRunThem) {
  auto list = call(http::Method::Get, {"admin", "sync"}, nullptr, "alice@pbs");
  ASSERT_TRUE(list) << list.error().to_string();
  EXPECT_TRUE(list->empty()) << list->dump();
  auto run = call(http::Method::Post, {"admin", "sync", "job1", "run"}, nullptr, "alice@pbs");
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().code(), Errc::InvalidArgument);
  EXPECT_EQ(run.error().message(), "permission check failed");

  auto vlist = call(http::Method::Get, {"admin", "verify"}, nullptr, "alice@pbs");
  ASSERT_TRUE(vlist);
  EXPECT_TRUE(vlist->empty()) << vlist->dump();
  auto vrun = call(http::Method::Post, {"admin", "verify", "verify1", "run"}, nullptr, "alice@pbs");
  ASSERT_FALSE(vrun);
  EXPECT_EQ(vrun.error().code(), Errc::PermissionDenied);
}

TEST_F(JobRoutesTest, VerifyJobRunsAndReportsItsState) {
  write_text(etc_ / "acl.cfg", "acl:1:/datastore/dst:alice@pbs:DatastoreReader\n");
  auto upid = call(http::Method::Post, {"admin", "verify", "verify1", "run"}, nullptr, "alice@pbs");
  ASSERT_TRUE(upid) << upid.error().to_string();
  EXPECT_NE(upid->get<std::string>().find(":verificationjob:dst\\x3averify1:alice@pbs:"),
            std::string::npos)
      << upid->dump();
  wait(upid->get<std::string>());
  auto list = call(http::Method::Get, {"admin", "verify"}, nullptr, "alice@pbs");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u) << list->dump();
  EXPECT_EQ((*list)[0]["last-run-state"], "OK") << list->dump();
}

TEST_F(JobRoutesTest, ConfigEditsKeepTheJobStateInStep) {
  const jobs::JobStateStore& states = runtime_->context().jobs->states();
  const auto path = states.state_path("syncjob", "job2");
  ASSERT_TRUE(
      call(http::Method::Post, {"config", "sync"},
           {{"id", "job2"}, {"store", "dst"}, {"remote-store", "src"}, {"schedule", "hourly"}}));
  ASSERT_TRUE(std::filesystem::exists(path)) << "a new job counts from its creation";

  // Without a state file the job would count from "now - 30 s" on every read; a changed
  // schedule pins the reference time to the change.
  std::filesystem::remove(path);
  ASSERT_TRUE(call(http::Method::Put, {"config", "sync", "job2"}, {{"schedule", "daily"}}));
  auto state = states.read("syncjob", "job2");
  ASSERT_TRUE(state) << state.error().to_string();
  EXPECT_TRUE(std::filesystem::exists(path)) << "schedule change writes the state";

  const auto before = std::filesystem::last_write_time(path);
  ASSERT_TRUE(call(http::Method::Put, {"config", "sync", "job2"}, {{"comment", "no schedule"}}));
  EXPECT_EQ(std::filesystem::last_write_time(path), before) << "other edits leave it alone";

  ASSERT_TRUE(call(http::Method::Delete, {"config", "sync", "job2"}, nullptr));
  EXPECT_FALSE(std::filesystem::exists(path)) << "a removed job loses its state";
}

TEST_F(JobRoutesTest, SchedulerStartsAndStopsPromptly) {
  runtime_->start_scheduler();
  runtime_->start_scheduler();  // idempotent
  const auto start = std::chrono::steady_clock::now();
  runtime_->stop_scheduler();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

}  // namespace
}  // namespace ferry::api

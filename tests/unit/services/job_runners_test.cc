// Sync and verify job runners end to end on real datastores (issue #7): a local sync job run
// through the JobService, its task log and job state, a no-op second run, and the
// resync-corrupt repair cycle (corrupt chunk → verify fails → resync → verify passes).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "common/fs.h"
#include "datastore/datastore.h"
#include "jobs/task_registry.h"
#include "services/job_service.h"
#include "support/datastore_builder.h"
#include "support/store_temp_dir.h"

namespace ferry::services {
namespace {

using test::TestDatastoreSpec;
using test::TestSnapshotSpec;

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

class JobRunnersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    etc_ = dir_.path() / "etc";
    std::filesystem::create_directories(etc_);
    TestDatastoreSpec src;
    src.name = "src";
    src.snapshots = {snap_, {"", "ct/200", 1700000000, {5, 6}, 2, false}};
    auto s = test::make_test_datastore(dir_.path() / "src", dir_.path() / "locks", src);
    ASSERT_TRUE(s) << s.error().to_string();
    stores_["src"] = std::move(*s);
    TestDatastoreSpec dst;
    dst.name = "dst";
    dst.snapshots = {};
    auto d = test::make_test_datastore(dir_.path() / "dst", dir_.path() / "locks", dst);
    ASSERT_TRUE(d) << d.error().to_string();
    stores_["dst"] = std::move(*d);
    write_text(etc_ / "datastore.cfg", "datastore: src\n\tpath " + (dir_.path() / "src").string() +
                                           "\n\ndatastore: dst\n\tpath " +
                                           (dir_.path() / "dst").string() + "\n");
    write_text(etc_ / "sync.cfg", "sync: job1\n\tremote-store src\n\tstore dst\n");
    write_text(etc_ / "verification.cfg", "verification: verify1\n\tstore dst\n");
    jobs::TaskRegistryOptions topts;
    topts.log_root = dir_.path() / "log" / "tasks";
    auto tasks = jobs::TaskRegistry::open(std::move(topts));
    ASSERT_TRUE(tasks) << tasks.error().to_string();
    tasks_ = std::move(*tasks);
    JobServiceOptions opts;
    opts.config_dir = config::ConfigDir(etc_);
    opts.state_dir = dir_.path() / "jobstates";
    opts.notifications = false;
    opts.lookup_datastore =
        [this](std::string_view name) -> Result<std::shared_ptr<datastore::Datastore>> {
      auto it = stores_.find(std::string(name));
      if (it == stores_.end()) return make_error(Errc::NotFound, "no datastore '{}'", name);
      return it->second;
    };
    service_ = std::make_unique<JobService>(std::move(opts), *tasks_, SystemClock::instance());
  }

  // Runs a job now and waits for its task; returns the task's log text.
  std::string run(jobs::JobRunner& runner, const std::string& id, jobs::TaskState* state) {
    auto upid = service_->run_now(runner, id, types::Authid::root());
    EXPECT_TRUE(upid) << upid.error().to_string();
    if (!upid) return "";
    auto info = tasks_->wait(*upid);
    EXPECT_TRUE(info && info->state);
    if (info && info->state && state != nullptr) *state = *info->state;
    auto page = tasks_->read_log(*upid, 0, 0);
    std::string text;
    if (page) {
      for (const auto& l : page->lines) text += l.text + "\n";
    }
    return text;
  }

  std::filesystem::path dst_chunk(size_t i) {
    return stores_["dst"]->chunk_store().chunk_path(test::test_image_chunk_digest(snap_, i));
  }

  test::StoreTempDir dir_;
  std::filesystem::path etc_;
  TestSnapshotSpec snap_{"", "vm/100", 1700000000, {1, 2, 3}, 1, false};
  std::map<std::string, std::shared_ptr<datastore::Datastore>> stores_;
  std::unique_ptr<jobs::TaskRegistry> tasks_;
  std::unique_ptr<JobService> service_;
};

TEST_F(JobRunnersTest, LocalSyncJobRunsAsTaskAndRecordsItsState) {
  jobs::TaskState state;
  const std::string log = run(service_->sync_jobs(), "job1", &state);
  EXPECT_EQ(state.kind, jobs::TaskState::Kind::Ok) << log;
  EXPECT_NE(log.find("Starting datastore sync job '-:src:dst::job1'"), std::string::npos) << log;
  EXPECT_EQ(log.find("task triggered by schedule"), std::string::npos) << log;
  EXPECT_NE(log.rfind("TASK OK\n"), std::string::npos) << log;
  auto snapshots = stores_["dst"]->list_snapshots({}, *types::BackupGroup::parse("vm/100"));
  ASSERT_TRUE(snapshots) << snapshots.error().to_string();
  EXPECT_EQ(snapshots->size(), 1u);

  const jobs::JobStatus status = service_->status("syncjob", "job1", std::nullopt);
  ASSERT_TRUE(status.last_run_upid);
  EXPECT_EQ(status.last_run_state.value_or(""), "OK");
  EXPECT_TRUE(status.last_run_endtime);
  auto upid = jobs::Upid::parse(*status.last_run_upid);
  ASSERT_TRUE(upid);
  EXPECT_EQ(upid->worker_type, "syncjob");
  EXPECT_EQ(upid->auth_id, "root@pam");
}

TEST_F(JobRunnersTest, SecondSyncRunTransfersNothing) {
  jobs::TaskState state;
  run(service_->sync_jobs(), "job1", &state);
  const std::string log = run(service_->sync_jobs(), "job1", &state);
  EXPECT_EQ(state.kind, jobs::TaskState::Kind::Ok) << log;
  EXPECT_NE(log.find("Summary: sync job found no new data to pull"), std::string::npos) << log;
}

TEST_F(JobRunnersTest, UnknownJobIsNotFoundAndStartsNoTask) {
  auto upid = service_->run_now(service_->sync_jobs(), "nope", types::Authid::root());
  ASSERT_FALSE(upid);
  EXPECT_EQ(upid.error().code(), Errc::NotFound) << upid.error().to_string();
  EXPECT_EQ(tasks_->active_count(), 0u);
}

TEST_F(JobRunnersTest, JobWithUnknownRemoteFailsItsTaskNamingTheRemote) {
  write_text(etc_ / "sync.cfg", "sync: job1\n\tremote offsite\n\tremote-store src\n\tstore dst\n");
  jobs::TaskState state;
  const std::string log = run(service_->sync_jobs(), "job1", &state);
  EXPECT_EQ(state.kind, jobs::TaskState::Kind::Error) << log;
  EXPECT_NE(state.message.find("no such remote 'offsite'"), std::string::npos) << state.message;
}

TEST_F(JobRunnersTest, ResyncCorruptRepairsASnapshotVerifyFound) {
  jobs::TaskState state;
  run(service_->sync_jobs(), "job1", &state);
  ASSERT_EQ(state.kind, jobs::TaskState::Kind::Ok);
  std::string log = run(service_->verify_jobs(), "verify1", &state);
  ASSERT_EQ(state.kind, jobs::TaskState::Kind::Ok) << log;
  EXPECT_NE(log.find("Starting datastore verify job 'dst:verify1'"), std::string::npos) << log;

  // Corrupt one chunk on the target: same size, other bytes (the CRC no longer matches).
  const auto chunk = dst_chunk(1);
  auto bytes = fs::read_file(chunk, 1 << 20);
  ASSERT_TRUE(bytes);
  (*bytes)[bytes->size() - 1] ^= 0xff;
  write_text(chunk, std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size()));

  // ignore-verified would skip the already verified snapshot.
  write_text(etc_ / "verification.cfg",
             "verification: verify1\n\tignore-verified false\n\tstore dst\n");
  log = run(service_->verify_jobs(), "verify1", &state);
  EXPECT_EQ(state.kind, jobs::TaskState::Kind::Error) << log;
  EXPECT_EQ(state.message, "verification failed - please check the log for details");
  EXPECT_NE(log.find("\tvm/100/2023-11-14T22:13:20Z"), std::string::npos) << log;

  write_text(etc_ / "sync.cfg",
             "sync: job1\n\tremote-store src\n\tresync-corrupt true\n\tstore dst\n");
  log = run(service_->sync_jobs(), "job1", &state);
  EXPECT_EQ(state.kind, jobs::TaskState::Kind::Ok) << log;
  EXPECT_TRUE(std::filesystem::exists(chunk)) << log;

  log = run(service_->verify_jobs(), "verify1", &state);
  EXPECT_EQ(state.kind, jobs::TaskState::Kind::Ok) << log;
  const jobs::JobStatus status = service_->status("verificationjob", "verify1", std::nullopt);
  EXPECT_EQ(status.last_run_state.value_or(""), "OK");
}

TEST_F(JobRunnersTest, SchedulerTickStartsDueJobsWithTheTriggerLine) {
  write_text(etc_ / "sync.cfg",
             "sync: job1\n\tremote-store src\n\tschedule minutely\n\tstore dst\n");
  // No state file: created 30 s ago, so a minutely job is due within the next minute.
  const int64_t now = SystemClock::instance().epoch() + 60;
  const jobs::TickReport report = service_->scheduler().tick(now);
  ASSERT_EQ(report.started.size(), 1u) << (report.errors.empty() ? "" : report.errors[0]);
  auto info = tasks_->wait(report.started[0].upid);
  ASSERT_TRUE(info && info->state);
  EXPECT_EQ(info->state->kind, jobs::TaskState::Kind::Ok);
  auto page = tasks_->read_log(report.started[0].upid, 0, 0);
  ASSERT_TRUE(page && page->lines.size() > 2);
  EXPECT_NE(page->lines[0].text.find("Starting datastore sync job"), std::string::npos);
  EXPECT_NE(page->lines[1].text.find("task triggered by schedule 'minutely'"), std::string::npos)
      << page->lines[1].text;
}

}  // namespace
}  // namespace ferry::services

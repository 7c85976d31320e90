// JobStateStore and Job: state files, reading rules (§3.3), schedule changes (§3.4), the job
// lock (§4, sync-test-cases M6) and spawn_job_task (the lock moves into the task).
#include <chrono>
#include <future>
#include <string>

#include <gtest/gtest.h>

#include "common/fs.h"
#include "jobs/job_runner.h"
#include "jobs/job_state.h"
#include "jobs/task_registry.h"
#include "support/manual_clock.h"
#include "support/temp_dir.h"

namespace ferry::jobs {
namespace {

constexpr int64_t kT0 = 1717582643;
const std::string kDeadUpid =
    "UPID:pbs1:7FFFFFF0:00ABCDEF:00000003:66603B33:syncjob:j1:root@pam:";

class JobStateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TaskRegistryOptions o;
    o.log_root = dir_ / "tasks";
    o.clock = &clock_;
    o.node = "pbs1";
    auto r = TaskRegistry::open(o);
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    registry_ = std::move(*r);
    store_ = std::make_unique<JobStateStore>(dir_ / "jobstates", clock_, *registry_);
  }

  void write_state(const std::string& json) {
    ASSERT_TRUE(fs::make_dirs(dir_ / "jobstates"));
    ASSERT_TRUE(fs::atomic_replace(store_->state_path("syncjob", "j1"), json));
  }
  std::string state_file() {
    auto t = fs::read_text_file(store_->state_path("syncjob", "j1"), 1 << 16);
    return t ? *t : "(missing)";
  }
  JobState read() {
    auto s = store_->read("syncjob", "j1");
    EXPECT_TRUE(s.has_value()) << s.error().to_string();
    return s ? *s : JobState{};
  }

  test::TempDir dir_;
  test::ManualClock clock_{kT0};
  std::unique_ptr<TaskRegistry> registry_;
  std::unique_ptr<JobStateStore> store_;
};

TEST_F(JobStateStoreTest, PathsFollowTheSpec) {
  EXPECT_EQ(store_->state_path("syncjob", "j1"), dir_ / "jobstates" / "syncjob-j1.json");
  EXPECT_EQ(store_->lock_path("verificationjob", "v-1"),
            dir_ / "jobstates" / "verificationjob-v-1.lck");
}

TEST_F(JobStateStoreTest, MissingFileReadsAsCreatedThirtySecondsAgo) {
  EXPECT_EQ(read(), JobState::created(kT0 - 30));
  EXPECT_EQ(state_file(), "(missing)");  // reading writes nothing
}

TEST_F(JobStateStoreTest, CreateAndRemove) {
  ASSERT_TRUE(store_->create("syncjob", "j1"));
  EXPECT_EQ(state_file(), R"({"created":{"time":1717582643}})");
  EXPECT_TRUE(*fs::exists(store_->lock_path("syncjob", "j1")));
  ASSERT_TRUE(store_->remove("syncjob", "j1"));
  EXPECT_FALSE(*fs::exists(store_->state_path("syncjob", "j1")));
  EXPECT_FALSE(*fs::exists(store_->lock_path("syncjob", "j1")));
  EXPECT_TRUE(store_->remove("syncjob", "j1"));  // already gone is fine
}

TEST_F(JobStateStoreTest, InvalidNamesAreRejected) {
  for (auto [type, id] : std::vector<std::pair<std::string, std::string>>{
           {"syncjob", ""}, {"syncjob", "../x"}, {"syncjob", "a/b"}, {"", "j1"},
           {".hidden", "j1"}, {"syncjob", "-j1"}}) {
    auto s = store_->read(type, id);
    ASSERT_FALSE(s.has_value()) << type << "-" << id;
    EXPECT_EQ(s.error().code(), Errc::InvalidArgument);
    EXPECT_FALSE(store_->acquire(type, id).has_value());
  }
}

TEST_F(JobStateStoreTest, StartedWithoutRunningTaskReadsAsUnknownAtItsStart) {
  write_state(R"({"started":{"upid":")" + kDeadUpid + R"("}})");
  EXPECT_EQ(read(), JobState::finished(kDeadUpid, TaskState::unknown(kT0)));
  EXPECT_NE(state_file().find("started"), std::string::npos);  // not rewritten
}

TEST_F(JobStateStoreTest, StartedWhoseTaskEndedReadsTheStateFromItsLog) {
  auto upid = registry_->spawn("syncjob", std::string("j1"), "root@pam", [](TaskContext& c) {
    c.warn("one");
    return ok();
  });
  ASSERT_TRUE(upid.has_value());
  ASSERT_TRUE(registry_->wait(*upid));
  write_state(JobState::started(upid->to_string()).to_json());
  EXPECT_EQ(read(), JobState::finished(upid->to_string(), TaskState::warning(1, kT0)));
}

TEST_F(JobStateStoreTest, StartedWhileTaskRunsHereStaysStarted) {
  std::promise<void> release;
  auto upid = registry_->spawn("syncjob", std::string("j1"), "root@pam",
                               [&](TaskContext&) -> Status {
                                 release.get_future().wait();
                                 return ok();
                               });
  ASSERT_TRUE(upid.has_value());
  write_state(JobState::started(upid->to_string()).to_json());
  EXPECT_EQ(read(), JobState::started(upid->to_string()));
  release.set_value();
  ASSERT_TRUE(registry_->wait(*upid));
}

TEST_F(JobStateStoreTest, CorruptFileIsReplacedByFreshCreated) {
  write_state("{\"finished\":");
  EXPECT_EQ(read(), JobState::created(kT0));
  EXPECT_EQ(state_file(), R"({"created":{"time":1717582643}})");
  // A state naming an unparseable UPID is corrupt too.
  write_state(R"({"started":{"upid":"UPID:bogus"}})");
  clock_.advance(std::chrono::seconds(5));
  EXPECT_EQ(read(), JobState::created(kT0 + 5));
  EXPECT_EQ(state_file(), R"({"created":{"time":1717582648}})");
}

TEST_F(JobStateStoreTest, CorruptFileOfLockedJobIsNotOverwritten) {
  write_state("garbage");
  auto job = store_->acquire("syncjob", "j1");
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(read(), JobState::created(kT0));
  EXPECT_EQ(state_file(), "garbage");
}

TEST_F(JobStateStoreTest, LockWaitsThenTimesOutWithPbsMessage) {
  auto held = store_->acquire("syncjob", "j1");
  ASSERT_TRUE(held.has_value()) << held.error().to_string();
  auto begin = std::chrono::steady_clock::now();
  auto second = store_->acquire("syncjob", "j1", std::chrono::milliseconds(300));
  auto waited = std::chrono::steady_clock::now() - begin;
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), Errc::Timeout);
  EXPECT_GE(waited, std::chrono::milliseconds(250));
  std::string prefix = "Unable to acquire lock \"" + store_->lock_path("syncjob", "j1").string() +
                       "\" - ";
  EXPECT_EQ(second.error().message().substr(0, prefix.size()), prefix)
      << second.error().message();
  held = Result<Job>(tl::unexpected(Error(Errc::Internal, "released")));  // drop the lock
  EXPECT_TRUE(store_->acquire("syncjob", "j1", std::chrono::milliseconds(0)).has_value());
}

TEST_F(JobStateStoreTest, JobStartAndFinishWriteTheStates) {
  auto job = store_->acquire("syncjob", "j1");
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->finish(TaskState::ok(1)).error().code(), Errc::Internal);
  Upid upid = *Upid::parse(kDeadUpid);
  ASSERT_TRUE(job->start(upid));
  EXPECT_EQ(state_file(), R"({"started":{"upid":")" + kDeadUpid + R"("}})");
  ASSERT_TRUE(job->finish(TaskState::error("sync failed with some errors.", 1717582700)));
  EXPECT_EQ(state_file(), R"({"finished":{"upid":")" + kDeadUpid +
                              R"(","state":{"Error":{"message":"sync failed with some errors.",)"
                              R"("endtime":1717582700}},"updated":null}})");
}

TEST_F(JobStateStoreTest, ScheduleChangeResetsTheReference) {
  // Missing → created now.
  EXPECT_EQ(*store_->schedule_changed("syncjob", "j1"), true);
  EXPECT_EQ(read(), JobState::created(kT0));
  // Finished → updated = now.
  write_state(JobState::finished(kDeadUpid, TaskState::ok(kT0 + 10)).to_json());
  clock_.advance(std::chrono::seconds(100));
  EXPECT_EQ(*store_->schedule_changed("syncjob", "j1"), true);
  EXPECT_EQ(state_file(), JobState::finished(kDeadUpid, TaskState::ok(kT0 + 10), kT0 + 100).to_json());
  // Running (lock held) → unchanged.
  {
    auto job = store_->acquire("syncjob", "j1");
    ASSERT_TRUE(job.has_value());
    clock_.advance(std::chrono::seconds(100));
    EXPECT_EQ(*store_->schedule_changed("syncjob", "j1"), false);
  }
  EXPECT_EQ(read().updated, kT0 + 100);
  // Started while the run holds the lock → unchanged.
  write_state(JobState::started(kDeadUpid).to_json());
  {
    auto job = store_->acquire("syncjob", "j1");
    ASSERT_TRUE(job.has_value());
    EXPECT_EQ(*store_->schedule_changed("syncjob", "j1"), false);
  }
  EXPECT_NE(state_file().find("started"), std::string::npos);
}

TEST_F(JobStateStoreTest, ScheduleChangeAfterACrashedRunResetsTheReference) {
  // The run's process died (no lock holder, no task here): read as finished unknown (§3.3)
  // and reset like any finished run, as PBS's update does. Without the reset the scheduler
  // would count from the crashed run's start and run the job at once, on the new schedule's
  // first tick rather than its first event.
  write_state(JobState::started(kDeadUpid).to_json());
  clock_.advance(std::chrono::seconds(500));
  EXPECT_EQ(*store_->schedule_changed("syncjob", "j1"), true);
  const JobState expected = JobState::finished(kDeadUpid, TaskState::unknown(kT0), kT0 + 500);
  EXPECT_EQ(state_file(), expected.to_json());
  EXPECT_EQ(*last_run_time(read()), kT0 + 500);
}

TEST_F(JobStateStoreTest, JobTaskHoldsTheLockAndRecordsItsRun) {
  auto job = store_->acquire("syncjob", "j1");
  ASSERT_TRUE(job.has_value());
  std::promise<void> entered, release;
  auto upid = spawn_job_task(*registry_, std::move(*job), "syncjob", std::string("j1"),
                             "root@pam", [&](TaskContext& ctx) -> Status {
                               ctx.log("working");
                               entered.set_value();
                               release.get_future().wait();
                               return make_error(Errc::Io, "sync failed with some errors.");
                             });
  ASSERT_TRUE(upid.has_value()) << upid.error().to_string();
  entered.get_future().wait();
  // M6: while the task runs, nobody else gets the lock.
  auto second = store_->acquire("syncjob", "j1", std::chrono::milliseconds(50));
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(read(), JobState::started(upid->to_string()));
  release.set_value();
  ASSERT_TRUE(registry_->wait(*upid));
  EXPECT_EQ(read(), JobState::finished(upid->to_string(),
                                       TaskState::error("sync failed with some errors.", kT0)));
  EXPECT_EQ(state_file(), read().to_json());
  EXPECT_TRUE(store_->acquire("syncjob", "j1", std::chrono::milliseconds(0)).has_value());
}

}  // namespace
}  // namespace ferry::jobs

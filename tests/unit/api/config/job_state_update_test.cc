// The config service layer keeps the job state in step (jobs-and-schedules.md §3.2–§3.4,
// sync-test-cases.md M7/M8) for both job kinds, whoever calls it (REST API or ferry-manager):
// create writes a created state, a changed or deleted schedule resets the reference time
// (`updated` of a finished state), an edit that leaves the schedule alone keeps it (Ferry's
// rule, docs/design/sync.md S10), remove deletes the state and lock files. Without a store the
// config still changes and no state file appears.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "api/config/sync_jobs.h"
#include "api/config/verify_jobs.h"
#include "common/fs.h"
#include "jobs/job_state.h"
#include "jobs/task_registry.h"
#include "support/manual_clock.h"
#include "unit/api/config/config_fixture.h"

namespace ferry::api {
namespace {

constexpr int64_t kT0 = 1717582643;
const std::string kUpid = "UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:syncjob:j1:root@pam:";

enum class Kind { Sync, Verify };

#define ASSERT_OK(expr)                                           \
  do {                                                            \
    auto&& st_ = (expr);                                          \
    ASSERT_TRUE(st_) << #expr << ": " << st_.error().to_string(); \
  } while (0)

class JobStateUpdateTest : public ConfigServiceTest, public ::testing::WithParamInterface<Kind> {
 protected:
  void SetUp() override {
    seed();
    jobs::TaskRegistryOptions o;
    o.log_root = tmp_ / "log" / "tasks";
    o.clock = &clock_;
    auto r = jobs::TaskRegistry::open(o);
    ASSERT_TRUE(r) << r.error().to_string();
    registry_ = std::move(*r);
    states_ = std::make_unique<jobs::JobStateStore>(tmp_ / "jobstates", clock_, *registry_);
  }

  std::string type() const { return GetParam() == Kind::Sync ? "syncjob" : "verificationjob"; }
  std::filesystem::path state_path() const { return states_->state_path(type(), "job1"); }
  std::string state_text() const {
    auto t = fs::read_text_file(state_path(), 4096);
    return t ? *t : "<missing>";
  }

  Status create(const jobs::JobStateStore* states) {
    if (GetParam() == Kind::Sync) {
      SyncJobCreateParams p;
      p.id = "job1";
      p.props.store = "local";
      p.props.remote = "pbs2";
      p.props.remote_store = "src";
      p.props.schedule = "daily";
      return create_sync_job(dir_, root_, p, states);
    }
    VerifyJobCreateParams p;
    p.id = "job1";
    p.props.store = "local";
    p.props.schedule = "daily";
    return create_verify_job(dir_, root_, p, states);
  }

  // Sets `schedule` and/or `comment`, or deletes the schedule.
  Status update(std::optional<std::string> schedule, std::optional<std::string> comment,
                bool delete_schedule = false) {
    std::vector<std::string> deletes;
    if (delete_schedule) deletes.push_back("schedule");
    if (GetParam() == Kind::Sync) {
      SyncJobUpdateParams u;
      u.props.schedule = schedule;
      u.props.comment = comment;
      u.delete_props = deletes;
      return update_sync_job(dir_, root_, "job1", u, states_.get());
    }
    VerifyJobUpdateParams u;
    u.props.schedule = schedule;
    u.props.comment = comment;
    u.delete_props = deletes;
    return update_verify_job(dir_, root_, "job1", u, states_.get());
  }

  Status remove(const jobs::JobStateStore* states) {
    if (GetParam() == Kind::Sync) return delete_sync_job(dir_, root_, "job1", std::nullopt, states);
    return delete_verify_job(dir_, root_, "job1", std::nullopt, states);
  }

  // The state after a finished run (M7 layout).
  void write_finished() {
    ASSERT_TRUE(fs::atomic_replace(
        state_path(), R"({"finished":{"upid":")" + kUpid +
                          R"(","state":{"OK":{"endtime":1717582700}},"updated":null}})"));
  }
  std::string finished_with(const std::string& updated) const {
    return R"({"finished":{"upid":")" + kUpid +
           R"(","state":{"OK":{"endtime":1717582700}},"updated":)" + updated + "}}";
  }

  test::ManualClock clock_{kT0};
  std::unique_ptr<jobs::TaskRegistry> registry_;
  std::unique_ptr<jobs::JobStateStore> states_;
};

TEST_P(JobStateUpdateTest, CreateWritesACreatedState) {
  ASSERT_OK(create(states_.get()));
  EXPECT_EQ(state_text(), R"({"created":{"time":1717582643}})");
}

TEST_P(JobStateUpdateTest, ScheduleChangeSetsUpdatedOnAFinishedState) {
  ASSERT_OK(create(states_.get()));
  write_finished();
  clock_.advance(std::chrono::seconds(100));
  ASSERT_OK(update("12:00", std::nullopt));
  EXPECT_EQ(state_text(), finished_with(std::to_string(kT0 + 100))) << "M8: updated = now";
}

TEST_P(JobStateUpdateTest, ScheduleChangeRestartsACreatedState) {
  ASSERT_OK(create(states_.get()));
  clock_.advance(std::chrono::seconds(50));
  ASSERT_OK(update("hourly", std::nullopt));
  EXPECT_EQ(state_text(), R"({"created":{"time":)" + std::to_string(kT0 + 50) + "}}");
}

TEST_P(JobStateUpdateTest, DeletingTheScheduleCountsAsAChange) {
  ASSERT_OK(create(states_.get()));
  write_finished();
  clock_.advance(std::chrono::seconds(7));
  ASSERT_OK(update(std::nullopt, std::nullopt, true));
  EXPECT_EQ(state_text(), finished_with(std::to_string(kT0 + 7)));
}

// Ferry's decision (docs/design/sync.md S10), not PBS's quirk of sync-semantics.md §1.3.
TEST_P(JobStateUpdateTest, EditsThatKeepTheScheduleKeepTheState) {
  ASSERT_OK(create(states_.get()));
  write_finished();
  clock_.advance(std::chrono::seconds(100));
  ASSERT_OK(update(std::nullopt, "only the comment"));
  EXPECT_EQ(state_text(), finished_with("null")) << "comment-only update";
  ASSERT_OK(update("daily", std::nullopt));
  EXPECT_EQ(state_text(), finished_with("null")) << "the same schedule again";
}

TEST_P(JobStateUpdateTest, FailedUpdateLeavesTheStateAlone) {
  ASSERT_OK(create(states_.get()));
  write_finished();
  EXPECT_FALSE(update("not a schedule", std::nullopt));
  EXPECT_EQ(state_text(), finished_with("null"));
}

TEST_P(JobStateUpdateTest, RemoveDeletesStateAndLockFiles) {
  ASSERT_OK(create(states_.get()));
  ASSERT_TRUE(std::filesystem::exists(states_->lock_path(type(), "job1")));
  ASSERT_OK(remove(states_.get()));
  EXPECT_FALSE(std::filesystem::exists(state_path()));
  EXPECT_FALSE(std::filesystem::exists(states_->lock_path(type(), "job1")));
}

TEST_P(JobStateUpdateTest, WithoutAStoreOnlyTheConfigChanges) {
  ASSERT_OK(create(nullptr));
  EXPECT_FALSE(std::filesystem::exists(state_path()));
  ASSERT_OK(remove(nullptr));
  EXPECT_FALSE(std::filesystem::exists(tmp_ / "jobstates"));
}

INSTANTIATE_TEST_SUITE_P(Kinds, JobStateUpdateTest, ::testing::Values(Kind::Sync, Kind::Verify),
                         [](const auto& info) {
                           return info.param == Kind::Sync ? "SyncJob" : "VerifyJob";
                         });

}  // namespace
}  // namespace ferry::api

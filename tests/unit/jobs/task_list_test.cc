// TaskRegistry::list: the filters and paging of GET /nodes/{node}/tasks (api.md §5.3.2).
#include <future>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "jobs/task_registry.h"
#include "support/manual_clock.h"
#include "support/temp_dir.h"

namespace ferry::jobs {
namespace {

constexpr int64_t kT0 = 1717582643;

// Seven tasks, started one minute apart, each ending when started (the clock does not move
// while a task runs), plus one that keeps running until the test ends:
//
//   #  type                worker id                 auth              end state     start
//   0  syncjob             pbs2:src:store1::j1       root@pam          OK            T0
//   1  syncjob             pbs2:src:store2::j2       root@pam          WARNINGS: 1   T0+60
//   2  verificationjob     store1:v1                 root@pam          error         T0+120
//   3  verify_snapshot     store2:vm/100/6661A2B4    alice@pbs         OK            T0+180
//   4  garbage_collection  store1                    root@pam          error         T0+240
//   5  backup              store1:vm/100             alice@pbs!tok     OK            T0+300
//   6  sync                store1                    bob@pbs           OK            T0+360
//   7  prunejob            store1                    root@pam          (running)     T0+420
class TaskListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TaskRegistryOptions o;
    o.log_root = dir_ / "tasks";
    o.clock = &clock_;
    o.node = "pbs1";
    auto r = TaskRegistry::open(o);
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    registry_ = std::move(*r);
    struct Spec {
      const char* type;
      const char* id;
      const char* auth;
      int outcome;  // 0 ok, 1 warning, 2 error
    };
    const Spec specs[] = {
        {"syncjob", "pbs2:src:store1::j1", "root@pam", 0},
        {"syncjob", "pbs2:src:store2::j2", "root@pam", 1},
        {"verificationjob", "store1:v1", "root@pam", 2},
        {"verify_snapshot", "store2:vm/100/6661A2B4", "alice@pbs", 0},
        {"garbage_collection", "store1", "root@pam", 2},
        {"backup", "store1:vm/100", "alice@pbs!tok", 0},
        {"sync", "store1", "bob@pbs", 0},
    };
    for (const auto& s : specs) {
      int outcome = s.outcome;
      auto upid = registry_->spawn(s.type, std::string(s.id), s.auth, [outcome](TaskContext& c) -> Status {
        if (outcome == 1) c.warn("w");
        if (outcome == 2) return make_error(Errc::Io, "failed");
        return ok();
      });
      ASSERT_TRUE(upid.has_value()) << upid.error().to_string();
      ASSERT_TRUE(registry_->wait(*upid).has_value());
      upids_.push_back(*upid);
      clock_.advance(std::chrono::seconds(60));
    }
    auto running = registry_->spawn("prunejob", std::string("store1"), "root@pam",
                                    [this](TaskContext&) -> Status {
                                      release_.get_future().wait();
                                      return ok();
                                    });
    ASSERT_TRUE(running.has_value());
    upids_.push_back(*running);
  }

  void TearDown() override {
    release_.set_value();
    registry_.reset();
  }

  // Indexes (into upids_) of the listed tasks, in list order.
  std::vector<int> listed(const TaskListFilter& f, uint64_t* total = nullptr) {
    auto list = registry_->list(f);
    EXPECT_TRUE(list.has_value()) << list.error().to_string();
    std::vector<int> out;
    if (!list) return out;
    for (const auto& t : list->tasks) {
      int idx = -1;
      for (size_t i = 0; i < upids_.size(); ++i) {
        if (upids_[i] == t.upid) idx = int(i);
      }
      out.push_back(idx);
      EXPECT_EQ(t.running, idx == 7);
    }
    if (total) *total = list->total;
    return out;
  }

  test::TempDir dir_;
  test::ManualClock clock_{kT0};
  std::unique_ptr<TaskRegistry> registry_;
  std::vector<Upid> upids_;
  std::promise<void> release_;
};

using Indexes = std::vector<int>;

TEST_F(TaskListTest, DefaultListsRunningFirstThenNewestFinished) {
  uint64_t total = 0;
  EXPECT_EQ(listed({}, &total), (Indexes{7, 6, 5, 4, 3, 2, 1, 0}));
  EXPECT_EQ(total, 8u);
}

TEST_F(TaskListTest, RunningOnly) { EXPECT_EQ(listed({.running = true}), (Indexes{7})); }

TEST_F(TaskListTest, ErrorsDropsTasksThatEndedOk) {
  EXPECT_EQ(listed({.errors = true}), (Indexes{7, 4, 2, 1}));
}

TEST_F(TaskListTest, StatusFilterSelectsFinishedStates) {
  EXPECT_EQ(listed({.statusfilter = {TaskState::Kind::Error}}), (Indexes{4, 2}));
  EXPECT_EQ(listed({.statusfilter = {TaskState::Kind::Warning, TaskState::Kind::Ok}}),
            (Indexes{6, 5, 3, 1, 0}));
}

TEST_F(TaskListTest, TypeAndUserFiltersAreSubstrings) {
  EXPECT_EQ(listed({.typefilter = "sync"}), (Indexes{6, 1, 0}));
  EXPECT_EQ(listed({.typefilter = "verif"}), (Indexes{3, 2}));
  EXPECT_EQ(listed({.userfilter = "alice"}), (Indexes{5, 3}));
  EXPECT_EQ(listed({.userfilter = "@pbs", .typefilter = "sync"}), (Indexes{6}));
}

TEST_F(TaskListTest, StoreFilterMatchesTheTasksOfADatastore) {
  EXPECT_EQ(listed({.store = "store1"}), (Indexes{7, 6, 5, 4, 2, 0}));
  EXPECT_EQ(listed({.store = "store2"}), (Indexes{3, 1}));
}

TEST_F(TaskListTest, SinceAndUntil) {
  // Finished tasks ending before `since` are dropped; running ones stay.
  EXPECT_EQ(listed({.since = kT0 + 240}), (Indexes{7, 6, 5, 4}));
  // Tasks started after `until` are dropped.
  EXPECT_EQ(listed({.until = kT0 + 60}), (Indexes{1, 0}));
  EXPECT_EQ(listed({.since = kT0 + 60, .until = kT0 + 180}), (Indexes{3, 2, 1}));
}

TEST_F(TaskListTest, StartAndLimitPageAndReportTotal) {
  uint64_t total = 0;
  EXPECT_EQ(listed({.start = 0, .limit = 3}, &total), (Indexes{7, 6, 5}));
  EXPECT_EQ(total, 4u);  // 0 + 3 returned + 1 because more match
  EXPECT_EQ(listed({.start = 3, .limit = 3}, &total), (Indexes{4, 3, 2}));
  EXPECT_EQ(total, 7u);
  EXPECT_EQ(listed({.start = 6, .limit = 3}, &total), (Indexes{1, 0}));
  EXPECT_EQ(total, 8u);  // limit not hit
  EXPECT_EQ(listed({.start = 20, .limit = 3}, &total), (Indexes{}));
  EXPECT_EQ(total, 20u);
  EXPECT_EQ(listed({.start = 2, .limit = 0}, &total), (Indexes{5, 4, 3, 2, 1, 0}));
  EXPECT_EQ(total, 8u);
}

}  // namespace
}  // namespace ferry::jobs

// Scheduler with a ManualClock (jobs-and-schedules.md §2–§4, sync-test-cases.md M1–M5, M8).
#include "jobs/scheduler.h"

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/fs.h"
#include "jobs/task_registry.h"
#include "support/manual_clock.h"
#include "support/temp_dir.h"
#include "unit/jobs/jobs_test_util.h"

namespace ferry::jobs {
namespace {

using test_util::at;
using test_util::show;

// A runner for "syncjob" whose tasks end at once, or, for jobs in `blocking`, when the test
// releases them. start() returns only after the task logged its first lines, so the test
// thread may move the ManualClock afterwards without racing the task.
class FakeRunner final : public JobRunner {
 public:
  explicit FakeRunner(TaskRegistry& registry) : registry_(registry) {}

  std::string job_type() const override { return "syncjob"; }

  Result<std::vector<ScheduledJob>> list_jobs() override {
    ++list_calls;
    if (list_error) return make_error(Errc::Io, "sync.cfg unreadable");
    return jobs;
  }

  Result<Upid> start(const ScheduledJob& job, Job&& lock, const JobTrigger& trigger) override {
    if (start_error) return make_error(Errc::InvalidArgument, "source and target are the same");
    auto entered = std::make_shared<std::promise<void>>();
    auto done = entered->get_future();
    std::shared_future<void> gate;
    if (blocking.count(job.id)) gate = blocking[job.id];
    auto upid = spawn_job_task(registry_, std::move(lock), "syncjob", job.id, trigger.auth_id,
                               [entered, gate, trigger, id = job.id](TaskContext& ctx) -> Status {
                                 ctx.log("Starting datastore sync job '" + id + "'");
                                 if (trigger.schedule) ctx.log(trigger_message(*trigger.schedule));
                                 entered->set_value();
                                 if (gate.valid()) gate.wait();
                                 return ok();
                               });
    if (upid) {
      done.wait();
      starts.push_back({job.id, *upid});
    }
    return upid;
  }

  struct Start {
    std::string id;
    Upid upid;
  };
  std::vector<ScheduledJob> jobs;
  std::map<std::string, std::shared_future<void>> blocking;
  std::vector<Start> starts;
  bool list_error = false;
  bool start_error = false;
  int list_calls = 0;

 private:
  TaskRegistry& registry_;
};

class SchedulerTest : public ::testing::Test {
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
    runner_ = std::make_unique<FakeRunner>(*registry_);
    scheduler_ = std::make_unique<Scheduler>(clock_, *store_,
                                             SchedulerOptions{std::chrono::milliseconds(20)});
    scheduler_->add_runner(*runner_);
  }

  void TearDown() override {
    for (auto& [id, gate] : gates_) gate.set_value();
    gates_.clear();
    scheduler_.reset();
    runner_.reset();
    registry_.reset();
  }

  // Ticks at `now` (the clock is set to it first) and waits for the tasks it started to end,
  // unless they are blocking. Returns the ids of the started jobs.
  std::vector<std::string> tick(int64_t now) {
    clock_.set_epoch(now);
    TickReport report = scheduler_->tick(now);
    std::vector<std::string> ids;
    for (const auto& s : report.started) {
      ids.push_back(s.job_id);
      if (!runner_->blocking.count(s.job_id)) {
        EXPECT_TRUE(registry_->wait(s.upid));
      }
    }
    last_errors_ = report.errors;
    return ids;
  }

  // Ticks every minute in [from, to] and returns the tick times at which `id` started.
  std::vector<int64_t> tick_range(int64_t from, int64_t to, const std::string& id = "j1") {
    std::vector<int64_t> fired;
    for (int64_t t = from; t <= to; t += 60) {
      for (const auto& started : tick(t)) {
        if (started == id) fired.push_back(t);
      }
    }
    return fired;
  }

  void block(const std::string& id) { runner_->blocking[id] = gates_[id].get_future().share(); }
  void release(const std::string& id) {
    gates_[id].set_value();
    gates_.erase(id);
  }

  // Writes a finished state for a run of j1 that started at `start` and ended at `end`.
  void finished_run(int64_t start, int64_t end) {
    Upid u{"pbs1", 0x7FFFFFF0, 0xABCDEF, 1, start, "syncjob", std::string("j1"), "root@pam"};
    ASSERT_TRUE(fs::make_dirs(dir_ / "jobstates"));
    ASSERT_TRUE(fs::atomic_replace(store_->state_path("syncjob", "j1"),
                                   JobState::finished(u.to_string(), TaskState::ok(end)).to_json()));
  }

  test_util::ScopedTimeZone tz_{"UTC0"};
  test::TempDir dir_;
  test::ManualClock clock_{at("2024-06-05T10:17:23Z")};
  std::unique_ptr<TaskRegistry> registry_;
  std::unique_ptr<JobStateStore> store_;
  std::unique_ptr<FakeRunner> runner_;
  std::unique_ptr<Scheduler> scheduler_;
  std::map<std::string, std::promise<void>> gates_;
  std::vector<std::string> last_errors_;
};

using Times = std::vector<int64_t>;

TEST_F(SchedulerTest, WeeklyJobFiresExactlyAtItsEventOnce) {
  // M2: created Wed 2024-06-05 10:17:23 with `Wed 02:30`: not immediately, but next Wednesday.
  ASSERT_TRUE(store_->create("syncjob", "j1"));
  runner_->jobs = {{"j1", std::string("Wed 02:30")}};
  EXPECT_EQ(tick_range(at("2024-06-05T10:18:00Z"), at("2024-06-05T12:00:00Z")), Times{});
  EXPECT_EQ(tick_range(at("2024-06-12T02:00:00Z"), at("2024-06-12T03:00:00Z")),
            Times{at("2024-06-12T02:30:00Z")});
  ASSERT_EQ(runner_->starts.size(), 1u);
  const Upid& upid = runner_->starts[0].upid;
  EXPECT_EQ(upid.starttime, at("2024-06-12T02:30:00Z"));
  EXPECT_EQ(upid.auth_id, "root@pam");
  auto log = registry_->read_log(upid, 0, 0);
  ASSERT_TRUE(log.has_value());
  ASSERT_EQ(log->lines.size(), 3u);
  EXPECT_EQ(log->lines[1].text, "2024-06-12T02:30:00+00:00: task triggered by schedule 'Wed 02:30'");
  EXPECT_EQ(log->lines[2].text, "2024-06-12T02:30:00+00:00: TASK OK");
  auto state = store_->read("syncjob", "j1");
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(*state, JobState::finished(upid.to_string(), TaskState::ok(upid.starttime)));
  EXPECT_EQ(job_status(*state, std::string("Wed 02:30")).next_run, at("2024-06-19T02:30:00Z"));
}

TEST_F(SchedulerTest, MissingStateFiresAtTheFirstEventAfterThirtySecondsAgo) {
  // M3: `*:0/15`, no state file: ticks 10:18 … 10:29 do nothing, 10:30 starts it.
  runner_->jobs = {{"j1", std::string("*:0/15")}};
  EXPECT_EQ(tick_range(at("2024-06-05T10:18:00Z"), at("2024-06-05T10:30:00Z")),
            Times{at("2024-06-05T10:30:00Z")});
}

TEST_F(SchedulerTest, MinutelyFiresEveryTick) {
  ASSERT_TRUE(store_->create("syncjob", "j1"));
  runner_->jobs = {{"j1", std::string("minutely")}};
  Times expected;
  for (int64_t t = at("2024-06-05T10:18:00Z"); t <= at("2024-06-05T10:25:00Z"); t += 60) {
    expected.push_back(t);
  }
  EXPECT_EQ(tick_range(at("2024-06-05T10:18:00Z"), at("2024-06-05T10:25:00Z")), expected);
}

TEST_F(SchedulerTest, RunningJobIsNotStartedTwiceAndRestartsBackToBack) {
  // M4: `hourly` job starting 01:00:00 and ending 03:10:30.
  finished_run(at("2024-06-05T00:00:00Z"), at("2024-06-05T00:05:00Z"));
  runner_->jobs = {{"j1", std::string("hourly")}};
  block("j1");
  EXPECT_EQ(tick_range(at("2024-06-05T00:59:00Z"), at("2024-06-05T03:10:00Z")),
            Times{at("2024-06-05T01:00:00Z")});
  EXPECT_EQ(registry_->active_count(), 1u);
  clock_.set_epoch(at("2024-06-05T03:10:30Z"));
  Upid first = runner_->starts.at(0).upid;
  runner_->blocking.clear();
  release("j1");
  ASSERT_TRUE(registry_->wait(first));
  EXPECT_EQ(tick_range(at("2024-06-05T03:11:00Z"), at("2024-06-05T03:59:00Z")),
            Times{at("2024-06-05T03:11:00Z")});
}

TEST_F(SchedulerTest, OneCatchUpRunAfterDowntime) {
  // M1: `daily`, last run started 2024-06-03 00:00:05; down until 2024-06-05 10:17:10.
  finished_run(at("2024-06-03T00:00:05Z"), at("2024-06-03T00:20:00Z"));
  runner_->jobs = {{"j1", std::string("daily")}};
  EXPECT_EQ(tick_range(at("2024-06-05T10:18:00Z"), at("2024-06-06T00:00:00Z")),
            (Times{at("2024-06-05T10:18:00Z"), at("2024-06-06T00:00:00Z")}));
}

TEST_F(SchedulerTest, ScheduleChangeTakesEffectFromTheChange) {
  // Last run started 00:00; at 10:00 the schedule becomes `*:0/30`.
  finished_run(at("2024-06-05T00:00:00Z"), at("2024-06-05T00:10:00Z"));
  runner_->jobs = {{"j1", std::string("*:0/30")}};
  clock_.set_epoch(at("2024-06-05T10:00:00Z"));
  ASSERT_EQ(*store_->schedule_changed("syncjob", "j1"), true);
  // The reference is the change (10:00), not the old run (00:00, which would fire at once).
  EXPECT_EQ(tick_range(at("2024-06-05T10:01:00Z"), at("2024-06-05T10:30:00Z")),
            Times{at("2024-06-05T10:30:00Z")});
}

TEST_F(SchedulerTest, ScheduleEditedInConfigIsReadEveryTick) {
  ASSERT_TRUE(store_->create("syncjob", "j1"));
  runner_->jobs = {{"j1", std::string("daily")}};
  EXPECT_EQ(tick(at("2024-06-05T10:18:00Z")), std::vector<std::string>{});
  runner_->jobs = {{"j1", std::string("10:19")}};
  EXPECT_EQ(tick(at("2024-06-05T10:19:00Z")), std::vector<std::string>{"j1"});
  runner_->jobs = {{"j1", std::nullopt}};  // schedule removed
  EXPECT_EQ(tick_range(at("2024-06-06T10:19:00Z"), at("2024-06-06T10:20:00Z")), Times{});
}

TEST_F(SchedulerTest, ManualRunShiftsTheReference) {
  // M5: scheduled `02:00`, last ran the previous night.
  finished_run(at("2024-06-04T02:00:00Z"), at("2024-06-04T02:10:00Z"));
  runner_->jobs = {{"j1", std::string("02:00")}};
  auto run_now = [&]() -> Upid {
    auto lock = store_->acquire("syncjob", "j1");
    EXPECT_TRUE(lock.has_value());
    auto upid = runner_->start(runner_->jobs[0], std::move(*lock), {std::nullopt, "alice@pbs"});
    EXPECT_TRUE(upid.has_value());
    return *upid;
  };
  // A manual run at 01:55 that ends before 02:00: the scheduled run still happens at 02:00.
  clock_.set_epoch(at("2024-06-05T01:55:00Z"));
  Upid manual = run_now();
  ASSERT_TRUE(registry_->wait(manual));
  EXPECT_EQ(manual.auth_id, "alice@pbs");
  auto log = registry_->read_log(manual, 0, 0);
  ASSERT_TRUE(log.has_value());
  for (const auto& line : log->lines) {
    EXPECT_EQ(line.text.find("triggered by schedule"), std::string::npos) << line.text;
  }
  EXPECT_EQ(tick_range(at("2024-06-05T01:56:00Z"), at("2024-06-05T02:05:00Z")),
            Times{at("2024-06-05T02:00:00Z")});
  // Next night the manual run lasts until 02:05: the scheduled run starts at the 02:06 tick.
  clock_.set_epoch(at("2024-06-06T01:55:00Z"));
  block("j1");
  manual = run_now();
  EXPECT_EQ(tick_range(at("2024-06-06T01:56:00Z"), at("2024-06-06T02:05:00Z")), Times{});
  clock_.set_epoch(at("2024-06-06T02:05:00Z"));
  runner_->blocking.clear();
  release("j1");
  ASSERT_TRUE(registry_->wait(manual));
  EXPECT_EQ(tick_range(at("2024-06-06T02:06:00Z"), at("2024-06-06T02:10:00Z")),
            Times{at("2024-06-06T02:06:00Z")});
}

TEST_F(SchedulerTest, LockedJobIsSkippedSilently) {
  ASSERT_TRUE(store_->create("syncjob", "j1"));
  runner_->jobs = {{"j1", std::string("minutely")}};
  {
    auto lock = store_->acquire("syncjob", "j1");  // e.g. another process runs it
    ASSERT_TRUE(lock.has_value());
    EXPECT_EQ(tick(at("2024-06-05T10:18:00Z")), std::vector<std::string>{});
    EXPECT_TRUE(last_errors_.empty());
  }
  EXPECT_EQ(tick(at("2024-06-05T10:19:00Z")), std::vector<std::string>{"j1"});
}

TEST_F(SchedulerTest, InvalidScheduleIsSkippedWithAnErrorWhileOthersRun) {
  runner_->jobs = {{"bad", std::string("Daily")},
                   {"j1", std::string("minutely")},
                   {"j2", std::nullopt}};
  EXPECT_EQ(tick(at("2024-06-05T10:18:00Z")), std::vector<std::string>{"j1"});
  ASSERT_EQ(last_errors_.size(), 1u);
  EXPECT_EQ(last_errors_[0].rfind("unable to parse schedule 'Daily' - ", 0), 0u)
      << last_errors_[0];
  EXPECT_EQ(tick(at("2024-06-05T10:19:00Z")), std::vector<std::string>{"j1"});
}

TEST_F(SchedulerTest, UnreadableStateIsReportedAndOthersRun) {
  runner_->jobs = {{"j1", std::string("minutely")}, {"j2", std::string("minutely")}};
  // j1's state file cannot be read: a directory in its place makes the read fail.
  ASSERT_TRUE(fs::make_dirs(store_->state_path("syncjob", "j1")));
  EXPECT_EQ(tick(at("2024-06-05T10:18:00Z")), std::vector<std::string>{"j2"});
  ASSERT_EQ(last_errors_.size(), 1u);
  EXPECT_EQ(last_errors_[0].rfind("could not get last run time of syncjob j1: ", 0), 0u)
      << last_errors_[0];
}

TEST_F(SchedulerTest, FailedStartLeavesStateAndRetriesNextTick) {
  ASSERT_TRUE(store_->create("syncjob", "j1"));
  runner_->jobs = {{"j1", std::string("minutely")}};
  runner_->start_error = true;
  EXPECT_EQ(tick(at("2024-06-05T10:18:00Z")), std::vector<std::string>{});
  ASSERT_EQ(last_errors_.size(), 1u);
  EXPECT_NE(last_errors_[0].find("source and target are the same"), std::string::npos);
  EXPECT_EQ(store_->read("syncjob", "j1")->kind, JobState::Kind::Created);
  runner_->start_error = false;
  EXPECT_EQ(tick(at("2024-06-05T10:19:00Z")), std::vector<std::string>{"j1"});
}

TEST_F(SchedulerTest, ListErrorIsLoggedAndTheLoopContinues) {
  runner_->list_error = true;
  EXPECT_EQ(tick(at("2024-06-05T10:18:00Z")), std::vector<std::string>{});
  ASSERT_EQ(last_errors_.size(), 1u);
  EXPECT_EQ(last_errors_[0], "unable to list syncjob jobs: sync.cfg unreadable");
  runner_->list_error = false;
  runner_->jobs = {{"j1", std::string("minutely")}};
  EXPECT_EQ(tick(at("2024-06-05T10:19:00Z")), std::vector<std::string>{"j1"});
  EXPECT_EQ(runner_->list_calls, 2);
}

TEST(SchedulerRunTest, RunLoopStopsWhenRequested) {
  test::TempDir dir;
  TaskRegistryOptions o;
  o.log_root = dir / "tasks";
  o.node = "pbs1";
  auto registry = TaskRegistry::open(o);
  ASSERT_TRUE(registry.has_value());
  JobStateStore store(dir / "jobstates", SystemClock::instance(), **registry);
  Scheduler scheduler(SystemClock::instance(), store);
  auto begin = std::chrono::steady_clock::now();
  {
    std::jthread loop([&](std::stop_token stop) { scheduler.run(stop); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }  // jthread requests stop and joins
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(5));
}

TEST(ParseTickIntervalTest, AcceptsMillisecondsWithinBoundsOnly) {
  for (auto [text, ms] : {std::pair{"100", 100}, {"250", 250}, {"60000", 60000}}) {
    auto r = parse_tick_interval(text);
    ASSERT_TRUE(r.has_value()) << text << ": " << r.error().to_string();
    EXPECT_EQ(r->count(), ms) << text;
  }
  for (const char* text : {"", "99", "0", "-100", "60001", "abc", "100ms", " 100", "1e3",
                           "99999999999999999999"}) {
    auto r = parse_tick_interval(text);
    ASSERT_FALSE(r.has_value()) << "accepted '" << text << "'";
    EXPECT_EQ(r.error().code(), Errc::InvalidArgument) << text;
    EXPECT_NE(r.error().to_string().find("invalid tick interval '" + std::string(text) + "'"),
              std::string::npos)
        << r.error().to_string();
  }
}

// A clock the test moves while the scheduler thread reads it.
class SharedManualClock final : public Clock {
 public:
  explicit SharedManualClock(int64_t epoch) : epoch_(epoch) {}
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point(std::chrono::seconds(epoch_.load()));
  }
  void set_epoch(int64_t epoch) { epoch_ = epoch; }

 private:
  std::atomic<int64_t> epoch_;
};

// A "syncjob" runner safe to observe from the test thread while run() calls it.
class CountingRunner final : public JobRunner {
 public:
  CountingRunner(TaskRegistry& registry, std::string schedule)
      : registry_(registry), schedule_(std::move(schedule)) {}
  std::string job_type() const override { return "syncjob"; }
  Result<std::vector<ScheduledJob>> list_jobs() override {
    ++ticks;
    return std::vector<ScheduledJob>{{"j1", schedule_}};
  }
  Result<Upid> start(const ScheduledJob& job, Job&& lock, const JobTrigger& trigger) override {
    auto upid = spawn_job_task(registry_, std::move(lock), "syncjob", job.id, trigger.auth_id,
                               [](TaskContext&) -> Status { return ok(); });
    if (upid) {
      std::lock_guard l(mu_);
      starts_.push_back(*upid);
    }
    return upid;
  }
  std::vector<Upid> starts() const {
    std::lock_guard l(mu_);
    return starts_;
  }
  std::atomic<int> ticks{0};

 private:
  TaskRegistry& registry_;
  const std::string schedule_;
  mutable std::mutex mu_;
  std::vector<Upid> starts_;
};

// Polls `done` every 5 ms for up to 5 s.
template <typename F>
bool eventually(F done) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

TEST(SchedulerRunTest, TickIntervalTicksEveryIntervalWithTheSameRules) {
  test_util::ScopedTimeZone tz("UTC0");
  test::TempDir dir;
  SharedManualClock clock(test_util::at("2024-06-05T10:17:23Z"));
  TaskRegistryOptions o;
  o.log_root = dir / "tasks";
  o.node = "pbs1";
  o.clock = &clock;
  auto registry = TaskRegistry::open(o);
  ASSERT_TRUE(registry.has_value()) << registry.error().to_string();
  JobStateStore store(dir / "jobstates", clock, **registry);
  ASSERT_TRUE(store.create("syncjob", "j1"));  // created at 10:17:23
  CountingRunner runner(**registry, "*:*:0/5");
  SchedulerOptions options;
  options.lock_timeout = std::chrono::milliseconds(20);
  options.tick_interval = std::chrono::milliseconds(100);
  Scheduler scheduler(clock, store, options);
  scheduler.add_runner(runner);
  auto ticks_pass = [&](int n) {
    const int from = runner.ticks.load();
    return eventually([&] { return runner.ticks.load() >= from + n; });
  };
  {
    std::jthread loop([&](std::stop_token stop) { scheduler.run(stop); });
    // The clock stands still within minute 10:17 and the loop still ticks: not due before :25.
    ASSERT_TRUE(ticks_pass(3)) << "no ticks every 100 ms";
    EXPECT_TRUE(runner.starts().empty());
    clock.set_epoch(test_util::at("2024-06-05T10:17:25Z"));
    ASSERT_TRUE(eventually([&] { return runner.starts().size() == 1; }));
    const Upid first = runner.starts()[0];
    EXPECT_EQ(first.starttime, test_util::at("2024-06-05T10:17:25Z")) << show(first.starttime);
    ASSERT_TRUE((*registry)->wait(first));
    // Many ticks within the same second: the reference is the run's start, nothing more is due.
    ASSERT_TRUE(ticks_pass(3));
    EXPECT_EQ(runner.starts().size(), 1u);
    clock.set_epoch(test_util::at("2024-06-05T10:17:31Z"));  // :30 passed: one run, no queue
    ASSERT_TRUE(eventually([&] { return runner.starts().size() == 2; }));
    ASSERT_TRUE((*registry)->wait(runner.starts()[1]));
    ASSERT_TRUE(ticks_pass(3));
    EXPECT_EQ(runner.starts().size(), 2u);
  }  // jthread requests stop and joins
  auto state = store.read("syncjob", "j1");
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->kind, JobState::Kind::Finished);
  EXPECT_EQ(state->upid, runner.starts()[1].to_string());
}

}  // namespace
}  // namespace ferry::jobs

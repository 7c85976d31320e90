// ferry::jobs — TaskContext, what a running worker task sees of itself, and TaskFunction, the
// body a TaskRegistry runs.
//
// A worker task is a function run on its own thread:
//
//   registry.spawn("syncjob", worker_id, "root@pam", [](TaskContext& ctx) -> Status {
//     ctx.log("starting sync");
//     for (...) {
//       FERRY_TRY(ctx.check_abort());
//       if (problem) ctx.warn("group vm/100: snapshot skipped");
//     }
//     return ok();
//   });
//
// The registry turns the body's result into the task's end state (TaskState::from_result):
// an error → `TASK ERROR: <error chain>`, else warnings → `TASK WARNINGS: n`, else `TASK OK`.
// Exceptions escaping the body are caught by the registry's per-task barrier and end the task
// with an error (std::bad_alloc excepted: it terminates, STYLE.md).
//
// Thread-safety: every TaskContext method may be called from any thread the body starts (e.g.
// verify worker threads); log lines are written whole and in call order. The context is valid
// until the body returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "common/clock.h"
#include "common/result.h"
#include "jobs/task_state.h"
#include "jobs/upid.h"

namespace ferry::jobs {

// How often a running task looks for an abort request of another process (TaskRegistry::abort).
inline constexpr std::chrono::milliseconds kAbortPollInterval{1000};

namespace internal {
struct ActiveTask;
}  // namespace internal

class TaskContext {
 public:
  TaskContext(const TaskContext&) = delete;
  TaskContext& operator=(const TaskContext&) = delete;

  const Upid& upid() const;
  // The canonical text form (the log file name).
  const std::string& upid_string() const;
  // The clock the registry uses for log times (tests drive it).
  const Clock& clock() const;

  // Appends a line `{time}: {message}` to the task log. A write error is reported once on the
  // daemon log (spdlog) and otherwise ignored: the task goes on.
  void log(std::string_view message);
  // Logs `WARN: {message}` and counts a warning.
  void warn(std::string_view message);
  uint64_t warning_count() const;

  // Set by TaskRegistry::abort — in this process directly, from another process through the
  // abort marker next to the task log, which this call looks for at most once per
  // kAbortPollInterval (a stat; on the first sighting it logs "received abort request ...").
  // The body decides where to stop; check_abort() gives the error to return: Cancelled
  // "abort requested - aborting task". Bodies should call it at least every few seconds.
  bool abort_requested() const;
  Status check_abort() const;

  // Progress 0.0 .. 1.0 for status displays (values are clamped).
  void set_progress(double fraction);

  // The end state this task would have if the body returned `result` now (used by job
  // helpers that record the job's end state before the task ends, §3.2).
  TaskState make_state(const Status& result) const;

 private:
  friend class TaskRegistry;
  explicit TaskContext(internal::ActiveTask& task) : task_(task) {}
  internal::ActiveTask& task_;
};

// A move-only `Status(TaskContext&)` callable (std::function needs copyable targets, and task
// bodies often own move-only resources such as a job lock).
class TaskFunction {
 public:
  TaskFunction() = default;
  template <typename F,
            typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, TaskFunction> &&
                                        std::is_invocable_r_v<Status, F&, TaskContext&>>>
  TaskFunction(F&& f)  // NOLINT(google-explicit-constructor): lambdas convert implicitly
      : impl_(std::make_unique<Model<std::decay_t<F>>>(std::forward<F>(f))) {}

  TaskFunction(TaskFunction&&) noexcept = default;
  TaskFunction& operator=(TaskFunction&&) noexcept = default;

  explicit operator bool() const { return impl_ != nullptr; }
  Status operator()(TaskContext& ctx) { return impl_->call(ctx); }

 private:
  struct Concept {
    virtual ~Concept() = default;
    virtual Status call(TaskContext& ctx) = 0;
  };
  template <typename F>
  struct Model final : Concept {
    explicit Model(F&& f) : fn(std::move(f)) {}
    explicit Model(const F& f) : fn(f) {}
    Status call(TaskContext& ctx) override { return fn(ctx); }
    F fn;
  };
  std::unique_ptr<Concept> impl_;
};

}  // namespace ferry::jobs

// ferry::jobs — TaskRegistry: spawns worker tasks, keeps their logs and the index of running
// and finished tasks (jobs-and-schedules.md §5–§6, api.md §5.3).
//
// On disk, under the log root given by the daemon (PBS: /var/log/proxmox-backup/tasks):
//
//   {root}/{XX}/{UPID}     task log (task_log.h), XX = low byte of the UPID's pstart
//   {root}/{XX}/{UPID}.abort  abort request from another process (empty; while it runs)
//   {root}/.tasks.sqlite   task index (SQLite, WAL): UPID fields, end time, end state
//   {root}/active          running tasks, one UPID per line          (PBS-compatible copy)
//   {root}/archive         "{UPID} {endtime hex} {status}" per line   (PBS-compatible copy)
//   {root}/.active.lock    flock guarding active/archive
//
// Life of a task: spawn() assigns a UPID (node, pid, pstart, per-process counter, start time,
// type, id, auth id), creates the log, records the task as running, and runs the body on a new
// thread. When the body returns, the end line (`TASK OK` / `TASK WARNINGS: n` /
// `TASK ERROR: msg`) is written, the log is synced, and the index, `archive` and `active` are
// updated.
//
// Crashes: a task recorded as running whose process is gone (pid + pstart checked against
// /proc; for our own process: not in this registry) is finalized from its log (status
// recovery, task_log.h) — usually `unknown` — when the registry opens and before every list or
// status query. So tasks of a stopped or crashed server never show as running forever.
//
// Thread-safety: all methods may be called from any thread. The registry is owned by the
// daemon (one per process); its destructor waits for running tasks, so request aborts first
// when shutting down. Several processes (daemon, CLI) may share one log root.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "jobs/task_context.h"
#include "jobs/task_log.h"
#include "jobs/task_state.h"
#include "jobs/upid.h"

namespace ferry::jobs {

struct TaskRegistryOptions {
  std::filesystem::path log_root;        // required; created if missing
  std::filesystem::path index_path;      // default {log_root}/.tasks.sqlite
  const Clock* clock = nullptr;          // default SystemClock; must outlive the registry
  std::optional<std::string> node;       // default: host name up to the first '.'
  std::optional<uint32_t> pid;           // default: getpid()
  std::optional<uint64_t> pstart;        // default: our start time from /proc/self/stat
  std::filesystem::path proc_root = "/proc";  // where other processes' liveness is checked
};

// A task as the API shows it (list entries and status).
struct TaskInfo {
  Upid upid;
  std::string upid_text;
  bool running = false;
  std::optional<TaskState> state;  // set when finished
};

// GET /nodes/{node}/tasks parameters (api.md §5.3.2). Access filtering is the API's job.
struct TaskListFilter {
  uint64_t start = 0;
  uint64_t limit = 50;              // 0 = unlimited
  std::optional<std::string> store;
  bool running = false;             // only running tasks
  bool errors = false;              // drop tasks that ended OK
  std::string userfilter;           // substring of the auth id
  std::optional<int64_t> since;     // drop finished tasks that ended before
  std::optional<int64_t> until;     // drop tasks started after
  std::string typefilter;           // substring of the worker type
  std::vector<TaskState::Kind> statusfilter;  // non-empty: only finished tasks in these states
};

struct TaskList {
  std::vector<TaskInfo> tasks;
  // api.md: start + number returned, plus 1 when more tasks match beyond the limit.
  uint64_t total = 0;
};

// What retention removes (the daily task-log rotation calls apply_retention).
struct TaskRetention {
  std::optional<int64_t> max_age_days;   // finished tasks that ended longer ago
  std::optional<uint64_t> max_finished;  // keep at most this many finished tasks (newest)
};

class TaskRegistry {
 public:
  // Opens the registry: creates the log root, opens (or creates) the index — importing PBS's
  // `active`/`archive` lists into a new index — and finalizes tasks of dead processes.
  // Errors: InvalidArgument (no log root, invalid node name), Io, PermissionDenied.
  // Blocks (file system, SQLite).
  static Result<std::unique_ptr<TaskRegistry>> open(TaskRegistryOptions options);

  ~TaskRegistry();
  TaskRegistry(const TaskRegistry&) = delete;
  TaskRegistry& operator=(const TaskRegistry&) = delete;

  // Starts a task running `body` on a new thread and returns its UPID once the log exists and
  // the task is recorded as running. `worker_id` is stored unescaped (the UPID escapes it).
  // Errors: InvalidArgument (worker type or auth id invalid), AlreadyExists (UPID collision),
  // Io. Durable: the log file and the index row exist when it returns.
  Result<Upid> spawn(std::string_view worker_type, std::optional<std::string> worker_id,
                     std::string_view auth_id, TaskFunction body);

  // Requests abort of a running task. In this process: sets its flag (the body checks it) and
  // logs "received abort request ...". In another live process (ferryd, a ferry-manager running
  // a job): writes the empty marker {root}/{XX}/{UPID}.abort, which that process's task finds
  // within kAbortPollInterval of its next abort check (TaskContext::abort_requested), then
  // removes, logs and acts on like a local request; the task's end removes a marker it never
  // saw. (PBS sends "abort-task" over the owner's control socket; a file next to the log needs
  // no socket and works for any process sharing the log root.) Returns once the request is
  // recorded, not when the task has stopped. Errors: NotFound ("task '<upid>' is not
  // running": unknown, finished, or its process is gone), Io. Blocks (file system, index).
  Status abort(const Upid& upid);
  // Requests abort of every task of this process (shutdown).
  void abort_all();

  // Status of a task (GET .../status). A task that is in no index but has a log (e.g. from a
  // lost index) is reported stopped with the state read from its log. Errors: NotFound, Io.
  Result<TaskInfo> status(const Upid& upid) const;

  // The task list (GET /nodes/{node}/tasks): running tasks first (newest start first), then
  // finished ones, newest end first. Errors: Io.
  Result<TaskList> list(const TaskListFilter& filter) const;

  // Lines of a task's log (GET .../log), see read_task_log. Errors: NotFound, Io.
  Result<TaskLogPage> read_log(const Upid& upid, uint64_t start, uint64_t limit) const;

  // {root}/{XX}/{UPID}.
  std::filesystem::path log_path(const Upid& upid) const;

  // True while the task runs in this process (the job-state reading rule of §3.3).
  bool is_active_here(const Upid& upid) const;
  // Number of tasks running in this process.
  size_t active_count() const;
  // Progress last set by a running task of this process.
  std::optional<double> progress(const Upid& upid) const;

  // Blocks until a task of this process has ended (returns at once for other tasks) and
  // returns its status.
  Result<TaskInfo> wait(const Upid& upid) const;

  // Removes finished tasks beyond the policy: their index rows and log files, and rewrites
  // `archive`. Errors: Io. Durable.
  Status apply_retention(const TaskRetention& policy);

  class Core;  // implementation, shared with the task threads

 private:
  explicit TaskRegistry(std::shared_ptr<Core> core) : core_(std::move(core)) {}
  Status abort_elsewhere(const Upid& upid);
  // Runs `body` with a TaskContext for `task` behind the per-task exception barrier.
  static Status run_body(internal::ActiveTask& task, TaskFunction& body);
  std::shared_ptr<Core> core_;
};

// True when the task belongs to datastore `store` for the list's store filter (api.md
// §5.3.2): verification tasks of the store, sync jobs whose local store it is, and any other
// task whose worker id equals the store or starts with "{store}:".
bool task_matches_store(const Upid& upid, std::string_view store);

}  // namespace ferry::jobs

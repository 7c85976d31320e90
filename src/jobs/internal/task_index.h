// ferry::jobs::internal — the SQLite index of worker tasks behind TaskRegistry.
//
// One row per task: the UPID (text and fields), and for finished tasks the end time and end
// state. A running task has endtime NULL. The file lives next to the task logs by default and
// is shared by every Ferry process on the node (WAL mode, busy timeout).
//
//   CREATE TABLE tasks (upid TEXT PRIMARY KEY, pid, pstart, task_id, starttime, worker_type,
//                       worker_id, auth_id, endtime, state, warnings, message)
//
// Not thread-safe: TaskRegistry serializes access with its mutex.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "jobs/internal/sqlite.h"
#include "jobs/task_state.h"
#include "jobs/upid.h"

namespace ferry::jobs::internal {

struct TaskRow {
  std::string upid_text;
  Upid upid;
  std::optional<TaskState> state;  // unset while running
};

// The filters SQL can apply; the store filter and paging happen in the caller.
struct TaskRowFilter {
  bool running_only = false;
  bool errors_only = false;               // drop finished tasks that ended OK
  std::optional<int64_t> since;           // finished tasks ending before are dropped
  std::optional<int64_t> until;           // tasks started after are dropped
  std::string typefilter;                 // substring of worker_type
  std::string userfilter;                 // substring of auth_id
  std::vector<TaskState::Kind> statusfilter;  // non-empty: only finished tasks of these kinds
};

class TaskIndex {
 public:
  // Opens or creates the index. `created` tells whether the schema was just created (so the
  // caller may import PBS's text lists). Errors: Io.
  static Result<TaskIndex> open(const std::filesystem::path& path, bool& created);

  // Records a running task. AlreadyExists if the UPID is known.
  Status insert_running(const std::string& upid_text, const Upid& upid);
  // Records a finished task (import); an existing row is left as it is.
  Status insert_finished(const std::string& upid_text, const Upid& upid, const TaskState& state);
  // Sets the end state of a running task; a finished or missing row is left as it is.
  Status finish(const std::string& upid_text, const TaskState& state);

  Result<std::optional<TaskRow>> find(const std::string& upid_text);
  Result<std::vector<TaskRow>> running();

  // Visits matching rows: running ones first (newest start first), then finished ones,
  // newest end first. `visit` returns false to stop.
  Status scan(const TaskRowFilter& filter, const std::function<bool(TaskRow&&)>& visit);

  // Finished rows that ended before `cutoff` or are beyond the newest `keep` finished rows.
  Result<std::vector<TaskRow>> expired(std::optional<int64_t> cutoff, std::optional<uint64_t> keep);
  Status remove(const std::string& upid_text);
  // All finished rows, oldest end first (to rewrite the archive).
  Result<std::vector<TaskRow>> finished_oldest_first();

 private:
  explicit TaskIndex(Database db) : db_(std::move(db)) {}
  Result<std::vector<TaskRow>> rows(Statement& stmt);
  Database db_;
};

}  // namespace ferry::jobs::internal

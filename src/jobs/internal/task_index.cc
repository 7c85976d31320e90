#include "jobs/internal/task_index.h"

#include <spdlog/spdlog.h>

namespace ferry::jobs::internal {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS tasks (
  upid        TEXT PRIMARY KEY NOT NULL,
  pid         INTEGER NOT NULL,
  pstart      INTEGER NOT NULL,
  task_id     INTEGER NOT NULL,
  starttime   INTEGER NOT NULL,
  worker_type TEXT NOT NULL,
  worker_id   TEXT,
  auth_id     TEXT NOT NULL,
  endtime     INTEGER,
  state       TEXT,
  warnings    INTEGER NOT NULL DEFAULT 0,
  message     TEXT
);
CREATE INDEX IF NOT EXISTS tasks_by_end ON tasks (endtime);
PRAGMA user_version = 1;
)sql";

constexpr std::string_view kColumns = "upid, endtime, state, warnings, message";

constexpr std::string_view kRunningOrder = " ORDER BY starttime DESC, task_id DESC, upid DESC";
constexpr std::string_view kFinishedOrder = " ORDER BY endtime DESC, starttime DESC, upid DESC";

std::string_view kind_text(TaskState::Kind k) {
  return TaskState{k, 0, 0, {}}.kind_name();
}

std::optional<TaskState::Kind> kind_from_text(std::string_view s) {
  for (auto k : {TaskState::Kind::Ok, TaskState::Kind::Warning, TaskState::Kind::Error,
                 TaskState::Kind::Unknown}) {
    if (kind_text(k) == s) return k;
  }
  return std::nullopt;
}

// A row from the kColumns projection; nullopt (and a log line) for a row that does not parse,
// so one damaged row never hides the others.
std::optional<TaskRow> decode_row(const Statement& st) {
  std::string text = st.text(0);
  auto upid = Upid::parse(text);
  if (!upid) {
    spdlog::warn("task index: skipping row: {}", upid.error().to_string());
    return std::nullopt;
  }
  TaskRow row{text, std::move(*upid), std::nullopt};
  if (auto end = st.optional_int64(1)) {
    auto kind = kind_from_text(st.text(2)).value_or(TaskState::Kind::Unknown);
    row.state = TaskState{kind, *end, uint64_t(st.int64(3)), st.optional_text(4).value_or("")};
    if (kind != TaskState::Kind::Warning) row.state->warnings = 0;
  }
  return row;
}

}  // namespace

Result<TaskIndex> TaskIndex::open(const std::filesystem::path& path, bool& created) {
  FERRY_TRY_ASSIGN(Database db, Database::open(path));
  FERRY_TRY_ASSIGN(Statement version, db.prepare("PRAGMA user_version"));
  FERRY_TRY_ASSIGN(bool has_row, version.step());
  created = !has_row || version.int64(0) == 0;
  FERRY_TRY(db.exec(kSchema));
  return TaskIndex(std::move(db));
}

Status TaskIndex::insert_running(const std::string& upid_text, const Upid& upid) {
  FERRY_TRY_ASSIGN(auto st, db_.prepare(
      "INSERT INTO tasks (upid, pid, pstart, task_id, starttime, worker_type, worker_id, auth_id)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  st.bind(1, upid_text).bind(2, int64_t(upid.pid)).bind(3, int64_t(upid.pstart));
  st.bind(4, int64_t(upid.task_id)).bind(5, upid.starttime).bind(6, upid.worker_type);
  st.bind_optional(7, upid.worker_id).bind(8, upid.auth_id);
  auto r = st.run();
  if (!r) {
    auto existing = find(upid_text);
    if (existing && *existing) {
      return make_error(Errc::AlreadyExists, "task '{}' already exists", upid_text);
    }
  }
  return r;
}

Status TaskIndex::insert_finished(const std::string& upid_text, const Upid& upid,
                                  const TaskState& state) {
  FERRY_TRY_ASSIGN(auto st, db_.prepare(
      "INSERT OR IGNORE INTO tasks (upid, pid, pstart, task_id, starttime, worker_type,"
      " worker_id, auth_id, endtime, state, warnings, message)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
  st.bind(1, upid_text).bind(2, int64_t(upid.pid)).bind(3, int64_t(upid.pstart));
  st.bind(4, int64_t(upid.task_id)).bind(5, upid.starttime).bind(6, upid.worker_type);
  st.bind_optional(7, upid.worker_id).bind(8, upid.auth_id).bind(9, state.endtime);
  st.bind(10, state.kind_name()).bind(11, int64_t(state.warnings)).bind(12, state.message);
  return st.run();
}

Status TaskIndex::finish(const std::string& upid_text, const TaskState& state) {
  FERRY_TRY_ASSIGN(auto st, db_.prepare(
      "UPDATE tasks SET endtime = ?2, state = ?3, warnings = ?4, message = ?5"
      " WHERE upid = ?1 AND endtime IS NULL"));
  st.bind(1, upid_text).bind(2, state.endtime).bind(3, state.kind_name());
  st.bind(4, int64_t(state.warnings)).bind(5, state.message);
  return st.run();
}

Result<std::vector<TaskRow>> TaskIndex::rows(Statement& stmt) {
  std::vector<TaskRow> out;
  while (true) {
    FERRY_TRY_ASSIGN(bool has, stmt.step());
    if (!has) return out;
    if (auto row = decode_row(stmt)) out.push_back(std::move(*row));
  }
}

Result<std::optional<TaskRow>> TaskIndex::find(const std::string& upid_text) {
  FERRY_TRY_ASSIGN(auto st, db_.prepare(fmt::format("SELECT {} FROM tasks WHERE upid = ?1",
                                                    kColumns)));
  st.bind(1, upid_text);
  FERRY_TRY_ASSIGN(auto found, rows(st));
  if (found.empty()) return std::optional<TaskRow>();
  return std::optional<TaskRow>(std::move(found.front()));
}

Result<std::vector<TaskRow>> TaskIndex::running() {
  FERRY_TRY_ASSIGN(auto st, db_.prepare(fmt::format(
      "SELECT {} FROM tasks WHERE endtime IS NULL{}", kColumns, kRunningOrder)));
  return rows(st);
}

Status TaskIndex::scan(const TaskRowFilter& f, const std::function<bool(TaskRow&&)>& visit) {
  // Two passes (running, then finished) keep each ORDER BY simple and index-friendly.
  for (bool finished : {false, true}) {
    if (finished && f.running_only) break;
    if (!finished && !f.statusfilter.empty()) continue;  // running tasks have no status
    std::string where = finished ? "endtime IS NOT NULL" : "endtime IS NULL";
    if (f.until) where += " AND starttime <= ?1";
    if (f.since && finished) where += " AND endtime >= ?2";
    if (!f.typefilter.empty()) where += " AND instr(worker_type, ?3) > 0";
    if (!f.userfilter.empty()) where += " AND instr(auth_id, ?4) > 0";
    if (f.errors_only && finished) where += " AND state <> 'ok'";
    if (finished && !f.statusfilter.empty()) {
      std::string kinds;
      for (auto k : f.statusfilter) {
        kinds += kinds.empty() ? "'" : ",'";
        kinds += kind_text(k);
        kinds += "'";
      }
      where += " AND state IN (" + kinds + ")";
    }
    FERRY_TRY_ASSIGN(auto st, db_.prepare(fmt::format("SELECT {} FROM tasks WHERE {}{}", kColumns,
        where, finished ? kFinishedOrder : kRunningOrder)));
    if (f.until) st.bind(1, *f.until);
    if (f.since && finished) st.bind(2, *f.since);
    if (!f.typefilter.empty()) st.bind(3, f.typefilter);
    if (!f.userfilter.empty()) st.bind(4, f.userfilter);
    while (true) {
      FERRY_TRY_ASSIGN(bool has, st.step());
      if (!has) break;
      auto row = decode_row(st);
      if (row && !visit(std::move(*row))) return ok();
    }
  }
  return ok();
}

Result<std::vector<TaskRow>> TaskIndex::expired(std::optional<int64_t> cutoff,
                                                std::optional<uint64_t> keep) {
  std::vector<std::string> conditions;
  if (cutoff) conditions.push_back("endtime < ?1");
  if (keep) {
    conditions.push_back("upid NOT IN (SELECT upid FROM tasks WHERE endtime IS NOT NULL" +
                         std::string(kFinishedOrder) + " LIMIT ?2)");
  }
  if (conditions.empty()) return std::vector<TaskRow>{};
  std::string where = "endtime IS NOT NULL AND (" + conditions[0];
  if (conditions.size() > 1) where += " OR " + conditions[1];
  where += ")";
  FERRY_TRY_ASSIGN(auto st, db_.prepare(fmt::format("SELECT {} FROM tasks WHERE {}{}", kColumns,
                                                    where, kFinishedOrder)));
  if (cutoff) st.bind(1, *cutoff);
  if (keep) st.bind(2, int64_t(*keep));
  return rows(st);
}

Status TaskIndex::remove(const std::string& upid_text) {
  FERRY_TRY_ASSIGN(auto st, db_.prepare("DELETE FROM tasks WHERE upid = ?1"));
  st.bind(1, upid_text);
  return st.run();
}

Result<std::vector<TaskRow>> TaskIndex::finished_oldest_first() {
  FERRY_TRY_ASSIGN(auto st, db_.prepare(fmt::format(
      "SELECT {} FROM tasks WHERE endtime IS NOT NULL"
      " ORDER BY endtime ASC, starttime ASC, upid ASC", kColumns)));
  return rows(st);
}

}  // namespace ferry::jobs::internal

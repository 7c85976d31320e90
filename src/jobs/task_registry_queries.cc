// TaskRegistry: the read side (status, list, log) and retention.
#include <spdlog/spdlog.h>

#include "common/fs.h"
#include "jobs/internal/registry_core.h"
#include "jobs/internal/task_lists.h"
#include "jobs/task_registry.h"

namespace ferry::jobs {
namespace {

TaskInfo info_of(internal::TaskRow&& row) {
  bool running = !row.state.has_value();
  return TaskInfo{std::move(row.upid), std::move(row.upid_text), running, std::move(row.state)};
}

std::string_view field(std::string_view s, size_t index) {
  for (size_t i = 0; i < index; ++i) {
    size_t colon = s.find(':');
    if (colon == std::string_view::npos) return {};
    s.remove_prefix(colon + 1);
  }
  return s.substr(0, s.find(':'));
}

}  // namespace

bool task_matches_store(const Upid& upid, std::string_view store) {
  if (!upid.worker_id) return false;
  std::string_view id = *upid.worker_id;
  const std::string& type = upid.worker_type;
  // syncjob: "{remote|-}:{remote-store}:{store}:{ns}:{id}" — the local store is field 3.
  if (type == "syncjob") return field(id, 2) == store;
  // verify*: "{store}" or "{store}:{job id | ns path ...}".
  if (type.rfind("verif", 0) == 0) return field(id, 0) == store;
  return id == store || (id.size() > store.size() && id.substr(0, store.size()) == store &&
                         id[store.size()] == ':');
}

Result<TaskInfo> TaskRegistry::status(const Upid& upid) const {
  FERRY_TRY(core_->recover_stale());
  std::string text = upid.to_string();
  std::optional<internal::TaskRow> row;
  {
    std::lock_guard lock(core_->index_mu);
    FERRY_TRY_ASSIGN(row, core_->index.find(text));
  }
  if (row) return info_of(std::move(*row));
  // Not indexed (e.g. the index was lost): the log alone tells the state.
  auto state = read_task_state_from_log(core_->log_path(upid), upid.starttime);
  if (!state && state.error().code() == Errc::NotFound) {
    return make_error(Errc::NotFound, "no such task '{}'", text);
  }
  if (!state) return tl::unexpected(std::move(state).error());
  return TaskInfo{upid, text, false, std::move(*state)};
}

Result<TaskList> TaskRegistry::list(const TaskListFilter& f) const {
  FERRY_TRY(core_->recover_stale());
  internal::TaskRowFilter rf;
  rf.running_only = f.running;
  rf.errors_only = f.errors;
  rf.since = f.since;
  rf.until = f.until;
  rf.typefilter = f.typefilter;
  rf.userfilter = f.userfilter;
  rf.statusfilter = f.statusfilter;
  TaskList out;
  uint64_t skipped = 0;
  bool more = false;
  std::lock_guard lock(core_->index_mu);
  FERRY_TRY(core_->index.scan(rf, [&](internal::TaskRow&& row) {
    if (f.store && !task_matches_store(row.upid, *f.store)) return true;
    if (skipped < f.start) {
      ++skipped;
      return true;
    }
    if (f.limit != 0 && out.tasks.size() >= f.limit) {
      more = true;
      return false;
    }
    out.tasks.push_back(info_of(std::move(row)));
    return true;
  }));
  out.total = f.start + out.tasks.size() + (more ? 1 : 0);
  return out;
}

Result<TaskLogPage> TaskRegistry::read_log(const Upid& upid, uint64_t start,
                                           uint64_t limit) const {
  return read_task_log(core_->log_path(upid), start, limit);
}

Status TaskRegistry::apply_retention(const TaskRetention& policy) {
  std::optional<int64_t> cutoff;
  if (policy.max_age_days) cutoff = core_->clock.epoch() - *policy.max_age_days * 86400;
  std::lock_guard lock(core_->index_mu);
  FERRY_TRY_ASSIGN(auto expired, core_->index.expired(cutoff, policy.max_finished));
  for (const auto& row : expired) {
    // Log first: a crash in between leaves an index row without log (shown as finished with
    // its recorded state), never a log nobody lists.
    FERRY_TRY(fs::remove_file(core_->log_path(row.upid)));
    FERRY_TRY(core_->index.remove(row.upid_text));
  }
  if (expired.empty()) return ok();
  spdlog::info("task retention: removed {} finished tasks", expired.size());
  FERRY_TRY_ASSIGN(auto rows, core_->index.finished_oldest_first());
  std::vector<std::string> lines;
  lines.reserve(rows.size());
  for (const auto& row : rows) lines.push_back(internal::format_archive_line(row.upid_text, *row.state));
  FERRY_TRY_ASSIGN(auto list_lock, internal::lock_task_lists(core_->options.log_root));
  return internal::rewrite_archive(core_->options.log_root, lines);
}

}  // namespace ferry::jobs

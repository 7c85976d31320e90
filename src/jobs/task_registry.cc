// TaskRegistry: opening, the task life cycle (spawn → body → end) and crash recovery.
#include "jobs/task_registry.h"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include <atomic>
#include <exception>
#include <new>
#include <system_error>
#include <thread>

#include "common/fs.h"
#include "jobs/internal/process_info.h"
#include "jobs/internal/registry_core.h"
#include "jobs/internal/task_lists.h"

namespace ferry::jobs {
namespace {

// PBS's per-process task counter: UPIDs of one process differ in task_id even when started in
// the same second, also across registries (tests open several).
std::atomic<uint64_t> g_next_task_id{0};

Status fill_process_defaults(TaskRegistryOptions& o) {
  if (o.log_root.empty()) return make_error(Errc::InvalidArgument, "task log root is not set");
  if (o.index_path.empty()) o.index_path = o.log_root / ".tasks.sqlite";
  if (!o.node) {
    FERRY_TRY_ASSIGN(o.node, internal::node_name());
  }
  if (!o.pid) o.pid = uint32_t(::getpid());
  if (!o.pstart) {
    FERRY_TRY_ASSIGN(o.pstart, internal::read_process_start(uint32_t(::getpid()), "/proc"));
  }
  Upid probe{*o.node, *o.pid, *o.pstart, 0, 0, "probe", std::nullopt, "root@pam"};
  return with_context(probe.validate(), "task registry for node '{}'", *o.node);
}

// Runs one task on its thread, then records its end. Owns a reference to the core, so the
// registry may be destroyed while the thread finishes its last steps.
void run_task(std::shared_ptr<TaskRegistry::Core> core, std::shared_ptr<internal::ActiveTask> task,
              TaskFunction body, Status (*run_body)(internal::ActiveTask&, TaskFunction&)) {
  Status result = run_body(*task, body);
  body = TaskFunction();  // release what the body owns (e.g. a job lock) before the end line
  TaskState state = TaskState::from_result(result, task->warnings.load(), core->clock.epoch());
  {
    std::lock_guard lock(task->mu);
    if (auto st = task->log.write(state.endtime, state.result_text()); !st) {
      spdlog::error("task {}: {}", task->upid_text, st.error().to_string());
    }
    if (auto st = task->log.close(); !st) {
      spdlog::error("task {}: {}", task->upid_text, st.error().to_string());
    }
  }
  core->record_end(task->upid_text, state);
  // An abort request that arrived too late to be seen goes with the task.
  (void)fs::remove_file(task->abort_marker, true);
  std::lock_guard lock(core->mu);
  core->active.erase(task->upid_text);
  --core->threads;
  core->cv.notify_all();
}

}  // namespace

Result<std::unique_ptr<TaskRegistry>> TaskRegistry::open(TaskRegistryOptions options) {
  FERRY_TRY(fill_process_defaults(options));
  FERRY_TRY(with_context(fs::make_dirs(options.log_root), "create task log root '{}'",
                         options.log_root.string()));
  bool created = false;
  FERRY_TRY_ASSIGN(auto index, internal::TaskIndex::open(options.index_path, created));
  const Clock& clock = options.clock != nullptr ? *options.clock : SystemClock::instance();
  auto core = std::make_shared<Core>(std::move(options), clock, std::move(index));
  if (created) {
    std::lock_guard lock(core->index_mu);
    core->import_lists();
  }
  FERRY_TRY(core->recover_stale());
  return std::unique_ptr<TaskRegistry>(new TaskRegistry(std::move(core)));
}

TaskRegistry::~TaskRegistry() {
  std::unique_lock lock(core_->mu);
  core_->cv.wait(lock, [&] { return core_->threads == 0; });
}

Status TaskRegistry::run_body(internal::ActiveTask& task, TaskFunction& body) {
  TaskContext ctx(task);
  // The per-task barrier (STYLE.md): an exception ends this task, never the daemon.
  try {
    return body(ctx);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return make_error(Errc::Internal, "task panicked: {}", e.what());
  } catch (...) {
    return make_error(Errc::Internal, "task panicked: unknown exception");
  }
}

Result<Upid> TaskRegistry::spawn(std::string_view worker_type,
                                 std::optional<std::string> worker_id, std::string_view auth_id,
                                 TaskFunction body) {
  if (!body) return make_error(Errc::InvalidArgument, "task body is empty");
  const auto& o = core_->options;
  Upid upid{*o.node,          *o.pid, *o.pstart, g_next_task_id.fetch_add(1), core_->clock.epoch(),
            std::string(worker_type), std::move(worker_id), std::string(auth_id)};
  FERRY_TRY(upid.validate());
  std::string text = upid.to_string();
  FERRY_TRY_ASSIGN(auto writer, TaskLogWriter::create(core_->log_path(upid)));
  auto task = std::make_shared<internal::ActiveTask>(upid, text, core_->clock, std::move(writer));
  task->abort_marker = core_->abort_marker_path(upid);
  {
    // Row and active entry appear together: recovery (which holds index_mu) never sees our
    // running row without the task in `active`.
    std::lock_guard index_lock(core_->index_mu);
    if (auto st = core_->index.insert_running(text, upid); !st) {
      (void)fs::remove_file(core_->log_path(upid));
      return tl::unexpected(std::move(st).error());
    }
    {
      std::lock_guard lock(core_->mu);
      core_->active.emplace(text, task);
      ++core_->threads;
    }
    core_->update_lists({});
  }
  try {
    std::thread(run_task, core_, task, std::move(body), &TaskRegistry::run_body).detach();
  } catch (const std::system_error& e) {
    // No thread: end the task here with the error, exactly as if its body had failed.
    auto failed = make_error(Errc::Unavailable, "unable to start task thread: {}", e.what());
    TaskFunction fail_body = [failed](TaskContext&) -> Status { return failed; };
    run_task(core_, task, std::move(fail_body), &TaskRegistry::run_body);
  }
  return upid;
}

Status TaskRegistry::abort(const Upid& upid) {
  std::shared_ptr<internal::ActiveTask> task;
  {
    std::lock_guard lock(core_->mu);
    auto it = core_->active.find(upid.to_string());
    if (it != core_->active.end()) task = it->second;
  }
  if (task) {
    task->request_abort();
    return ok();
  }
  return abort_elsewhere(upid);
}

// The task runs in another process (ferryd, or a ferry-manager running a job): leave the
// marker its process polls for (TaskContext::abort_requested).
Status TaskRegistry::abort_elsewhere(const Upid& upid) {
  FERRY_TRY_ASSIGN(TaskInfo info, status(upid));
  if (!info.running) {
    return make_error(Errc::NotFound, "task '{}' is not running", info.upid_text);
  }
  const auto marker = core_->abort_marker_path(upid);
  FERRY_TRY(with_context(fs::atomic_replace(marker, "", {.mode = 0644, .fsync = false}),
                         "request abort of task '{}'", info.upid_text));
  // It may have ended meanwhile (its end removes the marker only when written before).
  auto again = status(upid);
  if (again && !again->running) (void)fs::remove_file(marker, true);
  return ok();
}

void TaskRegistry::abort_all() {
  std::vector<std::shared_ptr<internal::ActiveTask>> tasks;
  {
    std::lock_guard lock(core_->mu);
    for (const auto& [text, task] : core_->active) tasks.push_back(task);
  }
  for (const auto& task : tasks) task->request_abort();
}

std::filesystem::path TaskRegistry::log_path(const Upid& upid) const {
  return core_->log_path(upid);
}

bool TaskRegistry::is_active_here(const Upid& upid) const {
  std::lock_guard lock(core_->mu);
  return core_->active.count(upid.to_string()) != 0;
}

size_t TaskRegistry::active_count() const {
  std::lock_guard lock(core_->mu);
  return core_->active.size();
}

std::optional<double> TaskRegistry::progress(const Upid& upid) const {
  std::lock_guard lock(core_->mu);
  auto it = core_->active.find(upid.to_string());
  if (it == core_->active.end()) return std::nullopt;
  return it->second->progress.load();
}

Result<TaskInfo> TaskRegistry::wait(const Upid& upid) const {
  {
    std::unique_lock lock(core_->mu);
    std::string text = upid.to_string();
    core_->cv.wait(lock, [&] { return core_->active.count(text) == 0; });
  }
  return status(upid);
}

// --- Core ----------------------------------------------------------------------------------

std::filesystem::path TaskRegistry::Core::log_path(const Upid& upid) const {
  return options.log_root / upid.log_dir_name() / upid.to_string();
}

std::filesystem::path TaskRegistry::Core::abort_marker_path(const Upid& upid) const {
  return options.log_root / upid.log_dir_name() / (upid.to_string() + ".abort");
}

bool TaskRegistry::Core::is_alive(const Upid& upid) const {
  if (upid.pid == *options.pid && upid.pstart == *options.pstart) {
    std::lock_guard lock(mu);
    return active.count(upid.to_string()) != 0;
  }
  return internal::is_process_running(upid.pid, upid.pstart, options.proc_root);
}

void TaskRegistry::Core::record_end(const std::string& upid_text, const TaskState& state) {
  std::lock_guard lock(index_mu);
  if (auto st = index.finish(upid_text, state); !st) {
    spdlog::error("task {}: recording the end state failed: {}", upid_text,
                  st.error().to_string());
  }
  update_lists({internal::format_archive_line(upid_text, state)});
}

Status TaskRegistry::Core::recover_stale() {
  std::lock_guard lock(index_mu);
  FERRY_TRY_ASSIGN(auto rows, index.running());
  std::vector<std::string> archive_lines;
  for (const auto& row : rows) {
    if (is_alive(row.upid)) continue;
    auto state = read_task_state_from_log(log_path(row.upid), row.upid.starttime);
    TaskState end = state ? *state : TaskState::unknown(row.upid.starttime);
    spdlog::info("task {} is no longer running: recorded as '{}'", row.upid_text,
                 end.status_string());
    FERRY_TRY(index.finish(row.upid_text, end));
    archive_lines.push_back(internal::format_archive_line(row.upid_text, end));
  }
  if (!archive_lines.empty()) update_lists(archive_lines);
  return ok();
}

void TaskRegistry::Core::update_lists(const std::vector<std::string>& archive_lines) {
  auto fail = [](const Error& e) {
    spdlog::warn("updating the task lists failed: {}", e.to_string());
  };
  auto lock = internal::lock_task_lists(options.log_root);
  if (!lock) return fail(lock.error());
  if (!archive_lines.empty()) {
    if (auto st = internal::append_archive(options.log_root, archive_lines); !st) fail(st.error());
  }
  auto rows = index.running();
  if (!rows) return fail(rows.error());
  std::vector<std::string> upids;
  for (auto it = rows->rbegin(); it != rows->rend(); ++it) upids.push_back(it->upid_text);
  if (auto st = internal::write_active_list(options.log_root, upids); !st) fail(st.error());
}

void TaskRegistry::Core::import_lists() {
  auto archive = internal::read_list_file(options.log_root / "archive");
  for (const auto& line : archive ? *archive : std::vector<std::string>{}) {
    auto entry = internal::parse_archive_line(line);
    if (!entry) continue;
    auto st = index.insert_finished(entry->upid.to_string(), entry->upid, entry->state);
    if (!st) spdlog::warn("task index import: {}", st.error().to_string());
  }
  auto active_list = internal::read_list_file(options.log_root / "active");
  for (const auto& line : active_list ? *active_list : std::vector<std::string>{}) {
    // PBS-compat: older PBS wrote finished tasks into `active` too, with end time and status.
    std::string_view first = std::string_view(line).substr(0, line.find(' '));
    auto upid = Upid::parse(first);
    if (!upid) continue;
    if (auto entry = internal::parse_archive_line(line)) {
      (void)index.insert_finished(upid->to_string(), *upid, entry->state);
    } else {
      (void)index.insert_running(upid->to_string(), *upid);
    }
  }
}

}  // namespace ferry::jobs

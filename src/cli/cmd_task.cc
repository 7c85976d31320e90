// `ferry-manager task list|log|stop`: the worker tasks of the shared task registry
// ($FERRY_LOG_DIR/tasks, the same one ferryd uses; api.md §5.3 for the fields).
//
// `task stop UPID` stops any running task of the node — ferryd's or another ferry-manager's —
// through TaskRegistry::abort (an abort marker the owning process polls, docs/design/jobs.md),
// then waits until the task has ended (--timeout, default 30 s). Like PBS it prints nothing on
// success; the task log shows "received abort request ..." and the task's error end line.
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/internal/command.h"
#include "cli/internal/local_jobs.h"
#include "cli/output.h"
#include "common/time.h"

namespace ferry::cli::internal {
namespace {

// PBS-compat: the columns of `proxmox-backup-manager task list`.
const std::vector<Column> kListColumns = {
    {"starttime", "Start Time"}, {"endtime", "End Time"}, {"upid", "UPID"}, {"status", "Status"}};

struct ListState {
  bool all = false;
  bool errors = false;
  bool running = false;
  int64_t limit = 50;
};

struct UpidState {
  std::string upid;
};

struct StopState {
  std::string upid;
  int64_t timeout = 30;  // seconds to wait for the task to end
};

nlohmann::json task_item(const jobs::TaskInfo& t, bool text) {
  auto time = [text](int64_t epoch) {
    auto formatted = format_rfc3339_utc(epoch);
    return text && formatted ? nlohmann::json(*formatted) : nlohmann::json(epoch);
  };
  nlohmann::json j{{"upid", t.upid_text},
                   {"starttime", time(t.upid.starttime)},
                   {"worker_type", t.upid.worker_type},
                   {"worker_id", t.upid.worker_id ? nlohmann::json(*t.upid.worker_id) : nullptr},
                   {"user", t.upid.auth_id}};
  if (!t.running && t.state) {
    j["endtime"] = time(t.state->endtime);
    j["status"] = t.state->status_string();
  }
  return j;
}

Result<std::string> run_list(const Context& ctx, const ListState& s) {
  FERRY_TRY_ASSIGN(auto tasks, open_local_tasks(ctx));
  jobs::TaskListFilter filter;
  filter.limit = s.limit < 0 ? 0 : static_cast<uint64_t>(s.limit);
  filter.errors = s.errors;
  filter.running = s.running;
  // PBS: without --all only the manager's own (root@pam) tasks are listed.
  if (!s.all) filter.userfilter = ctx.caller.to_string();
  FERRY_TRY_ASSIGN(auto list, tasks->list(filter));
  const bool text = ctx.format == OutputFormat::Text;
  nlohmann::json items = nlohmann::json::array();
  for (const auto& t : list.tasks) items.push_back(task_item(t, text));
  return format_list(items, kListColumns, ctx.format);
}

Result<std::string> run_log(const Context& ctx, const UpidState& s) {
  FERRY_TRY_ASSIGN(auto upid, jobs::Upid::parse(s.upid));
  FERRY_TRY_ASSIGN(auto tasks, open_local_tasks(ctx));
  FERRY_TRY_ASSIGN(auto page, tasks->read_log(upid, 0, 0));
  if (ctx.format != OutputFormat::Text) {
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& l : page.lines) lines.push_back({{"n", l.n}, {"t", l.text}});
    return format_json(lines, ctx.format);
  }
  std::string out;
  for (const auto& l : page.lines) out += l.text + "\n";
  return out;
}

Result<std::string> run_stop(const Context& ctx, const StopState& s) {
  FERRY_TRY_ASSIGN(auto upid, jobs::Upid::parse(s.upid));
  FERRY_TRY_ASSIGN(auto tasks, open_local_tasks(ctx));
  FERRY_TRY_ASSIGN(auto info, tasks->status(upid));
  if (!info.running) return make_error(Errc::InvalidArgument, "task '{}' is not running", s.upid);
  FERRY_TRY(tasks->abort(upid));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(s.timeout);
  for (;;) {
    FERRY_TRY_ASSIGN(info, tasks->status(upid));
    if (!info.running) return format_nothing(ctx.format);
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return make_error(Errc::Timeout,
                    "task '{}' is still running {} s after the abort request (it stops at its "
                    "next abort check; the request stays pending)",
                    s.upid, s.timeout);
}

}  // namespace

void add_task_commands(CLI::App& app, Action& selected) {
  auto* group = app.add_subcommand("task", "list worker tasks, show their logs, stop them");
  group->require_subcommand(1);

  auto* list = group->add_subcommand("list", "list tasks (newest first)");
  auto ls = std::make_shared<ListState>();
  list->add_flag("--all", ls->all, "tasks of every user, not only root@pam");
  list->add_flag("--errors", ls->errors, "only tasks that did not end OK");
  list->add_flag("--running", ls->running, "only running tasks");
  list->add_option("--limit", ls->limit, "at most this many tasks (0 = all, default 50)");
  on_parsed(list, selected, ls, run_list);

  auto* log = group->add_subcommand("log", "print the log of a task");
  auto gs = std::make_shared<UpidState>();
  log->add_option("upid", gs->upid, "task UPID")->required();
  on_parsed(log, selected, gs, run_log);

  auto* stop =
      group->add_subcommand("stop", "abort a running task (of any process) and wait for it");
  auto ss = std::make_shared<StopState>();
  stop->add_option("upid", ss->upid, "task UPID")->required();
  stop->add_option("--timeout", ss->timeout, "seconds to wait for the task to end (default 30)")
      ->check(CLI::Range(int64_t(0), int64_t(86400)));
  on_parsed(stop, selected, ss, run_stop);
}

}  // namespace ferry::cli::internal

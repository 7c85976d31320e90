// `ferry-manager task list|log|stop`: the worker tasks of the shared task registry
// ($FERRY_LOG_DIR/tasks, the same one ferryd uses; api.md §5.3 for the fields).
//
// `task stop` can abort tasks of this process only; ferryd's tasks are stopped through its
// API (DELETE /api2/json/nodes/localhost/tasks/{upid}), which the error message says.
#include <iostream>
#include <memory>
#include <string>
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

Result<std::string> run_stop(const Context& ctx, const UpidState& s) {
  FERRY_TRY_ASSIGN(auto upid, jobs::Upid::parse(s.upid));
  FERRY_TRY_ASSIGN(auto tasks, open_local_tasks(ctx));
  FERRY_TRY_ASSIGN(auto info, tasks->status(upid));
  if (!info.running) return make_error(Errc::InvalidArgument, "task '{}' is not running", s.upid);
  if (auto st = tasks->abort(upid); !st) {
    return make_error(Errc::Unavailable,
                      "task '{}' runs in process {}: stop it through ferryd's API "
                      "(DELETE /api2/json/nodes/localhost/tasks/{{upid}})",
                      s.upid, upid.pid);
  }
  return format_nothing(ctx.format);
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

  auto* stop = group->add_subcommand("stop", "abort a running task");
  auto ss = std::make_shared<UpidState>();
  stop->add_option("upid", ss->upid, "task UPID")->required();
  on_parsed(stop, selected, ss, run_stop);
}

}  // namespace ferry::cli::internal

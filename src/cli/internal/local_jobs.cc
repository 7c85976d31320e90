#include "cli/internal/local_jobs.h"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

#include "api/api_runtime.h"
#include "common/time.h"

extern char** environ;

namespace ferry::cli::internal {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(100);

struct RunState {
  std::string id;
  bool detach = false;
  int upid_fd = -1;  // hidden: the detached child reports the UPID here
};

Result<jobs::Upid> start_job(LocalJobs& local, std::string_view job_type, const std::string& id,
                             const types::Authid& caller) {
  services::JobService& svc = *local.service;
  jobs::JobRunner& runner =
      job_type == "syncjob" ? static_cast<jobs::JobRunner&>(svc.sync_jobs()) : svc.verify_jobs();
  return svc.run_now(runner, id, caller);
}

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0) return;
    text.remove_prefix(static_cast<size_t>(n));
  }
}

// The detached child: start, report the UPID (or the error) on `fd`, run to the end.
Result<std::string> run_child(const Context& ctx, std::string_view job_type, const RunState& s) {
  auto local = open_local_jobs(ctx);
  auto upid = local ? start_job(**local, job_type, s.id, ctx.caller)
                    : Result<jobs::Upid>(tl::unexpected(local.error()));
  write_all(s.upid_fd, upid ? upid->to_string() + "\n" : "error: " + upid.error().to_string());
  ::close(s.upid_fd);
  if (!upid) return tl::unexpected(upid.error());
  FERRY_TRY(follow_task(*(*local)->tasks, *upid, nullptr));
  return std::string();
}

// Spawns `ferry-manager <group> run ID --upid-fd 3` in a new session and returns the UPID it
// reports.
Result<std::string> spawn_detached(const Context& ctx, std::string_view group, const RunState& s) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return make_error(Errc::Io, "create pipe: {}", std::strerror(errno));
  std::error_code ec;
  const std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) {
    ::close(fds[0]);
    ::close(fds[1]);
    return make_error(Errc::Io, "find the ferry-manager binary: {}", ec.message());
  }
  const std::string dir = ctx.config_dir.path().string();
  std::vector<std::string> args = {self, std::string(group), "run", s.id, "--upid-fd",
                                   "3",  "--config-dir",     dir};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 3);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, self.c_str(), &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return make_error(Errc::Io, "start detached job: {}", std::strerror(rc));
  }
  std::string reply;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) reply.append(buf, size_t(n));
  ::close(fds[0]);
  if (!reply.starts_with("UPID:")) {
    if (reply.starts_with("error: ")) reply.erase(0, 7);
    return make_error(Errc::Internal, "{}", reply.empty() ? "detached job did not start" : reply);
  }
  while (!reply.empty() && reply.back() == '\n') reply.pop_back();
  return reply;
}

Result<std::string> run_job(const Context& ctx, const std::string& group,
                            const std::string& job_type, const RunState& s) {
  if (s.upid_fd >= 0) return run_child(ctx, job_type, s);
  if (s.detach) {
    FERRY_TRY_ASSIGN(auto upid, spawn_detached(ctx, group, s));
    return ctx.format == OutputFormat::Text ? upid + "\n" : format_json(upid, ctx.format);
  }
  FERRY_TRY_ASSIGN(auto local, open_local_jobs(ctx));
  FERRY_TRY_ASSIGN(auto upid, start_job(*local, job_type, s.id, ctx.caller));
  const bool text = ctx.format == OutputFormat::Text;
  Status result = follow_task(*local->tasks, upid, text ? &std::cout : nullptr);
  if (!result || text) {
    FERRY_TRY(result);
    return std::string();
  }
  return format_json(nlohmann::json{{"upid", upid.to_string()}, {"status", "OK"}}, ctx.format);
}

}  // namespace

Result<std::unique_ptr<jobs::TaskRegistry>> open_local_tasks(const Context& ctx) {
  const auto dirs = api::ApiRuntime::defaults(ctx.config_dir.path());
  jobs::TaskRegistryOptions topts;
  topts.log_root = dirs.log_dir / "tasks";
  return jobs::TaskRegistry::open(std::move(topts));
}

Result<std::unique_ptr<LocalJobs>> open_local_jobs(const Context& ctx) {
  const auto dirs = api::ApiRuntime::defaults(ctx.config_dir.path());
  auto local = std::make_unique<LocalJobs>();
  FERRY_TRY_ASSIGN(local->tasks, open_local_tasks(ctx));
  local->datastores = std::make_unique<api::DatastoreCache>(ctx.config_dir, dirs.run_dir / "locks",
                                                            SystemClock::instance());
  services::JobServiceOptions opts;
  opts.config_dir = ctx.config_dir;
  opts.state_dir = dirs.job_state_dir;
  api::DatastoreCache* cache = local->datastores.get();
  opts.lookup_datastore = [cache](std::string_view name) { return cache->lookup(name); };
  opts.lookup_datastore_for_write = [cache](std::string_view name) {
    return cache->lookup(name, api::DatastoreOperation::Write);
  };
  local->service = std::make_unique<services::JobService>(std::move(opts), *local->tasks,
                                                          SystemClock::instance());
  return local;
}

Status follow_task(const jobs::TaskRegistry& tasks, const jobs::Upid& upid, std::ostream* out) {
  uint64_t next = 1;
  for (;;) {
    FERRY_TRY_ASSIGN(auto info, tasks.status(upid));
    FERRY_TRY_ASSIGN(auto page, tasks.read_log(upid, next, 0));
    for (const auto& line : page.lines) {
      if (out != nullptr) *out << line.text << '\n' << std::flush;
      next = line.n + 1;
    }
    if (!info.running) {
      if (!info.state || info.state->is_success()) return ok();
      return make_error(Errc::Internal, "task failed: {}", info.state->status_string());
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

void add_job_status(nlohmann::json& item, const jobs::JobStatus& st, OutputFormat format) {
  auto time = [format](int64_t epoch) {
    auto text = format_rfc3339_utc(epoch);
    return format == OutputFormat::Text && text ? nlohmann::json(*text) : nlohmann::json(epoch);
  };
  if (st.next_run) item["next-run"] = time(*st.next_run);
  if (st.last_run_upid) item["last-run-upid"] = *st.last_run_upid;
  if (st.last_run_state) item["last-run-state"] = *st.last_run_state;
  if (st.last_run_endtime) item["last-run-endtime"] = time(*st.last_run_endtime);
}

void add_run_command(CLI::App& group, Action& selected, std::string job_type) {
  auto* cmd = group.add_subcommand("run", "run the job now and show its task log");
  auto state = std::make_shared<RunState>();
  cmd->add_option("id", state->id, "job id")->required();
  cmd->add_flag("--detach", state->detach, "start the job in the background, print its UPID");
  cmd->add_option("--upid-fd", state->upid_fd)->group("");  // internal: the detached child
  std::string name = group.get_name();
  on_parsed(cmd, selected, state, [name, job_type](const Context& ctx, const RunState& s) {
    return run_job(ctx, name, job_type, s);
  });
}

}  // namespace ferry::cli::internal

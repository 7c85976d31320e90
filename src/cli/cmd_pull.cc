// `ferry-manager pull [REMOTE] REMOTE-STORE LOCAL-STORE [OPTIONS]`: an ad-hoc pull run in this
// process (sync-semantics.md §2.2 "Ad-hoc pull"; PBS: proxmox-backup-manager pull).
//
// With three words the first names a remote of remote.cfg; with two (or `--remote` omitted)
// the source is the local datastore REMOTE-STORE (a local sync). Every option of a sync job
// that makes sense for one run is accepted, with the sync.cfg schema's checks (adhoc_pull.h).
// The manager acts as root@pam; `--owner` sets the owner of new groups and the identity of the
// run's permission checks.
//
// Output: the PBS task-log lines of the pull ("pull datastore 'x' from 'pbs2/y'", "sync
// snapshot …", …) on stdout, one per line, followed by the summary lines. On a terminal a
// status line under them shows groups, snapshots, bytes and rate. Failure: "Error: …" on stderr
// and exit status 255 (also when some groups failed: "sync failed with some errors.").
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "api/admin/datastore_cache.h"
#include "api/api_runtime.h"
#include "auth/user_info_cache.h"
#include "cli/internal/args.h"
#include "cli/internal/command.h"
#include "sync/adhoc_pull.h"
#include "sync/pull.h"
#include "sync/source_factory.h"

namespace ferry::cli::internal {
namespace {

struct PullState {
  explicit PullState(CLI::App& cmd) : args(cmd) {}
  Args args;
  std::vector<std::string> words;  // [REMOTE] REMOTE-STORE LOCAL-STORE
  std::optional<std::string> remote;
  sync::AdHocPullArgs pull;
  std::optional<std::string> max_depth, transfer_last, worker_threads;
  std::optional<bool> remove_vanished, resync_corrupt, encrypted_only, verified_only;
};

// "1.5 MiB" → bytes (the sizes the engine's "downloaded …" lines print).
uint64_t parse_binary_size(std::string_view text) {
  static constexpr std::string_view kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return 0;
  double value = std::strtod(std::string(text.substr(0, space)).c_str(), nullptr);
  const std::string_view unit = text.substr(space + 1);
  for (std::string_view u : kUnits) {
    if (unit.starts_with(u) && (unit.size() == u.size() || unit[u.size()] == ' ')) {
      return uint64_t(value);
    }
    value *= 1024.0;
  }
  return 0;
}

// Prints the pull's lines as they come; on a terminal keeps a status line below them. The
// counters are read off the lines, so the engine needs no display hooks.
class ConsoleLog final : public sync::SyncLog {
 public:
  explicit ConsoleLog(bool terminal) : terminal_(terminal) {}

  void log(std::string_view line) override { emit(line); }
  void warn(std::string_view line) override { emit("WARN: " + std::string(line)); }

  // Removes the status line (before the summary and before an error message).
  void finish() {
    std::lock_guard lock(mutex_);
    if (terminal_) std::fputs("\r\x1b[K", stdout);
    std::fflush(stdout);
  }

 private:
  void emit(std::string_view line) {
    std::lock_guard lock(mutex_);
    count(line);
    if (terminal_) std::fputs("\r\x1b[K", stdout);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    if (terminal_) std::fputs(status().c_str(), stdout);
    std::fflush(stdout);
  }

  void count(std::string_view line) {
    if (line.starts_with("sync snapshot ") && line.ends_with(" done")) ++snapshots_;
    if (auto pos = line.find("downloaded "); pos != std::string_view::npos) {
      bytes_ += parse_binary_size(line.substr(pos + 11));
    }
    // "percentage done: 50.00% (1/2 groups)"
    if (auto pos = line.find("% ("); pos != std::string_view::npos) {
      std::string_view rest = line.substr(pos + 3);
      if (auto end = rest.find(" groups"); end != std::string_view::npos) {
        groups_ = std::string(rest.substr(0, end));
      }
    }
  }

  std::string status() const {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = secs > 0 ? double(bytes_) / secs / (1024.0 * 1024.0) : 0;
    return fmt::format("groups {} | snapshots {} | {:.1f} MiB | {:.1f} MiB/s", groups_,
                       snapshots_, double(bytes_) / (1024.0 * 1024.0), rate);
  }

  const bool terminal_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::mutex mutex_;
  std::string groups_ = "0/0";
  uint64_t snapshots_ = 0;
  uint64_t bytes_ = 0;
};

std::optional<std::string> bool_text(const std::optional<bool>& b) {
  if (!b) return std::nullopt;
  return std::string(*b ? "true" : "false");
}

Status fill_args(PullState& s) {
  FERRY_TRY(s.args.status());
  if (s.words.size() == 3) {
    if (s.remote && *s.remote != s.words[0]) {
      return make_error(Errc::InvalidArgument, "remote given twice ('{}' and --remote '{}')",
                        s.words[0], *s.remote);
    }
    s.remote = s.words[0];
    s.words.erase(s.words.begin());
  }
  if (s.words.size() != 2) {
    return make_error(Errc::InvalidArgument,
                      "expected [REMOTE] REMOTE-STORE LOCAL-STORE, got {} arguments",
                      s.words.size());
  }
  s.pull.remote = s.remote;
  s.pull.remote_store = s.words[0];
  s.pull.store = s.words[1];
  s.pull.max_depth = s.max_depth;
  s.pull.transfer_last = s.transfer_last;
  s.pull.worker_threads = s.worker_threads;
  s.pull.remove_vanished = bool_text(s.remove_vanished);
  s.pull.resync_corrupt = bool_text(s.resync_corrupt);
  s.pull.encrypted_only = bool_text(s.encrypted_only);
  s.pull.verified_only = bool_text(s.verified_only);
  return ok();
}

// The summary lines of §10, as a sync job prints them.
void log_summary(ConsoleLog& log, const sync::PullStats& stats) {
  const double secs = stats.transfer_seconds > 0 ? stats.transfer_seconds : 1e-6;
  log.log(fmt::format("Summary: pulled {} snapshots of {} groups, {} chunks, {:.2f} MiB "
                      "({:.2f} MiB/s); reused {} chunks; removed {} snapshots, {} groups, {} "
                      "namespaces",
                      stats.snapshots, stats.groups, stats.chunks_downloaded,
                      double(stats.bytes_downloaded) / (1024.0 * 1024.0),
                      double(stats.bytes_downloaded) / secs / (1024.0 * 1024.0),
                      stats.chunks_reused, stats.removed_snapshots, stats.removed_groups,
                      stats.removed_namespaces));
}

Result<std::string> run_pull(const Context& ctx, PullState& s) {
  FERRY_TRY(fill_args(s));
  FERRY_TRY_ASSIGN(config::SyncJobConfig job, sync::adhoc_pull_job(s.pull));
  FERRY_TRY_ASSIGN(sync::PullParams params, sync::PullParams::from_job(job));
  auth::UserInfoCache users_cache(ctx.config_dir);
  FERRY_TRY_ASSIGN(std::shared_ptr<const auth::UserInfo> users, users_cache.get());
  const auto runtime = api::ApiRuntime::defaults(ctx.config_dir.path());
  api::DatastoreCache stores(ctx.config_dir, runtime.run_dir / "locks", SystemClock::instance());
  FERRY_TRY_ASSIGN(auto target, stores.lookup(job.store, api::DatastoreOperation::Write));
  sync::DatastoreLookup lookup = [&stores](std::string_view n) { return stores.lookup(n); };
  FERRY_TRY_ASSIGN(auto source, sync::open_sync_source(
                                    ctx.config_dir, sync::SyncSourceSpec::from_job(job, users),
                                    lookup));
  ConsoleLog log(::isatty(STDOUT_FILENO) == 1);
  sync::PullEnv env{*target, *source, *users, log, SystemClock::instance(), nullptr};
  log.log(fmt::format("pull datastore '{}' from '{}/{}'", job.store, job.remote.value_or("-"),
                      job.remote_store));
  auto stats = sync::pull_store(params, env);
  if (stats) log_summary(log, *stats);
  if (stats && stats->errors == 0) log.log(fmt::format("pull datastore '{}' end", job.store));
  log.finish();
  if (!stats) return tl::unexpected(std::move(stats).error());
  if (stats->errors > 0) return make_error(Errc::Io, "sync failed with some errors.");
  return std::string();
}

}  // namespace

void add_pull_command(CLI::App& app, Action& selected) {
  auto* cmd = app.add_subcommand(
      "pull", "pull a datastore from a remote (or, without REMOTE, from a local datastore)");
  auto state = std::make_shared<PullState>(*cmd);
  cmd->add_option("args", state->words, "[REMOTE] REMOTE-STORE LOCAL-STORE")->expected(2, 3);
  Args& a = state->args;
  sync::AdHocPullArgs& p = state->pull;
  a.text("remote", state->remote, "remote of remote.cfg (instead of the first word)");
  a.text("ns", p.ns, "local anchor namespace (default: root)");
  a.text("remote-ns", p.remote_ns, "source anchor namespace (default: root)");
  a.text("max-depth", state->max_depth, "namespace levels below the anchors, 0..7 (default: all)");
  a.list("group-filter", p.group_filter,
         "[include:|exclude:]type:<vm|ct|host> | group:<type>/<id> | regex:<re> (repeatable)");
  a.boolean("remove-vanished", state->remove_vanished,
            "delete local content that vanished on the source");
  a.text("transfer-last", state->transfer_last, "only the newest N snapshots per group");
  a.text("rate-in", p.rate_in, "inbound rate limit per second, e.g. 20MiB");
  a.text("burst-in", p.burst_in, "inbound burst size, e.g. 100MiB");
  a.text("owner", p.owner, "owner of new local groups (default root@pam)");
  a.boolean("resync-corrupt", state->resync_corrupt,
            "re-sync snapshots whose last verification failed");
  a.boolean("encrypted-only", state->encrypted_only, "only sync encrypted snapshots");
  a.boolean("verified-only", state->verified_only, "only sync verified snapshots");
  a.text("worker-threads", state->worker_threads, "groups processed in parallel, 1..32");
  cmd->callback([&selected, state] {
    selected = [state](const Context& ctx) { return run_pull(ctx, *state); };
  });
}

}  // namespace ferry::cli::internal

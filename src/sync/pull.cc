#include "sync/pull.h"

#include <set>

#include <fmt/format.h>

#include "auth/acl_path.h"
#include "client/http_error.h"
#include "sync/internal/namespace_pull.h"
#include "sync/internal/progress.h"
#include "sync/internal/pull_run.h"
#include "sync/namespace_plan.h"

namespace ferry::sync {

using types::BackupNamespace;

void PullStats::add(const PullStats& o) {
  chunks_downloaded += o.chunks_downloaded;
  bytes_downloaded += o.bytes_downloaded;
  transfer_seconds += o.transfer_seconds;
  chunks_reused += o.chunks_reused;
  files_downloaded += o.files_downloaded;
  groups += o.groups;
  snapshots += o.snapshots;
  removed_snapshots += o.removed_snapshots;
  removed_groups += o.removed_groups;
  removed_namespaces += o.removed_namespaces;
  errors += o.errors;
}

namespace internal {

Status PullRun::check_abort() const {
  if (abort_requested()) return make_error(Errc::Cancelled, "abort requested - aborting task");
  return ok();
}

std::string PullRun::target_acl_path(const BackupNamespace& ns) const {
  return auth::datastore_acl_path(env_.target.name(), ns);
}

}  // namespace internal

namespace {

// §3.2: the source namespaces to sync, with the backwards-compat fallback (decision S1: the
// fallback only warns).
Result<std::vector<BackupNamespace>> discover_namespaces(internal::PullRun& run) {
  const PullParams& p = run.params();
  if (p.source_ns.is_root() && p.max_depth == size_t(0)) return std::vector<BackupNamespace>{{}};
  auto listed = run.source().list_namespaces(p.source_ns, p.max_depth);
  if (!listed) {
    if (!p.remote) return tl::unexpected(listed.error());
    return make_error(listed.error().code(), "Querying namespaces failed - {}",
                      client::pbs_http_error_text(listed.error()));
  }
  if (*listed) return std::move(**listed);
  if (!p.source_ns.is_root() || p.max_depth) {
    return make_error(Errc::InvalidArgument,
                      "Remote namespace set/recursive sync requested, but remote does not "
                      "support namespaces.");
  }
  run.env().log.warn(
      "Could not query remote for namespaces (404) -> temporarily switching to "
      "backwards-compat mode");
  run.env().log.warn(
      "Either make backwards-compat mode explicit (max-depth == 0) or upgrade remote system.");
  run.max_depth = 0;
  return std::vector<BackupNamespace>{{}};
}

// §3.5 steps 1–6 for one namespace; adds to `stats`.
Status sync_namespace(internal::PullRun& run, const NamespaceMapping& m, PullStats& stats) {
  SyncLog& log = run.env().log;
  log.log("----");
  log.log(fmt::format("Syncing {} into {}", run.describe_source(m.source),
                      run.describe_target(m.target)));
  if (auto st = internal::prepare_target_namespace(run, m); !st) {
    log.log(fmt::format("Cannot sync {} into {} - {}", run.describe_source(m.source),
                        run.describe_target(m.target), st.error().to_string()));
    ++stats.errors;
    return ok();
  }
  auto ns_stats = internal::pull_namespace(run, m);
  if (!ns_stats) {
    if (ns_stats.error().code() == Errc::Cancelled) return tl::unexpected(ns_stats.error());
    log.log(fmt::format("Encountered errors while syncing namespace {} - {}", m.source.to_string(),
                        ns_stats.error().to_string()));
    ++stats.errors;
    return ok();
  }
  stats.add(*ns_stats);
  if (run.max_depth != size_t(0)) {
    std::string name = m.source.is_root() ? std::string("root namespace")
                                          : fmt::format("namespace {}", m.source.to_string());
    // Running totals, counted correctly (decision S8).
    log.log(fmt::format("Finished syncing {}, current progress: {} groups, {} snapshots", name,
                        stats.groups, stats.snapshots));
  }
  return ok();
}

std::string source_name(const PullParams& p, bool dash_for_local) {
  if (p.remote) return fmt::format("{}/{}", *p.remote, p.source_store);
  return dash_for_local ? fmt::format("-/{}", p.source_store) : p.source_store;
}

void log_summary(SyncLog& log, const PullParams& p, const PullStats& s) {
  if (s.bytes_downloaded > 0) {
    log.log(fmt::format("Summary: sync job pulled {} in {} chunks (average rate: {}/s)",
                        internal::format_binary_size(double(s.bytes_downloaded)),
                        s.chunks_downloaded,
                        internal::format_rate(s.bytes_downloaded, s.transfer_seconds)));
  } else {
    log.log("Summary: sync job found no new data to pull");
  }
  if (p.remove_vanished) {
    log.log(fmt::format("Summary: removed vanished: snapshots: {}, groups: {}, namespaces: {}",
                        s.removed_snapshots, s.removed_groups, s.removed_namespaces));
  }
}

// Maps a run's outcome to the task result.
Status task_result(const Result<PullStats>& stats, std::string_view aborted) {
  if (!stats) {
    if (stats.error().code() == Errc::Cancelled) {
      return make_error(Errc::Cancelled, "{}", aborted);
    }
    return tl::unexpected(stats.error());
  }
  if (stats->errors > 0) return make_error(Errc::Io, "sync failed with some errors.");
  return ok();
}

}  // namespace

Result<PullStats> pull_store(const PullParams& params, const PullEnv& env) {
  if (!params.remote && params.source_store == env.target.name()) {
    return make_error(Errc::InvalidArgument, "can't sync to same datastore");
  }
  FERRY_TRY_ASSIGN(auto guard, with_context(env.target.chunk_store().try_shared_lock(),
                                            "lock datastore '{}'", env.target.name()));
  internal::PullRun run(params, env);
  run.max_depth = params.max_depth;
  FERRY_TRY_ASSIGN(auto discovered, discover_namespaces(run));
  FERRY_TRY_ASSIGN(auto plan,
                   plan_namespaces(discovered, params.source_ns, params.target_ns, run.max_depth));
  PullStats stats;
  std::set<BackupNamespace> synced;
  for (const auto& m : plan) {
    FERRY_TRY(run.check_abort());
    synced.insert(m.target);
    FERRY_TRY(sync_namespace(run, m, stats));
  }
  FERRY_TRY(run.check_abort());
  if (params.remove_vanished) {
    FERRY_TRY(internal::remove_vanished_namespaces(run, synced, stats));
  }
  return stats;
}

Status run_sync_job(std::string_view name, const PullParams& params, const PullEnv& env) {
  env.log.log(fmt::format("Starting datastore sync job '{}'", name));
  env.log.log(
      fmt::format("sync datastore '{}' from '{}'", env.target.name(), source_name(params, false)));
  auto stats = pull_store(params, env);
  FERRY_TRY(task_result(stats, "sync aborted"));
  log_summary(env.log, params, *stats);
  env.log.log(fmt::format("sync job '{}' end", name));
  return ok();
}

Status run_pull(const PullParams& params, const PullEnv& env) {
  env.log.log(
      fmt::format("pull datastore '{}' from '{}'", env.target.name(), source_name(params, true)));
  auto stats = pull_store(params, env);
  FERRY_TRY(task_result(stats, "pull aborted"));
  env.log.log(fmt::format("pull datastore '{}' end", env.target.name()));
  return ok();
}

}  // namespace ferry::sync

#include "sync/internal/namespace_pull.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <thread>

#include "auth/acl_path.h"
#include "client/http_error.h"
#include "auth/privileges.h"
#include "sync/internal/group_pull.h"

namespace ferry::sync::internal {

using types::Authid;
using types::BackupGroup;
using types::BackupNamespace;

namespace {

std::optional<uint64_t> numeric_id(const std::string& id) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (ec != std::errc() || end != id.data() + id.size()) return std::nullopt;
  return v;
}

// §4.2: lock (creating the group with the job owner), owner check, pull.
PullStats sync_one_group(PullRun& run, const NamespaceMapping& m, const BackupGroup& group,
                         StoreProgress progress, const std::atomic<size_t>* groups_done) {
  const PullParams& p = run.params();
  std::string prefix = groups_done ? group.to_string() + ": " : "";
  GroupPull g{run, m, group, LineLog(run.env().log, prefix), {}, {}, progress, groups_done};
  g.stats.groups = 1;
  auto locked = run.target().create_locked_group(m.target, group, p.owner);
  if (!locked) {
    g.log.logf("sync group {} failed - group lock failed: {}", group.to_string(),
               locked.error().to_string());
    g.log.log("create_locked_backup_group failed");
    ++g.stats.errors;
    return g.stats;
  }
  // One ownership rule for pull (decision S2): the job owner or, for a token owner, its user.
  if (!datastore::check_backup_owner(locked->owner, p.owner)) {
    g.log.logf("sync group {} failed - owner check failed ({} != {})", group.to_string(),
               p.owner.to_string(), locked->owner.to_string());
    ++g.stats.errors;
    return g.stats;
  }
  if (auto st = pull_group(g); !st) {
    g.log.logf("sync group {} failed - {}", group.to_string(), st.error().to_string());
    ++g.stats.errors;
  }
  return g.stats;
}

// Runs the groups on `workers` threads; the calling thread is one of them.
PullStats sync_groups(PullRun& run, const NamespaceMapping& m,
                      const std::vector<BackupGroup>& groups) {
  const size_t workers = std::min(std::max<size_t>(run.params().group_workers, 1), groups.size());
  std::atomic<size_t> next{0}, done{0};
  std::mutex mutex;
  PullStats total;
  auto work = [&] {
    for (size_t i = next++; i < groups.size() && !run.abort_requested(); i = next++) {
      StoreProgress progress{i, groups.size(), 0, 0};
      PullStats s = sync_one_group(run, m, groups[i], progress, workers > 1 ? &done : nullptr);
      size_t finished = ++done;
      if (workers > 1) {
        StoreProgress overall{finished, groups.size(), 0, 0};
        run.env().log.log(fmt::format("{}: group sync done: percentage done: {}",
                                      groups[i].to_string(), overall.to_string()));
      }
      std::lock_guard lock(mutex);
      total.add(s);
    }
  };
  std::vector<std::thread> threads;
  for (size_t i = 1; i < workers; ++i) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  return total;
}

bool owned_by_job(PullRun& run, const BackupNamespace& ns, const BackupGroup& group) {
  auto owner = run.target().get_owner(ns, group);
  return owner && datastore::check_backup_owner(*owner, run.params().owner) &&
         types::apply_filters(run.params().group_filter, group);
}

// §4.3: local groups of the target namespace that the source no longer has.
void remove_vanished_groups(PullRun& run, const NamespaceMapping& m,
                            const std::vector<BackupGroup>& source_groups, PullStats& stats) {
  auto local = run.target().list_groups(m.target);
  if (!local) {
    run.env().log.log("error during cleanup: " + local.error().to_string());
    ++stats.errors;
    return;
  }
  for (const auto& group : *local) {
    if (std::find(source_groups.begin(), source_groups.end(), group) != source_groups.end()) {
      continue;
    }
    if (!owned_by_job(run, m.target, group)) continue;
    run.env().log.log(fmt::format("delete vanished group '{}'", group.to_string()));
    auto removed = remove_group(run.target(), m.target, group);
    if (!removed) {
      run.env().log.log(removed.error().to_string());
      ++stats.errors;
      continue;
    }
    stats.removed_snapshots += removed->removed_snapshots;
    if (removed->protected_left) {
      run.env().log.log(
          fmt::format("kept some protected snapshots of group '{}'", group.to_string()));
    } else {
      ++stats.removed_groups;
    }
  }
}

enum class NsRemoval { Removed, ProtectedLeft, ForeignLeft, ChildrenLeft };

Result<NsRemoval> remove_vanished_namespace(PullRun& run, const BackupNamespace& ns,
                                            PullStats& stats) {
  auto& target = run.target();
  FERRY_TRY_ASSIGN(auto groups, target.list_groups(ns));
  bool protected_left = false, foreign_left = false;
  for (const auto& group : groups) {
    if (!owned_by_job(run, ns, group)) {
      foreign_left = true;
      continue;
    }
    FERRY_TRY_ASSIGN(GroupRemoval r, remove_group(target, ns, group));
    stats.removed_snapshots += r.removed_snapshots;
    if (r.protected_left) protected_left = true;
    if (!r.protected_left) ++stats.removed_groups;
  }
  if (protected_left) return NsRemoval::ProtectedLeft;
  if (foreign_left) return NsRemoval::ForeignLeft;
  FERRY_TRY_ASSIGN(auto below, target.list_namespaces(ns, 1));
  if (below.size() > 1) return NsRemoval::ChildrenLeft;
  FERRY_TRY(target.delete_namespace(ns, false));
  return NsRemoval::Removed;
}

void log_removal(PullRun& run, const BackupNamespace& ns, NsRemoval r, PullStats& stats) {
  const std::string name = ns.to_string();
  switch (r) {
    case NsRemoval::Removed:
      run.env().log.log(fmt::format("Removed namespace {}", name));
      ++stats.removed_namespaces;
      return;
    case NsRemoval::ProtectedLeft:
      run.env().log.log(
          fmt::format("Did not remove namespace {} - protected snapshots remain", name));
      return;
    case NsRemoval::ForeignLeft:
      run.env().log.log(fmt::format(
          "Did not remove namespace {} - groups not owned by {} or excluded by the group filter "
          "remain",
          name, run.params().owner.to_string()));
      return;
    case NsRemoval::ChildrenLeft:
      run.env().log.log(fmt::format("Did not remove namespace {} - sub-namespaces remain", name));
      return;
  }
}

}  // namespace

bool group_order_less(const BackupGroup& a, const BackupGroup& b) {
  auto ta = types::to_string(a.type()), tb = types::to_string(b.type());
  if (ta != tb) return ta < tb;
  auto na = numeric_id(a.id()), nb = numeric_id(b.id());
  if (na && nb && *na != *nb) return *na < *nb;
  if (na.has_value() != nb.has_value()) return na.has_value();
  return a.id() < b.id();
}

Status prepare_target_namespace(PullRun& run, const NamespaceMapping& m) {
  const auth::UserInfo& users = run.env().user_info;
  const Authid& owner = run.params().owner;
  const BackupNamespace& t = m.target;
  if (!t.is_root()) {
    FERRY_TRY_ASSIGN(bool exists, run.target().namespace_exists(t));
    if (!exists) {
      auto allowed =
          users.check_privs(owner, run.target_acl_path(t.parent()), auth::kPrivDatastoreModify);
      if (!allowed) {
        return make_error(Errc::PermissionDenied, "Creating {} not allowed - {}", t.to_string(),
                          allowed.error().to_string());
      }
      if (auto created = run.target().create_namespace(t); !created) {
        return make_error(created.error().code(),
                          "sync into {} failed - namespace creation failed: {}",
                          run.describe_target(t), created.error().to_string());
      }
      run.env().log.log(fmt::format("Created namespace {}", t.to_string()));
    }
  }
  auto backup = users.check_privs(owner, run.target_acl_path(t), auth::kPrivDatastoreBackup);
  if (!backup) {
    return make_error(Errc::PermissionDenied, "sync into {} not allowed - {}",
                      run.describe_target(t), backup.error().to_string());
  }
  return ok();
}

Result<PullStats> pull_namespace(PullRun& run, const NamespaceMapping& m) {
  auto listed = run.source().list_groups(m.source);
  if (!listed) {
    if (!run.params().remote) return tl::unexpected(listed.error());
    // PBS shows the server's text alone here (no status), a transport error in full.
    const Error& e = listed.error();
    return make_error(e.code(), "Failed to retrieve backup groups from remote - {}",
                      client::http_status_of(e) ? e.message() : e.to_string());
  }
  std::sort(listed->begin(), listed->end(), group_order_less);
  const size_t total = listed->size();
  std::vector<BackupGroup> groups;
  for (auto& g : *listed) {
    if (types::apply_filters(run.params().group_filter, g)) groups.push_back(std::move(g));
  }
  run.env().log.log(fmt::format("found {} groups to sync (out of {} total)", groups.size(), total));
  PullStats stats = sync_groups(run, m, groups);
  FERRY_TRY(run.check_abort());
  if (run.params().remove_vanished) remove_vanished_groups(run, m, groups, stats);
  return stats;
}

Status remove_vanished_namespaces(PullRun& run, const std::set<BackupNamespace>& synced,
                                  PullStats& stats) {
  const PullParams& p = run.params();
  size_t depth = run.max_depth.value_or(BackupNamespace::kMaxDepth - p.source_ns.depth());
  auto local = run.target().list_namespaces(p.target_ns, depth);
  if (!local && local.error().code() == Errc::NotFound) return ok();  // anchor never created
  if (!local) return tl::unexpected(local.error());
  std::stable_sort(local->begin(), local->end(), [](const auto& a, const auto& b) {
    return a.to_string().size() > b.to_string().size();
  });
  const auth::UserInfo& users = run.env().user_info;
  for (const auto& ns : *local) {
    if (ns == p.target_ns || ns.is_root() || synced.count(ns)) continue;
    if (!users.check_privs(p.owner, run.target_acl_path(ns),
                           auth::kPrivDatastoreBackup | auth::kPrivDatastoreAudit, true)) {
      continue;
    }
    auto allowed =
        users.check_privs(p.owner, run.target_acl_path(ns.parent()), auth::kPrivDatastoreModify);
    if (!allowed) {
      run.env().log.log(
          fmt::format("Removing {} not allowed - {}", ns.to_string(), allowed.error().to_string()));
      ++stats.errors;
      continue;
    }
    auto removal = remove_vanished_namespace(run, ns, stats);
    if (!removal) {
      run.env().log.log(fmt::format("Failed to remove namespace {} - {}", ns.to_string(),
                                    removal.error().to_string()));
      ++stats.errors;
      continue;
    }
    log_removal(run, ns, *removal, stats);
  }
  return ok();
}

}  // namespace ferry::sync::internal

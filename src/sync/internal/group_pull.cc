#include "sync/internal/group_pull.h"

#include <algorithm>
#include <set>

#include "common/fs.h"
#include "sync/internal/snapshot_pull.h"
#include "sync/snapshot_selection.h"

namespace ferry::sync::internal {

using datastore::CryptMode;
using types::BackupDir;

namespace {

// verified-only / encrypted-only on the listing, before transfer-last (PBS ≥ 4.0.9, §12.2):
// snapshots that do not qualify are not part of the source at all.
bool qualifies(const PullParams& p, const SourceSnapshotInfo& s) {
  if (p.verified_only && s.verify_state != datastore::VerifyState::Ok) return false;
  if (p.encrypted_only) {
    if (s.files.empty()) return false;
    for (const auto& f : s.files) {
      if (f.crypt_mode != CryptMode::Encrypt) return false;
    }
  }
  return true;
}

// resync-corrupt (§12.1): the local directory exists and its manifest failed verification or
// cannot be loaded.
bool is_locally_corrupt(GroupPull& g, const BackupDir& dir) {
  auto& target = g.run.target();
  auto is_dir = fs::is_directory(target.snapshot_path(g.ns.target, dir));
  if (!is_dir || !*is_dir) return false;
  auto manifest = target.load_manifest(g.ns.target, dir);
  if (!manifest) return true;
  auto state = manifest->verify_state();
  return !state || (*state && (*state)->state == datastore::VerifyState::Failed);
}

Result<std::vector<SourceSnapshot>> list_candidates(GroupPull& g) {
  FERRY_TRY_ASSIGN(auto listed, g.run.source().list_snapshots(g.ns.source, g.group));
  std::sort(listed.begin(), listed.end(),
            [](const auto& a, const auto& b) { return a.dir.time() < b.dir.time(); });
  std::vector<SourceSnapshot> out;
  for (const auto& s : listed) {
    if (!s.size) {
      g.log.logf("skipping snapshot {} - in-progress backup", s.dir.to_string());
      continue;
    }
    if (!qualifies(g.run.params(), s)) continue;
    bool corrupt = g.run.params().resync_corrupt && is_locally_corrupt(g, s.dir);
    out.push_back({s.dir.time(), corrupt});
  }
  return out;
}

Status remove_vanished_snapshots(GroupPull& g, const std::set<int64_t>& source_times) {
  auto& target = g.run.target();
  FERRY_TRY_ASSIGN(auto local, target.list_snapshots(g.ns.target, g.group));
  for (const auto& info : local) {
    if (source_times.count(info.dir.time())) continue;
    if (info.is_protected) {
      g.log.logf("don't delete vanished snapshot {} (protected)", info.dir.to_string());
      continue;
    }
    g.log.logf("delete vanished snapshot {}", info.dir.to_string());
    FERRY_TRY(target.delete_snapshot(g.ns.target, info.dir));
    ++g.stats.removed_snapshots;
  }
  return ok();
}

}  // namespace

Status pull_group(GroupPull& g) {
  FERRY_TRY_ASSIGN(auto candidates, list_candidates(g));
  FERRY_TRY_ASSIGN(auto newest, g.run.target().last_finished_snapshot(g.ns.target, g.group));
  std::optional<int64_t> newest_local;
  if (newest) newest_local = newest->dir.time();
  Selection sel = select_snapshots(std::move(candidates), newest_local,
                                   {g.run.params().transfer_last, g.run.params().resync_corrupt});
  for (const auto& skip : sel.skipped) g.log.log(format_skip_report(skip));
  g.progress.group_snapshots = sel.selected.size();
  g.progress.done_snapshots = 0;
  for (size_t i = 0; i < sel.selected.size(); ++i) {
    FERRY_TRY_ASSIGN(BackupDir dir, BackupDir::create(g.group, sel.selected[i].time));
    FERRY_TRY(pull_snapshot(g, dir, sel.selected[i].corrupt));
    ++g.stats.snapshots;
    g.progress.done_snapshots = i + 1;
    if (g.groups_done) {
      g.log.logf("snapshot {}/{} within {} is done, {}/{} groups done", i + 1, sel.selected.size(),
                 g.group.to_string(), g.groups_done->load(), g.progress.total_groups);
    } else {
      g.log.logf("percentage done: {}", g.progress.to_string());
    }
  }
  if (g.run.params().remove_vanished) FERRY_TRY(remove_vanished_snapshots(g, sel.source_times));
  return ok();
}

Result<GroupRemoval> remove_group(datastore::Datastore& store, const types::BackupNamespace& ns,
                                  const types::BackupGroup& group) {
  FERRY_TRY_ASSIGN(auto before, store.list_snapshots(ns, group));
  auto deleted = store.delete_group(ns, group);
  if (deleted) return GroupRemoval{deleted->removed_snapshots, false};
  if (deleted.error().code() != Errc::Conflict) return tl::unexpected(deleted.error());
  // Conflict: either a lock or protected snapshots that stayed; only the latter is expected.
  FERRY_TRY_ASSIGN(auto after, store.list_snapshots(ns, group));
  bool only_protected = !after.empty() && std::all_of(after.begin(), after.end(),
                                                      [](auto& i) { return i.is_protected; });
  if (!only_protected) return tl::unexpected(deleted.error());
  return GroupRemoval{before.size() - after.size(), true};
}

}  // namespace ferry::sync::internal

// Datastore: opening, paths, locks and namespaces. Groups and snapshots are in
// datastore_snapshots.cc.
#include "datastore/datastore.h"

#include <algorithm>

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "common/fs.h"
#include "datastore/internal/dir_util.h"
#include "types/names.h"

namespace ferry::datastore {

namespace stdfs = std::filesystem;
using types::BackupDir;
using types::BackupGroup;
using types::BackupNamespace;

namespace {

constexpr auto kManifestLockTimeout = std::chrono::seconds(5);

Status check_lock_dir(const DatastoreOptions& opts) {
  if (opts.lock_dir.empty()) {
    return make_error(Errc::InvalidArgument, "datastore options: lock_dir is required");
  }
  return ok();
}

ChunkStoreOptions chunk_options(const DatastoreOptions& opts) {
  return ChunkStoreOptions{.sync_level = opts.sync_level, .clock = opts.clock};
}

std::string ns_display(const BackupNamespace& ns) {
  return ns.is_root() ? std::string("<root>") : ns.to_string();
}

}  // namespace

Result<std::unique_ptr<Datastore>> Datastore::create(std::string_view name, const stdfs::path& base,
                                                     const DatastoreOptions& opts) {
  FERRY_TRY(check_lock_dir(opts));
  FERRY_TRY(ChunkStore::create(name, base, chunk_options(opts)));
  return open(name, base, opts);
}

Result<std::unique_ptr<Datastore>> Datastore::open(std::string_view name, const stdfs::path& base,
                                                   const DatastoreOptions& opts) {
  FERRY_TRY(check_lock_dir(opts));
  FERRY_TRY_ASSIGN(ChunkStore chunks, ChunkStore::open(name, base, chunk_options(opts)));
  const Clock& clock = opts.clock ? *opts.clock : SystemClock::instance();
  return std::unique_ptr<Datastore>(new Datastore(std::move(chunks), opts.lock_dir, clock));
}

// ---- Paths --------------------------------------------------------------------------------

stdfs::path Datastore::namespace_path(const BackupNamespace& ns) const {
  return ns.is_root() ? base() : base() / ns.path();
}

stdfs::path Datastore::group_path(const BackupNamespace& ns, const BackupGroup& group) const {
  return namespace_path(ns) / group.path();
}

stdfs::path Datastore::snapshot_path(const BackupNamespace& ns, const BackupDir& dir) const {
  return namespace_path(ns) / dir.path();
}

stdfs::path Datastore::manifest_lock_path(const BackupNamespace& ns, const BackupDir& dir) const {
  stdfs::path p = lock_dir_ / name();
  if (!ns.is_root()) p /= ns.path();
  return p / dir.path() / (dir.time_string() + ".index.json.lck");
}

// ---- Locks --------------------------------------------------------------------------------

Result<FileLock> Datastore::lock_group(const BackupNamespace& ns, const BackupGroup& group,
                                       LockMode mode) const {
  return internal::lock_dir(group_path(ns, group), mode, "backup group",
                            "possible running backup");
}

Result<FileLock> Datastore::lock_snapshot(const BackupNamespace& ns, const BackupDir& dir,
                                          LockMode mode) const {
  return internal::lock_dir(snapshot_path(ns, dir), mode, "snapshot", "possibly running or in use");
}

Result<FileLock> Datastore::lock_manifest(const BackupNamespace& ns, const BackupDir& dir) const {
  stdfs::path path = manifest_lock_path(ns, dir);
  FERRY_TRY(fs::make_dirs(path.parent_path(), 0755));
  FileLock::Options opts{
      .kind = FileLock::Kind::Flock, .timeout = kManifestLockTimeout, .create = true};
  return with_context(FileLock::acquire(path, LockMode::Exclusive, opts),
                      "unable to acquire manifest lock for snapshot '{}'", dir.to_string());
}

// ---- Namespaces ---------------------------------------------------------------------------

Result<bool> Datastore::namespace_exists(const BackupNamespace& ns) const {
  return fs::is_directory(namespace_path(ns));
}

Status Datastore::create_namespace(const BackupNamespace& ns) {
  if (ns.is_root()) {
    return make_error(Errc::InvalidArgument, "cannot create the root namespace");
  }
  BackupNamespace parent = ns.parent();
  FERRY_TRY_ASSIGN(bool parent_exists, namespace_exists(parent));
  if (!parent_exists) {
    return make_error(Errc::NotFound,
                      "cannot create namespace '{}': parent namespace '{}' "
                      "does not exist",
                      ns.to_string(), ns_display(parent));
  }
  FERRY_TRY(fs::make_dir(namespace_path(parent) / "ns", 0755, true));
  auto made = fs::make_dir(namespace_path(ns), 0755);
  if (!made && made.error().code() == Errc::AlreadyExists) {
    return make_error(Errc::AlreadyExists, "namespace '{}' already exists", ns.to_string());
  }
  return made;
}

Result<std::vector<BackupNamespace>> Datastore::list_namespaces(const BackupNamespace& anchor,
                                                                size_t max_depth) const {
  FERRY_TRY_ASSIGN(bool exists, namespace_exists(anchor));
  if (!exists) {
    return make_error(Errc::NotFound, "namespace '{}' not found", ns_display(anchor));
  }
  std::vector<BackupNamespace> out{anchor};
  // Iterative depth-first walk; `level` counts levels below the anchor.
  std::vector<std::pair<BackupNamespace, size_t>> todo{{anchor, 0}};
  while (!todo.empty()) {
    auto [ns, level] = std::move(todo.back());
    todo.pop_back();
    if (level >= max_depth || ns.depth() >= BackupNamespace::kMaxDepth) continue;
    FERRY_TRY_ASSIGN(auto names, internal::list_subdirs(namespace_path(ns) / "ns"));
    for (const auto& name : names) {
      auto child = ns.child(name);  // junk names and over-long paths are not namespaces
      if (!child) continue;
      out.push_back(*child);
      todo.emplace_back(std::move(*child), level + 1);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status Datastore::delete_namespace(const BackupNamespace& ns, bool delete_groups) {
  if (ns.is_root()) {
    return make_error(Errc::InvalidArgument, "cannot delete the root namespace");
  }
  FERRY_TRY_ASSIGN(auto all, list_namespaces(ns, BackupNamespace::kMaxDepth));
  std::vector<std::string> kept;
  for (const auto& child : all) {
    FERRY_TRY_ASSIGN(auto groups, list_groups(child));
    if (groups.empty()) continue;
    if (!delete_groups) {
      return make_error(Errc::Conflict,
                        "namespace '{}' is not empty: it holds {} backup "
                        "group(s) (delete them too to remove it)",
                        child.to_string(), groups.size());
    }
    for (const auto& group : groups) {
      auto stats = delete_group(child, group);
      if (stats) continue;
      if (stats.error().code() != Errc::Conflict) return tl::unexpected(stats.error());
      kept.push_back(stats.error().message());
    }
  }
  // Deepest first, so that rmdir of a parent sees its children gone.
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.depth() > b.depth(); });
  FERRY_TRY(remove_namespace_dirs(all, kept));
  if (!kept.empty()) {
    return make_error(Errc::Conflict, "namespace '{}' only partially removed: {}", ns.to_string(),
                      fmt::join(kept, "; "));
  }
  return ok();
}

// rmdir only ever removes empty directories, so a backup that appeared meanwhile survives.
Status Datastore::remove_namespace_dirs(const std::vector<BackupNamespace>& bottom_up,
                                        std::vector<std::string>& kept) const {
  for (const auto& ns : bottom_up) {
    stdfs::path dir = namespace_path(ns);
    for (const char* type : {"ct", "host", "vm"}) {
      FERRY_TRY(internal::remove_dir_if_empty(dir / type));
    }
    FERRY_TRY(internal::remove_dir_if_empty(dir / "ns"));
    FERRY_TRY_ASSIGN(bool removed, internal::remove_dir_if_empty(dir));
    FERRY_TRY_ASSIGN(bool still_there, fs::exists(dir));
    if (!removed && still_there) {
      spdlog::info("datastore '{}': namespace '{}' not removed, not empty", name(), ns.to_string());
      kept.push_back(fmt::format("namespace '{}' is not empty", ns.to_string()));
    }
  }
  return ok();
}

Status check_backup_owner(const types::Authid& owner, const types::Authid& auth_id) {
  bool allowed = owner == auth_id ||
                 (owner.is_token() && !auth_id.is_token() && owner.user() == auth_id.user());
  if (!allowed) {
    return make_error(Errc::PermissionDenied, "backup owner check failed ({} != {})",
                      auth_id.to_string(), owner.to_string());
  }
  return ok();
}

}  // namespace ferry::datastore

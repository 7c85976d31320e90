// UserInfoCache: the current UserInfo (user.cfg + acl.cfg), re-read only when a file changed
// (PBS: CachedUserInfo::new with its mtime-based caches).
//
// Every authenticated request needs the user list (active check) and most need the ACL tree,
// so parsing both files per request would be wasteful. `get()` stats both files and re-reads
// them when the identity of either changed (inode, size, mtime with nanoseconds — writers
// replace files by rename, which always yields a new inode), otherwise it returns the cached
// snapshot. A missing file is a valid state (only root@pam / no ACLs).
//
// Thread-safe: callers share immutable snapshots; a mutex guards the swap. `get()` blocks on
// stat() and, after a change, on reading and parsing the files: call it off I/O threads.
#pragma once

#include <memory>
#include <mutex>

#include "auth/user_info.h"
#include "common/result.h"
#include "config/config_dir.h"

namespace ferry::auth {

class UserInfoCache {
 public:
  explicit UserInfoCache(config::ConfigDir dir) : dir_(std::move(dir)) {}

  // The current snapshot. Errors of reading/parsing user.cfg or acl.cfg (Corruption, Io) are
  // returned and nothing is cached, so the next call retries.
  Result<std::shared_ptr<const UserInfo>> get() const;

 private:
  struct FileId {
    bool exists = false;
    uint64_t inode = 0;
    int64_t size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const FileId&) const = default;
  };
  static Result<FileId> identify(const std::filesystem::path& path);

  config::ConfigDir dir_;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const UserInfo> cached_;  // guarded by mutex_
  mutable FileId user_id_, acl_id_;                 // guarded by mutex_
};

}  // namespace ferry::auth

// acl.cfg on disk: read with digest, lock, atomic save (config-format.md §1 and §10).
//
//   <config dir>/acl.cfg    0640, atomic replace + fsync; a missing file is an empty tree
//   <config dir>/.acl.lck   exclusive flock held for every read-modify-write (10 s wait)
//
// acl.cfg is not a section-config file, but it follows the same discipline as the files of
// config/config_file.h (whose lock and digest helpers it reuses): readers take no lock and rely
// on the atomic rename; `modify` = lock, read, compare the client's digest, edit, write.
//
// All functions block (file I/O): call them off I/O threads. Stateless and thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "auth/acl_tree.h"
#include "common/file_lock.h"
#include "common/result.h"
#include "config/config_dir.h"
#include "config/config_file.h"
#include "types/authid.h"

namespace ferry::auth {

// acl.cfg: ".acl.lck", mode 0640. The schema is empty: the file is not section config, so
// never pass this spec to config::read_config / write_config.
const config::ConfigFileSpec& acl_config_file();

struct AclConfigData {
  AclTree tree;
  std::string digest;  // lower-case hex SHA-256 of the file bytes as read ("" if missing)
};

// One PUT /access/acl request (api.md §5.2), after the API layer checked the caller's right
// to make it.
struct AclUpdate {
  std::string path;
  std::string role;
  bool propagate = true;
  std::optional<types::Authid> auth_id;
  std::optional<std::string> group;  // always rejected: groups are not supported
  bool remove = false;               // the `delete` parameter
  std::optional<std::string> digest;
};

class AclConfig {
 public:
  // Reads and parses <dir>/acl.cfg. Errors: Corruption (parse error naming file, line and
  // reason), Io, PermissionDenied.
  static Result<AclConfigData> read(const config::ConfigDir& dir);

  // Takes the exclusive config lock. Timeout after 10 s, Io.
  static Result<FileLock> lock(const config::ConfigDir& dir);

  // Writes the tree atomically (mode 0640). `lock` must be the held lock (precondition).
  // Errors: Io, PermissionDenied, Internal (lock not held). Durable when it returns.
  static Status save(const config::ConfigDir& dir, const FileLock& lock, const AclTree& tree);

  // lock → read → check `expected_digest` (Conflict on mismatch, InvalidArgument if malformed)
  // → `edit` → save. Nothing is written if a step fails.
  static Status modify(const config::ConfigDir& dir,
                       const std::optional<std::string>& expected_digest,
                       const std::function<Status(AclTree&)>& edit);

  // Applies `update` the way PBS's update_acl does: InvalidArgument for a group ("parameter
  // 'group' - groups are currently not supported"), no auth-id ("missing 'userid' parameter"),
  // an unknown role, an auth-id missing from user.cfg when adding ("no such user '<id>'" /
  // "no such API token '<id>'"; removal of unknown ones is allowed) or an invalid path when adding (removal
  // from any path is allowed); Conflict on a digest mismatch. Blocks.
  static Status update(const config::ConfigDir& dir, const AclUpdate& update);
};

}  // namespace ferry::auth

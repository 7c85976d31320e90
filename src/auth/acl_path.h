// ACL paths: the object names privileges are granted on (auth.md §6.2, config-format.md §13.3).
//
//   /                                        everything
//   /access[/acl|/users|/domains|/openid/<realm>]
//   /datastore[/<store>[/<ns1>/…/<ns7>]]     namespace components appended directly
//   /remote[/<remote>[/<store>[/<ns1>/…/<ns7>]]]   (namespaces: pkg 3.2.11+, push targets)
//   /system[/certificates|/disks|/log|/notifications|/status|/tasks|/time|/services/<svc>|
//           /network[/dns|/interfaces/<iface>]]
//   /tape[/device/<name>|/pool/<name>|/job/<id>]
//
// Parsing acl.cfg does NOT apply these rules (PBS accepts any path there, so files written by a
// newer PBS still load); they are checked where the API accepts a path (`check_acl_path`).
//
// Pure functions: thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "types/backup_namespace.h"

namespace ferry::auth {

// Components of `path`, skipping empty ones: "/datastore//s/" → {"datastore", "s"}.
std::vector<std::string_view> split_acl_path(std::string_view path);

// "/" + components joined by "/" (the canonical form): "//a/b/" → "/a/b", "" → "/".
std::string normalize_acl_path(std::string_view path);

// API-side validation: 1..128 characters matching `^(?:/|(?:/<safe-id>)+)$`, and a known
// object per the table above. InvalidArgument "invalid acl path '<path>'." (PBS's text)
// otherwise.
Status check_acl_path(std::string_view path);

// "/datastore/<store>" plus the namespace components: the anchor of datastore checks.
std::string datastore_acl_path(std::string_view store, const types::BackupNamespace& ns = {});

// "/remote/<remote>[/<store>[/<ns…>]]": empty `store` stops after the remote.
std::string remote_acl_path(std::string_view remote, std::string_view store = {},
                            const types::BackupNamespace& ns = {});

}  // namespace ferry::auth

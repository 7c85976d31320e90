// ferry::protocol upgrade checks — the server side of the HTTP/1.1 upgrade request that
// starts a backup or reader connection (spec protocol.md §2.2), in PBS's order and texts,
// independent of the HTTP server. The endpoint layer parses the query parameters into an
// UpgradeRequest, authenticates the caller, and calls `start_backup` / `start_reader`; on
// success it answers 101 and runs the session over HTTP/2, otherwise it answers with
// `UpgradeFailure::status` and the plain-text `message`.
//
// Blocking: file I/O (locks, directories) through the datastore.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "auth/privileges.h"
#include "common/result.h"
#include "types/authid.h"
#include "types/backup_group.h"
#include "types/backup_namespace.h"

namespace ferry::datastore {
class Datastore;
}

namespace ferry::protocol {

class BackupSession;
class ReaderSession;

inline constexpr std::string_view kBackupProtocolId = "proxmox-backup-protocol-v1";
inline constexpr std::string_view kReaderProtocolId = "proxmox-backup-reader-protocol-v1";

// The parsed upgrade request (step 1, parameter parsing, is the caller's).
struct UpgradeRequest {
  std::string store;
  types::BackupNamespace ns;
  types::BackupDir dir;
  bool benchmark = false;
  std::optional<std::string> upgrade_header;  // value of `Upgrade`, if present
  unsigned http_major = 1;                    // request HTTP version (major)
};

struct UpgradeFailure {
  int status = 400;
  std::string message;
};
template <typename T>
using UpgradeResult = tl::expected<T, UpgradeFailure>;

// Inputs from the server: the caller's privileges on an ACL path (UserInfo::lookup_privs
// bound to the caller) and the datastore lookup (write access for backup, read for reader;
// fails e.g. in maintenance mode). The datastore must outlive the returned session.
using PrivilegeLookup = std::function<auth::Privileges(std::string_view acl_path)>;
using DatastoreLookup = std::function<Result<datastore::Datastore*>(std::string_view store)>;

// Backup checks 2–11 of spec §2.2. Failures: 403 missing Datastore.Backup; 400 datastore
// lookup, Upgrade header, HTTP version, benchmark flag, group lock, owner, timestamp, existing
// directory; 404 namespace not found.
UpgradeResult<std::unique_ptr<BackupSession>> start_backup(const UpgradeRequest& req,
                                                           const types::Authid& auth_id,
                                                           const PrivilegeLookup& privs,
                                                           const DatastoreLookup& lookup);

// Reader checks 2–7 of spec §2.2. Failures are 400 (`no permissions on ...`, owner check,
// snapshot missing, locked).
UpgradeResult<std::unique_ptr<ReaderSession>> start_reader(const UpgradeRequest& req,
                                                           const types::Authid& auth_id,
                                                           const PrivilegeLookup& privs,
                                                           const DatastoreLookup& lookup);

}  // namespace ferry::protocol

#include "auth/roles.h"

#include <array>

namespace ferry::auth {
namespace {

constexpr Privileges kDatastoreAdmin = kPrivDatastoreAudit | kPrivDatastoreModify |
                                       kPrivDatastoreRead | kPrivDatastoreVerify |
                                       kPrivDatastoreBackup | kPrivDatastorePrune;

// PBS-compat: names and privilege sets per auth.md §6.5 (never rename: acl.cfg stores them).
constexpr std::array<RoleInfo, 18> kRoles{{
    {"Admin", kAllPrivileges, "Administrator"},
    {"Audit", kPrivSysAudit | kPrivDatastoreAudit, "Auditor"},
    {"NoAccess", 0, "Disable Access"},
    {"DatastoreAdmin", kDatastoreAdmin, "Datastore Administrator"},
    {"DatastoreReader", kPrivDatastoreAudit | kPrivDatastoreVerify | kPrivDatastoreRead,
     "Datastore Reader (inspect datastore content and do restores)"},
    {"DatastoreBackup", kPrivDatastoreBackup, "Datastore Backup (backup and restore owned backups)"},
    {"DatastorePowerUser", kPrivDatastorePrune | kPrivDatastoreBackup,
     "Datastore PowerUser (backup, restore and prune owned backup)"},
    {"DatastoreAudit", kPrivDatastoreAudit, "Datastore Auditor"},
    {"RemoteAudit", kPrivRemoteAudit, "Remote Auditor"},
    {"RemoteAdmin", kPrivRemoteAudit | kPrivRemoteModify | kPrivRemoteRead,
     "Remote Administrator"},
    {"RemoteSyncOperator", kPrivRemoteAudit | kPrivRemoteRead, "Synchronization Operator"},
    {"RemoteSyncPushOperator", kPrivRemoteAudit | kPrivRemoteDatastoreBackup,
     "Synchronization Operator (push direction)"},
    {"RemoteDatastorePowerUser",
     kPrivRemoteAudit | kPrivRemoteDatastoreBackup | kPrivRemoteDatastorePrune,
     "Remote Datastore PowerUser (push, prune owned backups)"},
    {"RemoteDatastoreAdmin",
     kPrivRemoteAudit | kPrivRemoteDatastoreBackup | kPrivRemoteDatastoreModify |
         kPrivRemoteDatastorePrune,
     "Remote Datastore Administrator (push, manage namespaces and prune)"},
    {"TapeAudit", kPrivTapeAudit, "Tape Auditor"},
    {"TapeAdmin", kPrivTapeAudit | kPrivTapeModify | kPrivTapeRead | kPrivTapeWrite,
     "Tape Administrator"},
    {"TapeOperator", kPrivTapeAudit | kPrivTapeRead | kPrivTapeWrite, "Tape Operator"},
    {"TapeReader", kPrivTapeAudit | kPrivTapeRead, "Tape Reader"},
}};

}  // namespace

std::span<const RoleInfo> all_roles() { return kRoles; }

const RoleInfo* find_role(std::string_view name) {
  for (const auto& r : kRoles) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

}  // namespace ferry::auth

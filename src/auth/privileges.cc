#include "auth/privileges.h"

#include <array>

namespace ferry::auth {
namespace {

// PBS-compat: names and order as in pbs-api-types' PRIVILEGES (never reorder).
constexpr std::array<PrivilegeName, 23> kPrivileges{{
    {"Sys.Audit", kPrivSysAudit},
    {"Sys.Modify", kPrivSysModify},
    {"Sys.PowerManagement", kPrivSysPowerManagement},
    {"Datastore.Audit", kPrivDatastoreAudit},
    {"Datastore.Allocate", kPrivDatastoreAllocate},
    {"Datastore.Modify", kPrivDatastoreModify},
    {"Datastore.Read", kPrivDatastoreRead},
    {"Datastore.Verify", kPrivDatastoreVerify},
    {"Datastore.Backup", kPrivDatastoreBackup},
    {"Datastore.Prune", kPrivDatastorePrune},
    {"Permissions.Modify", kPrivPermissionsModify},
    {"Remote.Audit", kPrivRemoteAudit},
    {"Remote.Modify", kPrivRemoteModify},
    {"Remote.Read", kPrivRemoteRead},
    {"Remote.DatastoreBackup", kPrivRemoteDatastoreBackup},
    {"Remote.DatastoreModify", kPrivRemoteDatastoreModify},
    {"Remote.DatastorePrune", kPrivRemoteDatastorePrune},
    {"Sys.Console", kPrivSysConsole},
    {"Tape.Audit", kPrivTapeAudit},
    {"Tape.Modify", kPrivTapeModify},
    {"Tape.Write", kPrivTapeWrite},
    {"Tape.Read", kPrivTapeRead},
    {"Realm.Allocate", kPrivRealmAllocate},
}};

}  // namespace

std::span<const PrivilegeName> all_privileges() { return kPrivileges; }

std::optional<Privileges> find_privilege(std::string_view name) {
  for (const auto& p : kPrivileges) {
    if (p.name == name) return p.bit;
  }
  return std::nullopt;
}

std::vector<std::string_view> privilege_names(Privileges privs) {
  std::vector<std::string_view> names;
  for (const auto& p : kPrivileges) {
    if (privs & p.bit) names.push_back(p.name);
  }
  return names;
}

std::string join_privilege_names(Privileges privs, std::string_view separator) {
  std::string out;
  for (std::string_view name : privilege_names(privs)) {
    if (!out.empty()) out += separator;
    out += name;
  }
  return out;
}

}  // namespace ferry::auth

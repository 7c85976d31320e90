// Privileges: the atoms of authorization (auth.md §6.4, config-format.md §13.1).
//
// A privilege is one bit of a `Privileges` bitmask. The bit values are internal: PBS never
// stores or transmits them (acl.cfg stores role names, the API privilege names), and they
// shift between PBS versions, so only the *names* and their *order* are compatibility-relevant.
// The order is used when a set is printed, e.g. in
// "missing permissions 'Datastore.Audit&Datastore.Backup' on '/datastore/s'".
//
// PBS-compat: the order is PBS 3.2.4's, with the push-sync privileges of pkg 3.2.11+
// (Remote.DatastoreBackup, Remote.DatastoreModify, Remote.DatastorePrune) inserted right after
// Remote.Read, as upstream does.
//
// Pure constants and functions: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::auth {

using Privileges = uint64_t;

inline constexpr Privileges kPrivSysAudit = 1ull << 0;
inline constexpr Privileges kPrivSysModify = 1ull << 1;
inline constexpr Privileges kPrivSysPowerManagement = 1ull << 2;
inline constexpr Privileges kPrivDatastoreAudit = 1ull << 3;
inline constexpr Privileges kPrivDatastoreAllocate = 1ull << 4;
inline constexpr Privileges kPrivDatastoreModify = 1ull << 5;
inline constexpr Privileges kPrivDatastoreRead = 1ull << 6;
inline constexpr Privileges kPrivDatastoreVerify = 1ull << 7;
inline constexpr Privileges kPrivDatastoreBackup = 1ull << 8;
inline constexpr Privileges kPrivDatastorePrune = 1ull << 9;
inline constexpr Privileges kPrivPermissionsModify = 1ull << 10;
inline constexpr Privileges kPrivRemoteAudit = 1ull << 11;
inline constexpr Privileges kPrivRemoteModify = 1ull << 12;
inline constexpr Privileges kPrivRemoteRead = 1ull << 13;
inline constexpr Privileges kPrivRemoteDatastoreBackup = 1ull << 14;
inline constexpr Privileges kPrivRemoteDatastoreModify = 1ull << 15;
inline constexpr Privileges kPrivRemoteDatastorePrune = 1ull << 16;
inline constexpr Privileges kPrivSysConsole = 1ull << 17;
inline constexpr Privileges kPrivTapeAudit = 1ull << 18;
inline constexpr Privileges kPrivTapeModify = 1ull << 19;
inline constexpr Privileges kPrivTapeWrite = 1ull << 20;
inline constexpr Privileges kPrivTapeRead = 1ull << 21;
inline constexpr Privileges kPrivRealmAllocate = 1ull << 22;

// Every bit, including ones a future version might add (the Admin role, the superuser).
inline constexpr Privileges kAllPrivileges = ~Privileges{0};

struct PrivilegeName {
  std::string_view name;  // e.g. "Datastore.Backup"
  Privileges bit;
};

// All privileges in PBS order.
std::span<const PrivilegeName> all_privileges();

// The bit of a privilege name (case-sensitive), nullopt if unknown.
std::optional<Privileges> find_privilege(std::string_view name);

// Names of the known bits set in `privs`, in PBS order (unknown bits are skipped).
std::vector<std::string_view> privilege_names(Privileges privs);

// privilege_names joined with `separator` ("&" for all-of, "|" for any-of messages).
std::string join_privilege_names(Privileges privs, std::string_view separator);

}  // namespace ferry::auth

#include "auth/user_info.h"

#include <gtest/gtest.h>

#include <set>

#include "auth/roles.h"

namespace ferry::auth {
namespace {

types::Authid aid(std::string_view s) { return *types::Authid::parse(s); }

// The role table of auth.md §6.5, written out independently of roles.cc.
const std::map<std::string, std::set<std::string>>& spec_roles() {
  static const std::map<std::string, std::set<std::string>> table = {
      {"Audit", {"Sys.Audit", "Datastore.Audit"}},
      {"NoAccess", {}},
      {"DatastoreAdmin",
       {"Datastore.Audit", "Datastore.Modify", "Datastore.Read", "Datastore.Verify",
        "Datastore.Backup", "Datastore.Prune"}},
      {"DatastoreReader", {"Datastore.Audit", "Datastore.Verify", "Datastore.Read"}},
      {"DatastoreBackup", {"Datastore.Backup"}},
      {"DatastorePowerUser", {"Datastore.Prune", "Datastore.Backup"}},
      {"DatastoreAudit", {"Datastore.Audit"}},
      {"RemoteAudit", {"Remote.Audit"}},
      {"RemoteAdmin", {"Remote.Audit", "Remote.Modify", "Remote.Read"}},
      {"RemoteSyncOperator", {"Remote.Audit", "Remote.Read"}},
      {"RemoteSyncPushOperator", {"Remote.Audit", "Remote.DatastoreBackup"}},
      {"RemoteDatastorePowerUser",
       {"Remote.Audit", "Remote.DatastoreBackup", "Remote.DatastorePrune"}},
      {"RemoteDatastoreAdmin",
       {"Remote.Audit", "Remote.DatastoreBackup", "Remote.DatastoreModify",
        "Remote.DatastorePrune"}},
      {"TapeAudit", {"Tape.Audit"}},
      {"TapeAdmin", {"Tape.Audit", "Tape.Modify", "Tape.Read", "Tape.Write"}},
      {"TapeOperator", {"Tape.Audit", "Tape.Read", "Tape.Write"}},
      {"TapeReader", {"Tape.Audit", "Tape.Read"}},
  };
  return table;
}

const std::set<std::string> kAllNames = {
    "Sys.Audit",          "Sys.Modify",         "Sys.PowerManagement",   "Datastore.Audit",
    "Datastore.Allocate", "Datastore.Modify",   "Datastore.Read",        "Datastore.Verify",
    "Datastore.Backup",   "Datastore.Prune",    "Permissions.Modify",    "Remote.Audit",
    "Remote.Modify",      "Remote.Read",        "Remote.DatastoreBackup", "Remote.DatastoreModify",
    "Remote.DatastorePrune", "Sys.Console",     "Tape.Audit",            "Tape.Modify",
    "Tape.Write",         "Tape.Read",          "Realm.Allocate"};

std::set<std::string> names(Privileges privs) {
  std::set<std::string> out;
  for (auto n : privilege_names(privs)) out.emplace(n);
  return out;
}

UserInfo make_info(std::string_view acl_text) {
  auto tree = AclTree::parse(acl_text, "acl.cfg");
  EXPECT_TRUE(tree.has_value()) << acl_text;
  return UserInfo(std::make_shared<UserConfig>(),
                  std::make_shared<AclTree>(tree ? std::move(*tree) : AclTree()));
}

TEST(UserInfoTest, EveryPrivilegeAndRoleOfTheSpecExists) {
  std::set<std::string> known;
  for (const auto& p : all_privileges()) known.emplace(p.name);
  EXPECT_EQ(known, kAllNames);
  EXPECT_EQ(all_roles().size(), spec_roles().size() + 1);  // + Admin
  for (const auto& [role, privs] : spec_roles()) {
    const RoleInfo* info = find_role(role);
    ASSERT_NE(info, nullptr) << role;
    EXPECT_EQ(names(info->privs), privs) << role;
  }
  ASSERT_NE(find_role("Admin"), nullptr);
  EXPECT_EQ(find_role("Admin")->privs, kAllPrivileges);
}

TEST(UserInfoTest, PrivilegeMatrixForEveryRoleAndPath) {
  struct PathCase {
    const char* path;
    bool with_propagate;     // expected to hold the role's privileges when propagate=1
    bool without_propagate;  // ... when propagate=0
  };
  const PathCase paths[] = {
      {"/", false, false},
      {"/datastore", false, false},
      {"/datastore/store1", true, true},
      {"/datastore/store1/", true, true},
      {"/datastore/store1/ns1", true, false},
      {"/datastore/store1/ns1/ns2", true, false},
      {"/datastore/store2", false, false},
      {"/remote/store1", false, false},
  };
  std::vector<std::string> roles = {"Admin"};
  for (const auto& [role, privs] : spec_roles()) roles.push_back(role);
  for (const std::string& role : roles) {
    for (int propagate = 0; propagate <= 1; ++propagate) {
      UserInfo info = make_info(fmt::format("acl:{}:/datastore/store1:u@pbs:{}\n", propagate, role));
      const std::set<std::string> expected =
          role == "Admin" ? kAllNames : spec_roles().at(role);
      for (const auto& p : paths) {
        const bool holds = propagate ? p.with_propagate : p.without_propagate;
        const Privileges got = info.lookup_privs(aid("u@pbs"), p.path);
        EXPECT_EQ(names(got), holds ? expected : std::set<std::string>{})
            << role << " propagate=" << propagate << " on " << p.path;
        if (role == "Admin" && holds) {
          EXPECT_EQ(got, kAllPrivileges);
        }
      }
    }
  }
}

TEST(UserInfoTest, InheritanceReplacesAndNoAccessBlocks) {
  UserInfo info = make_info(
      "acl:1:/:u@pbs:Audit\n"
      "acl:1:/datastore/a:u@pbs:DatastoreBackup\n"
      "acl:1:/datastore/b:u@pbs:NoAccess\n"
      "acl:1:/datastore/b/keep:u@pbs:DatastoreReader\n");
  auto u = aid("u@pbs");
  EXPECT_EQ(info.lookup_privs(u, "/system"), kPrivSysAudit | kPrivDatastoreAudit);
  // Replaced, not merged: the Audit role from "/" no longer applies below /datastore/a.
  EXPECT_EQ(info.lookup_privs(u, "/datastore/a/ns"), kPrivDatastoreBackup);
  EXPECT_EQ(info.lookup_privs(u, "/datastore/b"), 0u);
  EXPECT_EQ(info.lookup_privs(u, "/datastore/b/other"), 0u);
  EXPECT_EQ(info.lookup_privs(u, "/datastore/b/keep"),
            kPrivDatastoreAudit | kPrivDatastoreVerify | kPrivDatastoreRead);
}

TEST(UserInfoTest, TokensNeverExceedTheirUser) {
  std::vector<std::string> roles = {"Admin"};
  for (const auto& [role, privs] : spec_roles()) roles.push_back(role);
  for (const auto& user_role : roles) {
    for (const auto& token_role : roles) {
      UserInfo info = make_info(fmt::format(
          "acl:1:/datastore:u@pbs:{}\nacl:1:/datastore:u@pbs!t:{}\n", user_role, token_role));
      const Privileges user = info.lookup_privs(aid("u@pbs"), "/datastore/s");
      const Privileges token = info.lookup_privs(aid("u@pbs!t"), "/datastore/s");
      EXPECT_EQ(token, find_role(user_role)->privs & find_role(token_role)->privs)
          << "user " << user_role << ", token " << token_role;
      EXPECT_EQ(token & ~user, 0u) << "user " << user_role << ", token " << token_role;
    }
  }
}

TEST(UserInfoTest, TokenWithoutOwnAclHasNothing) {
  UserInfo info = make_info("acl:1:/:u@pbs:Admin\nacl:1:/datastore/x:u@pbs!t:DatastoreAdmin\n");
  EXPECT_EQ(info.lookup_privs(aid("u@pbs!other"), "/datastore/x"), 0u);
  EXPECT_EQ(info.lookup_privs(aid("u@pbs!t"), "/datastore/y"), 0u);
  EXPECT_EQ(info.lookup_privs(aid("u@pbs!t"), "/datastore/x"), find_role("DatastoreAdmin")->privs);
}

TEST(UserInfoTest, RootIsSuperuserButItsTokensAreNot) {
  UserInfo info = make_info("acl:1:/:root@pam!t:Audit\nacl:1:/datastore:root@pam:NoAccess\n");
  EXPECT_EQ(info.lookup_privs(aid("root@pam"), "/datastore/x"), kAllPrivileges);
  EXPECT_EQ(info.lookup_privs(aid("root@pam"), "/"), kAllPrivileges);
  EXPECT_TRUE(UserInfo::is_superuser(aid("root@pam")));
  EXPECT_FALSE(UserInfo::is_superuser(aid("root@pam!t")));
  // The token gets its own ACL, intersected with root's (everything).
  EXPECT_EQ(info.lookup_privs(aid("root@pam!t"), "/system"), kPrivSysAudit | kPrivDatastoreAudit);
  EXPECT_EQ(info.lookup_privs(aid("root@pam!u"), "/system"), 0u);
}

TEST(UserInfoTest, PropagatedPrivilegesOnlyFromPropagatingRoles) {
  UserInfo info = make_info("acl:0:/datastore/s:u@pbs:DatastoreAudit\nacl:1:/datastore/s:u@pbs:DatastoreBackup\n");
  auto [privs, propagated] = info.lookup_privs_details(aid("u@pbs"), "/datastore/s");
  EXPECT_EQ(privs, kPrivDatastoreAudit | kPrivDatastoreBackup);
  EXPECT_EQ(propagated, kPrivDatastoreBackup);
}

TEST(UserInfoTest, CheckPrivsReportsPbsMessages) {
  UserInfo info = make_info("acl:1:/datastore/s:u@pbs:DatastoreBackup\n");
  auto u = aid("u@pbs");
  EXPECT_TRUE(info.check_privs(u, "/datastore/s", kPrivDatastoreBackup));
  EXPECT_TRUE(info.check_privs(u, "/datastore/s", kPrivDatastoreBackup | kPrivDatastoreRead, true));

  auto all = info.check_privs(u, "/datastore//s/", kPrivDatastoreBackup | kPrivDatastoreAudit);
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().code(), Errc::PermissionDenied);
  EXPECT_EQ(all.error().message(),
            "missing permissions 'Datastore.Audit&Datastore.Backup' on '/datastore/s'");
  auto any = info.check_privs(u, "/", kPrivSysAudit | kPrivSysModify, true);
  ASSERT_FALSE(any);
  EXPECT_EQ(any.error().message(), "missing permissions 'Sys.Audit|Sys.Modify' on '/'");
}

TEST(UserInfoTest, AnyPrivsBelowRequiresTheTokensUserToo) {
  UserInfo info = make_info(
      "acl:1:/datastore/s/ns:u@pbs!t:DatastoreAudit\n"
      "acl:1:/datastore/other:u@pbs:DatastoreAudit\n");
  EXPECT_TRUE(info.any_privs_below(aid("u@pbs"), "/datastore", kPrivDatastoreAudit));
  EXPECT_FALSE(info.any_privs_below(aid("u@pbs"), "/datastore/s", kPrivDatastoreAudit));
  EXPECT_FALSE(info.any_privs_below(aid("u@pbs!t"), "/datastore/s", kPrivDatastoreAudit));
  EXPECT_FALSE(info.any_privs_below(aid("u@pbs"), "/missing", kPrivDatastoreAudit));
  EXPECT_TRUE(info.any_privs_below(aid("root@pam"), "/missing", kPrivDatastoreAudit));
}

}  // namespace
}  // namespace ferry::auth

#include "auth/acl_tree.h"

#include <gtest/gtest.h>

#include <string>

#include "auth/roles.h"
#include "common/fs.h"

namespace ferry::auth {
namespace {

types::Authid id(std::string_view text) { return *types::Authid::parse(text); }

AclTree parse_ok(std::string_view text) {
  auto tree = AclTree::parse(text, "acl.cfg");
  EXPECT_TRUE(tree.has_value()) << text << ": " << tree.error().to_string();
  return tree ? std::move(*tree) : AclTree();
}

// Sorted "Role,Role" of the roles that apply, for compact expectations.
std::string roles_of(const AclTree& tree, std::string_view auth_id, std::string_view path) {
  std::string out;
  for (const auto& [role, propagate] : tree.roles(id(auth_id), path)) {
    if (!out.empty()) out += ',';
    out += role;
  }
  return out;
}

TEST(AclTreeTest, SampleFileRoundTripsByteForByte) {
  auto raw = fs::read_text_file(FERRY_TEST_DATA_DIR "/auth/acl.cfg", 1 << 20);
  ASSERT_TRUE(raw.has_value()) << raw.error().to_string();
  AclTree tree = parse_ok(*raw);
  EXPECT_EQ(tree.to_string(), *raw);
}

TEST(AclTreeTest, WriterMergesEqualUgidListsAndSortsRoles) {
  AclTree tree = parse_ok(
      "acl:0:/store/store2:user2@pbs:DatastoreBackup\n"
      "acl:0:/store/store2:user1@pbs:Admin\n"
      "  acl:0:/store/store2:user2@pbs:Admin  \r\n"
      "\n"
      "acl:0:/store/store2:user1@pbs:DatastoreBackup\n");
  EXPECT_EQ(tree.to_string(), "acl:0:/store/store2:user1@pbs,user2@pbs:Admin,DatastoreBackup\n");
}

TEST(AclTreeTest, WriterEmitsPropagateZeroBeforeOneAndChildrenInByteOrder) {
  AclTree tree = parse_ok(
      "acl:1:/b:u@pbs:Audit\n"
      "acl:1:/a:u@pbs:Audit\n"
      "acl:1:/:u@pbs:Audit\n"
      "acl:0:/:v@pbs:Audit\n"
      "acl:1:/B:u@pbs:Audit\n");
  EXPECT_EQ(tree.to_string(),
            "acl:0:/:v@pbs:Audit\n"
            "acl:1:/:u@pbs:Audit\n"
            "acl:1:/B:u@pbs:Audit\n"
            "acl:1:/a:u@pbs:Audit\n"
            "acl:1:/b:u@pbs:Audit\n");
}

TEST(AclTreeTest, WriterSkipsRootUserButKeepsItsTokens) {
  AclTree tree = parse_ok("acl:1:/:root@pam,root@pam!t:Admin\n");
  EXPECT_EQ(tree.to_string(), "acl:1:/:root@pam!t:Admin\n");
}

TEST(AclTreeTest, EmptyTreeWritesEmptyFile) {
  EXPECT_EQ(parse_ok("\n  \n").to_string(), "");
  EXPECT_EQ(AclTree().to_string(), "");
}

TEST(AclTreeTest, MalformedLinesNameFileLineAndReason) {
  struct Case {
    std::string line;
    std::string reason;
  };
  const Case cases[] = {
      {"acl:1:/:alice@pbs", "wrong number of items."},
      {"acl:1:/:alice@pbs:Admin:extra", "wrong number of items."},
      {"# a comment", "wrong number of items."},
      {"acx:1:/:alice@pbs:Admin", "line does not start with 'acl'."},
      {"acl:2:/:alice@pbs:Admin", "expected '0' or '1' for propagate flag."},
      {"acl:true:/:alice@pbs:Admin", "expected '0' or '1' for propagate flag."},
      {"acl:1:/:alice@pbs:Superman", "unknown role 'Superman'"},
      {"acl:1:/:alice@pbs:", "unknown role ''"},
      {"acl:1:/:alice:Admin", "invalid userid 'alice'"},
      {"acl:1:/::Admin", "invalid auth-id ''"},
  };
  for (const auto& c : cases) {
    const std::string text = "acl:1:/:ok@pbs:Audit\n" + c.line + "\n";
    auto tree = AclTree::parse(text, "/etc/ferry/acl.cfg");
    ASSERT_FALSE(tree.has_value()) << c.line;
    EXPECT_EQ(tree.error().code(), Errc::Corruption) << c.line;
    const std::string msg = tree.error().message();
    EXPECT_NE(msg.find("unable to parse acl config '/etc/ferry/acl.cfg', line 2 - "),
              std::string::npos)
        << c.line << " -> " << msg;
    EXPECT_NE(msg.find(c.reason), std::string::npos) << c.line << " -> " << msg;
  }
}

TEST(AclTreeTest, InvalidUtf8IsRejected) {
  auto tree = AclTree::parse("acl:1:/:a@pbs:Audit\xff\n", "acl.cfg");
  ASSERT_FALSE(tree.has_value());
  EXPECT_EQ(tree.error().code(), Errc::Corruption);
}

TEST(AclTreeTest, LaterRolesReplacePropagateFlagAndNoAccessIsExclusive) {
  // NoAccess after other roles clears them; a role after NoAccess clears NoAccess.
  AclTree a = parse_ok("acl:1:/:u@pbs:Admin,Audit\nacl:1:/:u@pbs:NoAccess\n");
  EXPECT_EQ(a.to_string(), "acl:1:/:u@pbs:NoAccess\n");
  AclTree b = parse_ok("acl:1:/:u@pbs:NoAccess,Audit\n");
  EXPECT_EQ(b.to_string(), "acl:1:/:u@pbs:Audit\n");
  AclTree c = parse_ok("acl:1:/x:u@pbs:Audit\nacl:0:/x:u@pbs:Audit\n");
  EXPECT_EQ(c.to_string(), "acl:0:/x:u@pbs:Audit\n");
}

TEST(AclTreeTest, RolesReplaceInheritedOnesDownThePath) {
  AclTree tree = parse_ok(
      "acl:1:/storage:user1@pbs:Admin\n"
      "acl:1:/storage/store1:user1@pbs:DatastoreBackup\n"
      "acl:1:/storage/store2:user2@pbs:DatastoreBackup\n");
  EXPECT_EQ(roles_of(tree, "user1@pbs", "/"), "");
  EXPECT_EQ(roles_of(tree, "user1@pbs", "/storage"), "Admin");
  EXPECT_EQ(roles_of(tree, "user1@pbs", "/storage/store1"), "DatastoreBackup");
  EXPECT_EQ(roles_of(tree, "user1@pbs", "/storage/store2"), "Admin");
  EXPECT_EQ(roles_of(tree, "user1@pbs", "/storage/store3/deeper"), "Admin");
  EXPECT_EQ(roles_of(tree, "user2@pbs", "/storage"), "");
  EXPECT_EQ(roles_of(tree, "user2@pbs", "/storage/store2"), "DatastoreBackup");
}

TEST(AclTreeTest, NonPropagatingRolesApplyOnlyOnTheirOwnPath) {
  AclTree tree = parse_ok(
      "acl:1:/:u@pbs:Audit\n"
      "acl:0:/datastore/s:u@pbs:DatastoreAdmin\n");
  EXPECT_EQ(roles_of(tree, "u@pbs", "/"), "Audit");
  EXPECT_EQ(roles_of(tree, "u@pbs", "/datastore"), "Audit");
  EXPECT_EQ(roles_of(tree, "u@pbs", "/datastore/s"), "DatastoreAdmin");
  // Below s the non-propagating role contributes nothing, so the root's role still applies.
  EXPECT_EQ(roles_of(tree, "u@pbs", "/datastore/s/ns"), "Audit");

  AclTree root_only = parse_ok("acl:0:/:u@pbs:Admin\n");
  EXPECT_EQ(roles_of(root_only, "u@pbs", "/"), "Admin");
  EXPECT_EQ(roles_of(root_only, "u@pbs", "/datastore"), "");
}

TEST(AclTreeTest, NoAccessBlocksInheritanceUntilADeeperGrant) {
  AclTree tree = parse_ok(
      "acl:1:/:user1@pbs:Admin\n"
      "acl:1:/storage:user1@pbs:NoAccess\n"
      "acl:1:/storage/store1:user1@pbs:DatastoreBackup\n");
  EXPECT_EQ(roles_of(tree, "user1@pbs", "/"), "Admin");
  EXPECT_EQ(roles_of(tree, "user1@pbs", "/storage"), "NoAccess");
  EXPECT_EQ(roles_of(tree, "user1@pbs", "/storage/store1"), "DatastoreBackup");
  EXPECT_EQ(roles_of(tree, "user1@pbs", "/storage/store2"), "NoAccess");
  EXPECT_EQ(roles_of(tree, "user1@pbs", "/system"), "Admin");

  // A non-propagating NoAccess only blocks its own path.
  AclTree local = parse_ok(
      "acl:1:/:user1@pbs:Admin\n"
      "acl:0:/storage:user1@pbs:NoAccess\n");
  EXPECT_EQ(roles_of(local, "user1@pbs", "/storage"), "NoAccess");
  EXPECT_EQ(roles_of(local, "user1@pbs", "/storage/store2"), "Admin");
}

TEST(AclTreeTest, TokensAreLookedUpUnderTheirOwnId) {
  AclTree tree = parse_ok("acl:1:/:u@pbs:Admin\nacl:1:/datastore:u@pbs!t:DatastoreAudit\n");
  EXPECT_EQ(roles_of(tree, "u@pbs!t", "/"), "");
  EXPECT_EQ(roles_of(tree, "u@pbs!t", "/datastore/x"), "DatastoreAudit");
}

TEST(AclTreeTest, GroupsAreKeptButNeverMatch) {
  AclTree tree = parse_ok("acl:1:/:@admins:Admin\n");
  EXPECT_EQ(roles_of(tree, "u@pbs", "/"), "");
  EXPECT_EQ(tree.to_string(), "acl:1:/:@admins:Admin\n");
  ASSERT_EQ(tree.entries().size(), 1u);
  EXPECT_TRUE(tree.entries()[0].is_group);
  EXPECT_EQ(tree.entries()[0].ugid, "admins");
}

TEST(AclTreeTest, InsertAndDeleteMaintainTheFile) {
  AclTree tree;
  auto u = id("user1@pbs");
  ASSERT_TRUE(tree.insert_user_role("/", u, "Admin", true));
  ASSERT_TRUE(tree.insert_user_role("/", u, "Audit", true));
  EXPECT_EQ(roles_of(tree, "user1@pbs", "/"), "Admin,Audit");
  ASSERT_TRUE(tree.insert_user_role("/", u, "NoAccess", true));
  EXPECT_EQ(tree.to_string(), "acl:1:/:user1@pbs:NoAccess\n");
  ASSERT_TRUE(tree.insert_user_role("/", u, "Audit", false));
  EXPECT_EQ(tree.to_string(), "acl:0:/:user1@pbs:Audit\n");

  EXPECT_FALSE(tree.insert_user_role("/", u, "Nope", true));
  tree.delete_user_role("/", u, "Audit");
  tree.delete_user_role("/missing/path", u, "Audit");
  EXPECT_EQ(tree.to_string(), "");

  ASSERT_TRUE(tree.insert_user_role("/datastore/a", u, "DatastoreReader", true));
  ASSERT_TRUE(tree.insert_user_role("/datastore/a/ns", id("u2@pbs"), "DatastoreReader", true));
  tree.delete_authid(u);
  EXPECT_EQ(tree.to_string(), "acl:1:/datastore/a/ns:u2@pbs:DatastoreReader\n");
  tree.delete_node("/datastore/a");
  EXPECT_EQ(tree.to_string(), "");
}

TEST(AclTreeTest, AnyPrivsBelowSeesPropagatedAndDeeperGrants) {
  AclTree tree = parse_ok(
      "acl:0:/store/store2:user1@pbs:Admin\n"
      "acl:1:/store/store2/store31/store4/store6:user2@pbs:DatastoreReader\n"
      "acl:0:/store/store2/store3:user1@pbs:Admin\n");
  auto user1 = id("user1@pbs");
  auto user2 = id("user2@pbs");
  EXPECT_TRUE(*tree.any_privs_below(user1, "/store", kPrivSysAudit));
  EXPECT_FALSE(*tree.any_privs_below(user2, "/store/store2/store3", kPrivDatastoreRead));
  EXPECT_TRUE(*tree.any_privs_below(user2, "/store/store2/store31", kPrivDatastoreRead));
  EXPECT_FALSE(*tree.any_privs_below(user2, "/store/store2/store31", kPrivTapeRead));
  EXPECT_TRUE(*tree.any_privs_below(user2, "/store/store2/store31/store4/store6",
                                    kPrivDatastoreRead));
  auto missing = tree.any_privs_below(user1, "/nowhere", kPrivSysAudit);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), Errc::NotFound);
}

TEST(AclTreeTest, EntriesAndPathsListAssignmentsDepthFirst) {
  AclTree tree = parse_ok(
      "acl:1:/b:u@pbs:Audit\n"
      "acl:0:/a:u@pbs:Admin,Audit\n"
      "acl:1:/:v@pbs:NoAccess\n");
  const std::vector<AclEntry> expected = {
      {"/", "v@pbs", false, true, "NoAccess"},
      {"/a", "u@pbs", false, false, "Admin"},
      {"/a", "u@pbs", false, false, "Audit"},
      {"/b", "u@pbs", false, true, "Audit"},
  };
  EXPECT_EQ(tree.entries(), expected);
  EXPECT_EQ(tree.paths(), (std::vector<std::string>{"/", "/a", "/b"}));
}

}  // namespace
}  // namespace ferry::auth

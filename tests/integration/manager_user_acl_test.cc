// ferry-manager user ... and acl ... end to end (issue #4): the real binary over a temporary
// config directory; tables, the token secret printed once and usable, permissions as the API
// computes them, and bad input that fails with one clear line and changes no file.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "auth/token_shadow.h"
#include "config/config_dir.h"
#include "integration/manager_cli_harness.h"
#include "types/authid.h"

namespace ferry::test {
namespace {

using nlohmann::json;

class ManagerUserAclTest : public ManagerFixture {
 protected:
  json json_out(std::vector<std::string> args) {
    args.push_back("--output-format");
    args.push_back("json");
    const std::string out = ok(args);
    json parsed = json::parse(out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << describe(args) << ": " << out;
    return parsed;
  }

  // Runs a command that must fail without touching any file; returns its error line.
  std::string rejected(const std::vector<std::string>& args) {
    const auto before = snapshot_tree(root());
    const RunResult r = manager(args);
    EXPECT_EQ(r.status, 255) << describe(args) << "\nstdout: " << r.out;
    EXPECT_EQ(r.out, "") << describe(args);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << describe(args) << ": " << r.err;
    EXPECT_EQ(snapshot_tree(root()), before) << describe(args) << " changed files on disk";
    return r.err;
  }
};

TEST_F(ManagerUserAclTest, UserLifecycleWithPbsTableOutput) {
  EXPECT_EQ(ok({"user", "create", "alice@pbs", "--password", "alice-secret", "--comment",
                "Backup operator", "--email", "alice@example.org", "--firstname", "Alice"}),
            "");
  ok({"user", "create", "bob@pam", "--enable", "0", "--expire", "0"});
  EXPECT_EQ(ok({"user", "list"}),
            "┌───────────┬────────┬────────┬───────────┬──────────┬───────────────────┬"
            "─────────────────┐\n"
            "│ userid    │ enable │ expire │ firstname │ lastname │ email             │"
            " comment         │\n"
            "╞═══════════╪════════╪════════╪═══════════╪══════════╪═══════════════════╪"
            "═════════════════╡\n"
            "│ root@pam  │ 1      │ never  │           │          │                   │"
            " Superuser       │\n"
            "├───────────┼────────┼────────┼───────────┼──────────┼───────────────────┼"
            "─────────────────┤\n"
            "│ alice@pbs │ 1      │ never  │ Alice     │          │ alice@example.org │"
            " Backup operator │\n"
            "├───────────┼────────┼────────┼───────────┼──────────┼───────────────────┼"
            "─────────────────┤\n"
            "│ bob@pam   │ 0      │ never  │           │          │                   │"
            "                 │\n"
            "└───────────┴────────┴────────┴───────────┴──────────┴───────────────────┴"
            "─────────────────┘\n");
  // The password is stored hashed, never in user.cfg.
  EXPECT_EQ(read_whole_file(config_dir() / "user.cfg").find("alice-secret"), std::string::npos);
  EXPECT_EQ(read_whole_file(config_dir() / "shadow.json").find("alice-secret"),
            std::string::npos);
  EXPECT_NE(read_whole_file(config_dir() / "shadow.json").find("\"alice\""), std::string::npos);

  ok({"user", "update", "alice@pbs", "--delete", "email", "--delete", "comment", "--lastname",
      "Liddell", "--expire", "4102444800"});
  // user.cfg always holds root@pam (created with the file, as in PBS).
  json users = json_out({"user", "list"});
  ASSERT_EQ(users.size(), 3u) << users.dump();
  EXPECT_EQ(users[0]["userid"], "root@pam");
  EXPECT_EQ(users[1]["userid"], "alice@pbs");
  EXPECT_EQ(users[1]["lastname"], "Liddell");
  EXPECT_EQ(users[1]["expire"], 4102444800);
  EXPECT_FALSE(users[1].contains("email")) << users.dump();
  EXPECT_FALSE(users[1].contains("comment")) << users.dump();
  // Text mode shows a real expiry date in local time, not "never".
  RunResult text = manager({"user", "list"}, {{"TZ", "UTC"}});
  EXPECT_NE(text.out.find("2100"), std::string::npos) << text.out;

  ok({"user", "remove", "bob@pam"});
  EXPECT_EQ(json_out({"user", "list"}).size(), 2u);
}

TEST_F(ManagerUserAclTest, GeneratedTokenSecretIsPrintedOnceAndVerifies) {
  ok({"user", "create", "ci@pbs"});
  const RunResult r = manager({"user", "generate-token", "ci@pbs", "build", "--comment", "CI"});
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(r.out.rfind("Result: {\n", 0), 0u) << r.out;
  const json result = json::parse(r.out.substr(std::string("Result: ").size()));
  EXPECT_EQ(result["tokenid"], "ci@pbs!build");
  const std::string secret = result["value"];
  EXPECT_FALSE(secret.empty());

  const auth::TokenShadow shadow{config::ConfigDir(config_dir())};
  const auto tokenid = *types::Authid::parse("ci@pbs!build");
  EXPECT_TRUE(shadow.verify_secret(tokenid, secret));
  EXPECT_FALSE(shadow.verify_secret(tokenid, secret + "x"));
  EXPECT_EQ(read_whole_file(config_dir() / "token.shadow").find(secret), std::string::npos);

  EXPECT_EQ(ok({"user", "list-tokens", "ci@pbs"}),
            "┌──────────────┬────────┬────────┬─────────┐\n"
            "│ tokenid      │ enable │ expire │ comment │\n"
            "╞══════════════╪════════╪════════╪═════════╡\n"
            "│ ci@pbs!build │ 1      │ never  │ CI      │\n"
            "└──────────────┴────────┴────────┴─────────┘\n");
  // The secret is never shown again.
  std::string all = ok({"user", "list-tokens", "ci@pbs", "--output-format", "json"}) +
                    ok({"user", "list", "--output-format", "json"});
  EXPECT_EQ(all.find(secret), std::string::npos);

  ok({"acl", "update", "/datastore", "DatastoreReader", "--auth-id", "ci@pbs!build"});
  ok({"user", "delete-token", "ci@pbs", "build"});
  EXPECT_EQ(json_out({"user", "list-tokens", "ci@pbs"}), json::array());
  EXPECT_FALSE(shadow.verify_secret(tokenid, secret));
  EXPECT_EQ(json_out({"acl", "list"}), json::array()) << "the token's ACL entries go with it";
}

TEST_F(ManagerUserAclTest, AclUpdateListAndPermissions) {
  ok({"user", "create", "audit@pbs"});
  ok({"user", "create", "ops@pbs"});
  ok({"user", "generate-token", "ops@pbs", "sync"});
  EXPECT_EQ(ok({"acl", "update", "/", "Audit", "--auth-id", "audit@pbs"}), "");
  ok({"acl", "update", "/datastore/store1", "DatastoreBackup", "--auth-id", "ops@pbs",
      "--propagate", "0"});
  ok({"acl", "update", "/datastore", "DatastoreAdmin", "--auth-id", "ops@pbs!sync"});
  EXPECT_EQ(ok({"acl", "list"}),
            "┌──────────────┬───────────────────┬───────────┬─────────────────┐\n"
            "│ ugid         │ path              │ propagate │ roleid          │\n"
            "╞══════════════╪═══════════════════╪═══════════╪═════════════════╡\n"
            "│ audit@pbs    │ /                 │ 1         │ Audit           │\n"
            "├──────────────┼───────────────────┼───────────┼─────────────────┤\n"
            "│ ops@pbs!sync │ /datastore        │ 1         │ DatastoreAdmin  │\n"
            "├──────────────┼───────────────────┼───────────┼─────────────────┤\n"
            "│ ops@pbs      │ /datastore/store1 │ 0         │ DatastoreBackup │\n"
            "└──────────────┴───────────────────┴───────────┴─────────────────┘\n");
  EXPECT_EQ(read_whole_file(config_dir() / "acl.cfg"),
            "acl:1:/:audit@pbs:Audit\n"
            "acl:1:/datastore:ops@pbs!sync:DatastoreAdmin\n"
            "acl:0:/datastore/store1:ops@pbs:DatastoreBackup\n");

  EXPECT_EQ(ok({"user", "permissions", "ops@pbs", "--path", "/datastore/store1"}),
            "Privileges with (*) have the propagate flag set\n\n"
            "Path: /datastore/store1\n"
            "- Datastore.Backup\n");
  // The token's own DatastoreAdmin is cut down to what its user has.
  EXPECT_EQ(ok({"user", "permissions", "ops@pbs!sync", "--path", "/datastore/store1"}),
            "Privileges with (*) have the propagate flag set\n\n"
            "Path: /datastore/store1\n"
            "- Datastore.Backup\n");
  const json audit = json_out({"user", "permissions", "audit@pbs"});
  EXPECT_EQ(audit["/"], json({{"Datastore.Audit", true}, {"Sys.Audit", true}})) << audit.dump();

  ok({"acl", "update", "/", "Audit", "--auth-id", "audit@pbs", "--delete", "1"});
  EXPECT_EQ(json_out({"acl", "list"}).size(), 2u);
  const json filtered = json_out({"acl", "list", "--path", "/datastore", "--exact", "1"});
  ASSERT_EQ(filtered.size(), 1u) << filtered.dump();
  EXPECT_EQ(filtered[0]["ugid"], "ops@pbs!sync");
}

TEST_F(ManagerUserAclTest, BadUserAndAclInputFailsWithOneLineAndChangesNothing) {
  ok({"user", "create", "alice@pbs", "--password", "alice-secret"});
  ok({"user", "generate-token", "alice@pbs", "t1"});
  ok({"acl", "update", "/", "Audit", "--auth-id", "alice@pbs"});
  struct Case {
    std::vector<std::string> args;
    std::string expected;  // substring of the error line
  };
  const std::vector<Case> cases = {
      {{"user", "create", "alice"}, "'userid'"},
      {{"user", "create", "alice@nowhere"}, "unknown realm 'nowhere'"},
      {{"user", "create", "alice@pbs"}, "user 'alice@pbs' already exists."},
      {{"user", "create", "carol@pbs", "--password", "abc"}, "'password'"},
      {{"user", "create", "carol@pam", "--password", "abcdef"},
       "setting a password for realm 'pam' is not supported"},
      {{"user", "create", "carol@pbs", "--enable", "maybe"}, "'enable'"},
      {{"user", "create", "carol@pbs", "--expire", "-1"}, "'expire'"},
      {{"user", "create", "carol@pbs", "--expire", "soon"}, "'expire'"},
      {{"user", "create", "carol@pbs", "--bogus", "1"}, "--bogus"},
      {{"user", "update", "nobody@pbs", "--comment", "x"}, "no such user 'nobody@pbs'"},
      {{"user", "update", "alice@pbs", "--delete", "password"}, "cannot delete property 'password'"},
      {{"user", "update", "alice@pbs", "--comment", "x", "--digest", std::string(64, '0')},
       "digest"},
      {{"user", "remove", "root@pam"}, "cannot delete root@pam"},
      {{"user", "remove", "nobody@pbs"}, "user 'nobody@pbs' does not exist."},
      {{"user", "list-tokens", "nobody@pbs"}, "no such user 'nobody@pbs'"},
      {{"user", "generate-token", "nobody@pbs", "t1"}, "no such user 'nobody@pbs'"},
      {{"user", "generate-token", "alice@pbs", "t1"}, "token 't1' already exists."},
      {{"user", "generate-token", "alice@pbs", "x"}, "'token-name'"},
      {{"user", "generate-token", "alice@pbs", "bad name"}, "'token-name'"},
      {{"user", "generate-token", "alice@pbs"}, "token-name is required"},
      {{"user", "delete-token", "alice@pbs", "nope"}, "no such API token 'alice@pbs!nope'"},
      {{"user", "permissions", "not-an-id"}, "'auth-id'"},
      {{"user", "permissions", "alice@pbs", "--path", "relative"}, "'path'"},
      {{"acl", "update", "/", "Superuser", "--auth-id", "alice@pbs"}, "invalid role 'Superuser'"},
      {{"acl", "update", "/", "Admin", "--auth-id", "nobody@pbs"}, "no such user 'nobody@pbs'"},
      {{"acl", "update", "/", "Admin", "--auth-id", "alice@pbs!nope"},
       "no such API token 'alice@pbs!nope'"},
      {{"acl", "update", "/", "Admin"}, "missing 'userid' parameter"},
      {{"acl", "update", "/", "Admin", "--group", "g1"}, "groups are currently not supported"},
      {{"acl", "update", "/bogus/path", "Admin", "--auth-id", "alice@pbs"},
       "invalid acl path '/bogus/path'."},
      {{"acl", "update", "/", "Admin", "--auth-id", "alice@pbs", "--propagate", "perhaps"},
       "'propagate'"},
      {{"acl", "update", "/", "Admin", "--auth-id", "alice@pbs", "--digest", std::string(64, 'f')},
       "digest"},
      {{"acl", "update", "/"}, "role is required"},
  };
  for (const auto& c : cases) {
    const std::string err = rejected(c.args);
    EXPECT_EQ(err.rfind("Error: ", 0), 0u) << describe(c.args) << ": " << err;
    EXPECT_NE(err.find(c.expected), std::string::npos)
        << describe(c.args) << "\nexpected: " << c.expected << "\nstderr:   " << err;
  }
}

}  // namespace
}  // namespace ferry::test

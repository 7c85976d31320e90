// The privilege matrix: every endpoint against users holding one role each, allowed or
// refused with exactly the status auth.md prescribes (§5 method-level 403; §8 datastore
// full/partial; §9 remote and sync-job rules, sync jobs and ACL edits 400). Plus: API tokens
// never exceed their user.
#include <map>

#include <gtest/gtest.h>

#include "integration/api_harness.h"
#include "support/datastore_builder.h"

namespace ferry::test {
namespace {

using nlohmann::json;

// The users of the matrix, one role each (and the ACL path it is granted on).
struct RoleUser {
  std::string user;
  std::string role;
  std::string path;
};

const std::vector<RoleUser> kUsers = {
    {"admin@pbs", "Admin", "/"},
    {"audit@pbs", "Audit", "/"},
    {"backup@pbs", "DatastoreBackup", "/datastore/store1"},
    {"syncop@pbs", "RemoteSyncOperator", "/remote"},
    {"dsadmin@pbs", "DatastoreAdmin", "/datastore"},
};

struct Case {
  std::string method;
  std::string path;
  json params;
  // Expected status per user name (the part before '@').
  std::map<std::string, int> expect;
};

class ApiPrivilegesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& u : kUsers) {
      server_.add_user(u.user, "pw-" + u.user);
      server_.grant(u.path, u.user, u.role);
      creds_[u.user.substr(0, u.user.find('@'))] = server_.login(u.user, "pw-" + u.user);
    }
    auto& admin = creds_["admin"];
    ASSERT_EQ(server_.call("POST", "/config/remote", admin,
                           {{"name", "pbs2"}, {"host", "pbs2.example"},
                            {"auth-id", "sync@pbs"}, {"password", "secret"}})
                  .status,
              200);
    auto r = server_.call("POST", "/config/sync", admin,
                          {{"id", "job1"}, {"store", "store1"}, {"remote", "pbs2"},
                           {"remote-store", "rstore"}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto store = server_.context().datastores.lookup("store1");
    ASSERT_TRUE(store);
    ASSERT_TRUE(write_test_snapshot(**store, {.group = "host/own", .time = 1700000000},
                                    *types::Authid::parse("backup@pbs")));
    ASSERT_TRUE(write_test_snapshot(**store, {.group = "host/other", .time = 1700000000},
                                    *types::Authid::parse("admin@pbs")));
  }

  void run(const std::vector<Case>& cases) {
    for (const auto& c : cases) {
      for (const auto& [who, status] : c.expect) {
        json params = c.params;
        // Creates use a name per caller so that each attempt is new.
        for (auto& v : params) {
          if (v.is_string() && v.get<std::string>().find("<who>") != std::string::npos) {
            std::string s = v.get<std::string>();
            s.replace(s.find("<who>"), 5, who);
            v = s;
          }
        }
        auto r = server_.call(c.method, c.path, creds_[who], params);
        EXPECT_EQ(r.status, status) << who << ": " << c.method << " " << c.path << " "
                                    << params.dump() << " -> " << r.body;
      }
    }
  }

  ApiTestServer server_;
  std::map<std::string, Credentials> creds_;
};

std::map<std::string, int> only(std::string_view allowed, int denied,
                                std::initializer_list<std::string_view> also = {}) {
  std::map<std::string, int> m;
  for (const auto& u : kUsers) {
    const std::string name = u.user.substr(0, u.user.find('@'));
    bool ok = name == allowed;
    for (auto a : also) ok = ok || name == a;
    m[name] = ok ? 200 : denied;
  }
  return m;
}

std::map<std::string, int> everyone() { return only("", 200); }

json with(json base, const std::string& key, json value) {
  base[key] = std::move(value);
  return base;
}

TEST_F(ApiPrivilegesTest, NodeVersionAndAccessEndpoints) {
  run({
      {"GET", "/version", {}, everyone()},
      {"GET", "/nodes/localhost/certificates/info", {}, only("admin", 403)},
      {"GET", "/nodes/localhost/tasks", {}, everyone()},
      {"GET", "/access/users", {}, everyone()},
      {"POST", "/access/users", {{"userid", "new-<who>@pbs"}}, only("admin", 403)},
      {"GET", "/access/users/audit@pbs", {}, only("admin", 403, {"audit"})},
      {"GET", "/access/acl", {}, everyone()},
      {"PUT", "/access/acl", {{"path", "/datastore"}, {"role", "Audit"}, {"auth-id", "audit@pbs"}},
       only("admin", 400)},
      {"GET", "/access/permissions", {}, everyone()},
  });
}

TEST_F(ApiPrivilegesTest, RemoteConfigEndpoints) {
  run({
      {"GET", "/config/remote", {}, everyone()},
      {"GET", "/config/remote/pbs2", {}, only("admin", 403, {"syncop"})},
      {"POST", "/config/remote",
       {{"name", "r-<who>"}, {"host", "h.example"}, {"auth-id", "a@pbs"}, {"password", "x"}},
       only("admin", 403)},
      {"PUT", "/config/remote/pbs2", {{"comment", "c"}}, only("admin", 403)},
      {"DELETE", "/config/remote/nothere", {}, {{"audit", 403}, {"syncop", 403}, {"admin", 404}}},
  });
}

TEST_F(ApiPrivilegesTest, RemoteListIsFilteredByRemoteAudit) {
  auto names = [&](const std::string& who) {
    return server_.call("GET", "/config/remote", creds_[who]).data().size();
  };
  EXPECT_EQ(names("admin"), 1u);
  EXPECT_EQ(names("syncop"), 1u);
  EXPECT_EQ(names("audit"), 0u);
  EXPECT_EQ(names("backup"), 0u);
  auto remote = server_.call("GET", "/config/remote/pbs2", creds_["syncop"]).data();
  EXPECT_FALSE(remote.contains("password")) << remote.dump();
}

TEST_F(ApiPrivilegesTest, DatastoreConfigEndpoints) {
  run({
      {"GET", "/config/datastore", {}, everyone()},
      {"GET", "/config/datastore/store1", {}, only("admin", 403, {"audit", "dsadmin"})},
      {"PUT", "/config/datastore/store1", {{"comment", "c"}}, only("admin", 403, {"dsadmin"})},
      {"DELETE", "/config/datastore/nothere", {}, {{"audit", 403}, {"dsadmin", 403}}},
  });
}

TEST_F(ApiPrivilegesTest, SyncJobEndpointsUseTheSyncJobRules) {
  run({
      {"GET", "/config/sync", {}, everyone()},
      // Read: Datastore.Audit on the store and Remote.Audit on the remote; nobody but admin
      // has both. Failures are 400 as in PBS.
      {"GET", "/config/sync/job1", {}, only("admin", 400)},
      {"POST", "/config/sync",
       {{"id", "j-<who>"}, {"store", "store1"}, {"remote", "pbs2"}, {"remote-store", "rstore2"}},
       only("admin", 400)},
      {"PUT", "/config/sync/job1", {{"comment", "c"}}, only("admin", 400)},
      {"DELETE", "/config/sync/nothere", {}, {{"audit", 404}, {"admin", 404}}},
  });
}

TEST_F(ApiPrivilegesTest, DatastoreContentEndpoints) {
  const json own = {{"backup-type", "host"}, {"backup-id", "own"}, {"backup-time", 1700000000}};
  run({
      {"GET", "/admin/datastore", {}, everyone()},
      {"GET", "/admin/datastore/store1/status", {}, only("admin", 403, {"audit", "backup", "dsadmin"})},
      {"GET", "/admin/datastore/store1/groups", {}, only("admin", 403, {"audit", "backup", "dsadmin"})},
      {"GET", "/admin/datastore/store1/snapshots", {}, only("admin", 403, {"audit", "backup", "dsadmin"})},
      {"GET", "/admin/datastore/store1/namespace", {}, only("admin", 403, {"audit", "backup", "dsadmin"})},
      {"POST", "/admin/datastore/store1/namespace", {{"name", "ns-<who>"}}, only("admin", 403, {"dsadmin"})},
      {"GET", "/admin/datastore/store1/protected", own, only("admin", 403, {"audit", "backup", "dsadmin"})},
      {"PUT", "/admin/datastore/store1/protected", with(own, "protected", false),
       only("admin", 403, {"backup", "dsadmin"})},
      {"GET", "/admin/datastore/store1/notes", own, only("admin", 403, {"audit", "backup", "dsadmin"})},
      {"PUT", "/admin/datastore/store1/group-notes",
       {{"backup-type", "host"}, {"backup-id", "own"}, {"notes", "n"}},
       only("admin", 403, {"backup", "dsadmin"})},
      // Deleting needs Modify (or Prune + owner); the snapshot does not exist: 404 once allowed.
      {"DELETE", "/admin/datastore/store1/snapshots",
       {{"backup-type", "host"}, {"backup-id", "own"}, {"backup-time", 1600000000}},
       {{"admin", 404}, {"audit", 403}, {"backup", 403}, {"syncop", 403}, {"dsadmin", 404}}},
  });
}

TEST_F(ApiPrivilegesTest, BackupPrivilegeSeesAndTouchesOnlyOwnGroups) {
  auto groups = server_.call("GET", "/admin/datastore/store1/groups", creds_["backup"]).data();
  ASSERT_EQ(groups.size(), 1u) << groups.dump();
  EXPECT_EQ(groups[0]["backup-id"], "own");
  EXPECT_EQ(groups[0]["owner"], "backup@pbs");
  EXPECT_EQ(server_.call("GET", "/admin/datastore/store1/groups", creds_["audit"]).data().size(),
            2u);
  auto r = server_.call("PUT", "/admin/datastore/store1/group-notes", creds_["backup"],
                        {{"backup-type", "host"}, {"backup-id", "other"}, {"notes", "x"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "backup owner check failed (backup@pbs != admin@pbs)");
}

TEST_F(ApiPrivilegesTest, MissingDatastorePrivilegeMessageNamesBothPrivileges) {
  auto r = server_.call("GET", "/admin/datastore/store1/groups", creds_["syncop"]);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body,
            "permission check failed - missing Datastore.Audit|Datastore.Backup on "
            "/datastore/store1");
}

TEST_F(ApiPrivilegesTest, TokensNeverExceedTheirUser) {
  // audit@pbs has Audit on /; its token gets Admin on / but stays within Audit.
  const std::string secret = server_.add_token("audit@pbs!t");
  server_.grant("/", "audit@pbs!t", "Admin");
  auto tok = token_credentials("audit@pbs!t", secret);
  EXPECT_EQ(server_.call("GET", "/config/datastore/store1", tok).status, 200);
  EXPECT_EQ(server_.call("GET", "/nodes/localhost/certificates/info", tok).status, 403);
  EXPECT_EQ(server_.call("PUT", "/config/datastore/store1", tok, {{"comment", "x"}}).status, 403);

  // A token without ACL entries of its own has nothing, even for the Admin user.
  const std::string admin_secret = server_.add_token("admin@pbs!bare");
  auto bare = token_credentials("admin@pbs!bare", admin_secret);
  EXPECT_EQ(server_.call("GET", "/config/datastore/store1", bare).status, 403);
  EXPECT_EQ(server_.call("GET", "/config/remote", bare).data().size(), 0u);

  auto perms = server_.call("GET", "/access/permissions", tok).data();
  EXPECT_TRUE(perms["/"].contains("Sys.Audit")) << perms.dump();
  EXPECT_FALSE(perms["/"].contains("Sys.Modify")) << perms.dump();
}

TEST_F(ApiPrivilegesTest, UnprivilegedUserMayGrantOnlyToItsOwnTokens) {
  server_.add_token("backup@pbs!mine");
  auto r = server_.call("PUT", "/access/acl", creds_["backup"],
                        {{"path", "/datastore/store1"}, {"role", "DatastoreBackup"},
                         {"auth-id", "backup@pbs!mine"}});
  EXPECT_EQ(r.status, 200) << r.body;
  r = server_.call("PUT", "/access/acl", creds_["backup"],
                   {{"path", "/datastore/store1"}, {"role", "DatastoreBackup"},
                    {"auth-id", "audit@pbs"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Unprivileged users can only set ACL items for API tokens.");
  auto acl = server_.call("GET", "/access/acl", creds_["backup"]).data();
  ASSERT_EQ(acl.size(), 1u) << acl.dump();
  EXPECT_EQ(acl[0]["ugid"], "backup@pbs!mine");
}

}  // namespace
}  // namespace ferry::test

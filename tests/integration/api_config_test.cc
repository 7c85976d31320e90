// Remote, sync-job and datastore configuration over HTTPS (api.md §3.5, §5.5, §5.6, §5.10),
// datastore content listings (§5.9) and tasks (§5.3) against the in-process API.
#include <gtest/gtest.h>

#include "integration/api_harness.h"
#include "support/datastore_builder.h"

namespace ferry::test {
namespace {

using nlohmann::json;

class ApiConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.add_user("admin@pbs", "admin-secret");
    server_.grant("/", "admin@pbs", "Admin");
    admin_ = server_.login("admin@pbs", "admin-secret");
    ASSERT_TRUE(admin_.ticket);
  }

  HttpReply call(const std::string& method, const std::string& path, const json& params = {}) {
    return server_.call(method, path, admin_, params.is_null() ? json::object() : params);
  }

  ApiTestServer server_;
  Credentials admin_;
};

TEST_F(ApiConfigTest, RemoteCrudRoundTripNeverReturnsThePassword) {
  auto r = call("POST", "/config/remote",
                {{"name", "pbs2"}, {"host", "pbs2.example"}, {"auth-id", "sync@pbs"},
                 {"password", "secret"}, {"port", 8007}, {"comment", "offsite"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), json({{"data", nullptr}}));

  r = call("GET", "/config/remote");
  ASSERT_EQ(r.status, 200);
  auto list = r.json();
  ASSERT_EQ(list["data"].size(), 1u);
  EXPECT_EQ(list["data"][0],
            json({{"name", "pbs2"}, {"host", "pbs2.example"}, {"auth-id", "sync@pbs"},
                  {"port", 8007}, {"comment", "offsite"}}));
  const std::string digest = list["digest"];
  EXPECT_EQ(digest.size(), 64u);

  // Form-encoded update with delete, digest checked.
  r = call("PUT", "/config/remote/pbs2",
           {{"host", "pbs3.example"}, {"delete", json::array({"comment", "port"})},
            {"digest", digest}});
  ASSERT_EQ(r.status, 200) << r.body;
  r = call("PUT", "/config/remote/pbs2", {{"comment", "x"}, {"digest", digest}});
  EXPECT_EQ(r.status, 400) << "stale digest: " << r.body;

  r = call("GET", "/config/remote/pbs2");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.data(), json({{"name", "pbs2"}, {"host", "pbs3.example"}, {"auth-id", "sync@pbs"}}));
  EXPECT_TRUE(r.json().contains("digest"));

  r = call("POST", "/config/remote",
           {{"name", "pbs2"}, {"host", "h"}, {"auth-id", "a@pbs"}, {"password", "x"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("already exists"), std::string::npos) << r.body;

  EXPECT_EQ(call("DELETE", "/config/remote/pbs2").status, 200);
  EXPECT_EQ(call("DELETE", "/config/remote/pbs2").status, 404);
  EXPECT_EQ(call("GET", "/config/remote/pbs2").status, 400);
}

TEST_F(ApiConfigTest, RemoteParametersAreValidated) {
  auto r = call("POST", "/config/remote",
                {{"name", "x"}, {"host", "h"}, {"auth-id", "a@pbs"}, {"password", "p"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.body.starts_with("parameter verification failed - 'name'")) << r.body;
  r = call("POST", "/config/remote", {{"name", "pbs2"}, {"host", "h"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("'auth-id'"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("'password'"), std::string::npos) << r.body;
  r = call("POST", "/config/remote",
           {{"name", "pbs2"}, {"host", "h"}, {"auth-id", "a@pbs"}, {"password", "p"},
            {"fingerprint", "zz"}});
  EXPECT_EQ(r.status, 400);
}

TEST_F(ApiConfigTest, RemoteScanQueriesTheRemoteWithStoredCredentials) {
  // The remote is this very server, pinned by its own certificate fingerprint.
  auto cert = call("GET", "/nodes/localhost/certificates/info").data();
  ASSERT_EQ(cert.size(), 1u);
  const std::string fingerprint = cert[0]["fingerprint"];
  auto r = call("POST", "/config/remote",
                {{"name", "self"}, {"host", "127.0.0.1"}, {"port", server_.port()},
                 {"auth-id", "admin@pbs"}, {"password", "admin-secret"},
                 {"fingerprint", fingerprint}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto store = server_.context().datastores.lookup("store1");
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->create_namespace(*types::BackupNamespace::parse("prod")));
  ASSERT_TRUE(write_test_snapshot(**store, {.ns = "prod", .group = "vm/1", .time = 1700000000},
                                  *types::Authid::parse("admin@pbs")));

  r = call("GET", "/config/remote/self/scan");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.data().size(), 1u);
  EXPECT_EQ(r.data()[0]["store"], "store1");
  r = call("GET", "/config/remote/self/scan/store1/namespaces");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.data().size(), 2u);
  r = call("GET", "/config/remote/self/scan/store1/groups", {{"namespace", "prod"}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.data().size(), 1u);
  EXPECT_EQ(r.data()[0]["backup-id"], "1");

  // Wrong password: the remote refuses the login, which is a 500 here.
  r = call("PUT", "/config/remote/self", {{"password", "wrong"}});
  ASSERT_EQ(r.status, 200) << r.body;
  r = call("GET", "/config/remote/self/scan");
  EXPECT_EQ(r.status, 500);
  EXPECT_TRUE(r.body.starts_with("failed to scan remote 'self' - ")) << r.body;
}

TEST_F(ApiConfigTest, SyncJobCrudRoundTrip) {
  ASSERT_EQ(call("POST", "/config/remote",
                 {{"name", "pbs2"}, {"host", "pbs2.example"}, {"auth-id", "sync@pbs"},
                  {"password", "secret"}})
                .status,
            200);
  auto r = call("POST", "/config/sync",
                {{"id", "pull1"}, {"store", "store1"}, {"remote", "pbs2"},
                 {"remote-store", "rstore"}, {"schedule", "hourly"},
                 {"group-filter", json::array({"type:vm", "exclude:group:vm/100"})},
                 {"rate-in", "20MiB"}, {"remove-vanished", true}});
  ASSERT_EQ(r.status, 200) << r.body;

  r = call("GET", "/config/sync/pull1");
  ASSERT_EQ(r.status, 200) << r.body;
  auto job = r.data();
  EXPECT_EQ(job["store"], "store1");
  EXPECT_EQ(job["remote"], "pbs2");
  EXPECT_EQ(job["remote-store"], "rstore");
  EXPECT_EQ(job["remove-vanished"], true);
  EXPECT_EQ(job["group-filter"], json::array({"type:vm", "exclude:group:vm/100"}));
  EXPECT_EQ(job["rate-in"], "20 MiB");

  r = call("PUT", "/config/sync/pull1",
           {{"comment", "offsite"}, {"delete", json::array({"rate-in", "group-filter"})}});
  ASSERT_EQ(r.status, 200) << r.body;
  job = call("GET", "/config/sync/pull1").data();
  EXPECT_EQ(job["comment"], "offsite");
  EXPECT_FALSE(job.contains("rate-in"));
  EXPECT_FALSE(job.contains("group-filter"));

  // Push jobs are listed only with sync-direction push/all.
  r = call("POST", "/config/sync",
           {{"id", "push1"}, {"store", "store1"}, {"remote", "pbs2"},
            {"remote-store", "rstore"}, {"sync-direction", "push"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(call("GET", "/config/sync").data().size(), 1u);
  EXPECT_EQ(call("GET", "/config/sync", {{"sync-direction", "push"}}).data().size(), 1u);
  EXPECT_EQ(call("GET", "/config/sync", {{"sync-direction", "all"}}).data().size(), 2u);

  r = call("DELETE", "/config/remote/pbs2");
  EXPECT_EQ(r.status, 400) << "remote in use: " << r.body;

  EXPECT_EQ(call("DELETE", "/config/sync/pull1").status, 200);
  r = call("DELETE", "/config/sync/pull1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "job 'pull1' does not exist.");
}

TEST_F(ApiConfigTest, SyncJobValidationErrorsAre400) {
  auto r = call("POST", "/config/sync",
                {{"id", "local1"}, {"store", "store1"}, {"remote-store", "store1"}});
  EXPECT_EQ(r.status, 400) << r.body;
  r = call("POST", "/config/sync",
           {{"id", "j1"}, {"store", "store1"}, {"remote-store", "x1"}, {"max-depth", 9}});
  EXPECT_EQ(r.status, 400) << r.body;
  r = call("POST", "/config/sync",
           {{"id", "j1"}, {"store", "store1"}, {"remote", "nothere"}, {"remote-store", "x1"}});
  EXPECT_GE(r.status, 400);
  EXPECT_LT(r.status, 500) << r.body;
}

TEST_F(ApiConfigTest, SyncModifyAccessFollowsOwnerRule) {
  // DatastoreAdmin-like rights on the store without Remote.Read: no job with a remote.
  server_.add_user("op@pbs", "op-secret");
  server_.grant("/datastore/store1", "op@pbs", "DatastoreBackup");
  server_.grant("/datastore/store1", "op@pbs", "DatastoreAudit");
  // Creating a datastore is a task: wait for it.
  auto created = call("POST", "/config/datastore",
                      {{"name", "store2"}, {"path", (server_.root() / "store2").string()}});
  ASSERT_EQ(created.status, 200) << created.body;
  auto upid = jobs::Upid::parse(created.data().get<std::string>());
  ASSERT_TRUE(upid);
  ASSERT_TRUE(server_.tasks().wait(*upid));
  auto op = server_.login("op@pbs", "op-secret");
  // Local pull owned by the caller: Audit + Backup on the target suffice... except the
  // source needs nothing at config time; the owner rule needs no Modify.
  auto r = server_.call("POST", "/config/sync", op,
                        {{"id", "own1"}, {"store", "store1"}, {"remote-store", "store2"},
                         {"owner", "op@pbs"}});
  EXPECT_EQ(r.status, 200) << r.body;
  // Owner unset means root@pam: Datastore.Modify would be needed.
  r = server_.call("POST", "/config/sync", op,
                   {{"id", "root1"}, {"store", "store1"}, {"remote-store", "store2"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "permission check failed");
  // remove-vanished needs Datastore.Prune.
  r = server_.call("POST", "/config/sync", op,
                   {{"id", "own2"}, {"store", "store1"}, {"remote-store", "store2"},
                    {"owner", "op@pbs"}, {"remove-vanished", true}});
  EXPECT_EQ(r.status, 400);
  // Updating a job into one the caller may not modify is refused.
  r = server_.call("PUT", "/config/sync/own1", op, {{"delete", json::array({"owner"})}});
  EXPECT_EQ(r.status, 400);
}

TEST_F(ApiConfigTest, DatastoreCreateRunsAsTaskAndListsAppear) {
  auto r = call("POST", "/config/datastore",
                {{"name", "store2"}, {"path", (server_.root() / "store2").string()},
                 {"comment", "second"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string upid = r.data();
  ASSERT_TRUE(upid.starts_with("UPID:")) << upid;
  auto parsed = jobs::Upid::parse(upid);
  ASSERT_TRUE(parsed);
  auto done = server_.tasks().wait(*parsed);
  ASSERT_TRUE(done);

  r = call("GET", "/nodes/localhost/tasks/" + upid + "/status");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.data()["status"], "stopped");
  EXPECT_EQ(r.data()["exitstatus"], "OK");
  EXPECT_EQ(r.data()["type"], "create-datastore");
  EXPECT_EQ(r.data()["user"], "admin@pbs");

  r = call("GET", "/nodes/localhost/tasks/" + upid + "/log", {{"start", 0}, {"limit", 1}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.data().size(), 1u);
  EXPECT_EQ(r.data()[0]["n"], 1);
  EXPECT_GE(r.json()["total"].get<int>(), 2);
  EXPECT_EQ(r.json()["success"], 1);

  r = call("GET", "/nodes/localhost/tasks", {{"typefilter", "create"}});
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.data().size(), 1u);
  EXPECT_EQ(r.data()[0]["upid"], upid);
  EXPECT_EQ(r.data()[0]["status"], "OK");

  auto list = call("GET", "/config/datastore").data();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1]["name"], "store2");
  auto admin_list = call("GET", "/admin/datastore").data();
  ASSERT_EQ(admin_list.size(), 2u);
  EXPECT_EQ(admin_list[0], json({{"store", "store1"}, {"comment", nullptr}}));
  EXPECT_EQ(admin_list[1], json({{"store", "store2"}, {"comment", "second"}}));

  r = call("POST", "/config/datastore",
           {{"name", "store2"}, {"path", (server_.root() / "x").string()}});
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST_F(ApiConfigTest, DatastoreContentListings) {
  auto store = server_.context().datastores.lookup("store1");
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->create_namespace(*types::BackupNamespace::parse("prod")));
  const auto owner = *types::Authid::parse("admin@pbs");
  ASSERT_TRUE(write_test_snapshot(**store, {.group = "vm/100", .time = 1700000000}, owner));
  ASSERT_TRUE(write_test_snapshot(**store, {.group = "vm/100", .time = 1700003600}, owner));
  ASSERT_TRUE(write_test_snapshot(**store, {.ns = "prod", .group = "ct/7", .time = 1700000000},
                                  owner));

  auto groups = call("GET", "/admin/datastore/store1/groups").data();
  ASSERT_EQ(groups.size(), 1u) << groups.dump();
  EXPECT_EQ(groups[0]["backup-type"], "vm");
  EXPECT_EQ(groups[0]["backup-id"], "100");
  EXPECT_EQ(groups[0]["backup-count"], 2);
  EXPECT_EQ(groups[0]["last-backup"], 1700003600);
  EXPECT_EQ(groups[0]["owner"], "admin@pbs");
  EXPECT_TRUE(groups[0]["files"].is_array());

  auto snaps = call("GET", "/admin/datastore/store1/snapshots",
                    {{"backup-type", "vm"}, {"backup-id", "100"}})
                   .data();
  ASSERT_EQ(snaps.size(), 2u);
  EXPECT_TRUE(snaps[0].contains("size"));
  EXPECT_EQ(snaps[0]["protected"], false);
  bool has_manifest = false;
  for (const auto& f : snaps[0]["files"]) has_manifest |= f["filename"] == "index.json.blob";
  EXPECT_TRUE(has_manifest) << snaps[0].dump();

  auto ns = call("GET", "/admin/datastore/store1/namespace").data();
  EXPECT_EQ(ns, json::array({{{"ns", ""}}, {{"ns", "prod"}}}));
  EXPECT_EQ(call("GET", "/admin/datastore/store1/groups", {{"ns", "prod"}}).data().size(), 1u);
  EXPECT_EQ(call("GET", "/admin/datastore/store1/groups", {{"ns", "nothere"}}).status, 400);

  const json snap = {{"backup-type", "vm"}, {"backup-id", "100"}, {"backup-time", 1700000000}};
  auto with = [](json j, const char* k, json v) {
    j[k] = std::move(v);
    return j;
  };
  EXPECT_EQ(call("PUT", "/admin/datastore/store1/notes", with(snap, "notes", "line1\nline2")).status,
            200);
  EXPECT_EQ(call("GET", "/admin/datastore/store1/notes", snap).data(), "line1\nline2");
  EXPECT_EQ(call("PUT", "/admin/datastore/store1/protected", with(snap, "protected", true)).status,
            200);
  EXPECT_EQ(call("GET", "/admin/datastore/store1/protected", snap).data(), true);
  auto r = call("DELETE", "/admin/datastore/store1/snapshots", snap);
  EXPECT_EQ(r.status, 400) << r.body;

  snaps = call("GET", "/admin/datastore/store1/snapshots").data();
  ASSERT_EQ(snaps.size(), 2u);
  EXPECT_EQ(snaps[0]["comment"], "line1");
  EXPECT_EQ(snaps[0]["protected"], true);

  r = call("DELETE", "/admin/datastore/store1/groups",
           {{"backup-type", "vm"}, {"backup-id", "100"}, {"error-on-protected", false}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.data(), json({{"removed-groups", 0}, {"protected-snapshots", 1},
                            {"removed-snapshots", 1}}));

  r = call("POST", "/admin/datastore/store1/namespace", {{"name", "dev"}, {"parent", "prod"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.data(), "prod/dev");
  r = call("DELETE", "/admin/datastore/store1/namespace",
           {{"ns", "prod"}, {"delete-groups", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.data()["removed-groups"], 1);
  EXPECT_EQ(call("GET", "/admin/datastore/store1/namespace").data().size(), 1u);

  r = call("GET", "/admin/datastore/store1/status", {{"verbose", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GT(r.data()["total"].get<uint64_t>(), 0u);
  EXPECT_EQ(r.data()["counts"]["vm"]["snapshots"], 1);
}

TEST_F(ApiConfigTest, UsersAndTokensLifecycle) {
  auto r = call("POST", "/access/users",
                {{"userid", "sync@pbs"}, {"password", "sync-pass"}, {"comment", "sync"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(server_.login("sync@pbs", "sync-pass").ticket);

  r = call("POST", "/access/users/sync@pbs/token/job1", {{"comment", "pull"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.data()["tokenid"], "sync@pbs!job1");
  const std::string secret = r.data()["value"];
  EXPECT_EQ(secret.size(), 36u);
  EXPECT_EQ(server_.call("GET", "/version", token_credentials("sync@pbs!job1", secret)).status,
            200);

  auto tokens = call("GET", "/access/users/sync@pbs/token").data();
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0]["tokenid"], "sync@pbs!job1");
  EXPECT_FALSE(tokens[0].contains("value"));

  auto users = call("GET", "/access/users", {{"include_tokens", true}}).data();
  bool found = false;
  for (const auto& u : users) {
    if (u["userid"] == "sync@pbs") found = u["tokens"].size() == 1;
  }
  EXPECT_TRUE(found) << users.dump();

  auto sync = server_.login("sync@pbs", "sync-pass");
  r = server_.call("PUT", "/access/password", sync,
                   {{"userid", "sync@pbs"}, {"password", "new-pass"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(server_.login("sync@pbs", "sync-pass").ticket);
  EXPECT_TRUE(server_.login("sync@pbs", "new-pass").ticket);
  r = server_.call("PUT", "/access/password", sync,
                   {{"userid", "admin@pbs"}, {"password", "hijack"}});
  EXPECT_EQ(r.status, 403) << r.body;

  EXPECT_EQ(call("DELETE", "/access/users/sync@pbs/token/job1").status, 200);
  EXPECT_EQ(server_.call("GET", "/version", token_credentials("sync@pbs!job1", secret)).status,
            401);
  EXPECT_EQ(call("DELETE", "/access/users/sync@pbs").status, 200);
  EXPECT_FALSE(server_.login("sync@pbs", "new-pass").ticket);
}

}  // namespace
}  // namespace ferry::test

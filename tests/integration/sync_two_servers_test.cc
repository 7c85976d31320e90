// Pulling from a real ferryd over the network (issue #6): the source is a `ferryd` process on
// 127.0.0.1 with real TLS (its own self-signed certificate), its datastore filled directly on
// disk with the datastore test builders; the target is a local datastore with a remote.cfg
// entry pinning the source's fingerprint. Pulls run in-process through open_sync_source
// (login, pinning, rate-in) and pull_store, and once through `ferry-manager pull`.
//
// Covers: full sync byte-identical + no-op rerun without chunk transfers, namespaces with
// max-depth, group-filter, remove-vanished, transfer-last, wrong fingerprint (both named),
// wrong password, the source killed mid-transfer (no partial snapshot; the next run completes)
// and rate-in (loose bound).
#include <signal.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "sync_fixture.h"

namespace ferry {
namespace {

namespace stdfs = std::filesystem;
using namespace std::chrono_literals;
using test::grp;
using test::many_chunks;
using test::ns;
using test::t;
using test::write_text_file;

class SyncTwoServersTest : public test::SyncServerFixture {};

TEST_F(SyncTwoServersTest, FullSyncThenANoOpRerunTransfersNoChunk) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1)},
                       {.group = "vm/100", .time = t(2), .image_chunks = {1, 2, 4}},
                       {.group = "ct/200", .time = t(1), .stream_seed = 7}}});
  auto r = pull(params());
  ASSERT_TRUE(r) << r.error().to_string() << "\n" << log_.text();
  EXPECT_EQ(r->errors, 0u) << log_.text();
  EXPECT_EQ(r->snapshots, 3u);
  EXPECT_GT(r->chunks_downloaded, 0u);
  EXPECT_EQ(expect_synced_identical(), 3u);
  expect_only_complete_snapshots();
  for (auto [g, k] : {std::pair{"vm/100", 1}, {"vm/100", 2}, {"ct/200", 1}}) {
    EXPECT_TRUE(target_has("", g, t(k))) << g << " " << k;
  }
  auto again = pull(params());
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ(again->errors, 0u) << log_.text();
  EXPECT_EQ(again->chunks_downloaded, 0u);
  EXPECT_EQ(again->files_downloaded, 0u);
}

TEST_F(SyncTwoServersTest, NamespacesDownToMaxDepth) {
  serve({.namespaces = {"a", "a/b", "a/b/c"},
         .snapshots = {{.ns = "a", .group = "vm/1", .time = t(1)},
                       {.ns = "a/b", .group = "vm/2", .time = t(1)},
                       {.ns = "a/b/c", .group = "vm/3", .time = t(1)}}});
  auto p = params();
  p.source_ns = ns("a");
  p.target_ns = ns("x");
  p.max_depth = 1;
  ASSERT_TRUE(dst_->create_namespace(ns("x")));
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  EXPECT_TRUE(target_has("x", "vm/1", t(1)));
  EXPECT_TRUE(target_has("x/b", "vm/2", t(1)));
  EXPECT_FALSE(target_has("x/b/c", "vm/3", t(1))) << "below max-depth";
}

TEST_F(SyncTwoServersTest, GroupFilterRemoveVanishedAndTransferLast) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1)},
                       {.group = "vm/100", .time = t(2)},
                       {.group = "vm/100", .time = t(3)},
                       {.group = "ct/200", .time = t(1)}}});
  auto p = params();
  p.group_filter = {*types::GroupFilter::parse("group:vm/100")};
  p.transfer_last = 1;
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  EXPECT_TRUE(target_has("", "vm/100", t(3)));
  EXPECT_FALSE(target_has("", "vm/100", t(2))) << "transfer-last 1";
  EXPECT_FALSE(target_has("", "ct/200", t(1))) << "group filter";

  auto full = pull(params());
  ASSERT_TRUE(full && full->errors == 0) << log_.text();
  EXPECT_TRUE(target_has("", "ct/200", t(1)));
  ASSERT_TRUE(src_->delete_group({}, grp("ct/200")));
  auto vanished = params();
  vanished.remove_vanished = true;
  auto r2 = pull(vanished);
  ASSERT_TRUE(r2 && r2->errors == 0) << log_.text();
  EXPECT_EQ(r2->removed_groups, 1u);
  EXPECT_FALSE(target_has("", "ct/200", t(1)));
}

TEST_F(SyncTwoServersTest, WrongFingerprintIsRefusedNamingBothFingerprints) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1)}}});
  const std::string wrong =
      "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:"
      "ee:ff";
  write_remote(wrong, "secret");
  auto r = pull(params());
  ASSERT_FALSE(r);
  const std::string text = r.error().to_string();
  EXPECT_NE(text.find(wrong), std::string::npos) << text;
  std::string actual = fingerprint_;
  for (char& c : actual) c = char(std::tolower(static_cast<unsigned char>(c)));
  std::string lower_text = text;
  for (char& c : lower_text) c = char(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_NE(lower_text.find(actual), std::string::npos) << text;
  EXPECT_TRUE(dst_->list_groups({})->empty());
}

TEST_F(SyncTwoServersTest, WrongPasswordFailsBeforeAnyChange) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1)}}});
  write_remote(fingerprint_, "wrong");
  auto r = pull(params());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::Unauthenticated) << r.error().to_string();
  EXPECT_TRUE(dst_->list_groups({})->empty());
}

TEST_F(SyncTwoServersTest, ServerKilledMidTransferLeavesNoPartialSnapshotAndTheNextRunCompletes) {
  // 2 snapshots of 4 MiB each, pulled at 1 MiB/s: the kill lands inside a transfer.
  serve({.snapshots = {{.group = "vm/100", .time = t(1), .image_chunks = many_chunks(100, 64)},
                       {.group = "vm/100", .time = t(2), .image_chunks = many_chunks(200, 64)}}});
  std::thread killer([this] {
    std::this_thread::sleep_for(2500ms);
    server_->stop(SIGKILL);
  });
  auto r = pull(params(), 1024 * 1024);
  killer.join();
  EXPECT_TRUE(!r || r->errors > 0) << "the pull did not notice the dead server\n" << log_.text();
  expect_only_complete_snapshots();
  EXPECT_FALSE(target_has("", "vm/100", t(2))) << "finished before the kill?\n" << log_.text();

  ASSERT_EQ(server_->start(), "");
  auto again = pull(params());
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ(again->errors, 0u) << log_.text();
  EXPECT_TRUE(target_has("", "vm/100", t(1)));
  EXPECT_TRUE(target_has("", "vm/100", t(2)));
  expect_only_complete_snapshots();
}

TEST_F(SyncTwoServersTest, RateInLimitsThroughput) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1), .image_chunks = many_chunks(300, 32)}}});
  constexpr uint64_t kRate = 1024 * 1024;
  const auto start = std::chrono::steady_clock::now();
  auto r = pull(params(), kRate);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  ASSERT_GE(r->bytes_downloaded, kRate) << "too little data to measure";
  // Loose: at least 80 % of the time the limit implies; a generous ceiling for loaded hosts.
  EXPECT_GE(secs, 0.8 * double(r->bytes_downloaded) / double(kRate)) << secs;
  EXPECT_LT(secs, 60.0);
}

TEST_F(SyncTwoServersTest, ManagerPullCommandPullsFromTheRemote) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1)}}});
  dst_.reset();  // the CLI opens the datastore itself
  const auto r = manager({"pull", "pbs2", "src", "local"});
  const std::string out = r.out + r.err;
  EXPECT_EQ(r.status, 0) << out;
  EXPECT_NE(out.find("pull datastore 'local' from 'pbs2/src'"), std::string::npos) << out;
  EXPECT_NE(out.find("sync snapshot vm/100/2024-06-01T00:00:00Z done"), std::string::npos) << out;
  EXPECT_NE(out.find("pull datastore 'local' end"), std::string::npos) << out;

  const auto bad = manager({"pull", "nope", "src", "local"});
  EXPECT_NE(bad.status, 0);
  EXPECT_NE((bad.out + bad.err).find("no such remote 'nope'"), std::string::npos)
      << bad.out << bad.err;
}

// POST /api2/json/pull on a second ferryd (the target) pulling from the first: a `sync` task
// whose log holds the PBS lines and ends with TASK OK; unknown remotes fail before any task.
// Also /config/remote/{name}/scan against the real source.
TEST_F(SyncTwoServersTest, PullApiRunsASyncTaskOnTheTargetServer) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1)}}});
  dst_.reset();  // the target ferryd opens it
  write_text_file(dst_etc_ / "user.cfg",
             "user: admin@pbs\n\tenable true\n\texpire 0\n\n"
             "user: weak@pbs\n\tenable true\n\texpire 0\n");
  // weak@pbs may back up into the target but may not read the remote.
  write_text_file(dst_etc_ / "acl.cfg",
             "acl:1:/:admin@pbs:Admin\nacl:1:/datastore/local:weak@pbs:DatastoreBackup\n");
  ASSERT_TRUE(auth::PbsAuthenticator(config::ConfigDir(dst_etc_)).store_password("weak", "pw"));
  start_target();
  auto c = api();
  ASSERT_NE(c, nullptr);
  // The remote scan endpoints reach the real source server with the stored credentials.
  auto stores = c->get("/api2/json/config/remote/pbs2/scan");
  ASSERT_TRUE(stores) << stores.error().to_string();
  EXPECT_NE(stores->dump().find("\"src\""), std::string::npos) << stores->dump();
  auto groups = c->get("/api2/json/config/remote/pbs2/scan/src/groups");
  ASSERT_TRUE(groups) << groups.error().to_string();
  EXPECT_NE(groups->dump().find("\"100\""), std::string::npos) << groups->dump();
  auto nss = c->get("/api2/json/config/remote/pbs2/scan/src/namespaces");
  ASSERT_TRUE(nss) << nss.error().to_string();
  EXPECT_TRUE(nss->is_array()) << nss->dump();
  auto bad = c->post("/api2/json/pull",
                        {{"store", "local"}, {"remote", "nope"}, {"remote-store", "src"}});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().to_string().find("no such remote 'nope'"), std::string::npos)
      << bad.error().to_string();
  {
    auto weak = api("weak@pbs");
    ASSERT_NE(weak, nullptr);
    auto denied = weak->post("/api2/json/pull",
                                {{"store", "local"}, {"remote", "pbs2"}, {"remote-store", "src"}});
    ASSERT_FALSE(denied);
    EXPECT_EQ(denied.error().code(), Errc::InvalidArgument) << denied.error().to_string();
    EXPECT_NE(denied.error().to_string().find("/remote/pbs2/src"), std::string::npos)
        << denied.error().to_string();
  }
  auto upid = c->post("/api2/json/pull",
                         {{"store", "local"}, {"remote", "pbs2"}, {"remote-store", "src"}});
  ASSERT_TRUE(upid) << upid.error().to_string();
  ASSERT_TRUE(upid->is_string()) << upid->dump();
  EXPECT_NE(upid->get<std::string>().find(":sync:local:"), std::string::npos) << upid->dump();
  const auto task = wait_task(*c, upid->get<std::string>());
  const std::string& text = task.log;
  EXPECT_EQ(task.exitstatus, "OK") << text;
  EXPECT_NE(text.find("pull datastore 'local' from 'pbs2/src'"), std::string::npos) << text;
  EXPECT_NE(text.find("pull datastore 'local' end"), std::string::npos) << text;
  EXPECT_NE(text.find("TASK OK"), std::string::npos) << text;
}

}  // namespace
}  // namespace ferry

// sync-test-cases.md §J (local-to-local sync) and H3 (local sync ignores rate limits), as they
// apply: sync jobs with `remote` unset on a target ferryd between two of its datastores, the
// source "store-a" (the spec's "a"; names need 3 characters), built with the datastore test
// builders, and the fixture's target "local" (the spec's "b"). No source ferryd is involved.
#include <chrono>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "common/fs.h"
#include "datastore/data_blob.h"
#include "sync_fixture.h"

namespace ferry {
namespace {

namespace stdfs = std::filesystem;
using nlohmann::json;
using test::many_chunks;
using test::t;
using test::write_text_file;

class SyncCasesJTest : public test::SyncServerFixture {
 protected:
  // Store "store-a" on the target host next to "local", both in datastore.cfg.
  void make_local_source(test::TestDatastoreSpec spec) {
    make_target();
    spec.name = "store-a";
    auto a = test::make_test_datastore(root() / "a", root() / "alocks", spec);
    ASSERT_TRUE(a) << a.error().to_string();
    src_ = std::move(*a);
    write_text_file(dst_etc_ / "datastore.cfg",
                    "datastore: local\n\tpath " + (root() / "local").string() +
                        "\n\ndatastore: store-a\n\tpath " + (root() / "a").string() + "\n");
  }

  // Creates the local sync job `id` from "store-a" into "local" and runs it to its end.
  test::TaskOutcome create_and_run(client::HttpClient& c, const std::string& id, json extra) {
    json props = {{"id", id}, {"store", "local"}, {"remote-store", "store-a"}};
    props.update(extra);
    auto created = c.post("/api2/json/config/sync", props);
    EXPECT_TRUE(created) << created.error().to_string();
    return run(c, id);
  }

  static test::TaskOutcome run(client::HttpClient& c, const std::string& id) {
    auto upid = c.post("/api2/json/admin/sync/" + id + "/run");
    EXPECT_TRUE(upid && upid->is_string()) << (upid ? upid->dump() : upid.error().to_string());
    if (!upid || !upid->is_string()) return {};
    return wait_task(c, upid->get<std::string>());
  }

  bool local_has(std::string_view group, int64_t time) const {
    const types::BackupDir d = *types::BackupDir::create(test::grp(group), time);
    return stdfs::exists(root() / "local" / stdfs::path(d.to_string()) / "index.json.blob");
  }
};

// Every file of `from` exists in `to` with the same bytes, and nothing else.
void expect_same_files(const stdfs::path& from, const stdfs::path& to) {
  std::map<std::string, Bytes> want, got;
  for (const auto& e : stdfs::directory_iterator(from)) {
    want[e.path().filename().string()] = *fs::read_file(e.path(), 1 << 24);
  }
  for (const auto& e : stdfs::directory_iterator(to)) {
    got[e.path().filename().string()] = *fs::read_file(e.path(), 1 << 24);
  }
  EXPECT_EQ(got.size(), want.size()) << from << " vs " << to;
  for (const auto& [name, bytes] : want) {
    EXPECT_TRUE(got.count(name) && got[name] == bytes) << "differs: " << to / name;
  }
}

// S11 (PBS ≥ 4.1.11): the client log is copied, also from a local source (≤ 4.1.10 it was not).
TEST_F(SyncCasesJTest, J1_BasicLocalSync) {
  make_local_source({.snapshots = {{.group = "vm/100", .time = t(1)},
                                   {.group = "vm/100", .time = t(2), .image_chunks = {1, 2, 9}}}});
  for (int d : {1, 2}) {
    const types::BackupDir dir = *types::BackupDir::create(test::grp("vm/100"), t(d));
    auto blob = datastore::DataBlob::encode(as_bytes(std::string_view("client log\n")), nullptr,
                                            true);
    ASSERT_TRUE(blob);
    ASSERT_TRUE(fs::atomic_replace(src_->snapshot_path({}, dir) / "client.log.blob",
                                   ByteView(blob->raw())));
  }
  start_target();
  auto c = api();
  ASSERT_NE(c, nullptr);
  const auto task = create_and_run(*c, "job1", json::object());
  ASSERT_EQ(task.exitstatus, "OK") << task.log;
  EXPECT_NE(task.log.find("sync datastore 'local' from 'store-a'\n"), std::string::npos)
      << task.log;
  for (int d : {1, 2}) {
    const types::BackupDir dir = *types::BackupDir::create(test::grp("vm/100"), t(d));
    ASSERT_TRUE(local_has("vm/100", t(d))) << d;
    expect_same_files(src_->snapshot_path({}, dir),
                      root() / "local" / stdfs::path(dir.to_string()));
  }
  reopen_target();
  expect_only_complete_snapshots();  // every referenced chunk arrived
}

TEST_F(SyncCasesJTest, J2_JobOwnerVisibilityOnTheSource) {
  make_local_source({.snapshots = {{.group = "vm/100", .time = t(1)}}, .owner = "u@pbs"});
  ASSERT_TRUE(test::write_test_snapshot(*src_, {.group = "vm/101", .time = t(1)},
                                        *types::Authid::parse("root@pam")));
  write_text_file(dst_etc_ / "user.cfg",
                  "user: admin@pbs\n\tenable true\n\texpire 0\n\n"
                  "user: u@pbs\n\tenable true\n\texpire 0\n");
  write_text_file(dst_etc_ / "acl.cfg",
                  "acl:1:/:admin@pbs:Admin\n"
                  "acl:1:/datastore/store-a:u@pbs:DatastoreBackup\n"
                  "acl:1:/datastore/local:u@pbs:DatastoreBackup\n");
  start_target();
  auto c = api();
  ASSERT_NE(c, nullptr);
  auto task = create_and_run(*c, "job1", {{"owner", "u@pbs"}});
  ASSERT_EQ(task.exitstatus, "OK") << task.log;
  EXPECT_TRUE(local_has("vm/100", t(1))) << task.log;
  EXPECT_FALSE(local_has("vm/101", t(1))) << "u@pbs may not read root@pam's group\n" << task.log;

  auto granted = c->put("/api2/json/access/acl", {{"path", "/datastore/store-a"},
                                                  {"role", "DatastoreReader"},
                                                  {"auth-id", "u@pbs"}});
  ASSERT_TRUE(granted) << granted.error().to_string();
  task = run(*c, "job1");
  ASSERT_EQ(task.exitstatus, "OK") << task.log;
  EXPECT_TRUE(local_has("vm/101", t(1))) << "Datastore.Read shows every group\n" << task.log;
}

TEST_F(SyncCasesJTest, H3_LocalSyncIgnoresRateLimits) {
  // 8 MiB: at the configured 1 MiB/s this would take 8 seconds.
  make_local_source(
      {.snapshots = {{.group = "vm/100", .time = t(1), .image_chunks = many_chunks(900, 128)}}});
  start_target();
  auto c = api();
  ASSERT_NE(c, nullptr);
  const auto start = std::chrono::steady_clock::now();
  const auto task = create_and_run(*c, "job1", {{"rate-in", "1MiB"}});
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(task.exitstatus, "OK") << task.log;
  EXPECT_TRUE(local_has("vm/100", t(1)));
  EXPECT_LT(secs, 4.0) << "limited like a remote transfer?\n" << task.log;
}

}  // namespace
}  // namespace ferry

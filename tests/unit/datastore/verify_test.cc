#include "datastore/verify.h"

#include <map>
#include <set>

#include <gtest/gtest.h>

#include "common/fs.h"
#include "datastore/datastore.h"
#include "datastore/index.h"
#include "support/datastore_builder.h"
#include "support/store_temp_dir.h"

namespace ferry::datastore {
namespace {

namespace stdfs = std::filesystem;
using test::TestSnapshotSpec;
using types::BackupDir;
using types::BackupGroup;
using types::BackupNamespace;

constexpr int64_t kT0 = 1700000000;

// 2 namespaces below the root, 3 groups, 5 snapshots. Image chunk seeds are shared exactly
// between the two snapshots of a group (12, 13 in vm/100; 21, 22 in host/elsa).
test::TestDatastoreSpec scenario() {
  test::TestDatastoreSpec spec;
  spec.namespaces = {"prod", "prod/site1"};
  spec.snapshots = {
      {"", "vm/100", kT0, {11, 12, 13}, 101},
      {"", "vm/100", kT0 + 3600, {14, 12, 13}, 102},
      {"prod", "host/elsa", kT0 + 100, {21, 22, 23}, 201},
      {"prod", "host/elsa", kT0 + 7200, {21, 22, 24}, 202},
      {"prod/site1", "ct/200", kT0 + 200, {31, 32}, 301},
  };
  return spec;
}

BackupNamespace ns(std::string_view text) { return *BackupNamespace::parse(text); }
BackupGroup group(std::string_view text) { return *BackupGroup::parse(text); }
BackupDir snap(std::string_view g, int64_t t) { return *BackupDir::create(group(g), t); }

// "ns|type/id/time" for every snapshot of the store, via the listing API.
std::vector<std::pair<BackupNamespace, BackupDir>> all_snapshots(const Datastore& store) {
  std::vector<std::pair<BackupNamespace, BackupDir>> out;
  auto namespaces = store.list_namespaces({}, 7);
  EXPECT_TRUE(namespaces);
  for (const auto& n : namespaces.value_or(std::vector<BackupNamespace>{})) {
    auto groups = store.list_groups(n);
    EXPECT_TRUE(groups);
    for (const auto& g : groups.value_or(std::vector<BackupGroup>{})) {
      auto snapshots = store.list_snapshots(n, g);
      EXPECT_TRUE(snapshots);
      for (const auto& info : snapshots.value_or(std::vector<BackupInfo>{})) {
        out.emplace_back(n, info.dir);
      }
    }
  }
  return out;
}

std::map<std::string, VerifyOutcome> verify_all(Datastore& store, VerifyCache& cache,
                                                const std::string& upid) {
  std::map<std::string, VerifyOutcome> out;
  for (const auto& [n, dir] : all_snapshots(store)) {
    auto r = verify_snapshot(store, n, dir, cache, {.upid = upid});
    EXPECT_TRUE(r) << r.error().to_string();
    if (r) out[snapshot_display(n, dir)] = r->outcome;
  }
  return out;
}

std::string state_of(const Datastore& store, const BackupNamespace& n, const BackupDir& dir) {
  auto m = store.load_manifest(n, dir);
  if (!m) return "load error: " + m.error().to_string();
  auto s = m->verify_state();
  if (!s || !*s) return "none";
  return ((*s)->state == VerifyState::Ok ? "ok:" : "failed:") + (*s)->upid;
}

class VerifyScenarioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto built = test::make_test_datastore(base(), locks(), scenario());
    ASSERT_TRUE(built) << built.error().to_string();
  }
  stdfs::path base() const { return dir_ / "ds"; }
  stdfs::path locks() const { return dir_ / "locks"; }
  std::unique_ptr<Datastore> reopen() {
    auto store = test::open_test_datastore(base(), locks(), scenario());
    EXPECT_TRUE(store) << store.error().to_string();
    return store ? std::move(*store) : nullptr;
  }

  test::StoreTempDir dir_;
};

TEST_F(VerifyScenarioTest, ReopenedStoreListsExactlyWhatWasWritten) {
  auto store = reopen();
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->list_namespaces({}, 7),
            (std::vector<BackupNamespace>{ns(""), ns("prod"), ns("prod/site1")}));
  EXPECT_EQ(*store->list_namespaces(ns("prod"), 0), std::vector<BackupNamespace>{ns("prod")});
  EXPECT_EQ(*store->list_groups(ns("")), std::vector<BackupGroup>{group("vm/100")});
  EXPECT_EQ(*store->list_groups(ns("prod")), std::vector<BackupGroup>{group("host/elsa")});
  EXPECT_EQ(*store->list_groups(ns("prod/site1")), std::vector<BackupGroup>{group("ct/200")});

  std::vector<std::string> listed;
  for (const auto& [n, dir] : all_snapshots(*store)) listed.push_back(snapshot_display(n, dir));
  EXPECT_EQ(listed, (std::vector<std::string>{
                        "vm/100/2023-11-14T22:13:20Z",
                        "vm/100/2023-11-14T23:13:20Z",
                        "ns/prod/host/elsa/2023-11-14T22:15:00Z",
                        "ns/prod/host/elsa/2023-11-15T00:13:20Z",
                        "ns/prod/ns/site1/ct/200/2023-11-14T22:16:40Z",
                    }));

  const std::vector<std::string> files = {"config.blob", "drive-scsi0.img.fidx", "index.json.blob",
                                          "root.pxar.didx"};
  for (const auto& [n, dir] : all_snapshots(*store)) {
    auto info = store->snapshot_info(n, dir);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->files, files) << dir.to_string();
    EXPECT_TRUE(info->finished) << dir.to_string();
    EXPECT_FALSE(info->is_protected) << dir.to_string();
    auto manifest = store->load_manifest(n, dir);
    ASSERT_TRUE(manifest);
    EXPECT_EQ(manifest->backup_id, dir.group().id());
    uint64_t image = manifest->lookup_file(test::kTestImageArchive)->size;
    uint64_t blob = manifest->lookup_file(test::kTestBlobArchive)->size;
    EXPECT_EQ(info->size, image + test::kTestStreamSize + blob) << dir.to_string();
    EXPECT_EQ(*store->get_owner(n, dir.group()), *types::Authid::parse("backup@pbs"));
  }
}

TEST_F(VerifyScenarioTest, AllSnapshotsVerifyOkAndRecordTheirState) {
  auto store = reopen();
  ASSERT_TRUE(store);
  VerifyCache cache;
  auto outcomes = verify_all(*store, cache, "UPID:ok-run");
  ASSERT_EQ(outcomes.size(), 5u);
  for (const auto& [name, outcome] : outcomes) EXPECT_EQ(outcome, VerifyOutcome::Ok) << name;
  EXPECT_EQ(cache.corrupt_count(), 0u);
  // Shared chunks are read once: 3+1 image chunks in vm/100, 3+1 in host/elsa, 2 in ct/200,
  // plus the stream chunks of five distinct streams.
  EXPECT_GE(cache.verified_count(), 4u + 4u + 2u + 5u);
  for (const auto& [n, dir] : all_snapshots(*store)) {
    EXPECT_EQ(state_of(*store, n, dir), "ok:UPID:ok-run") << dir.to_string();
  }
}

TEST_F(VerifyScenarioTest, FlippedChunkByteFailsExactlyTheSnapshotsReferencingIt) {
  auto store = reopen();
  ASSERT_TRUE(store);
  const TestSnapshotSpec spec = scenario().snapshots[0];
  const Digest bad = test::test_image_chunk_digest(spec, 1);  // seed 12: both vm/100 snapshots

  // Cross-check with the indexes themselves which snapshots reference the chunk.
  std::set<std::string> referencing;
  for (const auto& [n, dir] : all_snapshots(*store)) {
    for (const char* archive : {test::kTestImageArchive, test::kTestStreamArchive}) {
      auto index = open_index(store->snapshot_path(n, dir) / archive);
      ASSERT_TRUE(index);
      for (size_t i = 0; i < (*index)->index_count(); ++i) {
        if ((*index)->index_digest(i) == bad) referencing.insert(snapshot_display(n, dir));
      }
    }
  }
  ASSERT_EQ(referencing,
            (std::set<std::string>{"vm/100/2023-11-14T22:13:20Z", "vm/100/2023-11-14T23:13:20Z"}));

  const stdfs::path chunk = store->chunk_store().chunk_path(bad);
  Bytes raw = *fs::read_file(chunk, 1 << 24);
  raw[raw.size() / 2] ^= 0x20;
  ASSERT_TRUE(fs::atomic_replace(chunk, ByteView(raw)));

  VerifyCache cache;
  std::vector<std::string> log;
  std::map<std::string, VerifyOutcome> outcomes;
  for (const auto& [n, dir] : all_snapshots(*store)) {
    auto r = verify_snapshot(
        *store, n, dir, cache,
        {.upid = "UPID:bad-run", .log = [&](std::string_view l) { log.emplace_back(l); }});
    ASSERT_TRUE(r) << r.error().to_string();
    outcomes[snapshot_display(n, dir)] = r->outcome;
    bool refs = referencing.count(snapshot_display(n, dir)) != 0;
    EXPECT_EQ(r->corrupt_chunks, refs ? std::vector<Digest>{bad} : std::vector<Digest>{})
        << dir.to_string();
    if (refs) {
      ASSERT_EQ(r->errors.size(), 1u) << dir.to_string();
      EXPECT_EQ(r->errors[0], "drive-scsi0.img.fidx: chunks could not be verified");
    }
    EXPECT_EQ(state_of(*store, n, dir), std::string(refs ? "failed" : "ok") + ":UPID:bad-run")
        << dir.to_string();
  }
  for (const auto& [name, outcome] : outcomes) {
    EXPECT_EQ(outcome, referencing.count(name) ? VerifyOutcome::Failed : VerifyOutcome::Ok) << name;
  }
  EXPECT_FALSE(*fs::exists(chunk));
  EXPECT_TRUE(*fs::exists(chunk.string() + ".0.bad"));
  EXPECT_EQ(cache.corrupt_count(), 1u);
  auto has = [&](std::string_view needle) {
    for (const auto& l : log) {
      if (l.find(needle) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("can't verify chunk, load failed"));
  EXPECT_TRUE(has("corrupted chunk renamed to"));
  EXPECT_TRUE(has("chunk " + bad.to_hex() + " was marked as corrupt"));
  EXPECT_TRUE(has("verify store1:vm/100/2023-11-14T22:13:20Z/drive-scsi0.img.fidx failed"));
}

TEST_F(VerifyScenarioTest, DetectsBadIndexBlobManifestAndMissingSnapshot) {
  auto store = reopen();
  ASSERT_TRUE(store);
  const BackupNamespace prod = ns("prod");
  const BackupDir older = snap("host/elsa", kT0 + 100);
  const BackupDir newer = snap("host/elsa", kT0 + 7200);
  const BackupNamespace site = ns("prod/site1");
  const BackupDir ct = snap("ct/200", kT0 + 200);
  // Older host/elsa: garble the blob. Newer: truncate the dynamic index's last entry.
  stdfs::path blob = store->snapshot_path(prod, older) / test::kTestBlobArchive;
  Bytes raw = *fs::read_file(blob, 1 << 20);
  raw.back() ^= 0xff;
  ASSERT_TRUE(fs::atomic_replace(blob, ByteView(raw)));
  stdfs::path didx = store->snapshot_path(prod, newer) / test::kTestStreamArchive;
  Bytes index = *fs::read_file(didx, 1 << 20);
  index.resize(index.size() - 40);
  ASSERT_TRUE(fs::atomic_replace(didx, ByteView(index)));
  // ct/200: garbage manifest.
  ASSERT_TRUE(fs::atomic_replace(store->snapshot_path(site, ct) / "index.json.blob",
                                 std::string_view("not a blob at all")));

  VerifyCache cache;
  auto r1 = verify_snapshot(*store, prod, older, cache, {.upid = "U"});
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->outcome, VerifyOutcome::Failed);
  ASSERT_EQ(r1->errors.size(), 1u);
  EXPECT_NE(r1->errors[0].find("config.blob"), std::string::npos) << r1->errors[0];
  auto r2 = verify_snapshot(*store, prod, newer, cache, {.upid = "U"});
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->outcome, VerifyOutcome::Failed);
  ASSERT_EQ(r2->errors.size(), 1u);
  EXPECT_NE(r2->errors[0].find("root.pxar.didx: wrong size"), std::string::npos) << r2->errors[0];
  auto r3 = verify_snapshot(*store, site, ct, cache, {.upid = "U"});
  ASSERT_TRUE(r3);
  EXPECT_EQ(r3->outcome, VerifyOutcome::Failed);
  EXPECT_NE(r3->errors[0].find("manifest load error"), std::string::npos);
  EXPECT_EQ(cache.corrupt_count(), 0u);  // archive damage is not chunk damage

  auto gone = verify_snapshot(*store, ns(""), snap("vm/100", 5), cache, {.upid = "U"});
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->outcome, VerifyOutcome::Skipped);
  EXPECT_TRUE(gone->ok());
}

TEST_F(VerifyScenarioTest, LockedSnapshotIsSkippedAndGroupVerifiesNewestFirst) {
  auto store = reopen();
  ASSERT_TRUE(store);
  const BackupDir newest = snap("vm/100", kT0 + 3600);
  auto lock = store->lock_snapshot({}, newest, LockMode::Exclusive);
  ASSERT_TRUE(lock);
  VerifyCache cache;
  auto results = verify_group(*store, {}, group("vm/100"), cache, {.upid = "U"});
  ASSERT_TRUE(results) << results.error().to_string();
  ASSERT_EQ(results->size(), 2u);
  EXPECT_EQ((*results)[0].dir, newest);
  EXPECT_EQ((*results)[0].outcome, VerifyOutcome::Skipped);
  EXPECT_NE((*results)[0].errors[0].find("could not acquire snapshot lock"), std::string::npos);
  EXPECT_EQ((*results)[1].outcome, VerifyOutcome::Ok);
  lock->release();
  EXPECT_EQ(state_of(*store, {}, newest), "none");
}

}  // namespace
}  // namespace ferry::datastore

#include "datastore/snapshot_writer.h"

#include <gtest/gtest.h>

#include "common/fs.h"
#include "datastore/datastore.h"
#include "support/datastore_builder.h"
#include "support/manual_clock.h"
#include "support/store_temp_dir.h"

namespace ferry::datastore {
namespace {

namespace stdfs = std::filesystem;
using types::Authid;
using types::BackupDir;
using types::BackupGroup;
using types::BackupNamespace;

constexpr int64_t kT0 = 1700000000;

BackupNamespace ns(std::string_view text) { return *BackupNamespace::parse(text); }
BackupGroup group(std::string_view text) { return *BackupGroup::parse(text); }
BackupDir snap(std::string_view g, int64_t t) { return *BackupDir::create(group(g), t); }
Authid auth(std::string_view text) { return *Authid::parse(text); }

class SnapshotWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store =
        Datastore::create("store1", dir_ / "ds", {.lock_dir = dir_ / "locks", .clock = &clock_});
    ASSERT_TRUE(store) << store.error().to_string();
    store_ = std::move(*store);
  }
  Datastore& store() { return *store_; }

  // A writer with one small blob written; returns the manifest that matches it.
  BackupManifest write_blob(SnapshotWriter& w, std::string_view name = "a.blob") {
    auto blob = DataBlob::encode(as_bytes("payload"), nullptr, false);
    EXPECT_TRUE(blob);
    EXPECT_TRUE(w.add_blob(name, *blob));
    BackupManifest m(std::string(types::to_string(w.dir().group().type())), w.dir().group().id(),
                     w.dir().time());
    EXPECT_TRUE(
        m.add_file(std::string(name), blob->raw().size(), sha256(blob->raw()), CryptMode::None));
    return m;
  }
  Result<SnapshotWriter> writer(std::string_view g, int64_t t, std::string_view who = "u@pbs",
                                const BackupNamespace& n = {}) {
    return SnapshotWriter::create(store(), n, snap(g, t), auth(who));
  }

  test::ManualClock clock_{kT0 + 42};
  test::StoreTempDir dir_;
  std::unique_ptr<Datastore> store_;
};

TEST_F(SnapshotWriterTest, CommitWritesManifestLastAndTheSnapshotIsFinished) {
  auto w = writer("vm/100", kT0);
  ASSERT_TRUE(w) << w.error().to_string();
  EXPECT_TRUE(w->path().string().ends_with("vm/100/2023-11-14T22:13:20Z"));
  EXPECT_EQ(w->owner(), auth("u@pbs"));
  EXPECT_FALSE(w->base_snapshot());
  BackupManifest m = write_blob(*w);
  auto info = store().snapshot_info({}, w->dir());
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->finished);  // visible, but not finished before commit
  ASSERT_TRUE(w->commit(m));
  EXPECT_TRUE(w->is_committed());
  info = store().snapshot_info({}, w->dir());
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->finished);
  EXPECT_EQ(info->files, (std::vector<std::string>{"a.blob", "index.json.blob"}));
  auto loaded = store().load_manifest({}, w->dir());
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->files, m.files);
  // Committing released the locks: others may now lock group and snapshot.
  EXPECT_TRUE(store().lock_group({}, group("vm/100"), LockMode::Exclusive));
  EXPECT_TRUE(store().lock_snapshot({}, w->dir(), LockMode::Exclusive));
}

TEST_F(SnapshotWriterTest, DestroyingWithoutCommitRemovesTheSnapshotButKeepsTheGroup) {
  {
    auto w = writer("ct/7", kT0);
    ASSERT_TRUE(w);
    write_blob(*w);
    auto fidx = w->create_fixed_index("disk.img.fidx", 100, 64);
    ASSERT_TRUE(fidx);
    EXPECT_TRUE(*fs::is_directory(w->path()));
  }
  EXPECT_FALSE(*fs::exists(store().snapshot_path({}, snap("ct/7", kT0))));
  EXPECT_TRUE(store().list_snapshots({}, group("ct/7"))->empty());
  EXPECT_EQ(*store().get_owner({}, group("ct/7")), auth("u@pbs"));
  // An explicit abort is idempotent and a moved-from writer does nothing.
  auto w = writer("ct/7", kT0 + 1);
  ASSERT_TRUE(w);
  SnapshotWriter moved = std::move(*w);
  moved.abort();
  moved.abort();
  EXPECT_FALSE(*fs::exists(store().snapshot_path({}, snap("ct/7", kT0 + 1))));
}

TEST_F(SnapshotWriterTest, OneBackupPerGroupAtATime) {
  auto first = writer("vm/1", kT0);
  ASSERT_TRUE(first);
  auto second = writer("vm/1", kT0 + 10);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), Errc::Conflict);
  const std::string message = second.error().to_string();
  EXPECT_NE(message.find("unable to acquire lock on backup group directory \""), std::string::npos)
      << message;
  EXPECT_NE(message.find("\" - another backup is already running"), std::string::npos) << message;
  EXPECT_FALSE(*fs::exists(store().snapshot_path({}, snap("vm/1", kT0 + 10))));
  EXPECT_TRUE(writer("vm/2", kT0));  // other groups are independent
}

TEST_F(SnapshotWriterTest, OnlyTheOwnerOrTheUserOfAnOwningTokenMayAddSnapshots) {
  {
    auto w = writer("vm/1", kT0, "alice@pbs!tok");
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->commit(write_blob(*w)));
  }
  auto other = writer("vm/1", kT0 + 10, "bob@pbs");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code(), Errc::PermissionDenied);
  auto user = writer("vm/1", kT0 + 10, "alice@pbs");
  ASSERT_TRUE(user) << user.error().to_string();
}

TEST_F(SnapshotWriterTest, BackupTimeMustBeNewerThanTheBaseSnapshot) {
  {
    auto w = writer("vm/1", kT0);
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->commit(write_blob(*w)));
  }
  for (int64_t t : {kT0, kT0 - 1}) {
    auto old = writer("vm/1", t);
    ASSERT_FALSE(old) << t;
    EXPECT_EQ(old.error().code(), Errc::InvalidArgument) << old.error().to_string();
  }
  auto w = writer("vm/1", kT0 + 1);
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->base_snapshot());
  EXPECT_EQ(w->base_snapshot()->dir.time(), kT0);
  // The base is locked shared while the backup runs: it cannot be deleted.
  EXPECT_EQ(store().delete_snapshot({}, snap("vm/1", kT0)).error().code(), Errc::Conflict);
  EXPECT_TRUE(store().lock_snapshot({}, snap("vm/1", kT0), LockMode::Shared));
}

TEST_F(SnapshotWriterTest, AFailedVerifyStateMeansNoBase) {
  {
    auto w = writer("vm/1", kT0);
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->commit(write_blob(*w)));
  }
  ASSERT_TRUE(store().update_manifest({}, snap("vm/1", kT0), [](BackupManifest& m) {
    m.set_verify_state({VerifyState::Failed, "UPID:x"});
    return ok();
  }));
  auto w = writer("vm/1", kT0 - 100);  // PBS-compat: no base, so no time check against it
  ASSERT_TRUE(w) << w.error().to_string();
  EXPECT_FALSE(w->base_snapshot());
}

TEST_F(SnapshotWriterTest, ExistingSnapshotDirectoryIsRefusedAndLeftAlone) {
  ASSERT_TRUE(store().create_locked_group({}, group("vm/1"), auth("u@pbs")));
  const stdfs::path existing = store().snapshot_path({}, snap("vm/1", kT0));
  ASSERT_TRUE(fs::make_dirs(existing));
  ASSERT_TRUE(fs::create_exclusive(existing / "keep.blob", as_bytes("x")));
  auto w = writer("vm/1", kT0);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code(), Errc::AlreadyExists);
  EXPECT_TRUE(*fs::exists(existing / "keep.blob"));
  auto missing_ns = writer("vm/1", kT0, "u@pbs", ns("nope"));
  ASSERT_FALSE(missing_ns);
  EXPECT_EQ(missing_ns.error().code(), Errc::NotFound);
}

TEST_F(SnapshotWriterTest, ArchiveNamesAreValidatedBeforeAnyWrite) {
  auto w = writer("host/h", kT0);
  ASSERT_TRUE(w);
  auto blob = DataBlob::encode(as_bytes("x"), nullptr, false);
  for (const char* bad :
       {"../evil.blob", "a/b.blob", ".hidden.blob", "x.txt", "index.json.blob", "", "x.fidx"}) {
    EXPECT_FALSE(w->add_blob(bad, *blob)) << bad;
  }
  EXPECT_FALSE(w->create_fixed_index("x.didx", 10, 64));
  EXPECT_FALSE(w->create_dynamic_index("../x.didx"));
  EXPECT_TRUE(fs::list_dir(w->path())->empty());
  EXPECT_EQ(fs::list_dir(w->path().parent_path())->size(), 2u);  // owner + snapshot
  Bytes garbled = blob->raw();
  garbled.back() ^= 1;
  EXPECT_EQ(w->add_blob("g.blob", *DataBlob::from_raw(garbled)).error().code(), Errc::Corruption);
}

TEST_F(SnapshotWriterTest, CommitRejectsManifestsThatDoNotMatchTheFiles) {
  auto w = writer("vm/1", kT0);
  ASSERT_TRUE(w);
  BackupManifest good = write_blob(*w);
  struct Case {
    const char* what;
    BackupManifest manifest;
  };
  std::vector<Case> cases;
  cases.push_back({"other id", good});
  cases.back().manifest.backup_id = "2";
  cases.push_back({"other time", good});
  cases.back().manifest.backup_time += 1;
  cases.push_back({"no files", good});
  cases.back().manifest.files.clear();
  cases.push_back({"missing file", good});
  cases.back().manifest.files[0].filename = "b.blob";
  cases.push_back({"wrong size", good});
  cases.back().manifest.files[0].size += 1;
  cases.push_back({"wrong csum", good});
  cases.back().manifest.files[0].csum = sha256(std::string_view("x"));
  for (const auto& c : cases) {
    auto st = w->commit(c.manifest);
    EXPECT_FALSE(st) << c.what;
    EXPECT_FALSE(*fs::exists(w->path() / "index.json.blob")) << c.what;
  }
  {
    auto open_index = w->create_dynamic_index("s.didx");
    ASSERT_TRUE(open_index);
    auto st = w->commit(good);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code(), Errc::Conflict) << st.error().to_string();
  }
  ASSERT_TRUE(w->commit(good));   // a failed commit can be retried
  EXPECT_FALSE(w->commit(good));  // but not repeated
}

TEST_F(SnapshotWriterTest, IndexesUseTheClockAndCommitBlobKeepsBytes) {
  auto w = writer("vm/1", kT0);
  ASSERT_TRUE(w);
  BackupManifest m = write_blob(*w);
  auto didx = w->create_dynamic_index("s.didx");
  ASSERT_TRUE(didx);
  Bytes data = test::test_data(5, 1000);
  Digest d = sha256(data);
  ASSERT_TRUE(store().chunk_store().insert(d, *DataBlob::encode(data, nullptr, true)));
  ASSERT_TRUE(didx->add_chunk(1000, d));
  auto csum = didx->close();
  ASSERT_TRUE(csum);
  ASSERT_TRUE(m.add_file("s.didx", 1000, *csum, CryptMode::None));
  auto reader = open_index(w->path() / "s.didx");
  ASSERT_TRUE(reader);
  EXPECT_EQ((*reader)->ctime(), kT0 + 42);

  m.unprotected["custom"] = "kept";
  auto blob = DataBlob::encode(as_bytes(m.to_pretty_json() + "\n"), nullptr, false);
  ASSERT_TRUE(blob);
  ASSERT_TRUE(w->commit_blob(*blob));
  EXPECT_EQ(*fs::read_file(w->path() / "index.json.blob", 1 << 20), blob->raw());
}

TEST_F(SnapshotWriterTest, WriterHoldsTheChunkStoreSharedLock) {
  auto other = ChunkStore::open("store1", store().base());  // stands in for a GC process
  ASSERT_TRUE(other);
  {
    auto w = writer("vm/1", kT0);
    ASSERT_TRUE(w);
    EXPECT_EQ(other->try_exclusive_lock().error().code(), Errc::Conflict);
    EXPECT_EQ(store().chunk_store().oldest_writer(), kT0 + 42);
  }
  EXPECT_TRUE(other->try_exclusive_lock());
  EXPECT_FALSE(store().chunk_store().oldest_writer());
}

}  // namespace
}  // namespace ferry::datastore

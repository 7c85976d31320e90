// The SyncSource conformance suite: one set of behaviours every source implementation must
// show (STYLE.md "Conformance suites"). Each implementation registers a factory that serves
// the same source datastore; the remote source will serve it through a test server.
//
// Error codes are part of the contract only where the engine depends on them (NotFound for a
// missing file); elsewhere a source may answer as its transport does (a remote PBS reports a
// missing namespace or snapshot with 400), so the suite only requires a failure.
//
// The datastore (built once per suite): namespaces a, a/b, a/b/c and x; groups vm/100 (t1
// verified ok, t2 with a client log, t3 unfinished) and ct/200 (t1, owned by u@pbs) in the
// root, vm/100 in a.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "fake_pbs_server.h"
#include "sync/remote_sync_source.h"
#include "sync_test_support.h"

namespace ferry::sync::test {
namespace {

using datastore::CryptMode;

// Builds a source over `store` whose visibility is that of `auth_id` under `acl_text`.
using SourceFactory = std::function<std::unique_ptr<SyncSource>(
    const datastore::Datastore& store, std::string_view acl_text, const Authid& auth_id)>;

struct SourceKind {
  std::string name;
  SourceFactory make;
};

std::string kind_name(const ::testing::TestParamInfo<SourceKind>& info) { return info.param.name; }
void PrintTo(const SourceKind& kind, std::ostream* os) { *os << kind.name; }

std::unique_ptr<SyncSource> make_local(const datastore::Datastore& store, std::string_view acl,
                                       const Authid& auth_id) {
  return std::make_unique<LocalSyncSource>(store, make_user_info(acl), auth_id);
}

// RemoteSyncSource against a FakePbsServer serving `store`; owns server and client.
class FakeRemoteSource final : public SyncSource {
 public:
  FakeRemoteSource(const datastore::Datastore& store, FakePbsServer::Options opts)
      : server_(store, std::move(opts)),
        client_(std::move(*client::HttpClient::create(server_.client_options()))),
        remote_(*client_, store.name()) {}

  Result<std::optional<std::vector<BackupNamespace>>> list_namespaces(
      const BackupNamespace& anchor, std::optional<size_t> max_depth) override {
    return remote_.list_namespaces(anchor, max_depth);
  }
  Result<std::vector<BackupGroup>> list_groups(const BackupNamespace& n) override {
    return remote_.list_groups(n);
  }
  Result<std::vector<SourceSnapshotInfo>> list_snapshots(const BackupNamespace& n,
                                                         const BackupGroup& g) override {
    return remote_.list_snapshots(n, g);
  }
  Result<std::unique_ptr<SnapshotReader>> open_reader(const BackupNamespace& n,
                                                      const BackupDir& d) override {
    return remote_.open_reader(n, d);
  }

 private:
  FakePbsServer server_;
  std::unique_ptr<client::HttpClient> client_;
  RemoteSyncSource remote_;
};

std::unique_ptr<SyncSource> make_remote(const datastore::Datastore& store, std::string_view acl,
                                        const Authid& auth_id) {
  return std::make_unique<FakeRemoteSource>(
      store, FakePbsServer::Options{true, std::string(acl), auth_id});
}

// Opening `d` and reading its manifest: a source may refuse at either step.
Status open_and_read_manifest(SyncSource& source, const BackupDir& d) {
  FERRY_TRY_ASSIGN(auto reader, source.open_reader({}, d));
  FERRY_TRY(reader->download("index.json.blob"));
  return ok();
}

std::vector<std::string> names(std::vector<BackupNamespace> list) {
  std::vector<std::string> out;
  for (auto& n : list) out.push_back(n.to_string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> names(std::vector<BackupGroup> list) {
  std::vector<std::string> out;
  for (auto& g : list) out.push_back(g.to_string());
  std::sort(out.begin(), out.end());
  return out;
}

class SyncSourceConformanceTest : public ::testing::TestWithParam<SourceKind> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new StoreTempDir();
    TestDatastoreSpec spec;
    spec.name = "src";
    spec.namespaces = {"a", "a/b", "a/b/c", "x"};
    spec.snapshots = {{.group = "vm/100", .time = t(1)},
                      {.group = "vm/100", .time = t(2), .image_chunks = {4, 5}},
                      {.ns = "a", .group = "vm/100", .time = t(1)}};
    auto store = ferry::test::make_test_datastore(*dir_ / "src", *dir_ / "locks", spec);
    ASSERT_TRUE(store) << store.error().to_string();
    store_ = store->release();
    ASSERT_TRUE(
        ferry::test::write_test_snapshot(*store_, {.group = "ct/200", .time = t(1)}, aid("u@pbs")));
    ASSERT_TRUE(store_->update_manifest({}, snap("vm/100", t(1)), [](auto& m) {
      m.set_verify_state({datastore::VerifyState::Ok, "UPID:x"});
      return ok();
    }));
    auto log = datastore::DataBlob::encode(as_bytes(std::string("log")), nullptr, true);
    ASSERT_TRUE(fs::atomic_replace(
        store_->snapshot_path({}, snap("vm/100", t(2))) / "client.log.blob", ByteView(log->raw())));
    ASSERT_TRUE(fs::make_dir(store_->snapshot_path({}, snap("vm/100", t(3)))));
  }
  static void TearDownTestSuite() {
    delete store_;
    delete dir_;
  }

  void SetUp() override { source_ = GetParam().make(*store_, "", Authid::root()); }

  std::filesystem::path file(const BackupDir& d, std::string_view name) const {
    return store_->snapshot_path({}, d) / std::string(name);
  }

  static StoreTempDir* dir_;
  static datastore::Datastore* store_;
  std::unique_ptr<SyncSource> source_;
};

StoreTempDir* SyncSourceConformanceTest::dir_ = nullptr;
datastore::Datastore* SyncSourceConformanceTest::store_ = nullptr;

TEST_P(SyncSourceConformanceTest, ListsTheAnchorAndItsDescendantsDownToTheDepth) {
  auto all = source_->list_namespaces({}, std::nullopt);
  ASSERT_TRUE(all && *all) << (all ? "unsupported" : all.error().to_string());
  EXPECT_EQ(names(**all), (std::vector<std::string>{"", "a", "a/b", "a/b/c", "x"}));
  auto one = source_->list_namespaces(ns("a"), 1);
  ASSERT_TRUE(one && *one);
  EXPECT_EQ(names(**one), (std::vector<std::string>{"a", "a/b"}));
  auto anchor = source_->list_namespaces(ns("a"), 0);
  ASSERT_TRUE(anchor && *anchor);
  EXPECT_EQ(names(**anchor), std::vector<std::string>{"a"});
}

TEST_P(SyncSourceConformanceTest, ListingAMissingNamespaceFails) {
  auto r = source_->list_namespaces(ns("nope"), std::nullopt);
  EXPECT_FALSE(r && *r) << "a missing anchor is neither listed nor 'unsupported'";
  EXPECT_FALSE(source_->list_groups(ns("nope")));
}

TEST_P(SyncSourceConformanceTest, ListsExactlyTheGroupsOfANamespace) {
  auto root = source_->list_groups({});
  ASSERT_TRUE(root) << root.error().to_string();
  EXPECT_EQ(names(*root), (std::vector<std::string>{"ct/200", "vm/100"}));
  auto a = source_->list_groups(ns("a"));
  ASSERT_TRUE(a);
  EXPECT_EQ(names(*a), std::vector<std::string>{"vm/100"});
  auto empty = source_->list_groups(ns("x"));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST_P(SyncSourceConformanceTest, ListsSnapshotsWithSizeVerifyStateAndFiles) {
  auto list = source_->list_snapshots({}, grp("vm/100"));
  ASSERT_TRUE(list) << list.error().to_string();
  std::sort(list->begin(), list->end(),
            [](auto& x, auto& y) { return x.dir.time() < y.dir.time(); });
  ASSERT_EQ(list->size(), 3u);
  const auto& t1 = (*list)[0];
  auto manifest = store_->load_manifest({}, t1.dir);
  ASSERT_TRUE(manifest);
  uint64_t size = 0;
  std::vector<std::string> files;
  for (auto& f : manifest->files) {
    size += f.size;
    files.push_back(f.filename);
  }
  EXPECT_EQ(t1.size, size);
  EXPECT_EQ(t1.verify_state, datastore::VerifyState::Ok);
  std::vector<std::string> listed;
  for (auto& f : t1.files) {
    listed.push_back(f.filename);
    EXPECT_EQ(f.crypt_mode, CryptMode::None) << f.filename;
  }
  EXPECT_EQ(listed, files);
  EXPECT_FALSE((*list)[1].verify_state.has_value());
  EXPECT_TRUE((*list)[1].size.has_value());
  EXPECT_EQ((*list)[2].dir.time(), t(3));
  EXPECT_FALSE((*list)[2].size.has_value()) << "an unfinished snapshot has no size";
}

TEST_P(SyncSourceConformanceTest, ListingSnapshotsOfAMissingGroupFails) {
  EXPECT_FALSE(source_->list_snapshots({}, grp("vm/999")));
}

TEST_P(SyncSourceConformanceTest, ReaderDownloadsFilesByteForByte) {
  const BackupDir d = snap("vm/100", t(2));
  auto reader = source_->open_reader({}, d);
  ASSERT_TRUE(reader) << reader.error().to_string();
  for (std::string_view name : {"index.json.blob", "client.log.blob", "drive-scsi0.img.fidx",
                                "root.pxar.didx", "config.blob"}) {
    auto got = (*reader)->download(name);
    ASSERT_TRUE(got) << name << ": " << got.error().to_string();
    EXPECT_TRUE(*got == *fs::read_file(file(d, name), 1 << 30)) << name;
  }
}

TEST_P(SyncSourceConformanceTest, ReaderReportsMissingFilesAsNotFound) {
  auto reader = source_->open_reader({}, snap("vm/100", t(1)));
  ASSERT_TRUE(reader);
  for (std::string_view name : {"client.log.blob", "nope.didx"}) {
    auto r = (*reader)->download(name);
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code(), Errc::NotFound) << name;
  }
}

TEST_P(SyncSourceConformanceTest, ReaderRejectsNamesOutsideTheSnapshot) {
  auto reader = source_->open_reader({}, snap("vm/100", t(1)));
  ASSERT_TRUE(reader);
  for (std::string_view name : {"../owner", "/etc/passwd", "owner", "", "a/b.blob"}) {
    auto r = (*reader)->download(name);
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code(), Errc::InvalidArgument) << name;
  }
}

TEST_P(SyncSourceConformanceTest, ReaderFetchesRawChunksWithManyInFlight) {
  const BackupDir d = snap("vm/100", t(1));
  auto reader = source_->open_reader({}, d);
  ASSERT_TRUE(reader);
  ASSERT_TRUE((*reader)->download("root.pxar.didx"));
  auto index = datastore::open_index(file(d, "root.pxar.didx"));
  ASSERT_TRUE(index);
  std::vector<std::pair<Digest, std::future<Result<Bytes>>>> pending;
  for (size_t i = 0; i < (*index)->index_count(); ++i) {
    const Digest& digest = (*index)->index_digest(i);
    pending.emplace_back(digest, (*reader)->fetch_chunk(digest));
  }
  ASSERT_GT(pending.size(), 2u);
  for (auto& [digest, fut] : pending) {
    auto raw = fut.get();
    ASSERT_TRUE(raw) << raw.error().to_string();
    EXPECT_TRUE(*raw == *fs::read_file(store_->chunk_store().chunk_path(digest), 1 << 25))
        << digest.to_hex();
  }
}

TEST_P(SyncSourceConformanceTest, FetchingAnUnknownChunkFails) {
  auto reader = source_->open_reader({}, snap("vm/100", t(1)));
  ASSERT_TRUE(reader);
  ASSERT_TRUE((*reader)->download("root.pxar.didx"));
  EXPECT_FALSE((*reader)->fetch_chunk(sha256(as_bytes(std::string("no such chunk")))).get());
}

TEST_P(SyncSourceConformanceTest, OpeningAMissingSnapshotFails) {
  EXPECT_FALSE(open_and_read_manifest(*source_, snap("vm/100", t(9))));
}

TEST_P(SyncSourceConformanceTest, AnOpenReaderKeepsTheSnapshotFromBeingDeleted) {
  const BackupDir d = snap("vm/100", t(1));
  auto reader = source_->open_reader({}, d);
  ASSERT_TRUE(reader);
  auto lock = store_->lock_snapshot({}, d, LockMode::Exclusive);
  ASSERT_FALSE(lock);
  EXPECT_EQ(lock.error().code(), Errc::Conflict);
  reader->reset();
  // A remote releases its lock when the connection has closed: allow it a moment.
  bool released = false;
  for (int i = 0; i < 100 && !released; ++i) {
    released = bool(store_->lock_snapshot({}, d, LockMode::Exclusive));
    if (!released) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(released);
}

TEST_P(SyncSourceConformanceTest, OpeningAnExclusivelyLockedSnapshotFails) {
  const BackupDir d = snap("vm/100", t(1));
  auto lock = store_->lock_snapshot({}, d, LockMode::Exclusive);
  ASSERT_TRUE(lock);
  EXPECT_FALSE(open_and_read_manifest(*source_, d));
}

TEST_P(SyncSourceConformanceTest, VisibilityFollowsTheIdentitysPrivileges) {
  auto backup_only =
      GetParam().make(*store_, "acl:1:/datastore/src:u@pbs:DatastoreBackup\n", aid("u@pbs"));
  auto groups = backup_only->list_groups({});
  ASSERT_TRUE(groups);
  EXPECT_EQ(names(*groups), std::vector<std::string>{"ct/200"});
  EXPECT_FALSE(open_and_read_manifest(*backup_only, snap("vm/100", t(1))));
  EXPECT_TRUE(open_and_read_manifest(*backup_only, snap("ct/200", t(1))));

  auto reader =
      GetParam().make(*store_, "acl:1:/datastore/src:u@pbs:DatastoreReader\n", aid("u@pbs"));
  EXPECT_EQ(names(*reader->list_groups({})), (std::vector<std::string>{"ct/200", "vm/100"}));

  auto nothing = GetParam().make(*store_, "", aid("u@pbs"));
  auto none = nothing->list_groups({});
  EXPECT_TRUE(!none || none->empty());
}

INSTANTIATE_TEST_SUITE_P(Sources, SyncSourceConformanceTest,
                         ::testing::Values(SourceKind{"Local", make_local},
                                           SourceKind{"Remote", make_remote}),
                         kind_name);

}  // namespace
}  // namespace ferry::sync::test

// Crash consistency of chunk inserts and snapshot commits (docs/decisions/0002).
//
// Each case forks; the child arms a fault hook that _exit(77)s at one named point and runs the
// write; the parent checks the child really died there, reopens the datastore and checks that
// what is visible is consistent and that retrying succeeds.
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "common/fault.h"
#include "common/fs.h"
#include "datastore/datastore.h"
#include "datastore/snapshot_writer.h"
#include "datastore/verify.h"
#include "support/datastore_builder.h"
#include "support/store_temp_dir.h"

namespace ferry::datastore {
namespace {

namespace stdfs = std::filesystem;
using types::BackupDir;
using types::BackupGroup;
using types::BackupNamespace;

constexpr int kCrashed = 77;
constexpr int64_t kT0 = 1700000000;

// Child-process state: the point to die at, armed only around the operation under test.
std::string g_crash_point;
bool g_armed = false;

void crash_hook(std::string_view point) {
  if (g_armed && point == g_crash_point) ::_exit(kCrashed);
}

// Runs `child` in a forked process with the hook installed (armed by the child through
// `arm()`); returns its exit code, or -1 if it did not exit normally.
int run_in_child(const std::string& point, const std::function<int()>& child) {
  pid_t pid = ::fork();
  if (pid == 0) {
    g_crash_point = point;
    fault::set_hook_for_test(crash_hook);
    ::_exit(child());
  }
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void arm() { g_armed = true; }

// ---- Chunk insert -----------------------------------------------------------------------

class ChunkInsertCrashTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ChunkInsertCrashTest, NoPartialChunkIsVisibleAndRetrySucceeds) {
  const std::string point = GetParam();
  test::StoreTempDir dir;
  const stdfs::path base = dir / "ds";
  ASSERT_TRUE(ChunkStore::create("store1", base, {.sync_level = SyncLevel::File}));
  const Bytes data = test::test_data(9, 200 * 1024);
  const Digest digest = sha256(data);
  const DataBlob blob = *DataBlob::encode(data, nullptr, true);

  int code = run_in_child(point, [&] {
    auto store = ChunkStore::open("store1", base, {.sync_level = SyncLevel::File});
    if (!store) return 2;
    arm();
    return store->insert(digest, blob) ? 0 : 3;
  });
  ASSERT_EQ(code, kCrashed) << "the insert did not reach " << point;

  auto store = ChunkStore::open("store1", base);
  ASSERT_TRUE(store);
  const bool renamed = point == "atomic_replace.renamed";
  EXPECT_EQ(*store->exists(digest), renamed) << point;
  if (renamed) {
    auto back = store->read(digest);
    ASSERT_TRUE(back) << back.error().to_string();
    EXPECT_EQ(back->raw(), blob.raw());
  }
  // Whatever the crash left in the prefix directory is not a chunk name, so GC ignores it.
  auto entries = fs::list_dir(store->chunk_path(digest).parent_path());
  ASSERT_TRUE(entries);
  for (const auto& e : *entries) {
    if (parse_chunk_file_name(e.name)) {
      EXPECT_TRUE(renamed) << e.name;
    }
  }
  auto retry = store->insert(digest, blob);
  ASSERT_TRUE(retry) << retry.error().to_string();
  EXPECT_EQ(retry->existed, renamed);
  auto back = store->read(digest);
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->verify_unencrypted(data.size(), digest));
}

// "a.b" -> "a_b": gtest parameter names must be identifiers.
std::string point_name(std::string point) {
  for (char& ch : point) {
    if (ch == '.') ch = '_';
  }
  return point;
}

INSTANTIATE_TEST_SUITE_P(Points, ChunkInsertCrashTest,
                         ::testing::Values("atomic_replace.written", "atomic_replace.before_rename",
                                           "atomic_replace.renamed"),
                         [](const auto& info) { return point_name(info.param); });

// ---- Snapshot commit --------------------------------------------------------------------

struct CommitCase {
  const char* point;
  bool finished;  // whether the snapshot must be finished after the crash
};

class SnapshotCommitCrashTest : public ::testing::TestWithParam<CommitCase> {};

// A finished base snapshot in prod/vm/100.
test::TestDatastoreSpec commit_spec() {
  test::TestDatastoreSpec s;
  s.namespaces = {"prod"};
  s.snapshots = {{"prod", "vm/100", kT0, {1, 2, 3}, 10}};
  s.sync_level = SyncLevel::File;
  return s;
}

// Writes the archives of a snapshot of prod/vm/100 at `time` sharing chunks with the base;
// arms the hook (at creation for "snapshot.dir_created", else before commit) and commits.
int crash_child(const stdfs::path& base, const stdfs::path& locks, const std::string& point,
                int64_t time) {
  auto store = test::open_test_datastore(base, locks, commit_spec());
  if (!store) return 2;
  const BackupNamespace ns = *BackupNamespace::parse("prod");
  const BackupDir dir = *BackupDir::create(*BackupGroup::parse("vm/100"), time);
  if (point == "snapshot.dir_created") arm();
  auto writer = SnapshotWriter::create(**store, ns, dir, *types::Authid::parse("backup@pbs"));
  if (!writer) return 3;
  auto fidx =
      writer->create_fixed_index("disk.img.fidx", 2 * test::kTestChunkSize, test::kTestChunkSize);
  if (!fidx) return 4;
  for (size_t i = 0; i < 2; ++i) {
    Bytes data = test::test_data(i + 1, test::kTestChunkSize);
    Digest d = sha256(data);
    if (!(*store)->chunk_store().insert(d, *DataBlob::encode(data, nullptr, true))) return 5;
    if (!fidx->add_digest(i, d)) return 6;
  }
  auto csum = fidx->close();
  if (!csum) return 7;
  BackupManifest m("vm", "100", time);
  if (!m.add_file("disk.img.fidx", 2 * test::kTestChunkSize, *csum, CryptMode::None)) return 8;
  arm();
  return writer->commit(m) ? 0 : 9;
}

TEST_P(SnapshotCommitCrashTest, SnapshotIsCompleteOrUnfinishedAndRetrySucceeds) {
  const CommitCase c = GetParam();
  test::StoreTempDir dir;
  const stdfs::path base = dir / "ds", locks = dir / "locks";
  ASSERT_TRUE(test::make_test_datastore(base, locks, commit_spec()));
  const int64_t t1 = kT0 + 60;

  ASSERT_EQ(run_in_child(c.point, [&] { return crash_child(base, locks, c.point, t1); }), kCrashed)
      << "the commit did not reach " << c.point;

  auto store = test::open_test_datastore(base, locks, commit_spec());
  ASSERT_TRUE(store) << store.error().to_string();
  const BackupNamespace ns = *BackupNamespace::parse("prod");
  const BackupGroup group = *BackupGroup::parse("vm/100");
  const BackupDir crashed = *BackupDir::create(group, t1);
  auto list = (*store)->list_snapshots(ns, group);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u) << c.point;  // the base and the crashed one (dir exists)
  EXPECT_EQ((*list)[1].dir, crashed);
  EXPECT_EQ((*list)[1].finished, c.finished) << c.point;
  // The dead child's locks are gone.
  EXPECT_TRUE((*store)->lock_group(ns, group, LockMode::Exclusive));

  VerifyCache cache;
  auto verified = verify_snapshot(**store, ns, crashed, cache, {.upid = "U"});
  ASSERT_TRUE(verified) << verified.error().to_string();
  EXPECT_EQ(verified->outcome, c.finished ? VerifyOutcome::Ok : VerifyOutcome::Failed) << c.point;

  // Retry: an unfinished leftover can be deleted; a new backup (newer time) succeeds and
  // everything verifies.
  if (!c.finished) {
    ASSERT_TRUE((*store)->delete_snapshot(ns, crashed));
  }
  test::TestSnapshotSpec again{"prod", "vm/100", t1 + 60, {1, 2, 4}, 11};
  auto st = test::write_test_snapshot(**store, again, *types::Authid::parse("backup@pbs"));
  ASSERT_TRUE(st) << st.error().to_string();
  auto results = verify_group(**store, ns, group, cache, {.upid = "U"});
  ASSERT_TRUE(results);
  for (const auto& r : *results) {
    EXPECT_EQ(r.outcome, VerifyOutcome::Ok) << r.dir.to_string() << " after " << c.point;
  }
}

INSTANTIATE_TEST_SUITE_P(Points, SnapshotCommitCrashTest,
                         ::testing::Values(CommitCase{"snapshot.dir_created", false},
                                           CommitCase{"snapshot.before_manifest", false},
                                           CommitCase{"atomic_replace.written", false},
                                           CommitCase{"atomic_replace.before_rename", false},
                                           CommitCase{"atomic_replace.renamed", true},
                                           CommitCase{"snapshot.committed", true}),
                         [](const auto& info) { return point_name(info.param.point); });

}  // namespace
}  // namespace ferry::datastore

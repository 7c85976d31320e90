// Snapshot selection and transfer of a pull: ordering, incremental runs, transfer-last,
// unchanged manifests, chunk de-duplication, verification failures and the commit point
// (sync-test-cases.md §D, §E; sync-semantics.md §6, §7; decisions S3–S5).
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/fault.h"
#include "sync/internal/progress.h"
#include "sync_test_support.h"

namespace ferry::sync::test {
namespace {

TestDatastoreSpec days_spec(std::string group, int from, int to) {
  TestDatastoreSpec spec;
  for (int d = from; d <= to; ++d) spec.snapshots.push_back({.group = group, .time = t(d)});
  return spec;
}

std::vector<int64_t> days(int from, int to) {
  std::vector<int64_t> out;
  for (int d = from; d <= to; ++d) out.push_back(t(d));
  return out;
}

TEST_F(SyncTest, D1_FirstSyncTransfersEverythingInAscendingOrder) {
  make_source(days_spec("vm/100", 1, 4));
  auto r = pull(params());
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_EQ(target_times({}, "vm/100"), days(1, 4));
  long last = -1;
  for (int d = 1; d <= 4; ++d) {
    std::string name = "vm/100/2024-06-0" + std::to_string(d) + "T00:00:00Z";
    long start = log_.index_of("sync snapshot " + name);
    long done = log_.index_of("sync snapshot " + name + " done");
    EXPECT_GT(start, last) << name;
    EXPECT_GT(done, start) << name;
    last = done;
    expect_synced_copy({}, {}, snap("vm/100", t(d)));
  }
  EXPECT_TRUE(log_.has("percentage done: 25.00% (1/4 snapshots)")) << log_.dump();
  EXPECT_TRUE(log_.has("percentage done: 100.00% (4/4 snapshots)"));
}

TEST_F(SyncTest, D2_IncrementalRunResyncsTheNewestLocalSnapshot) {
  make_source(days_spec("vm/100", 1, 5));
  ASSERT_TRUE(pull(params()));
  for (int d = 6; d <= 8; ++d) add_source_snapshot({.group = "vm/100", .time = t(d)});
  log_.clear();
  auto r = pull(params());
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  long skipped = log_.index_of(
      "skipped: 4 snapshot(s) (2024-06-01T00:00:00Z .. 2024-06-04T00:00:00Z) - older than the "
      "newest snapshot present on sync target");
  long resync = log_.index_of("re-sync snapshot vm/100/2024-06-05T00:00:00Z");
  ASSERT_GE(skipped, 0) << log_.dump();
  EXPECT_GT(resync, skipped);
  EXPECT_EQ(log_.index_of("no data changes"), resync + 1);
  EXPECT_GT(log_.index_of("sync snapshot vm/100/2024-06-06T00:00:00Z done"), resync);
  EXPECT_EQ(target_times({}, "vm/100"), days(1, 8));
  EXPECT_EQ(r->snapshots, 4u);
}

TEST_F(SyncTest, D3_OlderLocalGapsAreNeverFilled) {
  make_source(days_spec("vm/100", 1, 5));
  ASSERT_TRUE(pull(params()));
  ASSERT_TRUE(dst_->delete_snapshot({}, snap("vm/100", t(3))));
  for (int run = 0; run < 2; ++run) ASSERT_TRUE(pull(params()));
  EXPECT_EQ(target_times({}, "vm/100"), (std::vector<int64_t>{t(1), t(2), t(4), t(5)}));
}

TEST_F(SyncTest, D5_TransferLastOnAnEmptyTarget) {
  make_source(days_spec("vm/100", 1, 10));
  PullParams p = params();
  p.transfer_last = 3;
  ASSERT_TRUE(pull(p));
  EXPECT_EQ(target_times({}, "vm/100"), days(8, 10));
  EXPECT_TRUE(
      log_.has("skipped: 7 snapshot(s) (2024-06-01T00:00:00Z .. 2024-06-07T00:00:00Z) - "
               "due to transfer-last"))
      << log_.dump();
}

TEST_F(SyncTest, D6_TransferLastWithAnExistingLocalSnapshot) {
  make_source(days_spec("vm/100", 1, 5));
  PullParams p = params();
  p.transfer_last = 1;
  ASSERT_TRUE(pull(p));
  ASSERT_EQ(target_times({}, "vm/100"), days(5, 5));
  for (int d = 6; d <= 10; ++d) add_source_snapshot({.group = "vm/100", .time = t(d)});
  log_.clear();
  p.transfer_last = 2;
  ASSERT_TRUE(pull(p));
  EXPECT_EQ(target_times({}, "vm/100"), (std::vector<int64_t>{t(5), t(9), t(10)}));
  EXPECT_TRUE(log_.has("re-sync snapshot vm/100/2024-06-05T00:00:00Z"));
  EXPECT_TRUE(
      log_.has("skipped: 4 snapshot(s) (2024-06-01T00:00:00Z .. 2024-06-04T00:00:00Z) - "
               "older than the newest snapshot present on sync target"));
  EXPECT_TRUE(
      log_.has("skipped: 3 snapshot(s) (2024-06-06T00:00:00Z .. 2024-06-08T00:00:00Z) - "
               "due to transfer-last"))
      << log_.dump();
}

TEST_F(SyncTest, D7_S3_TransferLastAlwaysAppliesAfterOlderSkips) {
  make_source(days_spec("vm/100", 1, 10));
  const int64_t local_only = t(4) + kDay / 2;
  ASSERT_TRUE(ferry::test::write_test_snapshot(*dst_, {.group = "vm/100", .time = local_only},
                                               aid("root@pam")));
  PullParams p = params();
  p.transfer_last = 2;
  ASSERT_TRUE(pull(p));
  // PBS 3.2.4 also synced t5 (bug, fixed in 3.2.9); Ferry applies transfer-last (S3).
  EXPECT_EQ(target_times({}, "vm/100"), (std::vector<int64_t>{local_only, t(9), t(10)}));
}

TEST_F(SyncTest, D8_InProgressSourceSnapshotIsSkippedUntilFinished) {
  make_source(days_spec("vm/100", 1, 1));
  ASSERT_TRUE(fs::make_dir(src_->snapshot_path({}, snap("vm/100", t(2)))));
  auto r = pull(params());
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_TRUE(log_.has("skipping snapshot vm/100/2024-06-02T00:00:00Z - in-progress backup"));
  EXPECT_EQ(target_times({}, "vm/100"), days(1, 1));
  ASSERT_TRUE(fs::remove_tree(src_->snapshot_path({}, snap("vm/100", t(2)))));
  add_source_snapshot({.group = "vm/100", .time = t(2)});
  log_.clear();
  ASSERT_TRUE(pull(params()));
  EXPECT_EQ(log_.index_of("no data changes"),
            log_.index_of("re-sync snapshot vm/100/2024-06-01T00:00:00Z") + 1);
  expect_synced_copy({}, {}, snap("vm/100", t(2)));
}

TEST_F(SyncTest, E1_NoOpRerunReadsOnlyManifestsAndNoChunk) {
  TestDatastoreSpec spec = days_spec("vm/100", 1, 3);
  spec.snapshots.push_back({.group = "ct/200", .time = t(1), .image_chunks = {9}});
  make_source(spec);
  auto first = pull(params());
  ASSERT_TRUE(first && first->chunks_downloaded > 0);
  log_.clear();
  auto r = pull(params());
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_EQ(last_calls_.chunk_fetches, 0u);
  EXPECT_EQ(last_archive_downloads_, 0u);
  EXPECT_EQ(last_manifest_downloads_, 2u);  // the newest snapshot of each group
  EXPECT_EQ(r->chunks_downloaded, 0u);
  EXPECT_EQ(r->files_downloaded, 0u);
  EXPECT_EQ(r->chunks_reused, 0u) << "no index is even read";
  EXPECT_EQ(log_.count("no data changes"), 2u);
  EXPECT_FALSE(stdfs::exists(dst_->snapshot_path({}, snap("vm/100", t(3))) / "index.json.tmp"));
  log_.clear();
  ASSERT_TRUE(run_job(params()));
  EXPECT_TRUE(log_.has("Summary: sync job found no new data to pull"));
}

TEST_F(SyncTest, E2_ExistingChunksAreNotDownloaded) {
  make_source({});
  TestSnapshotSpec first{.group = "vm/100", .time = t(1), .image_chunks = {1, 2, 3}};
  TestSnapshotSpec second{.group = "vm/101", .time = t(1), .image_chunks = {1, 2, 4}};
  add_source_snapshot(first);
  ASSERT_TRUE(pull(params()));
  add_source_snapshot(second);
  log_.clear();
  auto r = pull(params());
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_EQ(last_calls_.chunk_fetches, 1u);
  EXPECT_EQ(r->chunks_downloaded, 1u);
  const Digest c3 = ferry::test::test_image_chunk_digest(second, 2);
  auto encoded = fs::read_file(src_->chunk_store().chunk_path(c3), 1 << 20);
  ASSERT_TRUE(encoded);
  EXPECT_EQ(r->bytes_downloaded, encoded->size());
  EXPECT_TRUE(
      log_.has("downloaded " + internal::format_binary_size(double(encoded->size())) + " ("))
      << log_.dump();
  EXPECT_TRUE(log_.has("downloaded 0 B ("));  // the stream index shares every chunk
  expect_synced_copy({}, {}, snap("vm/101", t(1)));
}

// E3 with the repair: the corrupt chunk fails its snapshot (removed completely), the group
// stops, other groups go on; after the source is repaired a re-run fetches exactly the chunks
// the target is missing.
TEST_F(SyncTest, E3_CorruptSourceChunkFailsTheSnapshotAndRerunTransfersOnlyWhatIsMissing) {
  make_source(days_spec("vm/100", 1, 5));
  ASSERT_TRUE(pull(params()));
  TestSnapshotSpec t6{.group = "vm/100", .time = t(6), .image_chunks = {60, 61, 62}};
  add_source_snapshot(t6);
  add_source_snapshot({.group = "vm/100", .time = t(7), .image_chunks = {70}});
  add_source_snapshot({.group = "vm/101", .time = t(1), .image_chunks = {80}});
  add_source_snapshot({.group = "vm/101", .time = t(2), .image_chunks = {81}});
  const Digest bad = ferry::test::test_image_chunk_digest(t6, 1);
  const stdfs::path bad_path = src_->chunk_store().chunk_path(bad);
  const Bytes good = *fs::read_file(bad_path, 1 << 20);
  replace_chunk(*src_, bad, 999);
  log_.clear();

  auto r = pull(params());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->errors, 1u) << log_.dump();
  EXPECT_FALSE(stdfs::exists(dst_->snapshot_path({}, snap("vm/100", t(6)))));
  EXPECT_FALSE(log_.has("sync snapshot vm/100/2024-06-07T00:00:00Z")) << "group must stop";
  long failed = log_.index_of("sync group vm/100 failed - ");
  ASSERT_GE(failed, 0) << log_.dump();
  EXPECT_NE(log_.lines()[failed].find(bad.to_hex()), std::string::npos) << log_.lines()[failed];
  expect_synced_copy({}, {}, snap("vm/101", t(1)));
  expect_synced_copy({}, {}, snap("vm/101", t(2)));
  EXPECT_FALSE(run_job(params()));

  ASSERT_TRUE(fs::atomic_replace(bad_path, ByteView(good)));
  size_t missing = 0;
  for (int d : {6, 7}) {
    for (const Digest& c : referenced_chunks(*src_, {}, snap("vm/100", t(d)))) {
      missing += *dst_->chunk_store().exists(c) ? 0 : 1;
    }
  }
  ASSERT_GE(missing, 1u);
  log_.clear();
  auto again = pull(params());
  ASSERT_TRUE(again && again->errors == 0) << log_.dump();
  EXPECT_EQ(last_calls_.chunk_fetches, missing);
  EXPECT_EQ(again->chunks_downloaded, missing);
  expect_synced_copy({}, {}, snap("vm/100", t(6)));
  expect_synced_copy({}, {}, snap("vm/100", t(7)));
}

class ArchiveMismatchTest : public SyncTest {
 protected:
  // Pulls t1, then changes config.blob of the new source snapshot t2 with `edit` and pulls
  // again; returns the log line of the failed group.
  std::string pull_with_edited_blob(const std::function<void(Bytes&)>& edit) {
    make_source(days_spec("vm/100", 1, 2));
    stdfs::path blob = src_->snapshot_path({}, snap("vm/100", t(2))) / "config.blob";
    Bytes data = *fs::read_file(blob, 1 << 20);
    edit(data);
    EXPECT_TRUE(fs::atomic_replace(blob, ByteView(data)));
    auto r = pull(params());
    EXPECT_TRUE(r && r->errors == 1) << log_.dump();
    EXPECT_TRUE(target_has({}, "vm/100", t(1)));
    EXPECT_FALSE(target_has({}, "vm/100", t(2))) << "a failed new snapshot is removed";
    long i = log_.index_of("sync group vm/100 failed - ");
    return i < 0 ? log_.dump() : log_.lines()[i];
  }
};

TEST_F(ArchiveMismatchTest, E4_ArchiveSizeMismatchFailsTheSnapshot) {
  size_t size = 0;
  std::string line = pull_with_edited_blob([&](Bytes& b) {
    size = b.size();
    b.push_back(0);
  });
  EXPECT_NE(line.find(fmt::format("wrong size for file 'config.blob' ({} != {})", size, size + 1)),
            std::string::npos)
      << line;
}

TEST_F(ArchiveMismatchTest, E4_ArchiveChecksumMismatchFailsTheSnapshot) {
  std::string line = pull_with_edited_blob([](Bytes& b) { b.back() ^= 0x55; });
  EXPECT_NE(line.find("wrong checksum for file 'config.blob'"), std::string::npos) << line;
}

TEST_F(SyncTest, E5_CryptModeMismatchFailsTheSnapshot) {
  make_source(days_spec("vm/100", 1, 1));
  ASSERT_TRUE(src_->update_manifest({}, snap("vm/100", t(1)), [](datastore::BackupManifest& m) {
    for (auto& f : m.files) {
      if (f.filename == ferry::test::kTestImageArchive)
        f.crypt_mode = datastore::CryptMode::Encrypt;
    }
    return ok();
  }));
  auto r = pull(params());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->errors, 1u);
  EXPECT_TRUE(log_.has("Index and chunk CryptMode don't match.")) << log_.dump();
  EXPECT_FALSE(target_has({}, "vm/100", t(1)));
}

// E6: a crash before the manifest rename leaves no index.json.blob; the directory is not a
// finished snapshot and the next run re-syncs it.
TEST_F(SyncTest, E6_CommitPointIsTheManifest) {
  make_source(days_spec("vm/100", 1, 1));
  pid_t pid = ::fork();
  if (pid == 0) {
    fault::set_hook_for_test([](std::string_view point) {
      if (point == "sync.manifest.before_rename") ::_exit(77);
    });
    (void)pull(params());
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 77) << "the pull did not reach the commit point";
  const stdfs::path dir = dst_->snapshot_path({}, snap("vm/100", t(1)));
  EXPECT_TRUE(stdfs::exists(dir / ferry::test::kTestImageArchive));
  EXPECT_FALSE(stdfs::exists(dir / "index.json.blob"));
  auto last = dst_->last_finished_snapshot({}, grp("vm/100"));
  ASSERT_TRUE(last);
  EXPECT_FALSE(last->has_value());
  auto r = pull(params());
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_TRUE(log_.has("re-sync snapshot vm/100/2024-06-01T00:00:00Z"));
  EXPECT_EQ(r->files_downloaded, 0u) << "archives already in place are kept";
  EXPECT_FALSE(stdfs::exists(dir / "index.json.tmp"));
  expect_synced_copy({}, {}, snap("vm/100", t(1)));
}

TEST_F(SyncTest, E8_NotesChangeOnTheSourceReplacesTheLocalManifestOnly) {
  make_source(days_spec("vm/100", 1, 5));
  ASSERT_TRUE(pull(params()));
  const BackupDir t5 = snap("vm/100", t(5));
  ASSERT_TRUE(src_->update_manifest({}, t5, [](auto& m) { return m.set_notes("new notes"); }));
  ASSERT_TRUE(dst_->update_manifest({}, t5, [](auto& m) {
    m.set_verify_state({datastore::VerifyState::Ok, "UPID:local"});
    return m.set_notes("local notes");
  }));
  log_.clear();
  auto r = pull(params());
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_EQ(r->files_downloaded, 0u);
  EXPECT_EQ(last_calls_.chunk_fetches, 0u);
  auto m = dst_->load_manifest({}, t5);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->notes(), "new notes");
  EXPECT_FALSE(*m->verify_state()) << "the local verify state is lost (decision S7)";
  expect_synced_copy({}, {}, t5);
}

TEST_F(SyncTest, E9_S4_SnapshotVanishedDuringSyncLeavesNothingBehind) {
  make_source(days_spec("vm/100", 1, 2));
  setup_source_ = [](CountingSource& s) {
    s.faults.download = [](const BackupDir& d,
                           std::string_view name) -> std::optional<Result<Bytes>> {
      if (d.time() == t(2) && name == "index.json.blob") {
        return Result<Bytes>(make_error(Errc::NotFound, "snapshot vanished"));
      }
      return std::nullopt;
    };
  };
  auto r = pull(params());
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_TRUE(
      log_.has("skipping snapshot vm/100/2024-06-02T00:00:00Z - vanished since start of "
               "sync"));
  EXPECT_FALSE(stdfs::exists(dst_->snapshot_path({}, snap("vm/100", t(2)))));
  EXPECT_EQ(target_times({}, "vm/100"), days(1, 1));
}

TEST_F(SyncTest, E11_SummaryLineNamesTheBytesAndChunksPulled) {
  make_source(days_spec("vm/100", 1, 1));
  ASSERT_TRUE(run_job(params())) << log_.dump();
  long i = log_.index_of("Summary: sync job pulled ");
  ASSERT_GE(i, 0) << log_.dump();
  const std::string line = log_.lines()[i];  // lines() returns a copy
  EXPECT_NE(line.find(" chunks (average rate: "), std::string::npos) << line;
  EXPECT_TRUE(line.ends_with("/s)")) << line;
}

TEST_F(SyncTest, S5_InvalidManifestBlobIsASnapshotError) {
  make_source(days_spec("vm/100", 1, 1));
  setup_source_ = [](CountingSource& s) {
    s.faults.download = [](const BackupDir&,
                           std::string_view name) -> std::optional<Result<Bytes>> {
      if (name == "index.json.blob") return Result<Bytes>(Bytes{1, 2, 3});
      return std::nullopt;
    };
  };
  auto r = pull(params());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->errors, 1u);
  EXPECT_TRUE(log_.has("invalid manifest blob of snapshot vm/100/2024-06-01T00:00:00Z"))
      << log_.dump();
  EXPECT_FALSE(stdfs::exists(dst_->snapshot_path({}, snap("vm/100", t(1)))));
}

TEST_F(SyncTest, TargetWriteFailureFailsTheSnapshotWithoutLeavingAPartialOne) {
  TestSnapshotSpec s{.group = "vm/100", .time = t(1), .image_chunks = {1, 2, 3}};
  make_source({.snapshots = {s}});
  // A file where a chunk prefix directory belongs: every write below it fails, also as root.
  const stdfs::path prefix =
      dst_->chunk_store().chunk_path(ferry::test::test_image_chunk_digest(s, 1)).parent_path();
  ASSERT_TRUE(fs::remove_tree(prefix));
  ASSERT_TRUE(fs::atomic_replace(prefix, std::string_view("not a directory")));
  auto r = pull(params());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->errors, 1u);
  long i = log_.index_of("sync group vm/100 failed - ");
  ASSERT_GE(i, 0) << log_.dump();
  EXPECT_NE(log_.lines()[i].find("datastore 'local'"), std::string::npos) << log_.lines()[i];
  EXPECT_FALSE(stdfs::exists(dst_->snapshot_path({}, snap("vm/100", t(1)))));
  ASSERT_TRUE(fs::remove_file(prefix));
  ASSERT_TRUE(fs::make_dir(prefix, 0750));
  auto again = pull(params());
  ASSERT_TRUE(again && again->errors == 0) << log_.dump();
  expect_synced_copy({}, {}, snap("vm/100", t(1)));
}

TEST_F(SyncTest, I9_AbortEndsTheJobAndLeavesNoIncompleteSnapshot) {
  make_source(days_spec("vm/100", 1, 2));
  setup_source_ = [this](CountingSource& s) {
    s.faults.before_fetch = [this](size_t n) {
      if (n == 2) abort_ = true;
    };
  };
  Status st = run_job(params());
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), Errc::Cancelled);
  EXPECT_EQ(st.error().message(), "sync aborted");
  EXPECT_FALSE(stdfs::exists(dst_->snapshot_path({}, snap("vm/100", t(1)))));
  EXPECT_FALSE(log_.has("Summary:"));
}

}  // namespace
}  // namespace ferry::sync::test

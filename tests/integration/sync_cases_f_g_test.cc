// sync-test-cases.md §F (remove-vanished and protection) and §G (resync-corrupt, verified-only,
// encrypted-only) against a real source ferryd over TLS: REST listings plus the HTTP/2 reader
// protocol (issue #6). The source store is changed on disk between runs (ferryd reads it per
// request); the target is the fixture's in-process "local" store.
#include <array>
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "common/fs.h"
#include "datastore/crypt_config.h"
#include "datastore/data_blob.h"
#include "datastore/snapshot_writer.h"
#include "sync_fixture.h"

namespace ferry {
namespace {

namespace stdfs = std::filesystem;
using datastore::VerifyState;
using test::grp;
using test::t;

types::BackupDir snap(std::string_view group, int64_t time) {
  return *types::BackupDir::create(grp(group), time);
}
types::Authid aid(std::string_view s) { return *types::Authid::parse(s); }

class SyncCasesFGTest : public test::SyncServerFixture {
 protected:
  // Snapshots t(from)…t(to) of vm/100, each with its own image chunk.
  static test::TestDatastoreSpec days(int from, int to) {
    test::TestDatastoreSpec spec;
    for (int d = from; d <= to; ++d) spec.snapshots.push_back(day(d));
    return spec;
  }
  static test::TestSnapshotSpec day(int d) {
    return {.group = "vm/100", .time = t(d), .image_chunks = {uint64_t(20 + d)}};
  }

  // A sync job run (header, summary and end lines) from `pbs2` into `local`.
  Status run_job(const sync::PullParams& p) {
    sync::SyncSourceSpec spec;
    spec.remote = "pbs2";
    spec.source_store = "src";
    spec.request_timeout = std::chrono::seconds(10);
    FERRY_TRY_ASSIGN(auto source,
                     sync::open_sync_source(config::ConfigDir(dst_etc_), spec, nullptr));
    sync::PullEnv env{*dst_, *source, *users_, log_, SystemClock::instance(), nullptr};
    return sync::run_sync_job("pbs2:src:local::j1", p, env);
  }

  sync::PullParams vanishing() const {
    auto p = params();
    p.remove_vanished = true;
    return p;
  }

  std::vector<int64_t> target_times(std::string_view group) const {
    std::vector<int64_t> out;
    auto list = dst_->list_snapshots({}, grp(group));
    if (list) {
      for (const auto& i : *list) out.push_back(i.dir.time());
    }
    return out;
  }

  bool has(std::string_view part) const {
    return log_.text().find(part) != std::string::npos;
  }

  void set_source_verify_state(int d, VerifyState state) {
    ASSERT_TRUE(src_->update_manifest({}, snap("vm/100", t(d)), [&](auto& m) {
      m.set_verify_state({state, "UPID:src"});
      return ok();
    }));
  }
};

std::vector<int64_t> times(std::initializer_list<int> days) {
  std::vector<int64_t> out;
  for (int d : days) out.push_back(t(d));
  return out;
}

TEST_F(SyncCasesFGTest, F1_VanishedSnapshotIsDeletedUnlessProtected) {
  serve(days(1, 5));
  ASSERT_TRUE(pull(params()));
  ASSERT_TRUE(src_->delete_snapshot({}, snap("vm/100", t(1))));
  ASSERT_TRUE(dst_->set_protected({}, snap("vm/100", t(1)), true));
  log_.clear();
  auto kept = pull(vanishing());
  ASSERT_TRUE(kept && kept->errors == 0) << log_.text();
  EXPECT_TRUE(has("don't delete vanished snapshot vm/100/2024-06-01T00:00:00Z (protected)"))
      << log_.text();
  EXPECT_EQ(kept->removed_snapshots, 0u);
  EXPECT_TRUE(target_has("", "vm/100", t(1)));

  ASSERT_TRUE(dst_->set_protected({}, snap("vm/100", t(1)), false));
  log_.clear();
  auto removed = pull(vanishing());
  ASSERT_TRUE(removed && removed->errors == 0) << log_.text();
  EXPECT_TRUE(has("delete vanished snapshot vm/100/2024-06-01T00:00:00Z\n")) << log_.text();
  EXPECT_EQ(removed->removed_snapshots, 1u);
  EXPECT_EQ(target_times("vm/100"), times({2, 3, 4, 5}));
  EXPECT_EQ(expect_synced_identical(), 4u);
  expect_only_complete_snapshots();
}

// vm/300 exists only on the target, owned by the job owner (root@pam).
void write_local_group(datastore::Datastore& dst, int protected_day) {
  for (int d = 1; d <= 3; ++d) {
    test::TestSnapshotSpec s{.group = "vm/300", .time = t(d), .is_protected = d == protected_day};
    ASSERT_TRUE(test::write_test_snapshot(dst, s, aid("root@pam")));
  }
}

TEST_F(SyncCasesFGTest, F2_VanishedGroupIsDeleted) {
  serve(days(1, 1));
  write_local_group(*dst_, 0);
  Status st = run_job(vanishing());
  ASSERT_TRUE(st) << st.error().to_string() << "\n" << log_.text();
  EXPECT_TRUE(has("delete vanished group 'vm/300'")) << log_.text();
  EXPECT_TRUE(has("Summary: removed vanished: snapshots: 3, groups: 1, namespaces: 0"))
      << log_.text();
  EXPECT_FALSE(*dst_->group_exists({}, grp("vm/300")));
  EXPECT_EQ(expect_synced_identical(), 1u);
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesFGTest, F2_ProtectedSnapshotKeepsTheVanishedGroup) {
  serve(days(1, 1));
  write_local_group(*dst_, 2);
  Status st = run_job(vanishing());
  ASSERT_TRUE(st) << st.error().to_string() << "\n" << log_.text();
  EXPECT_TRUE(has("kept some protected snapshots of group 'vm/300'")) << log_.text();
  EXPECT_TRUE(has("Summary: removed vanished: snapshots: 2, groups: 0, namespaces: 0"))
      << log_.text();
  EXPECT_EQ(target_times("vm/300"), times({2}));
  EXPECT_TRUE(*dst_->is_protected({}, snap("vm/300", t(2))));
  EXPECT_EQ(expect_synced_identical(), 1u);
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesFGTest, F3_FlagOffDeletesNothing) {
  serve(days(1, 5));
  ASSERT_TRUE(pull(params()));
  ASSERT_TRUE(src_->delete_snapshot({}, snap("vm/100", t(1))));
  write_local_group(*dst_, 0);
  log_.clear();
  Status st = run_job(params());
  ASSERT_TRUE(st) << st.error().to_string() << "\n" << log_.text();
  EXPECT_EQ(target_times("vm/100"), times({1, 2, 3, 4, 5}));
  EXPECT_EQ(target_times("vm/300"), times({1, 2, 3}));
  EXPECT_FALSE(has("Summary: removed vanished")) << log_.text();
  EXPECT_FALSE(has("delete vanished")) << log_.text();
  EXPECT_EQ(expect_synced_identical(), 4u);
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesFGTest, F4_SummaryWithZeros) {
  serve(days(1, 1));
  Status st = run_job(vanishing());
  ASSERT_TRUE(st) << st.error().to_string() << "\n" << log_.text();
  EXPECT_TRUE(has("\nSummary: removed vanished: snapshots: 0, groups: 0, namespaces: 0\n"))
      << log_.text();
  EXPECT_EQ(expect_synced_identical(), 1u);
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesFGTest, F5_ProtectionIsNotSynced) {
  auto spec = days(1, 1);
  spec.snapshots[0].is_protected = true;
  serve(spec);
  ASSERT_TRUE(*src_->is_protected({}, snap("vm/100", t(1))));
  auto r = pull(params());
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  EXPECT_FALSE(*dst_->is_protected({}, snap("vm/100", t(1))));
  EXPECT_EQ(expect_synced_identical(), 1u);  // also: no .protected file on the target
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesFGTest, F6_NoSnapshotDeletionAfterAFailedGroup) {
  serve(days(1, 5));
  ASSERT_TRUE(pull(params()));
  ASSERT_TRUE(src_->delete_snapshot({}, snap("vm/100", t(1))));
  ASSERT_TRUE(test::write_test_snapshot(*src_, day(6), aid("backup@pbs")));
  // t6 fails: the manifest's checksum of its stream index disagrees with the served index.
  ASSERT_TRUE(src_->update_manifest({}, snap("vm/100", t(6)), [](datastore::BackupManifest& m) {
    for (auto& f : m.files) {
      if (f.filename == test::kTestStreamArchive) f.csum = sha256("not the index");
    }
    return ok();
  }));
  log_.clear();
  auto r = pull(vanishing());
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->errors, 1u) << log_.text();
  EXPECT_TRUE(has("sync group vm/100 failed - ")) << log_.text();
  EXPECT_FALSE(has("delete vanished snapshot")) << log_.text();
  EXPECT_EQ(r->removed_snapshots, 0u);
  EXPECT_EQ(target_times("vm/100"), times({1, 2, 3, 4, 5}));
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesFGTest, F7_TransferLastNeverDeletes) {
  serve(days(1, 5));
  ASSERT_TRUE(pull(params()));
  for (int d = 6; d <= 10; ++d) {
    ASSERT_TRUE(test::write_test_snapshot(*src_, day(d), aid("backup@pbs")));
  }
  auto p = vanishing();
  p.transfer_last = 2;
  log_.clear();
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  EXPECT_EQ(r->removed_snapshots, 0u);
  EXPECT_FALSE(has("delete vanished")) << log_.text();
  EXPECT_EQ(target_times("vm/100"), times({1, 2, 3, 4, 5, 9, 10}));
  EXPECT_EQ(expect_synced_identical(), 7u);
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesFGTest, G1_ResyncCorruptRepairsAnOlderSnapshotThatFailedVerification) {
  serve(days(1, 5));
  ASSERT_TRUE(pull(params()));
  const types::BackupDir t2 = snap("vm/100", t(2));
  // Damage t2's image chunk on the target (valid blob, wrong content), then verify it there:
  // the chunk is renamed to .0.bad and t2's verify state becomes "failed".
  const Digest chunk = test::test_image_chunk_digest(day(2), 0);
  const stdfs::path chunk_path = dst_->chunk_store().chunk_path(chunk);
  auto other = datastore::DataBlob::encode(test::test_data(4321, 4096), nullptr, true);
  ASSERT_TRUE(other && fs::atomic_replace(chunk_path, ByteView(other->raw())));
  datastore::VerifyCache cache;
  auto v = datastore::verify_snapshot(*dst_, {}, t2, cache, {.upid = "UPID:verify"});
  ASSERT_TRUE(v && v->outcome == datastore::VerifyOutcome::Failed);
  ASSERT_TRUE(stdfs::exists(chunk_path.string() + ".0.bad"));
  ASSERT_FALSE(stdfs::exists(chunk_path));

  log_.clear();
  auto plain = pull(params());
  ASSERT_TRUE(plain && plain->errors == 0) << log_.text();
  EXPECT_FALSE(has("2024-06-02T00:00:00Z")) << "without resync-corrupt t2 is not touched\n"
                                            << log_.text();

  auto p = params();
  p.resync_corrupt = true;
  log_.clear();
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  EXPECT_TRUE(has("re-sync snapshot vm/100/2024-06-02T00:00:00Z due to corruption\n"))
      << log_.text();
  EXPECT_EQ(r->files_downloaded, 3u) << "every archive of t2 is downloaded again";
  EXPECT_EQ(r->chunks_downloaded, 1u) << "only the missing chunk";
  EXPECT_TRUE(stdfs::exists(chunk_path));
  auto state = dst_->load_manifest({}, t2)->verify_state();
  ASSERT_TRUE(state);
  EXPECT_FALSE(state->has_value()) << "the failed state disappears";
  EXPECT_EQ(expect_synced_identical(), 5u);
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesFGTest, G2_ResyncCorruptIgnoresSnapshotsMissingLocally) {
  serve(days(1, 5));
  auto p = params();
  p.transfer_last = 3;
  ASSERT_TRUE(pull(p));
  ASSERT_EQ(target_times("vm/100"), times({3, 4, 5}));
  p.transfer_last.reset();
  p.resync_corrupt = true;
  log_.clear();
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  EXPECT_EQ(target_times("vm/100"), times({3, 4, 5}));
  EXPECT_EQ(r->snapshots, 1u) << "only t5 is re-synced\n" << log_.text();
  EXPECT_TRUE(has("re-sync snapshot vm/100/2024-06-05T00:00:00Z\nno data changes\n"))
      << log_.text();
  EXPECT_EQ(r->chunks_downloaded, 0u);
  EXPECT_EQ(expect_synced_identical(), 3u);
}

TEST_F(SyncCasesFGTest, G3_VerifiedOnlySyncsOnlyVerifiedSnapshots) {
  serve(days(1, 3));
  set_source_verify_state(1, VerifyState::Ok);
  set_source_verify_state(3, VerifyState::Failed);
  auto p = params();
  p.verified_only = true;
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  EXPECT_EQ(target_times("vm/100"), times({1}));
  EXPECT_EQ(expect_synced_identical(), 1u);
  expect_only_complete_snapshots();
}

// A snapshot whose single archive is a fixed index over two encrypted chunks.
void write_encrypted_snapshot(datastore::Datastore& store, int64_t time) {
  std::array<uint8_t, datastore::kCryptKeySize> key{};
  key.fill(7);
  const auto crypt = datastore::CryptConfig::from_key(key);
  const types::BackupDir d = snap("vm/100", time);
  auto w = datastore::SnapshotWriter::create(store, {}, d, aid("backup@pbs"));
  ASSERT_TRUE(w) << w.error().to_string();
  constexpr uint64_t kChunk = 64 * 1024;
  auto fidx = w->create_fixed_index("disk.img.fidx", 2 * kChunk, kChunk);
  ASSERT_TRUE(fidx);
  for (size_t i = 0; i < 2; ++i) {
    const Bytes data = test::test_data(uint64_t(time) + i, kChunk);
    const Digest digest = crypt.compute_digest(data);
    auto blob = datastore::DataBlob::encode(data, &crypt, true);
    ASSERT_TRUE(blob && store.chunk_store().insert(digest, *blob));
    ASSERT_TRUE(fidx->add_digest(i, digest));
  }
  auto csum = fidx->close();
  ASSERT_TRUE(csum);
  datastore::BackupManifest m("vm", "100", time);
  ASSERT_TRUE(m.add_file("disk.img.fidx", 2 * kChunk, *csum, datastore::CryptMode::Encrypt));
  ASSERT_TRUE(w->commit(m));
}

TEST_F(SyncCasesFGTest, G4_EncryptedOnlySyncsOnlyFullyEncryptedSnapshots) {
  serve({});
  write_encrypted_snapshot(*src_, t(1));
  ASSERT_TRUE(test::write_test_snapshot(*src_, day(2), aid("backup@pbs")));
  auto p = params();
  p.encrypted_only = true;
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  EXPECT_EQ(target_times("vm/100"), times({1}));
  EXPECT_EQ(r->chunks_downloaded, 2u);
  EXPECT_EQ(expect_synced_identical(), 1u);
  expect_only_complete_snapshots();
}

// Decision S13 (PBS ≥ 4.0.9): the filter applies before transfer-last, so the newest two
// verified snapshots are synced (3.3.7 – 4.0.8 synced nothing).
TEST_F(SyncCasesFGTest, G5_VerifiedOnlyFiltersBeforeTransferLast) {
  serve(days(1, 5));
  for (int d = 1; d <= 3; ++d) set_source_verify_state(d, VerifyState::Ok);
  auto p = params();
  p.verified_only = true;
  p.transfer_last = 2;
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  EXPECT_EQ(target_times("vm/100"), times({2, 3}));
  EXPECT_EQ(expect_synced_identical(), 2u);
  expect_only_complete_snapshots();
}

}  // namespace
}  // namespace ferry

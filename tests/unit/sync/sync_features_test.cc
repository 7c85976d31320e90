// Newer pull features: resync-corrupt, verified-only, encrypted-only (sync-test-cases.md §G;
// sync-semantics.md §12.1, §12.2), and encrypted snapshots in general.
#include <gtest/gtest.h>

#include "datastore/crypt_config.h"
#include "datastore/snapshot_writer.h"
#include "sync_test_support.h"

namespace ferry::sync::test {
namespace {

using datastore::CryptMode;
using datastore::VerifyState;

TestDatastoreSpec days_spec(int from, int to) {
  TestDatastoreSpec spec;
  for (int d = from; d <= to; ++d) {
    spec.snapshots.push_back({.group = "vm/100", .time = t(d), .image_chunks = {uint64_t(20 + d)}});
  }
  return spec;
}

void set_source_verify_state(datastore::Datastore& store, int64_t time,
                             std::optional<VerifyState> state) {
  ASSERT_TRUE(store.update_manifest({}, snap("vm/100", time), [&](datastore::BackupManifest& m) {
    if (state) m.set_verify_state({*state, "UPID:src"});
    return ok();
  }));
}

// A snapshot whose single archive is a fixed index over two encrypted chunks.
void write_encrypted_snapshot(datastore::Datastore& store, std::string_view group, int64_t time) {
  std::array<uint8_t, datastore::kCryptKeySize> key{};
  key.fill(7);
  const auto crypt = datastore::CryptConfig::from_key(key);
  const BackupDir d = snap(group, time);
  auto w = datastore::SnapshotWriter::create(store, {}, d, aid("backup@pbs"));
  ASSERT_TRUE(w) << w.error().to_string();
  constexpr uint64_t kChunk = 64 * 1024;
  auto fidx = w->create_fixed_index("disk.img.fidx", 2 * kChunk, kChunk);
  ASSERT_TRUE(fidx);
  for (size_t i = 0; i < 2; ++i) {
    Bytes data = ferry::test::test_data(uint64_t(time) + i, kChunk);
    Digest digest = crypt.compute_digest(data);
    auto blob = datastore::DataBlob::encode(data, &crypt, true);
    ASSERT_TRUE(blob && store.chunk_store().insert(digest, *blob));
    ASSERT_TRUE(fidx->add_digest(i, digest));
  }
  auto csum = fidx->close();
  ASSERT_TRUE(csum);
  datastore::BackupManifest m(std::string(types::to_string(d.group().type())), d.group().id(),
                              time);
  ASSERT_TRUE(m.add_file("disk.img.fidx", 2 * kChunk, *csum, CryptMode::Encrypt));
  ASSERT_TRUE(w->commit(m));
}

TEST_F(SyncTest, G1_ResyncCorruptRepairsAnOlderSnapshotThatFailedVerification) {
  make_source(days_spec(1, 5));
  ASSERT_TRUE(pull(params()));
  const BackupDir t2 = snap("vm/100", t(2));
  TestSnapshotSpec spec2{.group = "vm/100", .time = t(2), .image_chunks = {22}};
  const Digest chunk = ferry::test::test_image_chunk_digest(spec2, 0);
  replace_chunk(*dst_, chunk, 4321);
  datastore::VerifyCache cache;
  auto v = datastore::verify_snapshot(*dst_, {}, t2, cache, {.upid = "UPID:verify"});
  ASSERT_TRUE(v && v->outcome == datastore::VerifyOutcome::Failed);
  ASSERT_FALSE(*dst_->chunk_store().exists(chunk)) << "verify renamed the chunk to .0.bad";

  log_.clear();
  ASSERT_TRUE(pull(params()));
  EXPECT_FALSE(log_.has("2024-06-02T00:00:00Z")) << "without resync-corrupt t2 is not touched";

  PullParams p = params();
  p.resync_corrupt = true;
  log_.clear();
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_TRUE(log_.has("re-sync snapshot vm/100/2024-06-02T00:00:00Z due to corruption"))
      << log_.dump();
  EXPECT_EQ(last_calls_.chunk_fetches, 1u) << "only the missing chunk is fetched";
  EXPECT_EQ(r->files_downloaded, 3u) << "every archive is downloaded again";
  EXPECT_FALSE(*dst_->load_manifest({}, t2)->verify_state()) << "the failed state is gone";
  expect_synced_copy({}, {}, t2);
}

TEST_F(SyncTest, G2_ResyncCorruptIgnoresSnapshotsMissingLocally) {
  make_source(days_spec(1, 5));
  PullParams p = params();
  p.transfer_last = 3;
  ASSERT_TRUE(pull(p));
  ASSERT_EQ(target_times({}, "vm/100"), (std::vector<int64_t>{t(3), t(4), t(5)}));
  p.transfer_last.reset();
  p.resync_corrupt = true;
  log_.clear();
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_EQ(target_times({}, "vm/100"), (std::vector<int64_t>{t(3), t(4), t(5)}));
  EXPECT_EQ(last_calls_.open_reader, 1u) << "only t5 is re-synced";
}

TEST_F(SyncTest, G3_VerifiedOnlySyncsOnlySnapshotsVerifiedOnTheSource) {
  make_source(days_spec(1, 3));
  set_source_verify_state(*src_, t(1), VerifyState::Ok);
  set_source_verify_state(*src_, t(3), VerifyState::Failed);
  PullParams p = params();
  p.verified_only = true;
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_EQ(target_times({}, "vm/100"), std::vector<int64_t>{t(1)});
  expect_synced_copy({}, {}, snap("vm/100", t(1)));
}

TEST_F(SyncTest, G4_EncryptedOnlySyncsOnlyFullyEncryptedSnapshots) {
  make_source({});
  write_encrypted_snapshot(*src_, "vm/100", t(1));
  add_source_snapshot({.group = "vm/100", .time = t(2)});
  PullParams p = params();
  p.encrypted_only = true;
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_EQ(target_times({}, "vm/100"), std::vector<int64_t>{t(1)});
  EXPECT_EQ(r->chunks_downloaded, 2u);
  expect_synced_copy({}, {}, snap("vm/100", t(1)));
}

TEST_F(SyncTest, G5_VerifiedOnlyFiltersBeforeTransferLast) {
  make_source(days_spec(1, 5));
  for (int d = 1; d <= 3; ++d) set_source_verify_state(*src_, t(d), VerifyState::Ok);
  PullParams p = params();
  p.verified_only = true;
  p.transfer_last = 2;
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_EQ(target_times({}, "vm/100"), (std::vector<int64_t>{t(2), t(3)}));
}

TEST_F(SyncTest, EncryptedSnapshotsTransferUnchanged) {
  make_source({});
  write_encrypted_snapshot(*src_, "ct/200", t(1));
  auto r = pull(params());
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  expect_synced_copy({}, {}, snap("ct/200", t(1)));
}

}  // namespace
}  // namespace ferry::sync::test

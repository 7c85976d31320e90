#include "protocol/backup_session.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "datastore/data_blob.h"
#include "datastore/datastore.h"
#include "datastore/dynamic_index.h"
#include "datastore/fixed_index.h"
#include "datastore/verify.h"
#include "support/manual_clock.h"
#include "support/store_temp_dir.h"

namespace ferry::protocol {
namespace {

namespace stdfs = std::filesystem;
using datastore::BackupManifest;
using datastore::CryptMode;
using datastore::DataBlob;
using types::Authid;
using types::BackupDir;
using types::BackupNamespace;

constexpr int64_t kT0 = 1700000000;
constexpr uint64_t kImageSize = kFixedChunkSize + 1000;  // one full chunk and a short one

BackupDir snap(int64_t t) { return *BackupDir::create(*types::BackupGroup::parse("vm/100"), t); }
Authid user() { return *Authid::parse("u@pbs"); }

Bytes pattern(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>((i * 31 + seed) % 251);
  return b;
}

struct Chunk {
  Digest digest;
  uint64_t size;
  Bytes encoded;
};
Chunk make_chunk(const Bytes& data) {
  auto blob = DataBlob::encode(data, nullptr, true);
  EXPECT_TRUE(blob);
  return {sha256(data), data.size(), blob->raw()};
}

class BackupSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = datastore::Datastore::create("store1", dir_ / "ds",
                                              {.lock_dir = dir_ / "locks", .clock = &clock_});
    ASSERT_TRUE(store) << store.error().to_string();
    store_ = std::move(*store);
  }

  std::unique_ptr<BackupSession> start(int64_t t) {
    auto s = BackupSession::start(*store_, {}, snap(t), user());
    EXPECT_TRUE(s) << s.error().to_string();
    return s ? std::move(*s) : nullptr;
  }

  // Writes "disk.img.fidx" of snapshot `time` from two chunks (the second's seed given), uploading
  // only chunks not known through /previous, plus the manifest; finishes.
  void backup_image(BackupSession& s, int64_t time, uint8_t seed2, bool use_previous) {
    const Chunk c1 = make_chunk(pattern(kFixedChunkSize, 1));
    const Chunk c2 = make_chunk(pattern(kImageSize - kFixedChunkSize, seed2));
    if (use_previous) {
      ASSERT_TRUE(s.download_previous("disk.img.fidx"));
    }
    auto wid = s.create_fixed_index("disk.img.fidx", kImageSize, std::nullopt);
    ASSERT_TRUE(wid) << wid.error().to_string();
    for (const Chunk* c : {&c1, &c2}) {
      if (use_previous && c == &c1) continue;  // unchanged: reference only
      auto r =
          s.upload_chunk(IndexKind::Fixed, *wid, c->digest, c->size, c->encoded.size(), c->encoded);
      ASSERT_TRUE(r) << r.error().to_string();
      EXPECT_EQ(*r, c->digest.to_hex());
    }
    ASSERT_TRUE(s.append(IndexKind::Fixed, *wid, {c1.digest, c2.digest}, {0, kFixedChunkSize}));
    Sha256 h;
    h.update(c1.digest.bytes);
    h.update(c2.digest.bytes);
    const Digest csum = h.finish();
    auto closed = s.close_index(IndexKind::Fixed, *wid, 2, kImageSize, csum);
    ASSERT_TRUE(closed) << closed.error().to_string();
    BackupManifest m("vm", "100", time);
    ASSERT_TRUE(m.add_file("disk.img.fidx", kImageSize, csum, CryptMode::None));
    upload_manifest(s, m);
    auto fin = s.finish();
    ASSERT_TRUE(fin) << fin.error().to_string();
  }

  void upload_manifest(BackupSession& s, BackupManifest m) {
    auto blob = m.to_blob();
    ASSERT_TRUE(blob);
    ASSERT_TRUE(s.upload_blob("index.json.blob", blob->raw_size(), blob->raw()));
  }

  test::ManualClock clock_{kT0 + 42};
  test::StoreTempDir dir_;
  std::unique_ptr<datastore::Datastore> store_;
};

TEST_F(BackupSessionTest, FinishedBackupPassesVerifyAndIndexReadsBack) {
  auto s = start(kT0);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->previous_backup_time(), std::nullopt);
  backup_image(*s, kT0, 2, false);
  EXPECT_TRUE(s->finished());
  EXPECT_EQ(s->stats().count, 2u);
  s->end();

  datastore::VerifyCache cache;
  auto v = datastore::verify_snapshot(*store_, {}, snap(kT0), cache, {});
  ASSERT_TRUE(v) << v.error().to_string();
  EXPECT_TRUE(v->ok()) << (v->errors.empty() ? "" : v->errors[0]);
  auto index =
      datastore::FixedIndexReader::open(store_->snapshot_path({}, snap(kT0)) / "disk.img.fidx");
  ASSERT_TRUE(index) << index.error().to_string();
  EXPECT_EQ(index->index_count(), 2u);
  EXPECT_EQ(index->index_digest(0), sha256(pattern(kFixedChunkSize, 1)));
  auto m = store_->load_manifest({}, snap(kT0));
  ASSERT_TRUE(m);
  auto stats = m->chunk_upload_stats();
  ASSERT_TRUE(stats && *stats);
  EXPECT_EQ((*stats)->count, 2u);
}

TEST_F(BackupSessionTest, SecondBackupReusesPreviousIndexAndUploadsOnlyChangedChunk) {
  {
    auto s = start(kT0);
    ASSERT_TRUE(s);
    backup_image(*s, kT0, 2, false);
  }
  auto s = start(kT0 + 10);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->previous_backup_time(), kT0);
  backup_image(*s, kT0 + 10, 3, true);
  EXPECT_EQ(s->stats().count, 1u);
  EXPECT_EQ(s->stats().duplicates, 0u);
}

TEST_F(BackupSessionTest, SessionEndedBeforeFinishRemovesSnapshot) {
  auto s = start(kT0);
  ASSERT_TRUE(s);
  const Chunk c = make_chunk(pattern(1000, 5));
  auto wid = s->create_dynamic_index("a.didx");
  ASSERT_TRUE(wid);
  ASSERT_TRUE(
      s->upload_chunk(IndexKind::Dynamic, *wid, c.digest, c.size, c.encoded.size(), c.encoded));
  s.reset();
  EXPECT_FALSE(stdfs::exists(store_->snapshot_path({}, snap(kT0))));
}

TEST_F(BackupSessionTest, ChunkWithWrongDigestOrLengthIsRefused) {
  auto s = start(kT0);
  ASSERT_TRUE(s);
  auto wid = s->create_dynamic_index("a.didx");
  ASSERT_TRUE(wid);
  const Chunk c = make_chunk(pattern(1000, 5));
  const Digest wrong = sha256("other");
  auto r = s->upload_chunk(IndexKind::Dynamic, *wid, wrong, c.size, c.encoded.size(), c.encoded);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "detected chunk with wrong digest.");
  r = s->upload_chunk(IndexKind::Dynamic, *wid, c.digest, c.size + 1, c.encoded.size(), c.encoded);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "detected chunk with wrong length (1001 != 1000)");
  r = s->upload_chunk(IndexKind::Dynamic, *wid, c.digest, c.size, c.encoded.size() + 1, c.encoded);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "uploaded chunk has unexpected size.");
  auto exists = store_->chunk_store().exists(wrong);
  ASSERT_TRUE(exists);
  EXPECT_FALSE(*exists);
}

TEST_F(BackupSessionTest, AppendChecksKnownChunksAndOffsets) {
  auto s = start(kT0);
  ASSERT_TRUE(s);
  auto wid = s->create_dynamic_index("a.didx");
  ASSERT_TRUE(wid);
  const Chunk c = make_chunk(pattern(1000, 5));
  auto a = s->append(IndexKind::Dynamic, *wid, {c.digest}, {0});
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message(), "no such chunk " + c.digest.to_hex());
  ASSERT_TRUE(
      s->upload_chunk(IndexKind::Dynamic, *wid, c.digest, c.size, c.encoded.size(), c.encoded));
  a = s->append(IndexKind::Dynamic, *wid, {c.digest}, {5});
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message(), "got strange chunk offset (0 != 5)");
  ASSERT_TRUE(s->append(IndexKind::Dynamic, *wid, {c.digest, c.digest}, {0, 1000}));
  auto f = s->finish();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().message(), "found open index writer - unable to finish backup");
  auto bad = s->close_index(IndexKind::Dynamic, *wid, 2, 2000, sha256("x"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "dynamic writer '1' close failed - got unexpected checksum");
}

TEST_F(BackupSessionTest, FinishNeedsManifestAndRefusesLaterRequests) {
  auto s = start(kT0);
  ASSERT_TRUE(s);
  auto f = s->finish();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().message(), "backup does not contain valid files (file count == 0)");
  auto blob = DataBlob::encode(as_bytes("conf"), nullptr, false);
  ASSERT_TRUE(blob);
  ASSERT_TRUE(s->upload_blob("qemu-server.conf.blob", blob->raw_size(), blob->raw()));
  f = s->finish();
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message().find("unable to update manifest blob"), std::string::npos);
  BackupManifest m("vm", "100", kT0);
  ASSERT_TRUE(
      m.add_file("qemu-server.conf.blob", blob->raw_size(), sha256(blob->raw()), CryptMode::None));
  upload_manifest(*s, m);
  ASSERT_TRUE(s->finish());
  auto again = s->create_dynamic_index("b.didx");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message(), "backup already marked as finished.");
}

TEST_F(BackupSessionTest, BlobWithWrongCrcIsRefused) {
  auto s = start(kT0);
  ASSERT_TRUE(s);
  auto blob = DataBlob::encode(as_bytes("conf"), nullptr, false);
  ASSERT_TRUE(blob);
  Bytes raw = blob->raw();
  raw[8] ^= 0xff;
  auto r = s->upload_blob("x.blob", raw.size(), raw);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "Data blob has wrong CRC checksum.");
}

}  // namespace
}  // namespace ferry::protocol

#include "protocol/reader_session.h"

#include <gtest/gtest.h>

#include "common/file_lock.h"
#include "datastore/data_blob.h"
#include "datastore/datastore.h"
#include "protocol/backup_session.h"
#include "support/manual_clock.h"
#include "support/store_temp_dir.h"

namespace ferry::protocol {
namespace {

using datastore::BackupManifest;
using datastore::CryptMode;
using datastore::DataBlob;
using types::BackupDir;

constexpr int64_t kT0 = 1700000000;

BackupDir snap(int64_t t) { return *BackupDir::create(*types::BackupGroup::parse("ct/7"), t); }

class ReaderSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = datastore::Datastore::create("store1", dir_ / "ds",
                                              {.lock_dir = dir_ / "locks", .clock = &clock_});
    ASSERT_TRUE(store) << store.error().to_string();
    store_ = std::move(*store);
    write_snapshot();
  }

  // ct/7 at kT0 with "root.didx" made of one chunk of `data_` and the manifest.
  void write_snapshot() {
    auto s = BackupSession::start(*store_, {}, snap(kT0), *types::Authid::parse("u@pbs"));
    ASSERT_TRUE(s) << s.error().to_string();
    auto blob = DataBlob::encode(data_, nullptr, true);
    ASSERT_TRUE(blob);
    auto wid = (*s)->create_dynamic_index("root.didx");
    ASSERT_TRUE(wid);
    ASSERT_TRUE((*s)->upload_chunk(IndexKind::Dynamic, *wid, digest_, data_.size(),
                                   blob->raw_size(), blob->raw()));
    ASSERT_TRUE((*s)->append(IndexKind::Dynamic, *wid, {digest_}, {0}));
    Bytes table(8);
    store_le64(table.data(), data_.size());
    table.insert(table.end(), digest_.bytes.begin(), digest_.bytes.end());
    const Digest csum = sha256(table);
    ASSERT_TRUE((*s)->close_index(IndexKind::Dynamic, *wid, 1, data_.size(), csum));
    BackupManifest m("ct", "7", kT0);
    ASSERT_TRUE(m.add_file("root.didx", data_.size(), csum, CryptMode::None));
    auto mblob = m.to_blob();
    ASSERT_TRUE(mblob);
    ASSERT_TRUE((*s)->upload_blob("index.json.blob", mblob->raw_size(), mblob->raw()));
    ASSERT_TRUE((*s)->finish());
  }

  test::ManualClock clock_{kT0 + 42};
  test::StoreTempDir dir_;
  std::unique_ptr<datastore::Datastore> store_;
  Bytes data_ = Bytes(5000, 0x5a);
  Digest digest_ = sha256(data_);
};

TEST_F(ReaderSessionTest, ChunkIsServedOnlyAfterItsIndexWasDownloaded) {
  auto r = ReaderSession::open(*store_, {}, snap(kT0));
  ASSERT_TRUE(r) << r.error().to_string();
  auto denied = (*r)->chunk(digest_);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), Errc::Unauthenticated);
  EXPECT_EQ(denied.error().message(), "download chunk " + digest_.to_hex() + " not allowed");
  auto index = (*r)->download("root.didx");
  ASSERT_TRUE(index) << index.error().to_string();
  auto chunk = (*r)->chunk(digest_);
  ASSERT_TRUE(chunk) << chunk.error().to_string();
  auto blob = DataBlob::from_raw(*chunk);
  ASSERT_TRUE(blob);
  EXPECT_TRUE(blob->verify_crc());
  auto decoded = blob->decode(nullptr, &digest_);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, data_);
}

TEST_F(ReaderSessionTest, DownloadErrorsFollowPbs) {
  auto r = ReaderSession::open(*store_, {}, snap(kT0));
  ASSERT_TRUE(r);
  auto manifest = (*r)->download("index.json.blob");
  ASSERT_TRUE(manifest) << manifest.error().to_string();
  auto missing = (*r)->download("client.log.blob");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), Errc::NotFound);
  EXPECT_NE(missing.error().message().find("failed - not found"), std::string::npos);
  auto missing_index = (*r)->download("other.fidx");
  ASSERT_FALSE(missing_index);
  EXPECT_EQ(missing_index.error().code(), Errc::InvalidArgument);
  auto unknown = (*r)->download("notes.txt");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message(), "unknown archive type");
}

TEST_F(ReaderSessionTest, OpenChecksSnapshotAndLock) {
  auto absent = ReaderSession::open(*store_, {}, snap(kT0 + 1));
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().message(), "snapshot ct/7/1700000001 does not exist.");
  auto excl = store_->lock_snapshot({}, snap(kT0), LockMode::Exclusive);
  ASSERT_TRUE(excl);
  auto locked = ReaderSession::open(*store_, {}, snap(kT0));
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().message(), "locked by another operation");
}

TEST_F(ReaderSessionTest, SpeedtestIsOneMebibyteOfA) {
  const Bytes b = ReaderSession::speedtest_payload();
  EXPECT_EQ(b.size(), 1048576u);
  EXPECT_EQ(b.front(), 0x41);
  EXPECT_EQ(b.back(), 0x41);
}

}  // namespace
}  // namespace ferry::protocol

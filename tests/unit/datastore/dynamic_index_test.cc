#include "datastore/dynamic_index.h"

#include <gtest/gtest.h>

#include <string>

#include "common/fs.h"
#include "support/temp_dir.h"

namespace ferry::datastore {
namespace {

namespace stdfs = std::filesystem;

Digest digest_of(size_t i) { return sha256(fmt::format("chunk {}", i)); }

::testing::AssertionResult error_mentions(const Error& e, std::string_view needle) {
  std::string text = e.to_string();
  if (text.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "error '" << text << "' does not mention '" << needle << "'";
}

// Entry i ends at 1000 * (i + 1) + i (sizes grow by one byte each).
uint64_t end_of(size_t i) { return 1000 * (i + 1) + i * (i + 1) / 2; }

Bytes write_index(const stdfs::path& path, size_t count) {
  auto w = DynamicIndexWriter::create(path, 1700000000);
  EXPECT_TRUE(w) << w.error().to_string();
  for (size_t i = 0; i < count; ++i) EXPECT_TRUE(w->add_chunk(end_of(i), digest_of(i)));
  EXPECT_EQ(w->index_count(), count);
  EXPECT_TRUE(w->close());
  return *fs::read_file(path, kMaxIndexFileSize);
}

TEST(DynamicIndexTest, WriteThenReadRoundTripsAcrossBufferFlushes) {
  test::TempDir dir;
  const size_t count = 5000;  // > one 64 KiB write buffer
  Bytes file = write_index(dir / "root.pxar.didx", count);
  EXPECT_EQ(file.size(), kIndexHeaderSize + count * kDynamicEntrySize);
  auto r = DynamicIndexReader::open(dir / "root.pxar.didx");
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->index_count(), count);
  EXPECT_EQ(r->index_bytes(), end_of(count - 1));
  EXPECT_EQ(r->compute_csum(), r->stored_csum());
  EXPECT_EQ(r->stored_csum(), sha256(ByteView(file).subspan(kIndexHeaderSize)));
  for (size_t i = 0; i < count; i += 97) {
    EXPECT_EQ(r->index_digest(i), digest_of(i)) << i;
    EXPECT_EQ(r->chunk_range(i).end, end_of(i)) << i;
  }
  EXPECT_EQ(r->chunk_range(0), (ChunkRange{0, 1000}));
}

TEST(DynamicIndexTest, ChunkFromOffsetFindsTheCoveringEntry) {
  test::TempDir dir;
  write_index(dir / "a.didx", 10);
  auto r = DynamicIndexReader::open(dir / "a.didx");
  ASSERT_TRUE(r);
  struct Case {
    uint64_t offset;
    size_t index;
    uint64_t in_chunk;
  } cases[] = {{0, 0, 0}, {999, 0, 999}, {1000, 1, 0}, {2000, 1, 1000}, {2001, 2, 0}};
  for (const auto& c : cases) {
    auto pos = r->chunk_from_offset(c.offset);
    ASSERT_TRUE(pos) << c.offset;
    EXPECT_EQ(pos->index, c.index) << c.offset;
    EXPECT_EQ(pos->offset_in_chunk, c.in_chunk) << c.offset;
  }
  EXPECT_FALSE(r->chunk_from_offset(r->index_bytes()));
}

TEST(DynamicIndexTest, EmptyIndexHasSizeZero) {
  test::TempDir dir;
  Bytes file = write_index(dir / "empty.didx", 0);
  EXPECT_EQ(file.size(), kIndexHeaderSize);
  auto r = DynamicIndexReader::from_bytes(file);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->index_count(), 0u);
  EXPECT_EQ(r->index_bytes(), 0u);
  EXPECT_EQ(r->stored_csum(), sha256(ByteView{}));
  EXPECT_FALSE(r->chunk_from_offset(0));
}

TEST(DynamicIndexTest, ReaderRejectsMalformedFilesWithReason) {
  test::TempDir dir;
  Bytes good = write_index(dir / "good.didx", 3);
  ASSERT_EQ(good.size(), kIndexHeaderSize + 3 * kDynamicEntrySize);
  auto with_end = [&](size_t entry, uint64_t end) {
    Bytes b = good;
    size_t at = kIndexHeaderSize + entry * kDynamicEntrySize;
    if (b.size() >= at + 8) store_le64(b.data() + at, end);
    return b;
  };
  Bytes partial = good;
  partial.resize(good.size() - 1);
  Bytes wrong_magic = good;
  wrong_magic[7] = 0;
  struct Case {
    const char* name;
    Bytes file;
    const char* reason;
  };
  const Case cases[] = {
      {"empty", {}, "0 bytes is shorter than the 4096-byte header"},
      {"wrong magic", wrong_magic, "wrong magic 1c914ea519bab300"},
      {"partial entry", partial, "entry table of 119 bytes is not a multiple of 40"},
      {"equal offsets", with_end(1, end_of(0)), "end offset 1000 of entry 1 is not greater"},
      {"decreasing", with_end(2, 5),
       "end offset 5 of entry 2 is not greater than the previous "
       "end offset 2001"},
      {"zero first", with_end(0, 0), "end offset 0 of entry 0"},
  };
  for (const Case& c : cases) {
    auto r = DynamicIndexReader::from_bytes(c.file);
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(r.error().code(), Errc::Corruption) << c.name;
    EXPECT_TRUE(error_mentions(r.error(), c.reason)) << c.name;
    EXPECT_TRUE(error_mentions(r.error(), "invalid dynamic index")) << c.name;
  }
  ASSERT_TRUE(fs::atomic_replace(dir / "bad.didx", partial));
  auto opened = open_index(dir / "bad.didx");
  ASSERT_FALSE(opened);
  EXPECT_TRUE(error_mentions(opened.error(), "open index '" + (dir / "bad.didx").string()));
}

TEST(DynamicIndexTest, WriterRejectsNonIncreasingOffsets) {
  test::TempDir dir;
  auto w = DynamicIndexWriter::create(dir / "a.didx", 0);
  ASSERT_TRUE(w);
  auto zero = w->add_chunk(0, digest_of(0));
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code(), Errc::InvalidArgument);
  EXPECT_TRUE(error_mentions(zero.error(),
                             "end offset 0 is not greater than the previous end "
                             "offset 0"));
  ASSERT_TRUE(w->add_chunk(10, digest_of(0)));
  EXPECT_FALSE(w->add_chunk(10, digest_of(1)));
  EXPECT_FALSE(w->add_chunk(9, digest_of(1)));
  ASSERT_TRUE(w->add_chunk(11, digest_of(1)));
  EXPECT_EQ(w->index_bytes(), 11u);
  EXPECT_TRUE(w->close());
}

TEST(DynamicIndexTest, CloseIsAtomicAndDestroyedWriterLeavesNoFiles) {
  test::TempDir dir;
  {
    auto w = DynamicIndexWriter::create(dir / "root.pxar.didx", 0);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->tmp_path(), dir / "root.pxar.tmp_didx");
    for (size_t i = 0; i < 3000; ++i) ASSERT_TRUE(w->add_chunk(end_of(i), digest_of(i)));
    EXPECT_TRUE(stdfs::exists(dir / "root.pxar.tmp_didx"));
    EXPECT_FALSE(stdfs::exists(dir / "root.pxar.didx"));
  }
  EXPECT_TRUE(stdfs::is_empty(dir.path())) << "destructor must remove the temporary file";

  auto w = DynamicIndexWriter::create(dir / "root.pxar.didx", 0);
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->add_chunk(1, digest_of(0)));
  ASSERT_TRUE(w->close());
  EXPECT_FALSE(stdfs::exists(dir / "root.pxar.tmp_didx"));
  EXPECT_TRUE(stdfs::exists(dir / "root.pxar.didx"));
  w->abort();  // after close: must not touch the final file
  EXPECT_TRUE(stdfs::exists(dir / "root.pxar.didx"));
  EXPECT_FALSE(w->add_chunk(2, digest_of(1)));
}

}  // namespace
}  // namespace ferry::datastore

#include "datastore/fixed_index.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "common/fault.h"
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

// Writes a complete index with entries digest_of(i) and returns its bytes.
Bytes write_index(const stdfs::path& path, uint64_t size, uint64_t chunk_size) {
  auto w = FixedIndexWriter::create(path, size, chunk_size, 1700000000);
  EXPECT_TRUE(w) << w.error().to_string();
  for (size_t i = w->index_length(); i-- > 0;) EXPECT_TRUE(w->add_digest(i, digest_of(i)));
  EXPECT_TRUE(w->close());
  return *fs::read_file(path, kMaxIndexFileSize);
}

TEST(FixedIndexTest, WriteThenReadRoundTripsEntriesAndRanges) {
  test::TempDir dir;
  const uint64_t size = 10 * 65536 + 100;  // last chunk short
  write_index(dir / "disk.img.fidx", size, 65536);
  auto r = FixedIndexReader::open(dir / "disk.img.fidx");
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->index_count(), 11u);
  EXPECT_EQ(r->index_bytes(), size);
  EXPECT_EQ(r->chunk_size(), 65536u);
  EXPECT_EQ(r->ctime(), 1700000000);
  EXPECT_EQ(r->uuid()[6] & 0xf0, 0x40) << "random uuids are version 4";
  for (size_t i = 0; i < r->index_count(); ++i) EXPECT_EQ(r->index_digest(i), digest_of(i)) << i;
  EXPECT_EQ(r->chunk_range(0), (ChunkRange{0, 65536}));
  EXPECT_EQ(r->chunk_range(10), (ChunkRange{655360, size}));
  EXPECT_EQ(r->compute_csum(), r->stored_csum());
  auto pos = r->chunk_from_offset(655361);
  ASSERT_TRUE(pos);
  EXPECT_EQ(pos->index, 10u);
  EXPECT_EQ(pos->offset_in_chunk, 1u);
  EXPECT_FALSE(r->chunk_from_offset(size));
}

TEST(FixedIndexTest, ReaderRejectsMalformedFilesWithReason) {
  test::TempDir dir;
  Bytes good = write_index(dir / "good.fidx", 3 * 4096, 4096);
  ASSERT_EQ(good.size(), 4096u + 3 * 32);
  auto patched = [&](size_t offset, uint64_t value) {
    Bytes b = good;
    if (b.size() >= offset + 8) store_le64(b.data() + offset, value);
    return b;
  };
  Bytes extra = good;
  extra.push_back(0);
  Bytes missing(good.begin(), good.end() - 32);
  Bytes wrong_magic = good;
  wrong_magic[0] ^= 1;
  struct Case {
    const char* name;
    Bytes file;
    const char* reason;
  };
  const Case cases[] = {
      {"empty", {}, "0 bytes is shorter than the 4096-byte header"},
      {"truncated header", Bytes(good.begin(), good.begin() + 100), "shorter than the 4096"},
      {"wrong magic", wrong_magic, "wrong magic 2e7f41ed91fd0fcd"},
      {"size 0", patched(64, 0), "size is 0"},
      {"chunk size 3000", patched(72, 3000), "chunk size 3000 is not a power of two"},
      {"chunk size 0", patched(72, 0), "chunk size 0 is not a power of two"},
      {"extra byte", extra, "file size 4193 does not match 4096 + 32 * 3 entries"},
      {"missing entry", missing, "file size 4160 does not match 4096 + 32 * 3 entries"},
      {"huge size", patched(64, ~uint64_t(0)), "does not match"},
      {"dynamic magic",
       [&] {
         Bytes b = good;
         std::copy(kDynamicSizedChunkIndexMagicV1_0.begin(), kDynamicSizedChunkIndexMagicV1_0.end(),
                   b.begin());
         return b;
       }(),
       "invalid fixed index: wrong magic"},
  };
  for (const Case& c : cases) {
    auto r = FixedIndexReader::from_bytes(c.file);
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(r.error().code(), Errc::Corruption) << c.name;
    EXPECT_TRUE(error_mentions(r.error(), c.reason)) << c.name;
    EXPECT_TRUE(error_mentions(r.error(), "invalid fixed index")) << c.name;
  }
  ASSERT_TRUE(fs::atomic_replace(dir / "bad.fidx", extra));
  auto opened = FixedIndexReader::open(dir / "bad.fidx");
  ASSERT_FALSE(opened);
  EXPECT_TRUE(error_mentions(opened.error(), "open fixed index '" + (dir / "bad.fidx").string()));
  auto missing_file = open_index(dir / "nope.fidx");
  ASSERT_FALSE(missing_file);
  EXPECT_EQ(missing_file.error().code(), Errc::NotFound);
  EXPECT_TRUE(error_mentions(missing_file.error(), "nope.fidx"));
}

TEST(FixedIndexTest, RangesDoNotWrapForSizesNear2To64) {
  test::TempDir dir;
  Bytes file = write_index(dir / "a.fidx", 2 * 4096, 4096);
  ASSERT_EQ(file.size(), 4096u + 2 * 32);
  store_le64(file.data() + 64, ~uint64_t(0));       // size 2^64 - 1
  store_le64(file.data() + 72, uint64_t(1) << 63);  // chunk size 2^63: still 2 entries
  auto r = FixedIndexReader::from_bytes(file);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->chunk_range(0), (ChunkRange{0, uint64_t(1) << 63}));
  EXPECT_EQ(r->chunk_range(1), (ChunkRange{uint64_t(1) << 63, ~uint64_t(0)}));
}

TEST(FixedIndexTest, OpenIndexRejectsUnknownMagic) {
  test::TempDir dir;
  ASSERT_TRUE(fs::atomic_replace(dir / "x.fidx", Bytes(5000, 7)));
  auto r = open_index(dir / "x.fidx");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::Corruption);
  EXPECT_TRUE(error_mentions(r.error(), "not an index file: unknown magic 0707070707070707"));
  EXPECT_TRUE(error_mentions(r.error(), (dir / "x.fidx").string()));
}

TEST(FixedIndexTest, CreateValidatesArguments) {
  test::TempDir dir;
  struct Case {
    uint64_t size, chunk_size;
    const char* reason;
  } cases[] = {
      {0, 4096, "size is 0"},
      {4096, 0, "chunk size 0 is not a power of two"},
      {4096, 4097, "chunk size 4097 is not a power of two"},
      {uint64_t(1) << 62, 1, "exceed the index size limit"},
  };
  for (const auto& c : cases) {
    auto w = FixedIndexWriter::create(dir / "a.fidx", c.size, c.chunk_size, 0);
    ASSERT_FALSE(w) << c.reason;
    EXPECT_EQ(w.error().code(), Errc::InvalidArgument);
    EXPECT_TRUE(error_mentions(w.error(), c.reason));
  }
  EXPECT_TRUE(stdfs::is_empty(dir.path()));
  auto w = FixedIndexWriter::create(dir / "a.fidx", 4096, 4096, 0);
  ASSERT_TRUE(w);
  auto st = w->add_digest(1, digest_of(1));
  ASSERT_FALSE(st);
  EXPECT_TRUE(error_mentions(st.error(), "entry 1 out of range (count 1)"));
  auto no_dir = FixedIndexWriter::create(dir / "missing" / "a.fidx", 4096, 4096, 0);
  ASSERT_FALSE(no_dir);
  EXPECT_TRUE(error_mentions(no_dir.error(), "a.tmp_fidx"));
}

TEST(FixedIndexTest, CloseIsAtomicTmpThenRename) {
  test::TempDir dir;
  auto w = FixedIndexWriter::create(dir / "drive-scsi0.img.fidx", 8192, 4096, 0);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->tmp_path(), dir / "drive-scsi0.img.tmp_fidx");
  EXPECT_TRUE(stdfs::exists(dir / "drive-scsi0.img.tmp_fidx"));
  EXPECT_FALSE(stdfs::exists(dir / "drive-scsi0.img.fidx"));
  ASSERT_TRUE(w->close());
  EXPECT_FALSE(stdfs::exists(dir / "drive-scsi0.img.tmp_fidx"));
  EXPECT_TRUE(stdfs::exists(dir / "drive-scsi0.img.fidx"));
  auto again = w->close();
  ASSERT_FALSE(again);
  EXPECT_TRUE(error_mentions(again.error(), "closed"));
}

TEST(FixedIndexTest, DestroyedOrAbortedWriterLeavesNoFiles) {
  test::TempDir dir;
  {
    auto w = FixedIndexWriter::create(dir / "a.fidx", 8192, 4096, 0);
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->add_digest(0, digest_of(0)));
    FixedIndexWriter moved = std::move(*w);  // the moved-from writer must not remove anything
  }
  EXPECT_TRUE(stdfs::is_empty(dir.path()));
  auto w = FixedIndexWriter::create(dir / "b.fidx", 8192, 4096, 0);
  ASSERT_TRUE(w);
  w->abort();
  w->abort();
  EXPECT_TRUE(stdfs::is_empty(dir.path()));
  EXPECT_FALSE(w->add_digest(0, digest_of(0)));
  EXPECT_FALSE(w->close());
  EXPECT_TRUE(stdfs::is_empty(dir.path()));
}

TEST(FixedIndexTest, CrashBeforeRenameLeavesNoFinalFile) {
  test::TempDir dir;
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    fault::set_hook_for_test([](std::string_view point) {
      if (point == "index_writer.before_rename") ::_exit(42);
    });
    auto w = FixedIndexWriter::create(dir / "a.fidx", 4096, 4096, 0);
    if (w) (void)w->close();
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 42) << "fault point not reached";
  EXPECT_FALSE(stdfs::exists(dir / "a.fidx"));
  EXPECT_TRUE(stdfs::exists(dir / "a.tmp_fidx")) << "only the temporary file may remain";
}

TEST(FixedIndexTest, CloneDataFromCopiesEntriesOfAMatchingIndex) {
  test::TempDir dir;
  write_index(dir / "old.fidx", 5 * 4096, 4096);
  auto old = FixedIndexReader::open(dir / "old.fidx");
  ASSERT_TRUE(old);
  auto w = FixedIndexWriter::create(dir / "new.fidx", 5 * 4096, 4096, 0);
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->clone_data_from(*old));
  auto csum = w->close();
  ASSERT_TRUE(csum);
  EXPECT_EQ(*csum, old->stored_csum());
  auto mismatch = FixedIndexWriter::create(dir / "other.fidx", 4 * 4096, 4096, 0);
  auto st = mismatch->clone_data_from(*old);
  ASSERT_FALSE(st);
  EXPECT_TRUE(error_mentions(st.error(), "cannot clone"));
}

}  // namespace
}  // namespace ferry::datastore

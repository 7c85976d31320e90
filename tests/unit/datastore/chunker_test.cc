#include "datastore/chunker.h"

#include <gtest/gtest.h>

#include <random>

namespace ferry::datastore {
namespace {

Bytes random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes out(n);
  for (auto& b : out) b = uint8_t(rng());
  return out;
}

TEST(ChunkerTest, FeedingInPiecesGivesTheSameBoundariesAsOneBuffer) {
  const size_t avg = 64u << 10;
  Bytes data = random_bytes(3u << 20, 7);
  std::vector<uint64_t> whole = chunk_end_offsets(data, avg);
  ASSERT_GT(whole.size(), 10u);

  for (size_t piece : {size_t(1) << 10, size_t(4093), size_t(1) << 20}) {
    Chunker chunker(avg);
    std::vector<uint64_t> ends;
    uint64_t chunk_start_in_stream = 0;
    for (size_t off = 0; off < data.size(); off += piece) {
      ByteView buf = ByteView(data).subspan(off, std::min(piece, data.size() - off));
      size_t pos = 0;
      while (pos < buf.size()) {
        size_t k = chunker.scan(buf.subspan(pos));
        if (k == 0) break;
        pos += k;
        chunk_start_in_stream = off + pos;
        ends.push_back(chunk_start_in_stream);
      }
    }
    if (chunk_start_in_stream < data.size()) ends.push_back(data.size());
    EXPECT_EQ(ends, whole) << "piece size " << piece;
  }
}

TEST(ChunkerTest, ChunksRespectMinAndMaxSizes) {
  for (size_t avg : {size_t(64) << 10, size_t(256) << 10}) {
    Bytes data = random_bytes(8u << 20, 3);
    std::vector<uint64_t> ends = chunk_end_offsets(data, avg);
    uint64_t prev = 0;
    for (size_t i = 0; i < ends.size(); ++i) {
      uint64_t size = ends[i] - prev;
      EXPECT_LE(size, avg * 4) << "chunk " << i;
      if (i + 1 < ends.size()) {
        EXPECT_GE(size, avg / 4) << "chunk " << i;
      }
      prev = ends[i];
    }
    EXPECT_EQ(ends.back(), data.size());
  }
}

TEST(ChunkerTest, ConstantInputYieldsMaxSizedChunksAndEmptyInputNone) {
  EXPECT_EQ(chunk_end_offsets(Bytes(600u << 10, 0xaa), 64u << 10),
            (std::vector<uint64_t>{256u << 10, 512u << 10, 600u << 10}));
  EXPECT_TRUE(chunk_end_offsets({}, 64u << 10).empty());
  EXPECT_EQ(chunk_end_offsets(Bytes(10, 1), 64u << 10), (std::vector<uint64_t>{10}));
}

TEST(ChunkerTest, ResetStartsANewStream) {
  Bytes data = random_bytes(1u << 20, 9);
  Chunker a(64u << 10);
  Chunker b(64u << 10);
  (void)a.scan(ByteView(random_bytes(1000, 1)));  // partial chunk, then dropped
  a.reset();
  EXPECT_EQ(a.scan(data), b.scan(data));
}

TEST(ChunkerTest, ValidAverageSizesArePowersOfTwoFrom64KiBTo4MiB) {
  for (size_t kib : {64, 128, 256, 512, 1024, 2048, 4096}) {
    EXPECT_TRUE(Chunker::is_valid_avg_size(kib << 10)) << kib;
  }
  for (size_t bad : {size_t(0), size_t(32) << 10, size_t(96) << 10, size_t(8) << 20}) {
    EXPECT_FALSE(Chunker::is_valid_avg_size(bad)) << bad;
  }
  Chunker c(4u << 20);
  EXPECT_EQ(c.min_size(), 1u << 20);
  EXPECT_EQ(c.max_size(), 16u << 20);
}

}  // namespace
}  // namespace ferry::datastore

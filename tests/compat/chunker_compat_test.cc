// Golden vectors of spec datastore-format §9.2: the buzhash table and PBS's chunk boundaries.
#include <gtest/gtest.h>

#include "common/digest.h"
#include "datastore/chunker.h"

namespace ferry::datastore {
namespace {

Bytes counter_stream(size_t n_u32) {
  Bytes out(n_u32 * 4);
  for (size_t i = 0; i < n_u32; ++i) store_le32(out.data() + 4 * i, uint32_t(i));
  return out;
}

Bytes xorshift_stream(size_t size) {
  Bytes out(size + 8);
  uint64_t s = 0x0123456789abcdefULL;
  for (size_t pos = 0; pos < size; pos += 8) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    store_le64(out.data() + pos, s);
  }
  out.resize(size);
  return out;
}

TEST(ChunkerCompatTest, BuzhashTableHashMatchesSpec) {
  Bytes serialized(1024);
  for (size_t i = 0; i < 256; ++i)
    store_le32(serialized.data() + 4 * i, Chunker::buzhash_table()[i]);
  EXPECT_EQ(sha256(serialized).to_hex(),
            "5b52080d38287da9d2e278466e3e0db7ec98e5e8b226f50612a56fa012b1f660");
}

TEST(ChunkerCompatTest, Vector1CounterStream64KiB) {
  EXPECT_EQ(chunk_end_offsets(counter_stream(262144), 64u << 10),
            (std::vector<uint64_t>{143377, 405521, 667665, 929809, 1048576}));
}

TEST(ChunkerCompatTest, Vector2Xorshift1MiB64KiB) {
  EXPECT_EQ(chunk_end_offsets(xorshift_stream(1u << 20), 64u << 10),
            (std::vector<uint64_t>{37705, 93179, 224685, 271693, 309386, 377642, 441068, 510110,
                                   579406, 595955, 647985, 711765, 732570, 756669, 804654, 821445,
                                   897611, 965474, 1048576}));
}

TEST(ChunkerCompatTest, Vector3Xorshift40MiB4MiB) {
  EXPECT_EQ(chunk_end_offsets(xorshift_stream(41943040), 4u << 20),
            (std::vector<uint64_t>{2181550, 3526830, 5870570, 15546620, 18113959, 19994893,
                                   27996591, 30085479, 31553823, 35442412, 41943040}));
}

TEST(ChunkerCompatTest, Vector4TwentyMiBOfZeros4MiB) {
  EXPECT_EQ(chunk_end_offsets(Bytes(20u << 20, 0), 4u << 20),
            (std::vector<uint64_t>{16777216, 20971520}));
}

}  // namespace
}  // namespace ferry::datastore

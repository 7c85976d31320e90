// Golden vectors of spec datastore-format §5 (fixed index) and §6 (dynamic index): our
// writers must produce the files byte for byte, our readers must read them.
#include <gtest/gtest.h>

#include "compat/golden.h"
#include "datastore/dynamic_index.h"
#include "datastore/fixed_index.h"
#include "support/temp_dir.h"

namespace ferry::datastore {
namespace {

using test::hex_bytes;
using test::hex_of;
using test::read_golden;

constexpr int64_t kCtime = 1717597476;
const IndexUuid kUuid = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                         0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

TEST(FixedIndexCompatTest, FiveMibOfZerosMatchesSpecHeaderCsumAndFile) {
  Digest d0 = sha256(Bytes(4u << 20, 0));
  Digest d1 = sha256(Bytes(1u << 20, 0));
  EXPECT_EQ(d0.to_hex(), "bb9f8df61474d25e71fa00722318cd387396ca1736605e1248821cc0de3d3af8");
  EXPECT_EQ(d1.to_hex(), "30e14955ebf1352266dc2ff8067e68104607e750abb9d3b36582b8af909fcb58");

  test::TempDir dir;
  auto w =
      FixedIndexWriter::create(dir / "drive-scsi0.img.fidx", 5u << 20, 4u << 20, kCtime, kUuid);
  ASSERT_TRUE(w) << w.error().to_string();
  ASSERT_TRUE(w->add_digest(1, d1));  // any order
  ASSERT_TRUE(w->add_digest(0, d0));
  auto csum = w->close();
  ASSERT_TRUE(csum) << csum.error().to_string();
  EXPECT_EQ(csum->to_hex(), "f8bd3b7fc59d52351f1518fcecab6a686585ff0a707e9da79d717a1ed108ea2a");

  auto written = fs::read_file(dir / "drive-scsi0.img.fidx", 1u << 20);
  ASSERT_TRUE(written);
  EXPECT_EQ(written->size(), 4160u);
  EXPECT_EQ(hex_of(ByteView(*written).first(80)),
            hex_of(hex_bytes("2f 7f 41 ed 91 fd 0f cd 00 11 22 33 44 55 66 77"
                             "88 99 aa bb cc dd ee ff 24 75 60 66 00 00 00 00"
                             "f8 bd 3b 7f c5 9d 52 35 1f 15 18 fc ec ab 6a 68"
                             "65 85 ff 0a 70 7e 9d a7 9d 71 7a 1e d1 08 ea 2a"
                             "00 00 50 00 00 00 00 00 00 00 40 00 00 00 00 00")));
  Bytes golden = read_golden("fidx_zeros_5mib.fidx");
  EXPECT_EQ(*written, golden) << "written fidx differs from tests/data/formats golden";

  auto r = FixedIndexReader::from_bytes(golden);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->index_bytes(), 5242880u);  // the manifest size
  EXPECT_EQ(r->chunk_size(), 4194304u);
  ASSERT_EQ(r->index_count(), 2u);
  EXPECT_EQ(r->index_digest(0), d0);
  EXPECT_EQ(r->index_digest(1), d1);
  EXPECT_EQ(r->chunk_range(1), (ChunkRange{4u << 20, 5u << 20}));
  EXPECT_EQ(r->compute_csum(), r->stored_csum());
  EXPECT_EQ(r->ctime(), kCtime);
  EXPECT_EQ(r->uuid(), kUuid);
}

TEST(DynamicIndexCompatTest, AbcDefghMatchesSpecHeaderEntriesAndCsum) {
  test::TempDir dir;
  auto w = DynamicIndexWriter::create(dir / "root.pxar.didx", kCtime, kUuid);
  ASSERT_TRUE(w) << w.error().to_string();
  ASSERT_TRUE(w->add_chunk(3, sha256("abc")));
  ASSERT_TRUE(w->add_chunk(8, sha256("defgh")));
  auto csum = w->close();
  ASSERT_TRUE(csum) << csum.error().to_string();
  EXPECT_EQ(csum->to_hex(), "49ac1be65d03d92affec8061fcbdf4195c8378aa8efb2d5f651a515f9efd4b4b");

  auto written = fs::read_file(dir / "root.pxar.didx", 1u << 20);
  ASSERT_TRUE(written);
  EXPECT_EQ(written->size(), 4176u);
  EXPECT_EQ(hex_of(ByteView(*written).first(64)),
            hex_of(hex_bytes("1c 91 4e a5 19 ba b3 cd 00 11 22 33 44 55 66 77"
                             "88 99 aa bb cc dd ee ff 24 75 60 66 00 00 00 00"
                             "49 ac 1b e6 5d 03 d9 2a ff ec 80 61 fc bd f4 19"
                             "5c 83 78 aa 8e fb 2d 5f 65 1a 51 5f 9e fd 4b 4b")));
  EXPECT_EQ(hex_of(ByteView(*written).subspan(4096)),
            hex_of(hex_bytes("03 00 00 00 00 00 00 00 ba 78 16 bf 8f 01 cf ea"
                             "41 41 40 de 5d ae 22 23 b0 03 61 a3 96 17 7a 9c"
                             "b4 10 ff 61 f2 00 15 ad 08 00 00 00 00 00 00 00"
                             "38 33 95 a7 69 13 1d 15 c1 c6 fc 57 c6 ab db 75"
                             "9a ce 98 09 c1 ad 20 d1 f4 91 d9 0f 7f 02 65 0e")));
  Bytes golden = read_golden("didx_abc_defgh.didx");
  EXPECT_EQ(*written, golden) << "written didx differs from tests/data/formats golden";

  auto r = DynamicIndexReader::from_bytes(golden);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->index_bytes(), 8u);  // the manifest size
  ASSERT_EQ(r->index_count(), 2u);
  EXPECT_EQ(r->chunk_range(0), (ChunkRange{0, 3}));
  EXPECT_EQ(r->chunk_range(1), (ChunkRange{3, 8}));
  EXPECT_EQ(r->index_digest(1), sha256("defgh"));
  EXPECT_EQ(r->compute_csum(), r->stored_csum());
}

TEST(IndexCompatTest, OpenIndexPicksTheReaderByMagic) {
  for (std::string_view name : {"fidx_zeros_5mib.fidx", "didx_abc_defgh.didx"}) {
    auto idx = open_index(test::golden_path(name));
    ASSERT_TRUE(idx) << name << ": " << idx.error().to_string();
    EXPECT_EQ((*idx)->compute_csum(), (*idx)->stored_csum()) << name;
    EXPECT_EQ((*idx)->index_count(), 2u) << name;
  }
}

}  // namespace
}  // namespace ferry::datastore

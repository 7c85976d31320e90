// Golden vectors of spec datastore-format §2.2 (keys), §3 (blobs) and §1.1 (chunk paths).
#include <gtest/gtest.h>

#include <string>

#include "compat/golden.h"
#include "datastore/crypt_config.h"
#include "datastore/data_blob.h"
#include "datastore/fixed_index.h"
#include "datastore/index.h"

namespace ferry::datastore {
namespace {

using test::hex_bytes;
using test::hex_of;
using test::read_golden;

std::array<uint8_t, 32> key_00_1f() {
  std::array<uint8_t, 32> k{};
  for (size_t i = 0; i < k.size(); ++i) k[i] = uint8_t(i);
  return k;
}

CryptIv iv_00_0f() {
  CryptIv iv{};
  for (size_t i = 0; i < iv.size(); ++i) iv[i] = uint8_t(i);
  return iv;
}

TEST(FormatMagicTest, EachMagicIsTheFirstEightBytesOfSha256OfItsName) {
  struct Case {
    std::string_view name;
    std::array<uint8_t, 8> magic;
    std::string_view spec_hex;
  };
  const Case cases[] = {
      {"Proxmox Backup uncompressed blob v1.0", kUncompressedBlobMagicV1_0, "42ab3807be8370a1"},
      {"Proxmox Backup zstd compressed blob v1.0", kCompressedBlobMagicV1_0, "31b958426fb6a37f"},
      {"Proxmox Backup encrypted blob v1.0", kEncryptedBlobMagicV1_0, "7b6785be222d4cf0"},
      {"Proxmox Backup zstd compressed encrypted blob v1.0", kEncrCompBlobMagicV1_0,
       "e6591bbf0bbfd80b"},
      {"Proxmox Backup fixed sized chunk index v1.0", kFixedSizedChunkIndexMagicV1_0,
       "2f7f41ed91fd0fcd"},
      {"Proxmox Backup dynamic sized chunk index v1.0", kDynamicSizedChunkIndexMagicV1_0,
       "1c914ea519bab3cd"},
  };
  for (const Case& c : cases) {
    Digest d = sha256(c.name);
    EXPECT_EQ(hex_of(ByteView(d.bytes).first(8)), c.spec_hex) << c.name;
    EXPECT_EQ(hex_of(c.magic), c.spec_hex) << c.name;
  }
  // The catalog magic is only derived here (the catalog codec lives elsewhere).
  EXPECT_EQ(hex_of(ByteView(sha256("Proxmox Backup Catalog file v1.0").bytes).first(8)),
            "91fd60f9c46758d5");
}

TEST(KeyVectorTest, IdKeyFingerprintAndKeyedDigestMatchSpec) {
  auto key = key_00_1f();
  CryptConfig c = CryptConfig::from_key(key);
  EXPECT_EQ(hex_of(c.id_key()), "7c2c013efd07f3b25717a485263343cd4d292a4b65c200bb3b18ea227abe225c");
  EXPECT_EQ(c.fingerprint_string(),
            "0e:ab:d4:46:0b:6e:b9:ca:34:50:23:de:e2:b7:78:c7:90:e5:4a:16:83:b9:65:9c:0a:57:ae:19:"
            "90:90:15:9b");
  EXPECT_EQ(c.fingerprint_string().size(), 95u);
  EXPECT_EQ(c.compute_digest(as_bytes("abc")).to_hex(),
            "ae52f0812a2f1ac3f368d9295cf6419bdff5fe1fe197e48052dd2f7e6d00a6fd");
  EXPECT_EQ(sha256("Proxmox Backup Encryption Key Fingerprint").to_hex(),
            "6ed0ef77471fff4d55c7a8fe4a9db62161407f134c725ddf30992d25ec45ed26");
}

TEST(DataBlobCompatTest, AbcBlobMatchesSpecBytesCrcFileHashAndChunkPath) {
  Bytes golden = read_golden("blob_abc.blob");
  EXPECT_EQ(hex_of(golden), hex_of(hex_bytes("42 ab 38 07 be 83 70 a1 c2 41 24 35 61 62 63")));
  for (bool compress : {false, true}) {  // zstd of 3 bytes is longer: stays uncompressed
    auto blob = DataBlob::encode(as_bytes("abc"), nullptr, compress);
    ASSERT_TRUE(blob) << blob.error().to_string();
    EXPECT_EQ(hex_of(blob->raw()), hex_of(golden)) << "compress=" << compress;
    EXPECT_EQ(blob->kind(), BlobKind::Uncompressed);
    EXPECT_EQ(blob->stored_crc(), 0x352441c2u);
  }
  EXPECT_EQ(sha256(golden).to_hex(),
            "e97b4819003f6f6bd21bf0c0836893338857ab0b8550e178f6ebbbbaa78b5dc1");
  Digest chunk = sha256("abc");
  std::string path = ".chunks/" + chunk.to_hex().substr(0, 4) + "/" + chunk.to_hex();
  EXPECT_EQ(path, ".chunks/ba78/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto parsed = DataBlob::from_raw(golden);
  ASSERT_TRUE(parsed);
  ASSERT_TRUE(parsed->verify_crc());
  auto plain = parsed->decode(nullptr, &chunk);
  ASSERT_TRUE(plain) << plain.error().to_string();
  EXPECT_EQ(as_chars(*plain), "abc");
  EXPECT_TRUE(parsed->verify_unencrypted(3, chunk));
}

TEST(DataBlobCompatTest, EmptyBlobIsTwelveBytesWithZeroCrc) {
  Bytes golden = read_golden("blob_empty.blob");
  EXPECT_EQ(hex_of(golden), "42ab3807be8370a100000000");
  auto blob = DataBlob::encode({}, nullptr, true);
  ASSERT_TRUE(blob);
  EXPECT_EQ(hex_of(blob->raw()), hex_of(golden));
  auto plain = DataBlob::from_raw(golden)->decode(nullptr);
  ASSERT_TRUE(plain);
  EXPECT_TRUE(plain->empty());
}

TEST(DataBlobCompatTest, EncryptedAbcBlobWithFixedIvMatchesSpecBytes) {
  Bytes golden = read_golden("blob_abc_encrypted.blob");
  EXPECT_EQ(hex_of(golden), hex_of(hex_bytes("7b 67 85 be 22 2d 4c f0 24 1b 22 67"
                                             "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f"
                                             "11 ff 6d 75 32 4a 66 11 f7 b6 c6 7c c7 de 33 2a"
                                             "06 0e c3")));
  auto key = key_00_1f();
  CryptConfig c = CryptConfig::from_key(key);
  auto blob = DataBlob::encode_with_iv_for_test(as_bytes("abc"), c, true, iv_00_0f());
  ASSERT_TRUE(blob) << blob.error().to_string();
  EXPECT_EQ(hex_of(blob->raw()), hex_of(golden));
  EXPECT_EQ(blob->kind(), BlobKind::Encrypted);

  auto parsed = DataBlob::from_raw(golden);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->verify_crc());
  Digest keyed = c.compute_digest(as_bytes("abc"));
  auto plain = parsed->decode(&c, &keyed);
  ASSERT_TRUE(plain) << plain.error().to_string();
  EXPECT_EQ(as_chars(*plain), "abc");
  // The server cannot decrypt: the upload check passes on magic alone.
  EXPECT_TRUE(parsed->verify_unencrypted(3, keyed));
}

TEST(DataBlobCompatTest, DecodesZstdCliOutputWithOneAndTwoFrames) {
  std::string expected;
  for (int i = 0; expected.size() < (1u << 20); ++i) {
    expected += fmt::format("ferry golden line {:08d}\n", i);
  }
  expected.resize(1u << 20);
  for (std::string_view name : {"blob_pattern_zstd.blob", "blob_pattern_zstd_2frames.blob"}) {
    auto blob = DataBlob::from_raw(read_golden(name));
    ASSERT_TRUE(blob) << name;
    EXPECT_EQ(blob->kind(), BlobKind::Compressed) << name;
    EXPECT_TRUE(blob->verify_crc()) << name;
    Digest d = sha256(expected);
    auto plain = blob->decode(nullptr, &d);
    ASSERT_TRUE(plain) << name << ": " << plain.error().to_string();
    EXPECT_EQ(plain->size(), expected.size()) << name;
  }
}

}  // namespace
}  // namespace ferry::datastore

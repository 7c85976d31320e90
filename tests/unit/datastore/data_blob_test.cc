#include "datastore/data_blob.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "common/fs.h"
#include "support/temp_dir.h"

namespace ferry::datastore {
namespace {

Bytes random_bytes(size_t n, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  Bytes out(n);
  for (auto& b : out) b = uint8_t(rng());
  return out;
}

Bytes compressible_bytes(size_t n) {
  Bytes out(n);
  for (size_t i = 0; i < n; ++i) out[i] = uint8_t("ferry backup "[i % 13]);
  return out;
}

CryptConfig test_key() {
  std::array<uint8_t, 32> key;
  key.fill(0x42);
  return CryptConfig::from_key(key);
}

// True if the error's full text contains `needle`; prints the text on failure.
::testing::AssertionResult error_mentions(const Error& e, std::string_view needle) {
  std::string text = e.to_string();
  if (text.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "error '" << text << "' does not mention '" << needle << "'";
}

TEST(DataBlobTest, EncodeDecodeRoundTripsForEveryKind) {
  CryptConfig key = test_key();
  struct Case {
    const char* name;
    Bytes data;
    bool encrypt;
    bool compress;
    BlobKind expected;
  };
  const Case cases[] = {
      {"plain compressible", compressible_bytes(100000), false, false, BlobKind::Uncompressed},
      {"zstd compressible", compressible_bytes(100000), false, true, BlobKind::Compressed},
      {"zstd random (not smaller)", random_bytes(100000), false, true, BlobKind::Uncompressed},
      {"encrypted", compressible_bytes(5000), true, false, BlobKind::Encrypted},
      {"encrypted zstd", compressible_bytes(5000), true, true, BlobKind::EncryptedCompressed},
      {"encrypted zstd random", random_bytes(5000), true, true, BlobKind::Encrypted},
      {"empty", {}, false, true, BlobKind::Uncompressed},
      {"one byte", {0x61}, false, true, BlobKind::Uncompressed},
      {"4 MiB compressible", compressible_bytes(4u << 20), false, true, BlobKind::Compressed},
  };
  for (const Case& c : cases) {
    auto blob = DataBlob::encode(c.data, c.encrypt ? &key : nullptr, c.compress);
    ASSERT_TRUE(blob) << c.name << ": " << blob.error().to_string();
    EXPECT_EQ(blob->kind(), c.expected) << c.name;
    EXPECT_TRUE(blob->verify_crc()) << c.name;
    if (c.expected == BlobKind::Compressed || c.expected == BlobKind::EncryptedCompressed) {
      EXPECT_LT(blob->raw_size() - blob->header_size(), c.data.size()) << c.name;
    }
    Digest digest = c.encrypt ? key.compute_digest(c.data) : sha256(c.data);
    auto reparsed = DataBlob::from_raw(blob->raw());
    ASSERT_TRUE(reparsed) << c.name;
    auto plain = reparsed->decode(c.encrypt ? &key : nullptr, &digest);
    ASSERT_TRUE(plain) << c.name << ": " << plain.error().to_string();
    EXPECT_EQ(*plain, c.data) << c.name;
  }
}

TEST(DataBlobTest, EncryptionUsesAFreshIvEachTime) {
  CryptConfig key = test_key();
  auto a = DataBlob::encode(as_bytes("same"), &key, false);
  auto b = DataBlob::encode(as_bytes("same"), &key, false);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->iv(), b->iv());
  EXPECT_NE(a->raw(), b->raw());
}

TEST(DataBlobTest, EncodeRejectsDataOver128MiB) {
  Bytes big(kMaxBlobPlaintextSize + 1);
  auto blob = DataBlob::encode(big, nullptr, false);
  ASSERT_FALSE(blob);
  EXPECT_EQ(blob.error().code(), Errc::InvalidArgument);
  EXPECT_TRUE(error_mentions(blob.error(), "too large (134217729 bytes"));
}

TEST(DataBlobTest, FromRawRejectsShortAndUnknownInputWithReason) {
  struct Case {
    const char* name;
    Bytes raw;
    const char* reason;
  };
  Bytes enc_magic(kEncryptedBlobMagicV1_0.begin(), kEncryptedBlobMagicV1_0.end());
  enc_magic.resize(43);
  const Case cases[] = {
      {"empty", {}, "0 bytes is shorter than the 12-byte header"},
      {"11 bytes", Bytes(kUncompressedBlobMagicV1_0.begin(), kUncompressedBlobMagicV1_0.end()),
       "8 bytes is shorter than the 12-byte header"},
      {"wrong magic", Bytes(20, 0xab), "wrong magic abababababababab"},
      {"encrypted 43 bytes", enc_magic, "shorter than the 44-byte header"},
  };
  for (const Case& c : cases) {
    auto blob = DataBlob::from_raw(c.raw);
    ASSERT_FALSE(blob) << c.name;
    EXPECT_EQ(blob.error().code(), Errc::Corruption) << c.name;
    EXPECT_TRUE(error_mentions(blob.error(), c.reason)) << c.name;
  }
}

TEST(DataBlobTest, CrcMismatchIsReportedAndFixable) {
  auto blob = DataBlob::encode(as_bytes("payload"), nullptr, false);
  ASSERT_TRUE(blob);
  Bytes raw = std::move(*blob).take_raw();
  raw.back() ^= 1;
  auto damaged = DataBlob::from_raw(raw);
  ASSERT_TRUE(damaged) << "from_raw must not check the crc";
  auto st = damaged->verify_crc();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), Errc::Corruption);
  EXPECT_TRUE(error_mentions(st.error(), "crc mismatch"));
  damaged->fix_crc();
  EXPECT_TRUE(damaged->verify_crc());
  EXPECT_EQ(damaged->stored_crc(), damaged->compute_crc());
}

TEST(DataBlobTest, LoadNamesThePathOnEveryFailure) {
  test::TempDir dir;
  auto good = DataBlob::encode(as_bytes("hello"), nullptr, false);
  ASSERT_TRUE(good);
  ASSERT_TRUE(fs::atomic_replace(dir / "good.blob", good->raw()));
  auto loaded = DataBlob::load(dir / "good.blob");
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(loaded->raw(), good->raw());

  Bytes bad_crc = good->raw();
  bad_crc[8] ^= 0xff;
  ASSERT_TRUE(fs::atomic_replace(dir / "crc.blob", bad_crc));
  ASSERT_TRUE(fs::atomic_replace(dir / "magic.blob", as_bytes("not a blob at all")));
  struct Case {
    const char* file;
    Errc code;
    const char* reason;
  } cases[] = {
      {"crc.blob", Errc::Corruption, "crc mismatch"},
      {"magic.blob", Errc::Corruption, "wrong magic"},
      {"missing.blob", Errc::NotFound, "missing.blob"},
  };
  for (const auto& c : cases) {
    auto r = DataBlob::load(dir / c.file);
    ASSERT_FALSE(r) << c.file;
    EXPECT_EQ(r.error().code(), c.code) << c.file;
    EXPECT_TRUE(error_mentions(r.error(), std::string("load blob '") + (dir / c.file).string()));
    EXPECT_TRUE(error_mentions(r.error(), c.reason));
  }
  auto too_big = DataBlob::load(dir / "good.blob", 10);
  ASSERT_FALSE(too_big);
  EXPECT_TRUE(error_mentions(too_big.error(), "too large"));
}

Bytes compressed_raw(ByteView data) {
  auto blob = DataBlob::encode(data, nullptr, true);
  EXPECT_TRUE(blob && blob->kind() == BlobKind::Compressed);
  return std::move(*blob).take_raw();
}

TEST(DataBlobTest, DecodeRejectsGarbledOrTruncatedZstd) {
  Bytes raw = compressed_raw(compressible_bytes(200000));
  Bytes garbled = raw;
  for (size_t i = kBlobHeaderSize; i < kBlobHeaderSize + 8; ++i) garbled[i] ^= 0x5a;
  Bytes truncated(raw.begin(), raw.begin() + long(raw.size() / 2));
  Bytes empty_payload(raw.begin(), raw.begin() + kBlobHeaderSize);
  for (const Bytes* b : {&garbled, &truncated, &empty_payload}) {
    auto blob = DataBlob::from_raw(*b);
    ASSERT_TRUE(blob);
    auto plain = blob->decode(nullptr);
    ASSERT_FALSE(plain) << "size " << b->size();
    EXPECT_EQ(plain.error().code(), Errc::Corruption);
    EXPECT_TRUE(error_mentions(plain.error(), "zstd")) << "size " << b->size();
  }
}

TEST(DataBlobTest, DecodeOutputIsBounded) {
  auto blob = DataBlob::from_raw(compressed_raw(Bytes(1u << 20, 0)));
  ASSERT_TRUE(blob);
  EXPECT_TRUE(blob->decode_with_limit(nullptr, nullptr, 1u << 20));
  auto over = blob->decode_with_limit(nullptr, nullptr, (1u << 20) - 1);
  ASSERT_FALSE(over);
  EXPECT_TRUE(error_mentions(over.error(), "exceeds the limit of 1048575 bytes"));
  auto plain = DataBlob::encode(Bytes(100, 1), nullptr, false);
  EXPECT_FALSE(plain->decode_with_limit(nullptr, nullptr, 99));
}

TEST(DataBlobTest, DecodeChecksDigestAndKey) {
  CryptConfig key = test_key();
  auto plain = DataBlob::encode(as_bytes("data"), nullptr, true);
  Digest wrong = sha256("other");
  auto r = plain->decode(nullptr, &wrong);
  ASSERT_FALSE(r);
  EXPECT_TRUE(error_mentions(r.error(), "digest mismatch: expected " + wrong.to_hex()));

  auto enc = DataBlob::encode(as_bytes("data"), &key, true);
  auto no_key = enc->decode(nullptr);
  ASSERT_FALSE(no_key);
  EXPECT_EQ(no_key.error().code(), Errc::InvalidArgument);
  EXPECT_TRUE(error_mentions(no_key.error(), "encrypted but no key"));
  std::array<uint8_t, 32> other_key{};
  CryptConfig other = CryptConfig::from_key(other_key);
  auto wrong_key = enc->decode(&other);
  ASSERT_FALSE(wrong_key);
  EXPECT_TRUE(error_mentions(wrong_key.error(), "decrypt blob: authentication tag mismatch"));
  // An unencrypted blob is addressed by the plain digest even if a key is passed.
  Digest plain_digest = sha256("data");
  EXPECT_TRUE(plain->decode(&key, &plain_digest));
}

TEST(DataBlobTest, VerifyUnencryptedChecksDigestAndSize) {
  Bytes data = compressible_bytes(70000);
  Digest d = sha256(data);
  auto blob = DataBlob::encode(data, nullptr, true);
  ASSERT_TRUE(blob);
  EXPECT_TRUE(blob->verify_unencrypted(70000, d));
  auto small = blob->verify_unencrypted(69999, d);
  ASSERT_FALSE(small);
  EXPECT_EQ(small.error().code(), Errc::Corruption);
  EXPECT_TRUE(error_mentions(small.error(), "verify chunk " + d.to_hex()));
  auto big = blob->verify_unencrypted(70001, d);
  ASSERT_FALSE(big);
  EXPECT_TRUE(error_mentions(big.error(), "size mismatch: expected 70001, got 70000"));
  EXPECT_FALSE(blob->verify_unencrypted(70000, sha256("x")));
}

}  // namespace
}  // namespace ferry::datastore

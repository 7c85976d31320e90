#include "datastore/crypt_config.h"

#include <gtest/gtest.h>

#include <string>

namespace ferry::datastore {
namespace {

CryptConfig config_with_key_byte(uint8_t b) {
  std::array<uint8_t, 32> key;
  key.fill(b);
  return CryptConfig::from_key(key);
}

CryptIv iv_filled(uint8_t b) {
  CryptIv iv;
  iv.fill(b);
  return iv;
}

TEST(CryptConfigTest, EncryptThenDecryptRoundTripsAndKeepsLength) {
  CryptConfig c = config_with_key_byte(7);
  for (size_t size : {size_t(0), size_t(1), size_t(15), size_t(16), size_t(17), size_t(100000)}) {
    Bytes plain(size);
    for (size_t i = 0; i < size; ++i) plain[i] = uint8_t(i * 31);
    CryptTag tag{};
    Bytes ct = c.encrypt(plain, iv_filled(1), tag);
    ASSERT_EQ(ct.size(), size);
    auto back = c.decrypt(ct, iv_filled(1), tag);
    ASSERT_TRUE(back) << "size " << size << ": " << back.error().to_string();
    EXPECT_EQ(*back, plain) << "size " << size;
  }
}

TEST(CryptConfigTest, DecryptWithWrongKeyIvOrTagIsCorruption) {
  CryptConfig c = config_with_key_byte(7);
  CryptTag tag{};
  Bytes ct = c.encrypt(as_bytes("secret data"), iv_filled(1), tag);

  auto wrong_key = config_with_key_byte(8).decrypt(ct, iv_filled(1), tag);
  ASSERT_FALSE(wrong_key);
  EXPECT_EQ(wrong_key.error().code(), Errc::Corruption);
  EXPECT_NE(wrong_key.error().to_string().find("authentication tag mismatch"), std::string::npos);

  EXPECT_FALSE(c.decrypt(ct, iv_filled(2), tag));
  CryptTag bad_tag = tag;
  bad_tag[0] ^= 1;
  EXPECT_FALSE(c.decrypt(ct, iv_filled(1), bad_tag));
  Bytes flipped = ct;
  flipped[3] ^= 0x80;
  EXPECT_FALSE(c.decrypt(flipped, iv_filled(1), tag));
}

TEST(CryptConfigTest, KeyedDigestDiffersFromPlainDigestAndBetweenKeys) {
  CryptConfig a = config_with_key_byte(1);
  CryptConfig b = config_with_key_byte(2);
  Digest da = a.compute_digest(as_bytes("chunk"));
  EXPECT_NE(da, sha256("chunk"));
  EXPECT_NE(da, b.compute_digest(as_bytes("chunk")));
  EXPECT_EQ(da, a.compute_digest(as_bytes("chunk")));
}

TEST(CryptConfigTest, FingerprintStringIsColonSeparatedLowerHex) {
  std::string fp = config_with_key_byte(3).fingerprint_string();
  ASSERT_EQ(fp.size(), 95u);
  for (size_t i = 0; i < fp.size(); ++i) {
    if (i % 3 == 2) {
      EXPECT_EQ(fp[i], ':') << fp;
    } else {
      EXPECT_TRUE((fp[i] >= '0' && fp[i] <= '9') || (fp[i] >= 'a' && fp[i] <= 'f')) << fp;
    }
  }
  EXPECT_NE(fp, config_with_key_byte(4).fingerprint_string());
}

TEST(CryptConfigTest, AuthTagIsHmacOfIdKey) {
  CryptConfig c = config_with_key_byte(5);
  EXPECT_EQ(c.compute_auth_tag(as_bytes("msg")), hmac_sha256(c.id_key(), as_bytes("msg")));
}

}  // namespace
}  // namespace ferry::datastore

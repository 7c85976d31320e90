#include "common/digest.h"

#include <gtest/gtest.h>

#include "common/hex.h"

namespace ferry {
namespace {

TEST(DigestTest, Sha256OfAbcMatchesKnownVector) {
  EXPECT_EQ(sha256("abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 h;
  h.update(as_bytes("a"));
  h.update(as_bytes("bc"));
  EXPECT_EQ(h.finish(), sha256("abc"));
}

TEST(DigestTest, HexRoundTripAndErrors) {
  auto d = Digest::from_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, sha256("abc"));
  EXPECT_FALSE(Digest::from_hex("ba78"));
  auto bad = Digest::from_hex(std::string(63, 'a') + "g");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("position 63"), std::string::npos);
  EXPECT_FALSE(from_hex("abc"));
  EXPECT_EQ(to_hex(*from_hex("00ff10")), "00ff10");
}

TEST(DigestTest, Crc32MatchesSpecVector) {
  EXPECT_EQ(crc32(as_bytes("abc")), 0x352441c2u);
  EXPECT_EQ(crc32(ByteView{}), 0u);
}

TEST(DigestTest, HmacSha256MatchesRfc4231Case2) {
  EXPECT_EQ(hmac_sha256(as_bytes("Jefe"), as_bytes("what do ya want for nothing?")).to_hex(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace ferry

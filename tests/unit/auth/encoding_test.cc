#include "auth/internal/encoding.h"

#include <gtest/gtest.h>

namespace ferry::auth::internal {
namespace {

TEST(EncodingTest, PercentEncodingCoversControlsColonAndNonAscii) {
  EXPECT_EQ(percent_encode_ticket("root@pam"), "root@pam");
  EXPECT_EQ(percent_encode_ticket("a:b\n\x7f/!"), "a%3Ab%0A%7F/!");
  EXPECT_EQ(percent_encode_ticket("\xc3\xa4"), "%C3%A4");
  EXPECT_EQ(percent_decode("a%3Ab%0a%zz%4"), "a:b\n%zz%4");
  EXPECT_EQ(percent_decode(percent_encode_ticket("x:\x01y\xc3\xa4")), "x:\x01y\xc3\xa4");
}

TEST(EncodingTest, HexTimeFormatsAndParsesLikeRust) {
  EXPECT_EQ(format_hex_time(0x6543210A), "6543210A");
  EXPECT_EQ(format_hex_time(255), "000000FF");
  EXPECT_EQ(format_hex_time(0x123456789), "123456789");
  EXPECT_EQ(format_hex_time(-1), "FFFFFFFFFFFFFFFF");
  EXPECT_EQ(parse_hex_i64("6543210a"), 0x6543210A);
  EXPECT_EQ(parse_hex_i64("+ff"), 255);
  EXPECT_EQ(parse_hex_i64("-10"), -16);
  EXPECT_EQ(parse_hex_i64("7FFFFFFFFFFFFFFF"), INT64_MAX);
  EXPECT_EQ(parse_hex_i64("-8000000000000000"), INT64_MIN);
  const char* bad[] = {"", "+", "-", "0x10", "8000000000000000", "g", " 1", "1 "};
  for (const char* text : bad) EXPECT_FALSE(parse_hex_i64(text).has_value()) << text;
}

}  // namespace
}  // namespace ferry::auth::internal

#include "auth/internal/encoding.h"

#include <gtest/gtest.h>

namespace ferry::auth::internal {
namespace {

TEST(EncodingTest, Base64NoPadMatchesRfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},         {"f", "Zg"},         {"fo", "Zm8"},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "+/8"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode_no_pad(as_bytes(plain)), encoded) << plain;
    auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(as_chars(*decoded), plain) << encoded;
  }
}

TEST(EncodingTest, Base64DecodeRejectsGarbage) {
  const char* bad[] = {"Z", "Zg=", "Zg==", "Zm9v!", "Zh", "Zm9=", "a b", "Zg\n"};
  for (const char* text : bad) EXPECT_FALSE(base64_decode(text).has_value()) << text;
  EXPECT_TRUE(base64_decode("Zg==", true).has_value());
  EXPECT_FALSE(base64_decode("Zg=", true).has_value());
}

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

TEST(EncodingTest, TrimUnicodeStripsUnicodeWhitespace) {
  EXPECT_EQ(trim_unicode(" \t a b \r\n"), "a b");
  EXPECT_EQ(trim_unicode("\xc2\xa0x\xe2\x80\x83"), "x");
  EXPECT_EQ(trim_unicode("   "), "");
}

}  // namespace
}  // namespace ferry::auth::internal

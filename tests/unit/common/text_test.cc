#include "common/text.h"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TEST(TextTest, Utf8ValidationRejectsOverlongsSurrogatesAndTruncation) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("ascii"));
  EXPECT_TRUE(is_valid_utf8("\xC3\xA4\xE2\x82\xAC\xF0\x9F\x98\x80"));
  const char* bad[] = {
      "\xC0\xAF",          // overlong '/'
      "\xE0\x80\xAF",      // overlong 3-byte
      "\xED\xA0\x80",      // surrogate
      "\xF4\x90\x80\x80",  // > U+10FFFF
      "\xE2\x82",          // truncated
      "\x80",              // lone continuation byte
      "\xFF",              // never valid
  };
  for (const char* text : bad) EXPECT_FALSE(is_valid_utf8(text)) << testing::PrintToString(text);
}

TEST(TextTest, SanitizeReplacesEachInvalidByteWithReplacementCharacter) {
  EXPECT_EQ(sanitize_utf8("ok \xC3\xA4"), "ok \xC3\xA4");
  EXPECT_EQ(sanitize_utf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(sanitize_utf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(is_valid_utf8(sanitize_utf8("\xED\xA0\x80\xC0")));
}

TEST(TextTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(count_code_points(""), 0u);
  EXPECT_EQ(count_code_points("abc"), 3u);
  EXPECT_EQ(count_code_points("\xC3\xA4\xE2\x82\xAC\xF0\x9F\x98\x80"), 3u);
}

TEST(TextTest, TrimStripsUnicodeWhitespaceOnly) {
  EXPECT_EQ(trim_unicode(" \t a b \r\n"), "a b");
  EXPECT_EQ(trim_unicode("\xC2\xA0x\xE2\x80\x83"), "x");  // NBSP, EM SPACE
  EXPECT_EQ(trim_unicode("   "), "");
  EXPECT_EQ(trim_unicode("\xE2\x80\x8B" "x"), "\xE2\x80\x8B" "x");  // ZWSP is not White_Space
  EXPECT_EQ(leading_whitespace_length("\xE3\x80\x80z"), 3u);
  EXPECT_EQ(trailing_whitespace_length("z\xC2\x85"), 2u);
  EXPECT_EQ(leading_whitespace_length("\xC2"), 0u);  // truncated sequence is not whitespace
  EXPECT_TRUE(is_blank(""));
  EXPECT_TRUE(is_blank(" \xE2\x80\xA8"));
  EXPECT_FALSE(is_blank(" x "));
}

TEST(TextTest, ControlCharactersIncludeC1AndMalformedInput) {
  EXPECT_FALSE(has_control_char("plain text \xC3\xA4"));
  EXPECT_TRUE(has_control_char("a\nb"));
  EXPECT_TRUE(has_control_char("a\x7F"));
  EXPECT_TRUE(has_control_char("a\xC2\x85"));  // U+0085 NEL
  EXPECT_TRUE(has_control_char("a\xFF"));
}

}  // namespace
}  // namespace ferry

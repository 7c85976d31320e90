#include "common/base64.h"

#include <gtest/gtest.h>

#include <utility>

namespace ferry {
namespace {

const std::pair<std::string, std::string> kVectors[] = {
    {"", ""},           {"f", "Zg=="},         {"fo", "Zm8="},          {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "+/8="},
};

std::string unpadded(std::string s) {
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

TEST(Base64Test, Rfc4648VectorsRoundTripPaddedAndUnpadded) {
  for (const auto& [plain, encoded] : kVectors) {
    EXPECT_EQ(base64_encode(plain), encoded) << plain;
    EXPECT_EQ(base64_encode(plain, false), unpadded(encoded)) << plain;
    for (auto [text, mode] : {std::pair{encoded, Base64Padding::Required},
                              std::pair{unpadded(encoded), Base64Padding::Forbidden},
                              std::pair{encoded, Base64Padding::Optional},
                              std::pair{unpadded(encoded), Base64Padding::Optional}}) {
      auto decoded = base64_decode(text, mode);
      ASSERT_TRUE(decoded.has_value()) << text;
      EXPECT_EQ(as_chars(*decoded), plain) << text;
    }
  }
}

TEST(Base64Test, DecodeRejectsWrongPaddingAndGarbage) {
  const std::pair<const char*, Base64Padding> bad[] = {
      {"Zg", Base64Padding::Required},     {"Zg=", Base64Padding::Required},
      {"Zg==", Base64Padding::Forbidden},  {"Zg=", Base64Padding::Optional},
      {"Z", Base64Padding::Forbidden},     {"Zh", Base64Padding::Forbidden},  // trailing bits
      {"Zm9=", Base64Padding::Required},   {"Zm9v!", Base64Padding::Optional},
      {"a b", Base64Padding::Optional},    {"Zg\n", Base64Padding::Optional},
      {"Zg==Zg==", Base64Padding::Required}, {"====", Base64Padding::Required},
  };
  for (const auto& [text, mode] : bad) {
    EXPECT_FALSE(base64_decode(text, mode).has_value()) << text << " mode " << int(mode);
  }
}

}  // namespace
}  // namespace ferry

#include "common/byte_size.h"

#include <gtest/gtest.h>

#include <string>

namespace ferry {
namespace {

TEST(HumanByteTest, ParsesSpecExamples) {
  struct Case {
    const char* text;
    uint64_t bytes;
    const char* rendered;
  };
  for (const Case& c : {Case{"20MiB", 20971520, "20 MiB"}, Case{"20 MiB", 20971520, "20 MiB"},
                        Case{"20mib", 20971520, "20 MiB"}, Case{"20Mi", 20971520, "20 MiB"},
                        Case{"20M", 20000000, "20 MB"}, Case{"20MB", 20000000, "20 MB"},
                        Case{"20mb", 20000000, "20 MB"}, Case{"1.5 GiB", 1610612736, "1.5 GiB"},
                        Case{"1.5KB", 1500, "1.5 KB"}, Case{"100", 100, "100 B"},
                        Case{"100B", 100, "100 B"}, Case{"1500000", 1500000, "1500000 B"},
                        Case{"512 KB", 512000, "512 KB"}, Case{"1.23456k", 1234, "1.235 KB"},
                        Case{"1e3", 1000, "1000 B"}, Case{"0", 0, "0 B"}}) {
    auto h = HumanByte::parse(c.text);
    ASSERT_TRUE(h) << c.text << ": " << h.error().to_string();
    EXPECT_EQ(h->bytes(), c.bytes) << c.text;
    EXPECT_EQ(h->to_string(), c.rendered) << c.text;
  }
}

TEST(HumanByteTest, RejectsInvalidSizesNamingTheInput) {
  for (const char* bad : {"", "KB", "20MIB", "-1", " 5", "5x", "inf", "nan", "+5", "1..2", "Mi",
                          "20iB", "1e999"}) {
    auto h = HumanByte::parse(bad);
    ASSERT_FALSE(h) << "'" << bad << "' was accepted";
    EXPECT_NE(h.error().message().find(std::string("'") + bad + "'"), std::string::npos)
        << h.error().message();
  }
  EXPECT_FALSE(HumanByte::parse(std::string(65, '1')));
}

}  // namespace
}  // namespace ferry

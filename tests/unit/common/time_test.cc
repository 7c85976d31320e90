#include "common/time.h"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TEST(TimeTest, FormatsAndParsesUtc) {
  EXPECT_EQ(*format_rfc3339_utc(1717597476), "2024-06-05T14:24:36Z");
  EXPECT_EQ(*format_rfc3339_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(*parse_rfc3339("2024-06-05T14:24:36Z"), 1717597476);
  EXPECT_EQ(*parse_rfc3339("2024-06-05T16:24:36+02:00"), 1717597476);
  EXPECT_EQ(*parse_rfc3339("2024-06-05t14:24:36.123z"), 1717597476);
  EXPECT_EQ(*parse_rfc3339("2020-06-26T13:56:05Z"), 1593179765);
  EXPECT_EQ(*parse_rfc3339("2000-02-29T00:00:00Z"), 951782400);
  EXPECT_FALSE(format_rfc3339_utc(253402300800));  // year 10000
}

TEST(TimeTest, RejectsMalformedTimesWithReason) {
  struct Case {
    const char* text;
    const char* reason;
  };
  for (const Case& c : {Case{"2024-06-05", "too short"},
                        Case{"2024-06-05T14:24:36", "too short"},
                        Case{"2024-02-30T00:00:00Z", "no such date"},
                        Case{"2023-02-29T00:00:00Z", "no such date"},
                        Case{"2024-06-05T24:00:00Z", "no such time"},
                        Case{"2024-06-05X14:24:36Z", "expected 'T'"},
                        Case{"2024-06-05T14:24:36+2:00", "offset"},
                        Case{"2024-06-05T14:24:36Zjunk", "trailing"},
                        Case{"2024-06-05T14:24:36.Z", "empty fraction"}}) {
    auto r = parse_rfc3339(c.text);
    ASSERT_FALSE(r) << c.text;
    EXPECT_NE(r.error().message().find(c.reason), std::string::npos)
        << c.text << " -> " << r.error().message();
  }
}

TEST(TimeTest, BackupTimeStringIsStrict) {
  EXPECT_EQ(*parse_backup_time_string("2024-06-05T14:24:36Z"), 1717597476);
  EXPECT_FALSE(parse_backup_time_string("2024-06-05T14:24:36+00:00"));
  EXPECT_FALSE(parse_backup_time_string("2024-06-05T14:24:36.5Z"));
  EXPECT_FALSE(parse_backup_time_string("2024-06-05 14:24:36Z"));
  EXPECT_FALSE(parse_backup_time_string("1970-01-01T00:00:00Z"));
}

}  // namespace
}  // namespace ferry

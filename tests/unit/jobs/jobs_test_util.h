// Helpers shared by the jobs unit tests.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "common/time.h"

namespace ferry::jobs::test_util {

// Epoch seconds of an RFC 3339 time ("2024-06-05T10:17:23Z").
inline int64_t at(std::string_view rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t ? *t : 0;
}

// "2024-06-05T10:17:23Z" for failure messages.
inline std::string show(int64_t epoch) {
  auto s = format_rfc3339_utc(epoch);
  return s ? *s : std::to_string(epoch);
}

// Sets TZ for the lifetime of the object and restores the previous value.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~ScopedTimeZone() {
    if (old_) {
      setenv("TZ", old_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  ScopedTimeZone(const ScopedTimeZone&) = delete;
  ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;

 private:
  std::optional<std::string> old_;
};

}  // namespace ferry::jobs::test_util

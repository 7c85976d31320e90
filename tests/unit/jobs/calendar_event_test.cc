// CalendarEvent: parsing (jobs-and-schedules.md §1.1–1.6, §1.8) and the next-event search
// (§1.7, §1.9, sync-test-cases.md §L), in UTC and in local time across DST changes.
#include "jobs/calendar_event.h"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "common/time.h"

namespace ferry::jobs {
namespace {

// Epoch seconds of an RFC 3339 time ("2024-06-05T10:17:23Z", "...+02:00").
int64_t at(std::string_view rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t ? *t : 0;
}

std::string show(std::optional<int64_t> t) {
  if (!t) return "none";
  auto s = format_rfc3339_utc(*t);
  return (s ? *s : std::to_string(*t)) + " (local " + format_rfc3339_local(*t) + ")";
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

// Europe/Vienna; without tzdata installed, the equivalent POSIX rule (same 2024 changes:
// 2024-03-31 02:00 -> 03:00 and 2024-10-27 03:00 -> 02:00).
const char* vienna() {
  return std::filesystem::exists("/usr/share/zoneinfo/Europe/Vienna")
             ? "Europe/Vienna"
             : "CET-1CEST,M3.5.0,M10.5.0/3";
}

struct NextCase {
  std::string_view event;
  std::string_view from;                     // RFC 3339
  std::optional<std::string_view> expected;  // RFC 3339, or nullopt for "no event"
};

// Runs a table; `utc` is passed to compute_next_event.
void expect_next(const std::vector<NextCase>& cases, bool utc) {
  for (const auto& c : cases) {
    auto event = CalendarEvent::parse(c.event);
    ASSERT_TRUE(event.has_value()) << "'" << c.event << "': " << event.error().to_string();
    auto next = event->compute_next_event(at(c.from), utc);
    ASSERT_TRUE(next.has_value()) << "'" << c.event << "': " << next.error().to_string();
    const std::optional<int64_t> want =
        c.expected ? std::optional<int64_t>(at(*c.expected)) : std::nullopt;
    EXPECT_EQ(*next, want) << "event '" << c.event << "' after " << c.from << "\n  got  "
                           << show(*next) << "\n  want " << show(want);
  }
}

constexpr std::string_view kS0 = "2024-06-05T10:17:23Z";  // a Wednesday (sync-test-cases §L)

TEST(CalendarEventTest, NextAfterMatchesSyncTestCasesL) {
  expect_next(
      {
          {"Wed 02:30", kS0, "2024-06-12T02:30:00Z"},                              // L1
          {"Wed 02:30", "2024-06-05T02:29:59Z", "2024-06-05T02:30:00Z"},           // L2
          {"Wed 02:30", "2024-06-05T02:30:00Z", "2024-06-12T02:30:00Z"},           // L3
          {"mon..fri 8..17:00/30", "2024-06-07T17:29:59Z", "2024-06-07T17:30:00Z"},  // L4
          {"mon..fri 8..17:00/30", "2024-06-07T17:45:00Z", "2024-06-10T08:00:00Z"},  // L5
          {"mon..fri 8..17:00/30", "2024-06-08T09:00:00Z", "2024-06-10T08:00:00Z"},  // L6
          {"*:0/15", kS0, "2024-06-05T10:30:00Z"},                                 // L7
          {"*:0/15", "2024-06-05T23:59:59Z", "2024-06-06T00:00:00Z"},              // L8
          {"daily", kS0, "2024-06-06T00:00:00Z"},                                  // L9
          {"daily", "2024-06-05T00:00:00Z", "2024-06-06T00:00:00Z"},               // L10
          {"sat *-1..7 15:00", kS0, "2024-07-06T15:00:00Z"},                       // L11
          {"sat *-1..7 15:00", "2024-05-31T12:00:00Z", "2024-06-01T15:00:00Z"},    // L12
          {"Sat *-1..7 15:00", "2024-06-01T15:00:00Z", "2024-07-06T15:00:00Z"},    // L13
          {"hourly", kS0, "2024-06-05T11:00:00Z"},                                 // L14
          {"minutely", kS0, "2024-06-05T10:18:00Z"},                               // L15
          {"weekly", kS0, "2024-06-10T00:00:00Z"},                                 // L16
          {"monthly", kS0, "2024-07-01T00:00:00Z"},                                // L17
          {"quarterly", kS0, "2024-07-01T00:00:00Z"},                              // L17
          {"semiannually", kS0, "2024-07-01T00:00:00Z"},                           // L17
          {"yearly", kS0, "2025-01-01T00:00:00Z"},                                 // L18
          {"annually", "2024-12-31T23:59:59Z", "2025-01-01T00:00:00Z"},            // L19
          {"12:05", kS0, "2024-06-05T12:05:00Z"},                                  // L20
      },
      /*utc=*/true);
}

TEST(CalendarEventTest, NextAfterMatchesSpecExamples) {
  expect_next(
      {
          {"mon..fri", kS0, "2024-06-06T00:00:00Z"},
          {"mon..fri", "2024-06-07T00:00:00Z", "2024-06-10T00:00:00Z"},
          {"mon,tue,wed,thu,fri", "2024-06-07T00:00:00Z", "2024-06-10T00:00:00Z"},
          {"sat..sun", kS0, "2024-06-08T00:00:00Z"},
          {"sat..sun", "2024-06-08T00:00:00Z", "2024-06-09T00:00:00Z"},
          {"sat..sun", "2024-06-09T00:00:00Z", "2024-06-15T00:00:00Z"},
          {"*:00/5", kS0, "2024-06-05T10:20:00Z"},
          {"0/1:0/5", kS0, "2024-06-05T10:20:00Z"},
          {"*/5", kS0, "2024-06-05T10:20:00Z"},
          {"*/5", "2024-06-05T23:58:00Z", "2024-06-06T00:00:00Z"},
          {"mon..wed *:30/10", kS0, "2024-06-05T10:30:00Z"},
          {"mon..wed *:30/10", "2024-06-05T10:50:00Z", "2024-06-05T11:30:00Z"},
          {"mon..wed *:30/10", "2024-06-05T23:55:00Z", "2024-06-10T00:30:00Z"},
          {"mon..fri 8..17,22:0/15", kS0, "2024-06-05T10:30:00Z"},
          {"mon..fri 8..17,22:0/15", "2024-06-07T17:45:00Z", "2024-06-07T22:00:00Z"},
          {"mon..fri 8..17,22:0/15", "2024-06-07T22:45:00Z", "2024-06-10T08:00:00Z"},
          {"fri 12..13:5/20", kS0, "2024-06-07T12:05:00Z"},
          {"fri 12..13:5/20", "2024-06-07T12:05:00Z", "2024-06-07T12:25:00Z"},
          {"fri 12..13:5/20", "2024-06-07T13:45:00Z", "2024-06-14T12:05:00Z"},
          {"12/2:5", kS0, "2024-06-05T12:05:00Z"},
          {"12/2:5", "2024-06-05T22:05:00Z", "2024-06-06T12:05:00Z"},
          {"*:*", kS0, "2024-06-05T10:18:00Z"},
          {"*-05", kS0, "2024-07-05T00:00:00Z"},
          {"Sat *-1..7 15:00", kS0, "2024-07-06T15:00:00Z"},
          {"Wed 02:30", kS0, "2024-06-12T02:30:00Z"},
          {"2015-10-21", "2015-01-01T00:00:00Z", "2015-10-21T00:00:00Z"},
          {"2015-10-21", "2015-10-21T00:00:00Z", std::nullopt},
          {"4..10/2:0", kS0, "2024-06-06T04:00:00Z"},
          {"4..10/2:0", "2024-06-05T05:00:00Z", "2024-06-05T06:00:00Z"},
          {"1965/5-01-01", kS0, "2025-01-01T00:00:00Z"},
          {"*:*:0/20", kS0, "2024-06-05T10:17:40Z"},
      },
      /*utc=*/true);
}

// Vectors of PBS's own proxmox-time tests (1970-01-01 was a Thursday).
TEST(CalendarEventTest, NextAfterMatchesUpstreamVectors) {
  expect_next(
      {
          {"0", "1970-01-01T00:00:00Z", "1970-01-01T01:00:00Z"},
          {"*", "1970-01-01T00:00:00Z", "1970-01-01T00:01:00Z"},
          {"*:*:*", "1970-01-01T00:00:00Z", "1970-01-01T00:00:01Z"},
          {"*:3:5", "1970-01-01T00:00:00Z", "1970-01-01T00:03:05Z"},
          {"mon 2:50", "1970-01-01T00:00:00Z", "1970-01-05T02:50:00Z"},
          {"sun", "1970-01-01T00:00:00Z", "1970-01-04T00:00:00Z"},
          {"4..10/2:0", "1970-01-01T11:00:00Z", "1970-01-02T04:00:00Z"},
          {"10,5:8,4", "1970-01-01T00:00:00Z", "1970-01-01T05:04:00Z"},
          {"6,4..10:23,5/5", "1970-01-01T00:00:00Z", "1970-01-01T04:05:00Z"},
          {"sat", "2020-07-31T00:00:00Z", "2020-08-01T00:00:00Z"},
          {"fri", "2020-07-31T00:00:00Z", "2020-08-07T00:00:00Z"},
          {"fri", "2020-12-31T00:00:00Z", "2021-01-01T00:00:00Z"},
          {"thu", "2020-12-31T00:00:00Z", "2021-01-07T00:00:00Z"},
          {"5/2:0", "1970-01-01T05:00:00Z", "1970-01-01T07:00:00Z"},
          {"02-29", "1970-01-01T00:00:00Z", "1972-02-29T00:00:00Z"},
          {"1965/5-01-01", "1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z"},
          {"2020-7..9-2/2", "2020-07-31T00:00:00Z", "2020-08-02T00:00:00Z"},
          {"2020,2021-12-31", "2020-07-31T00:00:00Z", "2020-12-31T00:00:00Z"},
          {"quarterly", "1970-01-01T00:00:00Z", "1970-04-01T00:00:00Z"},
          {"semi-annually", "1970-01-01T00:00:00Z", "1970-07-01T00:00:00Z"},
      },
      /*utc=*/true);
}

TEST(CalendarEventTest, NextAfterIsStrictlyAfterEvenWhenReferenceMatches) {
  auto event = CalendarEvent::parse("Wed 02:30");
  ASSERT_TRUE(event.has_value());
  int64_t t = at("2024-06-05T02:30:00Z");
  for (int week = 1; week <= 5; ++week) {
    auto next = event->compute_next_event(t, true);
    ASSERT_TRUE(next.has_value() && next->has_value());
    EXPECT_EQ(**next, at("2024-06-05T02:30:00Z") + week * 7 * 86400) << "week " << week;
    t = **next;
  }
}

// PBS-compat: `V/R` values past the field's range take part in the search, so a jump can
// overshoot into the next hour or month and skip its first matches (calendar-events.md).
TEST(CalendarEventTest, NextAfterOvershootsRepetitionsLikePbs) {
  expect_next(
      {
          {"*:0/45", "2024-06-05T10:50:00Z", "2024-06-05T11:45:00Z"},  // 11:00 skipped
          {"*-1/20", "2024-06-25T00:00:00Z", "2024-07-21T00:00:00Z"},  // July 1 skipped
          {"5/20:0", "2024-06-05T06:00:00Z", "2024-06-06T05:00:00Z"},
      },
      /*utc=*/true);
}

TEST(CalendarEventTest, TimeFieldThatIsNoHourIsReadAsMinutes) {
  expect_next(
      {
          {"25:00", kS0, "2024-06-05T10:25:00Z"},
          {"mon..fri 25:00", kS0, "2024-06-05T10:25:00Z"},
          {"30", kS0, "2024-06-05T10:30:00Z"},
          {"*/30:00", kS0, "2024-06-05T10:30:00Z"},  // */30 is no hour list: minutes
      },
      /*utc=*/true);
}

TEST(CalendarEventTest, AcceptedEventsThatNeverFireReturnNone) {
  const char* events[] = {"00-05", "02-30", "2021-02-29", "2015-10-21", "*-00", "*-02-31"};
  for (const char* text : events) {
    auto event = CalendarEvent::parse(text);
    ASSERT_TRUE(event.has_value()) << text << ": " << event.error().to_string();
    for (bool utc : {true, false}) {
      auto next = event->compute_next_event(at(kS0), utc);
      ASSERT_TRUE(next.has_value()) << text;
      EXPECT_EQ(*next, std::nullopt) << text << " fired at " << show(*next);
    }
  }
  auto leap = CalendarEvent::parse("2023-02-29");
  ASSERT_TRUE(leap.has_value());
  auto next = leap->compute_next_event(at("2023-01-01T00:00:00Z"), true);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(*next, std::nullopt);
}

TEST(CalendarEventTest, RejectsInvalidStringsNamingInputAndReason) {
  struct Bad {
    std::string_view text;
    std::string_view reason;
  };
  const Bad cases[] = {
      {"Daily", "unknown weekday 'Daily' (keywords are lower case)"},
      {"daily 02:00", "keyword 'daily' cannot be combined"},
      {" daily", "unexpected ' daily'"},
      {"daily ", "keyword 'daily' cannot be combined"},
      {"xyz", "unknown weekday 'xyz'"},
      {"", "empty"},
      {"*/0", "repetition must be greater than 0"},
      {"*:60", "minute 60 out of range (0..59)"},
      {"mon..", "expected a weekday after '..'"},
      {"12:5:", "expected a number after ':'"},
      {"2200-01-01", "year 2200 out of range (0..2199)"},
      {"5..3:00", "range start 5 is bigger than end 3"},
      {"*-32", "day 32 out of range (0..31)"},
      {"tues", "unknown weekday 'tues'"},
      {"mon,thur", "unknown weekday 'thur'"},
      {"12:00 ", "unexpected ' '"},
      {"2024-13-01", "month 13 out of range (0..12)"},
      {"*:*:61", "second 61 out of range (0..59)"},
      {"*/60", "minute repetition 60 out of range (0..59)"},
      {"99:00", "hour 99 out of range (0..23)"},
      {"99", "minute 99 out of range (0..59)"},
      {"12-32", "day 32 out of range (0..31)"},
      {"mon 1,x", "expected a number after ','"},
      {"UTC", "expected a weekday, date or time"},
      {"mon 12:00 x", "unexpected ' x'"},
  };
  for (const auto& c : cases) {
    auto event = CalendarEvent::parse(c.text);
    ASSERT_FALSE(event.has_value()) << "'" << c.text << "' was accepted";
    EXPECT_EQ(event.error().code(), Errc::InvalidArgument) << c.text;
    const std::string prefix = "invalid calendar event '" + std::string(c.text) + "': ";
    EXPECT_EQ(event.error().message().rfind(prefix, 0), 0u)
        << "'" << c.text << "': " << event.error().message();
    EXPECT_NE(event.error().message().find(c.reason), std::string::npos)
        << "'" << c.text << "': " << event.error().message();
  }
}

TEST(CalendarEventTest, AcceptsPbsSyntaxVariants) {
  const char* ok[] = {
      "MON", "monDay", "Tuesday", "fri..mon", "mon,tue..wednesday,fri..sat", "mon..mon",
      "01,05..10,12/02", "8..17", "0/15", "4..10/2", "*-*", "*:*:*", "1965/5-01-01",
      "semi-annually", "daily UTC", "dailyUTC", "mon UTC", "*/5 UTC", "12:00   UTC",
      "mon ",          // blanks after a weekday list are skipped
      "2024-01-01 ",   // ... and after a date
      "mon\t12:00", "mon12:00", "mon  2024-06-05  12:00", "0005", "2199-12-31",
  };
  for (const char* text : ok) {
    auto event = CalendarEvent::parse(text);
    EXPECT_TRUE(event.has_value()) << "'" << text << "': " << event.error().to_string();
    if (event) {
      EXPECT_EQ(event->text(), text);
    }
  }
}

TEST(CalendarEventTest, RejectsOverlongTextWithoutEchoingAllOfIt) {
  const std::string text(CalendarEvent::kMaxTextLength + 1, '1');
  auto event = CalendarEvent::parse(text);
  ASSERT_FALSE(event.has_value());
  EXPECT_NE(event.error().message().find("longer than 1024 bytes"), std::string::npos);
  EXPECT_LT(event.error().message().size(), 200u);
  const std::string longest = "0" + std::string(CalendarEvent::kMaxTextLength - 1, '0');
  EXPECT_TRUE(CalendarEvent::parse(longest).has_value());
}

TEST(CalendarEventTest, RejectsReferenceTimeOutOfRange) {
  auto event = CalendarEvent::parse("daily");
  ASSERT_TRUE(event.has_value());
  for (int64_t bad : {CalendarEvent::kMinReferenceTime - 1, CalendarEvent::kMaxReferenceTime + 1,
                      INT64_MIN, INT64_MAX}) {
    auto next = event->compute_next_event(bad, true);
    ASSERT_FALSE(next.has_value()) << bad;
    EXPECT_EQ(next.error().code(), Errc::InvalidArgument);
  }
  auto last = event->compute_next_event(CalendarEvent::kMaxReferenceTime - 86400, true);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(*last, at("9999-12-31T00:00:00Z"));
}

// Every answer is itself a valid reference: nothing after 9999-12-31T23:59:59Z is returned.
TEST(CalendarEventTest, EventsBeyondYear9999AreNone) {
  expect_next(
      {
          {"daily", "9999-12-31T00:00:00Z", std::nullopt},
          {"*/2199-01-01", "2200-01-01T00:00:00Z", "4398-01-01T00:00:00Z"},
          {"*/2199-01-01", "8796-01-01T00:00:00Z", std::nullopt},  // next would be 10995
      },
      /*utc=*/true);
  ScopedTimeZone tz(vienna());
  // Found by fuzzing: the next Thursday, 5 January of a multiple of 492 is in 16728.
  expect_next({{"thu */492-1-5", "2024-03-31T00:59:00Z", std::nullopt}}, /*utc=*/false);
  expect_next({{"thu */492-1-5", "2024-03-31T00:59:00Z", std::nullopt}}, /*utc=*/true);
}

TEST(CalendarEventTest, CopiesShareTheParsedEvent) {
  auto event = CalendarEvent::parse("mon..fri 8..17:00/30");
  ASSERT_TRUE(event.has_value());
  const CalendarEvent copy = *event;
  EXPECT_EQ(copy.text(), "mon..fri 8..17:00/30");
  EXPECT_EQ(*copy.compute_next_event(at(kS0), true), *event->compute_next_event(at(kS0), true));
}

// ---- local time -------------------------------------------------------------------------

TEST(CalendarEventTest, LocalTimeFollowsTheProcessTimeZone) {
  ScopedTimeZone tz(vienna());
  expect_next(
      {
          {"Wed 02:30", "2024-06-05T10:17:23+02:00", "2024-06-12T02:30:00+02:00"},
          {"daily", kS0, "2024-06-06T00:00:00+02:00"},
          {"12:05", "2024-06-05T10:17:23+02:00", "2024-06-05T12:05:00+02:00"},
          {"12:05", kS0, "2024-06-06T12:05:00+02:00"},  // 12:17 local: today's has passed
      },
      /*utc=*/false);
}

// sync-test-cases.md L48: the suffix wins over the local zone; utc=true forces UTC too.
TEST(CalendarEventTest, UtcSuffixEvaluatesInUtcInAnyZone) {
  ScopedTimeZone tz(vienna());
  expect_next({{"daily UTC", kS0, "2024-06-06T02:00:00+02:00"}}, /*utc=*/false);
  expect_next({{"daily", kS0, "2024-06-06T00:00:00Z"}}, /*utc=*/true);
  auto event = CalendarEvent::parse("daily UTC");
  ASSERT_TRUE(event.has_value());
  EXPECT_TRUE(event->has_utc_suffix());
  EXPECT_EQ(event->text(), "daily UTC");
}

// 2024-03-31 in Vienna: 02:00 CET jumps to 03:00 CEST, so 02:xx does not exist.
TEST(CalendarEventTest, NextAfterSkipsDstGap) {
  ScopedTimeZone tz(vienna());
  expect_next(
      {
          {"02:30", "2024-03-30T03:00:00+01:00", "2024-04-01T02:30:00+02:00"},
          {"Sun 02:30", "2024-03-30T03:00:00+01:00", "2024-04-07T02:30:00+02:00"},
          {"*:30", "2024-03-31T01:30:00+01:00", "2024-03-31T03:30:00+02:00"},
          {"*:*", "2024-03-31T01:59:00+01:00", "2024-03-31T03:00:00+02:00"},
          {"*:*:*", "2024-03-31T01:59:59+01:00", "2024-03-31T03:00:00+02:00"},
          {"daily", "2024-03-30T12:00:00+01:00", "2024-03-31T00:00:00+01:00"},
          {"daily", "2024-03-31T00:00:00+01:00", "2024-04-01T00:00:00+02:00"},
      },
      /*utc=*/false);
}

// 2024-10-27 in Vienna: 03:00 CEST falls back to 02:00 CET, so 02:xx happens twice; an event
// in that hour fires once, at the first occurrence.
TEST(CalendarEventTest, NextAfterFiresOnceInRepeatedDstHour) {
  ScopedTimeZone tz(vienna());
  expect_next(
      {
          {"02:30", "2024-10-27T00:00:00+02:00", "2024-10-27T02:30:00+02:00"},
          {"02:30", "2024-10-27T02:30:00+02:00", "2024-10-28T02:30:00+01:00"},
          {"*:30", "2024-10-27T02:30:00+02:00", "2024-10-27T03:30:00+01:00"},
          {"hourly", "2024-10-27T01:59:00+02:00", "2024-10-27T02:00:00+02:00"},
          {"hourly", "2024-10-27T02:00:00+02:00", "2024-10-27T03:00:00+01:00"},
          {"daily", "2024-10-26T12:00:00+02:00", "2024-10-27T00:00:00+02:00"},
          {"daily", "2024-10-27T00:00:00+02:00", "2024-10-28T00:00:00+01:00"},
      },
      /*utc=*/false);
}

// A reference inside the second pass of the repeated hour must not yield the first pass.
TEST(CalendarEventTest, NextAfterInsideRepeatedDstHourStaysStrictlyAfter) {
  ScopedTimeZone tz(vienna());
  expect_next(
      {
          {"*:*", "2024-10-27T02:15:00+01:00", "2024-10-27T02:16:00+01:00"},
          {"*:*:*", "2024-10-27T02:59:59+01:00", "2024-10-27T03:00:00+01:00"},
          {"*:20", "2024-10-27T02:15:00+01:00", "2024-10-27T02:20:00+01:00"},
      },
      /*utc=*/false);
}

TEST(CalendarEventTest, LocalTimeInUtcZoneEqualsUtc) {
  ScopedTimeZone tz("UTC0");
  for (const char* text : {"Wed 02:30", "mon..fri 8..17:00/30", "*-1/20", "quarterly"}) {
    auto event = CalendarEvent::parse(text);
    ASSERT_TRUE(event.has_value()) << text;
    EXPECT_EQ(*event->compute_next_event(at(kS0), false), *event->compute_next_event(at(kS0), true))
        << text;
  }
}

// Properties over many events and references around both 2024 DST changes, in both modes:
// the answer is strictly after the reference, and asking again from just before the answer
// returns the answer itself (the search is a function of the broken-down time).
TEST(CalendarEventTest, NextIsStrictlyAfterAndStableAcrossDstChanges) {
  ScopedTimeZone tz(vienna());
  const char* events[] = {"*:*", "*:*:*", "*:30", "02:30", "02,03:*/7", "hourly", "daily",
                          "*:0/45", "2/1:59:59", "sun 1..3:*/20", "*-27..31 2..3:15",
                          "mon..sun 0/2:0/25:0/40"};
  std::mt19937_64 rng(20240331);
  const int64_t windows[] = {at("2024-03-30T12:00:00Z"), at("2024-10-26T12:00:00Z")};
  for (const char* text : events) {
    auto event = CalendarEvent::parse(text);
    ASSERT_TRUE(event.has_value()) << text;
    for (int i = 0; i < 300; ++i) {
      const int64_t after = windows[i % 2] + static_cast<int64_t>(rng() % (2 * 86400));
      for (bool utc : {false, true}) {
        auto next = event->compute_next_event(after, utc);
        ASSERT_TRUE(next.has_value() && next->has_value()) << text << " after " << after;
        ASSERT_GT(**next, after) << text << " after " << show(after) << " utc=" << utc;
        auto again = event->compute_next_event(**next - 1, utc);
        ASSERT_TRUE(again.has_value());
        EXPECT_EQ(*again, *next) << text << " after " << show(after) << " utc=" << utc;
      }
    }
  }
}

// A smoke bound, not a benchmark: 20,000 searches (UTC and local, including events that
// never fire) finish far below a second unless the search stopped being bounded.
TEST(CalendarEventTest, SearchesAreFastAndBounded) {
  ScopedTimeZone tz(vienna());
  const char* events[] = {"mon..fri 8..17,22:0/15", "Sat *-1..7 15:00", "02-30", "2021-02-29",
                          "*:*:0/20"};
  std::vector<CalendarEvent> parsed;
  for (const char* text : events) parsed.push_back(*CalendarEvent::parse(text));
  const auto start = std::chrono::steady_clock::now();
  int64_t t = at(kS0);
  for (int i = 0; i < 2000; ++i) {
    for (const auto& e : parsed) {
      for (bool utc : {true, false}) ASSERT_TRUE(e.compute_next_event(t + i * 37, utc));
    }
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

}  // namespace
}  // namespace ferry::jobs

#include "common/time.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace ferry {
namespace {

bool parse_digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm): avoids
// timegm's dependence on the process time zone state and works for any year.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

Result<std::string> format_rfc3339_utc(int64_t epoch) {
  std::time_t t = std::time_t(epoch);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
    return make_error(Errc::InvalidArgument, "time {} is out of range (year 0..9999)", epoch);
  }
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf);
}

std::string format_rfc3339_local(int64_t epoch) {
  std::time_t t = std::time_t(epoch);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  long off = tm.tm_gmtoff;
  char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  char tz[32];
  std::snprintf(tz, sizeof tz, "%c%02ld:%02ld", sign, off / 3600, (off / 60) % 60);
  return std::string(buf) + tz;
}

Result<int64_t> parse_rfc3339(std::string_view s) {
  auto bad = [&](std::string_view why) -> Result<int64_t> {
    return make_error(Errc::InvalidArgument, "invalid RFC 3339 time '{}': {}", s, why);
  };
  int Y, M, D, h, m, sec;
  if (s.size() < 20) return bad("too short");
  if (!parse_digits(s, 0, 4, Y) || s[4] != '-' || !parse_digits(s, 5, 2, M) || s[7] != '-' ||
      !parse_digits(s, 8, 2, D)) {
    return bad("expected YYYY-MM-DD");
  }
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return bad("expected 'T' after the date");
  if (!parse_digits(s, 11, 2, h) || s[13] != ':' || !parse_digits(s, 14, 2, m) || s[16] != ':' ||
      !parse_digits(s, 17, 2, sec)) {
    return bad("expected hh:mm:ss");
  }
  if (M < 1 || M > 12 || D < 1 || D > days_in_month(Y, M)) return bad("no such date");
  if (h > 23 || m > 59 || sec > 60) return bad("no such time of day");
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return bad("empty fraction");
  }
  int64_t offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!parse_digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !parse_digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return bad("invalid UTC offset");
    }
    offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad("missing time zone ('Z' or an offset)");
  }
  if (pos != s.size()) return bad("trailing characters");
  int64_t days = days_from_civil(Y, unsigned(M), unsigned(D));
  return days * 86400 + h * 3600 + m * 60 + std::min(sec, 59) - offset;
}

Result<int64_t> parse_backup_time_string(std::string_view s) {
  if (s.size() != 20 || s[19] != 'Z' || s[10] != 'T') {
    return make_error(Errc::InvalidArgument,
                      "invalid backup time '{}': expected YYYY-MM-DDTHH:MM:SSZ", s);
  }
  auto r = parse_rfc3339(s);
  if (!r) return r;
  if (*r < 1) return make_error(Errc::InvalidArgument, "invalid backup time '{}': before 1970", s);
  return r;
}

}  // namespace ferry

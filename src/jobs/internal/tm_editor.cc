#include "jobs/internal/tm_editor.h"

#include <ctime>
#include <optional>

namespace ferry::jobs::internal {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

// Days since 1970-01-01 of a proleptic Gregorian date, month 1..12 (Hinnant's algorithm:
// eras of 400 years, years starting in March so the leap day comes last).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = floor_div(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year, month, day;
};

Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = floor_div(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

Result<std::tm> local_tm(int64_t epoch) {
  const auto t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  if (localtime_r(&t, &tm) == nullptr) {
    return make_error(Errc::InvalidArgument, "time {} cannot be converted to local time", epoch);
  }
  return tm;
}

Result<int64_t> utc_offset_at(int64_t epoch) {
  FERRY_TRY_ASSIGN(const std::tm tm, local_tm(epoch));
  return static_cast<int64_t>(tm.tm_gmtoff);
}

}  // namespace

Result<TmEditor> TmEditor::with_epoch(int64_t epoch, bool utc) {
  TmEditor t(utc);
  FERRY_TRY(t.load(epoch));
  return t;
}

Status TmEditor::load(int64_t epoch) {
  if (utc_) {
    const int64_t days = floor_div(epoch, kSecondsPerDay);
    const int64_t secs = epoch - days * kSecondsPerDay;
    const Civil c = civil_from_days(days);
    year_ = c.year;
    month_ = c.month;
    day_ = c.day;
    hour_ = secs / 3600;
    min_ = secs / 60 % 60;
    sec_ = secs % 60;
    day_num_ = static_cast<int>(floor_mod(days + 3, 7));  // 1970-01-01 was a Thursday
  } else {
    FERRY_TRY_ASSIGN(const std::tm tm, local_tm(epoch));
    year_ = int64_t{tm.tm_year} + 1900;
    month_ = tm.tm_mon + 1;
    day_ = tm.tm_mday;
    hour_ = tm.tm_hour;
    min_ = tm.tm_min;
    sec_ = tm.tm_sec;
    day_num_ = (tm.tm_wday + 6) % 7;
  }
  epoch_ = epoch;
  return ok();
}

// Carries out-of-range fields like timegm, then maps the wall-clock time to an instant.
Status TmEditor::normalize() {
  const int64_t month0 = month_ - 1;
  const int64_t year = year_ + floor_div(month0, 12);
  const int64_t month = floor_mod(month0, 12) + 1;
  const int64_t days = days_from_civil(year, month, 1) + (day_ - 1);
  const int64_t wall = days * kSecondsPerDay + hour_ * 3600 + min_ * 60 + sec_;
  if (utc_) return load(wall);
  FERRY_TRY_ASSIGN(const int64_t epoch, resolve_local(wall));
  return load(epoch);
}

// The instant of local wall-clock time `wall` (seconds since 1970-01-01T00:00 of the local
// calendar). Offsets are sampled a day either side, which sees both sides of any single DST
// transition near `wall`; zones with two transitions within a day are not special-cased.
Result<int64_t> TmEditor::resolve_local(int64_t wall) const {
  FERRY_TRY_ASSIGN(const int64_t offset_before, utc_offset_at(wall - kSecondsPerDay));
  FERRY_TRY_ASSIGN(const int64_t offset_after, utc_offset_at(wall + kSecondsPerDay));
  std::optional<int64_t> best;    // earliest valid instant not before epoch_
  std::optional<int64_t> latest;  // fallback: the latest valid instant
  for (const int64_t offset : {offset_before, offset_after}) {
    const int64_t candidate = wall - offset;
    FERRY_TRY_ASSIGN(const int64_t actual, utc_offset_at(candidate));
    if (actual != offset) continue;  // `wall` does not exist with this offset
    if (candidate >= epoch_ && (!best || candidate < *best)) best = candidate;
    if (!latest || candidate > *latest) latest = candidate;
  }
  if (best) return *best;
  if (latest) return *latest;
  // A gap: read the time with the offset in force before it, i.e. shift it forward.
  return wall - offset_before;
}

Status TmEditor::add_years(int64_t years) {
  if (years == 0) return ok();
  year_ += years;
  month_ = 1;
  day_ = 1;
  hour_ = min_ = sec_ = 0;
  return normalize();
}

Status TmEditor::add_months(int64_t months) {
  if (months == 0) return ok();
  month_ += months;
  day_ = 1;
  hour_ = min_ = sec_ = 0;
  return normalize();
}

Status TmEditor::add_days(int64_t days) {
  if (days == 0) return ok();
  day_ += days;
  hour_ = min_ = sec_ = 0;
  return normalize();
}

Status TmEditor::set_time(int64_t hour, int64_t min, int64_t sec) {
  hour_ = hour;
  min_ = min;
  sec_ = sec;
  return normalize();
}

Status TmEditor::set_min_sec(int64_t min, int64_t sec) {
  min_ = min;
  sec_ = sec;
  return normalize();
}

Status TmEditor::set_sec(int64_t sec) {
  sec_ = sec;
  return normalize();
}

}  // namespace ferry::jobs::internal

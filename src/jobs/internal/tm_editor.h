// ferry::jobs::internal — a broken-down time that the next-event search edits field by field
// (PBS's TmEditor in proxmox-time).
//
// Every edit may push fields out of range (minute 90, day 32, month 13); the editor then
// normalises like timegm/mktime: the overflow carries into the larger fields. In UTC this is
// pure calendar arithmetic. In local time (the process's TZ, read by tzset) a wall-clock time
// is turned into an instant as follows (see docs/design/calendar-events.md, "DST"):
//   * it exists once: that instant;
//   * it falls into a DST gap (spring forward): it is shifted forward by the gap's length
//     (02:30 on a day that jumps 02:00 -> 03:00 becomes 03:30), as glibc's mktime does;
//   * it exists twice (fall back): the earlier instant that is not before the editor's
//     current instant. Because every edit moves the wall clock forward, the editor's instant
//     never moves backwards, so the search always ends strictly after where it started.
// After normalising, the fields are re-read from the instant (so a gap time reads 03:30).
//
// Not thread-safe per instance (a plain value); distinct instances may be used concurrently.
#pragma once

#include <cstdint>

#include "common/result.h"

namespace ferry::jobs::internal {

class TmEditor {
 public:
  // The broken-down form of `epoch` in UTC or local time.
  // Errors: InvalidArgument when the C library cannot represent the time (far out of range).
  static Result<TmEditor> with_epoch(int64_t epoch, bool utc);

  int64_t epoch() const { return epoch_; }
  int64_t year() const { return year_; }
  int64_t month() const { return month_; }  // 1..12
  int64_t day() const { return day_; }      // 1..31
  int64_t hour() const { return hour_; }
  int64_t min() const { return min_; }
  int64_t sec() const { return sec_; }      // 0..59 (60 only in leap-second zones)
  int day_num() const { return day_num_; }  // 0 = Monday .. 6 = Sunday

  // Each of these sets or adds to a field, resets the smaller fields (the add_* ones), and
  // normalises. Errors as with_epoch.
  Status add_years(int64_t years);    // month 1, day 1, 00:00:00
  Status add_months(int64_t months);  // day 1, 00:00:00
  Status add_days(int64_t days);      // 00:00:00
  Status set_time(int64_t hour, int64_t min, int64_t sec);
  Status set_min_sec(int64_t min, int64_t sec);
  Status set_sec(int64_t sec);

 private:
  explicit TmEditor(bool utc) : utc_(utc) {}
  Status load(int64_t epoch);
  Status normalize();
  Result<int64_t> resolve_local(int64_t wall) const;

  bool utc_;
  int64_t epoch_ = 0;
  int64_t year_ = 1970;
  int64_t month_ = 1;
  int64_t day_ = 1;
  int64_t hour_ = 0;
  int64_t min_ = 0;
  int64_t sec_ = 0;
  int day_num_ = 3;
};

}  // namespace ferry::jobs::internal

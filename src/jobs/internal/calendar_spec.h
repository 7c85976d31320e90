// ferry::jobs::internal — the parsed form of a calendar event (see jobs/calendar_event.h and
// docs/design/calendar-events.md).
//
// A calendar event restricts up to seven fields of a broken-down time: year, month, day of
// month, weekday, hour, minute and second. Each numeric field holds a value list
// (jobs-and-schedules.md §1.6); an empty list means "no restriction". The names follow PBS's
// proxmox-time crate (`DateTimeValue`, `find_next`) so both can be read side by side.
//
// Values beyond a field's natural range are part of a list's value set: `0/45` in the minutes
// means 0, 45, 90, ... and `find_next` may answer 90. PBS-compat: the next-event search relies
// on this (a jump to minute 90 normalises to the next hour's :30), see calendar-events.md.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace ferry::jobs::internal {

// One item of a value list: `V`, `A..B`, `V/R` or `A..B/R` (and `*/R` as `start/R`).
struct DateTimeValue {
  enum class Kind { Single, Range, Repeated };

  Kind kind = Kind::Single;
  uint32_t start = 0;
  uint32_t end = 0;       // Range: inclusive end. Repeated: the bound when has_end is set.
  uint32_t repeat = 0;    // Repeated only; 0 means "start only".
  bool has_end = false;   // Repeated only.

  static DateTimeValue single(uint32_t v) { return {Kind::Single, v, v, 0, false}; }
  static DateTimeValue range(uint32_t a, uint32_t b) { return {Kind::Range, a, b, 0, false}; }
  static DateTimeValue repeated(uint32_t start, uint32_t repeat, std::optional<uint32_t> end) {
    return {Kind::Repeated, start, end.value_or(0), repeat, end.has_value()};
  }

  // True when `value` is one of this item's values.
  bool contains(uint32_t value) const;
  // The smallest value of this item greater than `value`, if any (unbounded for `V/R`).
  std::optional<uint32_t> next_after(uint32_t value) const;
};

// A value list; empty means "every value".
using ValueList = std::vector<DateTimeValue>;

// True when any item of `list` contains `value`.
bool list_contains(const ValueList& list, uint32_t value);
// The smallest value greater than `value` over all items of `list`, if any.
std::optional<uint32_t> list_find_next(const ValueList& list, uint32_t value);

// A value list of a small field (second, minute, hour, day, month) compiled into lookup
// tables, so that each step of the next-event search costs O(1) however long the list is.
// Answers exactly what list_contains / list_find_next answer for values below kSize.
class FieldTable {
 public:
  static constexpr uint32_t kSize = 64;  // broken-down values are at most 60 (leap second)

  FieldTable() = default;  // unrestricted
  explicit FieldTable(const ValueList& list);

  bool is_restricted() const { return restricted_; }
  // Precondition: value < kSize.
  bool contains(uint32_t value) const;
  // Precondition: value < kSize. The answer may exceed the field's natural range.
  std::optional<uint32_t> find_next(uint32_t value) const;

 private:
  static constexpr uint16_t kNone = 0xffff;

  bool restricted_ = false;
  uint64_t mask_ = 0;
  std::array<uint16_t, kSize> next_{};
};

// Weekday bits, Monday first (PBS's WeekDays bitflags).
inline constexpr uint8_t kMonday = 1 << 0;
inline constexpr uint8_t kSunday = 1 << 6;
inline constexpr uint8_t kAllWeekdays = 0x7f;

// A parsed calendar event.
struct CalendarSpec {
  bool utc = false;      // the text ended in "UTC"
  uint8_t weekdays = 0;  // 0 or kAllWeekdays: any day
  ValueList years;       // unbounded above, so kept as a list
  FieldTable months;
  FieldTable days;
  FieldTable hours;
  FieldTable minutes;
  FieldTable seconds;
  // False when no calendar date satisfies months and days together (`02-30`, `00-05`): the
  // search would only spin until its iteration limit, so it answers "none" at once.
  bool may_match = true;
};

// Computes CalendarSpec::may_match from the month and day tables.
bool month_day_may_match(const FieldTable& months, const FieldTable& days);

}  // namespace ferry::jobs::internal

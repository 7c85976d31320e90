#include "jobs/internal/calendar_spec.h"

#include <limits>

namespace ferry::jobs::internal {
namespace {

std::optional<uint32_t> narrow(uint64_t v) {
  if (v > std::numeric_limits<uint32_t>::max()) return std::nullopt;
  return static_cast<uint32_t>(v);
}

}  // namespace

bool DateTimeValue::contains(uint32_t value) const {
  switch (kind) {
    case Kind::Single:
      return value == start;
    case Kind::Range:
      return value >= start && value <= end;
    case Kind::Repeated:
      if (value < start) return false;
      if (repeat == 0) return value == start;
      if ((value - start) % repeat != 0) return false;
      return !has_end || value <= end;
  }
  return false;
}

std::optional<uint32_t> DateTimeValue::next_after(uint32_t value) const {
  switch (kind) {
    case Kind::Single:
      if (start > value) return start;
      return std::nullopt;
    case Kind::Range: {
      if (value < start) return start;
      const uint64_t n = uint64_t{value} + 1;
      if (n <= end) return narrow(n);
      return std::nullopt;
    }
    case Kind::Repeated: {
      if (value < start) return start;
      if (repeat == 0) return std::nullopt;
      // The first multiple of `repeat` past `value`, counted from `start`.
      const uint64_t n = start + ((uint64_t{value} - start + repeat) / repeat) * repeat;
      if (has_end && n > end) return std::nullopt;
      return narrow(n);
    }
  }
  return std::nullopt;
}

bool list_contains(const ValueList& list, uint32_t value) {
  for (const auto& item : list) {
    if (item.contains(value)) return true;
  }
  return false;
}

std::optional<uint32_t> list_find_next(const ValueList& list, uint32_t value) {
  std::optional<uint32_t> best;
  for (const auto& item : list) {
    const auto n = item.next_after(value);
    if (n && (!best || *n < *best)) best = n;
  }
  return best;
}

FieldTable::FieldTable(const ValueList& list) : restricted_(!list.empty()) {
  for (uint32_t v = 0; v < kSize; ++v) {
    if (list_contains(list, v)) mask_ |= uint64_t{1} << v;
    // next_after(v) <= v + max(start, repeat) < 64 + 2^32 in general, but the parser bounds
    // start and repeat by 2200, so every answer for v < 64 fits below kNone.
    const auto n = list_find_next(list, v);
    next_[v] = n && *n < kNone ? static_cast<uint16_t>(*n) : kNone;
  }
}

bool FieldTable::contains(uint32_t value) const {
  return value < kSize && (mask_ >> value & 1) != 0;
}

std::optional<uint32_t> FieldTable::find_next(uint32_t value) const {
  if (value >= kSize || next_[value] == kNone) return std::nullopt;
  return next_[value];
}

bool month_day_may_match(const FieldTable& months, const FieldTable& days) {
  // Longest length of each month (February in a leap year).
  static constexpr uint32_t kMonthLength[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (uint32_t m = 1; m <= 12; ++m) {
    if (months.is_restricted() && !months.contains(m)) continue;
    for (uint32_t d = 1; d <= kMonthLength[m - 1]; ++d) {
      if (!days.is_restricted() || days.contains(d)) return true;
    }
  }
  return false;
}

}  // namespace ferry::jobs::internal

#include "jobs/calendar_event.h"

#include <ctime>
#include <utility>

#include "jobs/internal/calendar_parser.h"
#include "jobs/internal/calendar_spec.h"
#include "jobs/internal/tm_editor.h"

namespace ferry::jobs {

using internal::CalendarSpec;
using internal::FieldTable;
using internal::TmEditor;

namespace {

// PBS-compat: proxmox-time gives up after this many adjustments (plus the final check).
constexpr int kMaxSearchSteps = 1000;

// Outcome of checking one field of the current candidate time.
enum class Step {
  Matched,   // the field matches; check the next smaller one
  Adjusted,  // the candidate moved forward; start over from the year
  Never,     // no later time can match
};

Result<Step> adjusted(Status s) {
  if (!s) return tl::unexpected(std::move(s).error());
  return Step::Adjusted;
}

// A table field: on mismatch jump to the next listed value (which may overflow into the next
// larger unit, PBS-compat), or wrap to the start of the next larger unit.
template <typename Jump, typename Wrap>
Result<Step> check_field(const FieldTable& field, int64_t value, Jump jump, Wrap wrap) {
  // Broken-down values are small and non-negative (month <= 12, second <= 60).
  const auto v = static_cast<uint32_t>(value);
  if (!field.is_restricted() || field.contains(v)) return Step::Matched;
  if (const auto next = field.find_next(v)) return adjusted(jump(int64_t{*next}));
  return adjusted(wrap());
}

Result<Step> check_year(const CalendarSpec& spec, TmEditor& t) {
  if (spec.years.empty()) return Step::Matched;
  // The year is >= 1: references start in year 1 and the search only moves forward.
  const auto year = static_cast<uint32_t>(t.year());
  if (internal::list_contains(spec.years, year)) return Step::Matched;
  const auto next = internal::list_find_next(spec.years, year);
  if (!next) return Step::Never;
  return adjusted(t.add_years(int64_t{*next} - year));
}

Result<Step> check_weekday(const CalendarSpec& spec, TmEditor& t) {
  if (spec.weekdays == 0 || spec.weekdays == internal::kAllWeekdays) return Step::Matched;
  const int today = t.day_num();
  if ((spec.weekdays >> today & 1) != 0) return Step::Matched;
  for (int d = today + 1; d < 7; ++d) {
    if ((spec.weekdays >> d & 1) != 0) return adjusted(t.add_days(d - today));
  }
  return adjusted(t.add_days(7 - today));  // next Monday
}

// One step of PBS's search (§1.7): the first mismatching field, largest first, moves `t`.
Result<Step> search_step(const CalendarSpec& s, TmEditor& t) {
  Result<Step> r = check_year(s, t);
  if (r && *r == Step::Matched) {
    r = check_field(
        s.months, t.month(), [&](int64_t n) { return t.add_months(n - t.month()); },
        [&] { return t.add_years(1); });
  }
  if (r && *r == Step::Matched) {
    r = check_field(
        s.days, t.day(), [&](int64_t n) { return t.add_days(n - t.day()); },
        [&] { return t.add_months(1); });
  }
  if (r && *r == Step::Matched) r = check_weekday(s, t);
  if (r && *r == Step::Matched) {
    r = check_field(
        s.hours, t.hour(), [&](int64_t n) { return t.set_time(n, 0, 0); },
        [&] { return t.add_days(1); });
  }
  if (r && *r == Step::Matched) {
    r = check_field(
        s.minutes, t.min(), [&](int64_t n) { return t.set_min_sec(n, 0); },
        [&] { return t.set_time(t.hour() + 1, 0, 0); });
  }
  if (r && *r == Step::Matched) {
    r = check_field(
        s.seconds, t.sec(), [&](int64_t n) { return t.set_sec(n); },
        [&] { return t.set_min_sec(t.min() + 1, 0); });
  }
  return r;
}

// The first matching instant at or after `start`, if it is at most `last`. The loop runs
// kMaxSearchSteps + 1 times, as PBS's `count > 1000` check does. The candidate never moves
// backwards, so the search may stop as soon as it passes `last`.
Result<std::optional<int64_t>> search(const CalendarSpec& spec, int64_t start, int64_t last,
                                      bool utc) {
  FERRY_TRY_ASSIGN(TmEditor t, TmEditor::with_epoch(start, utc));
  for (int step = 0; step <= kMaxSearchSteps && t.epoch() <= last; ++step) {
    FERRY_TRY_ASSIGN(const Step r, search_step(spec, t));
    if (r == Step::Matched) return t.epoch();
    if (r == Step::Never) return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

CalendarEvent::CalendarEvent(std::string text, std::shared_ptr<const CalendarSpec> spec)
    : text_(std::move(text)), spec_(std::move(spec)) {}

Result<CalendarEvent> CalendarEvent::parse(std::string_view text) {
  if (text.size() > kMaxTextLength) {
    return make_error(Errc::InvalidArgument,
                      "invalid calendar event '{}...': longer than {} bytes ({} bytes)",
                      text.substr(0, 32), kMaxTextLength, text.size());
  }
  auto spec = internal::parse_calendar_spec(text);
  if (!spec) {
    return make_error(Errc::InvalidArgument, "invalid calendar event '{}': {}", text,
                      spec.error().message());
  }
  return CalendarEvent(std::string(text),
                       std::make_shared<const CalendarSpec>(std::move(*spec)));
}

bool CalendarEvent::has_utc_suffix() const { return spec_->utc; }

Result<std::optional<int64_t>> CalendarEvent::compute_next_event(int64_t after,
                                                                bool utc) const {
  if (after < kMinReferenceTime || after > kMaxReferenceTime) {
    return make_error(Errc::InvalidArgument,
                      "next event of '{}' after {}: reference time out of range", text_, after);
  }
  if (!spec_->may_match) return std::nullopt;
  const bool in_utc = utc || spec_->utc;
  if (!in_utc) tzset();  // pick up TZ changes, as every mktime call in PBS does
  // Ferry: answers stay valid references (PBS would answer years beyond 9999 too).
  return with_context(search(*spec_, after + 1, kMaxReferenceTime, in_utc),
                      "next event of '{}' after {}", text_, after);
}

}  // namespace ferry::jobs

// ferry::jobs — calendar events: the schedule strings of sync, verify, prune and GC jobs.
//
// A calendar event is PBS's systemd-like schedule syntax (jobs-and-schedules.md §1), e.g.
// `daily`, `mon..fri 8..17:00/30`, `Sat *-1..7 15:00`, `2024-06-05 UTC`. This header turns the
// text into a value (`CalendarEvent::parse`) and answers "when is the next event strictly
// after time t?" (`compute_next_event`), the question the scheduler asks every minute.
//
// Semantics follow PBS 3.2.4 (crate proxmox-time), including its quirks, so that a schedule
// fires at the same instants on Ferry as on PBS. docs/design/calendar-events.md has the
// grammar, the search algorithm, the DST rules and every quirk with its `PBS-compat:` note.
//
// Thread-safety: a CalendarEvent is an immutable value; copies are cheap (they share the
// parsed form) and may be used from any thread. Local-time computations read the process's
// time zone (TZ, via tzset), which is process-global state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ferry::jobs {

namespace internal {
struct CalendarSpec;
}  // namespace internal

// A parsed calendar event. Construct with `parse`.
class CalendarEvent {
 public:
  // Longest accepted text. PBS has no limit; ours bounds parse time and error messages, and
  // is far beyond any useful schedule.
  static constexpr size_t kMaxTextLength = 1024;
  // Reference times accepted by compute_next_event: 0001-01-01T00:00:00Z through
  // 9999-12-31T23:59:59Z.
  static constexpr int64_t kMinReferenceTime = -62135596800;
  static constexpr int64_t kMaxReferenceTime = 253402300799;

  // Parses `text` exactly as PBS does (§1.1–1.6): a keyword, or [WEEKDAYS] [DATE] [TIME] with
  // at least one part, optionally followed by `UTC`. Case-sensitive keywords, no leading or
  // trailing blanks (except blanks after a weekday list or date, which PBS skips).
  // Errors: InvalidArgument "invalid calendar event '<text>': <reason>", e.g.
  //   "invalid calendar event '*:60': minute 60 out of range (0..59)",
  //   "invalid calendar event 'tues': unknown weekday 'tues'";
  // also when the text is longer than kMaxTextLength (the message then quotes a prefix).
  // Some texts parse but never fire (`02-30`, `00-05`, a past date); see compute_next_event.
  // Pure; does not block.
  static Result<CalendarEvent> parse(std::string_view text);

  // The first instant (epoch seconds) strictly after `after` that matches the event, or
  // std::nullopt when there is none (a date in the past, `02-30`, a year list that is used
  // up), when it would lie after kMaxReferenceTime (so every answer is itself a valid
  // reference), or when the search gives up after PBS's 1000 steps.
  //
  // The event is evaluated in UTC when `utc` is true or the text ends in `UTC`; otherwise in
  // the process's local time zone (TZ, re-read with tzset like mktime does). In local time a
  // wall-clock time that does not exist (DST gap) is shifted forward by the gap, so a
  // `02:30` event does not fire on the spring-forward day; a wall-clock time that exists
  // twice (fall back) fires once, at its first occurrence. See calendar-events.md "DST".
  //
  // Errors: InvalidArgument when `after` is outside [kMinReferenceTime, kMaxReferenceTime].
  // Cost: a few microseconds for usual events; bounded by 1001 search steps in all cases.
  // Pure apart from tzset; does not block.
  Result<std::optional<int64_t>> compute_next_event(int64_t after, bool utc) const;

  // The text as given to parse.
  const std::string& text() const { return text_; }

  // True when the text ends in `UTC`: the event is always evaluated in UTC.
  bool has_utc_suffix() const;

 private:
  CalendarEvent(std::string text, std::shared_ptr<const internal::CalendarSpec> spec);

  std::string text_;
  // Immutable after parse, so copies of the event may share it.
  std::shared_ptr<const internal::CalendarSpec> spec_;
};

}  // namespace ferry::jobs

// ferry::jobs::internal — parser for calendar event strings (jobs-and-schedules.md §1.1–1.6).
//
// The grammar and its back-tracking quirks follow PBS's proxmox-time parser (for example
// `25:00` is minute 25, because a field that is not a valid hour list is re-read as minutes).
// docs/design/calendar-events.md lists every quirk we reproduce.
#pragma once

#include <string_view>

#include "common/result.h"
#include "jobs/internal/calendar_spec.h"

namespace ferry::jobs::internal {

// Parses `text` (already checked against the length limit by the caller).
// Errors: InvalidArgument whose message is only the reason ("minute 60 out of range (0..59)",
// "unknown weekday 'tues'", "unexpected ' x'"); CalendarEvent::parse prefixes the input.
// Pure; does not block.
Result<CalendarSpec> parse_calendar_spec(std::string_view text);

}  // namespace ferry::jobs::internal

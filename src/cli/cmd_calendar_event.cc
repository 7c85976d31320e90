// `ferry-manager calendar-event EVENT [--from RFC3339] [--count N] [--utc]`: checks a schedule
// before it is saved, in the manner of `systemd-analyze calendar --iterations N`: the input,
// then each next elapse time in local time and in UTC.
//
//     Original form: Wed 02:30
//       Next elapse: Wed 2024-06-12 02:30:00 CEST
//          (in UTC): Wed 2024-06-12 00:30:00 UTC
//          Iter. #2: Wed 2024-06-19 02:30:00 CEST
//          (in UTC): Wed 2024-06-19 00:30:00 UTC
//
// Events are strictly after --from (default: now), as the scheduler computes them.
#include <ctime>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/internal/args.h"
#include "cli/internal/command.h"
#include "cli/output.h"
#include "cli/table.h"
#include "common/time.h"
#include "jobs/calendar_event.h"

namespace ferry::cli::internal {
namespace {

constexpr int64_t kMaxCount = 1000;

struct State {
  explicit State(CLI::App& cmd) : args(cmd) {}
  Args args;
  std::string event;
  std::optional<std::string> from;
  std::optional<int64_t> count;
  bool utc = false;
};

// "Wed 2024-06-12 02:30:00 CEST" (local) or "Wed 2024-06-12 00:30:00 UTC".
std::string format_elapse(int64_t epoch, bool utc) {
  const time_t t = static_cast<time_t>(epoch);
  struct tm tm {};
  if (utc) {
    gmtime_r(&t, &tm);
  } else {
    tzset();
    localtime_r(&t, &tm);
  }
  char buf[64];
  const size_t n =
      strftime(buf, sizeof buf, utc ? "%a %Y-%m-%d %H:%M:%S UTC" : "%a %Y-%m-%d %H:%M:%S %Z", &tm);
  return std::string(buf, n);
}

Result<int64_t> reference_time(const State& s) {
  if (!s.from) return static_cast<int64_t>(::time(nullptr));
  return with_context(parse_rfc3339(*s.from), "invalid parameter 'from'");
}

Result<int64_t> iteration_count(const State& s) {
  const int64_t count = s.count.value_or(1);
  if (count < 1 || count > kMaxCount) {
    return make_error(Errc::InvalidArgument,
                      "invalid parameter 'count': value {} is out of range 1..{}", count,
                      kMaxCount);
  }
  return count;
}

// The next `count` events after `from` (fewer if the event runs out).
Result<std::vector<int64_t>> next_events(const jobs::CalendarEvent& event, int64_t from,
                                         int64_t count, bool utc) {
  std::vector<int64_t> times;
  int64_t last = from;
  while (static_cast<int64_t>(times.size()) < count) {
    FERRY_TRY_ASSIGN(const auto next, event.compute_next_event(last, utc));
    if (!next || *next > jobs::CalendarEvent::kMaxReferenceTime) break;
    times.push_back(*next);
    last = *next;
  }
  return times;
}

std::string render_text(const State& s, const std::vector<int64_t>& times) {
  std::string out = fmt::format("  Original form: {}\n", sanitize_for_terminal(s.event));
  if (times.empty()) return out + "    Next elapse: never\n";
  for (size_t i = 0; i < times.size(); ++i) {
    const std::string label = i == 0 ? "Next elapse" : fmt::format("Iter. #{}", i + 1);
    out += fmt::format("{:>15}: {}\n", label, format_elapse(times[i], false));
    out += fmt::format("{:>15}: {}\n", "(in UTC)", format_elapse(times[i], true));
  }
  return out;
}

nlohmann::json render_json(const State& s, const jobs::CalendarEvent& event, int64_t from,
                           const std::vector<int64_t>& times) {
  nlohmann::json next = nlohmann::json::array();
  for (const int64_t t : times) {
    auto utc = format_rfc3339_utc(t);
    next.push_back(
        {{"epoch", t}, {"local", format_rfc3339_local(t)}, {"utc", utc ? *utc : std::string()}});
  }
  return {{"event", s.event},
          {"utc", s.utc || event.has_utc_suffix()},
          {"from", from},
          {"next", std::move(next)}};
}

Result<std::string> run(const Context& ctx, const State& s) {
  FERRY_TRY(s.args.status());
  FERRY_TRY_ASSIGN(const int64_t from, reference_time(s));
  FERRY_TRY_ASSIGN(const int64_t count, iteration_count(s));
  FERRY_TRY_ASSIGN(const auto event, jobs::CalendarEvent::parse(s.event));
  FERRY_TRY_ASSIGN(const auto times, next_events(event, from, count, s.utc));
  if (ctx.format == OutputFormat::Text) return render_text(s, times);
  return format_json(render_json(s, event, from, times), ctx.format);
}

}  // namespace

void add_calendar_event_command(CLI::App& app, Action& selected) {
  auto* cmd =
      app.add_subcommand("calendar-event", "show the next times a calendar event (schedule) fires");
  auto state = std::make_shared<State>(*cmd);
  cmd->add_option("event", state->event, "calendar event, e.g. 'mon..fri 02:30' or 'daily'")
      ->required();
  state->args.text("from", state->from, "reference time, RFC 3339 (default: now)");
  state->args.integer("count", state->count, "number of events to show, 1..1000 (default 1)");
  cmd->add_flag("--utc", state->utc, "evaluate the event in UTC instead of local time");
  on_parsed(cmd, selected, state, run);
}

}  // namespace ferry::cli::internal

// libFuzzer target: CalendarEvent::parse and compute_next_event on arbitrary text.
//
// Besides "no crash, no sanitizer report, no hang", it checks the search's contract: an answer
// is strictly after the reference, and asking again from just before the answer returns the
// answer itself. Local time runs in Europe/Vienna (or its POSIX rule without tzdata) so DST
// changes are exercised; the references sit next to both 2024 changes and one ordinary time.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string_view>

#include "jobs/calendar_event.h"

namespace {

constexpr int64_t kReferences[] = {
    1711846740,  // 2024-03-31T00:59:00Z, a minute before the spring-forward gap in Vienna
    1729989000,  // 2024-10-27T00:30:00Z, inside the first pass of the repeated hour
    1729992600,  // 2024-10-27T01:30:00Z, inside the second pass
    1717582643,  // 2024-06-05T10:17:23Z
};

void check(const ferry::jobs::CalendarEvent& event, int64_t after, bool utc) {
  auto next = event.compute_next_event(after, utc);
  if (!next) {
    std::fprintf(stderr, "'%s' after %lld: %s\n", event.text().c_str(),
                 static_cast<long long>(after), next.error().to_string().c_str());
    std::abort();
  }
  if (!next->has_value()) return;
  const int64_t t = **next;
  if (t <= after) {
    std::fprintf(stderr, "'%s' after %lld: answer %lld is not later\n", event.text().c_str(),
                 static_cast<long long>(after), static_cast<long long>(t));
    std::abort();
  }
  auto again = event.compute_next_event(t - 1, utc);
  if (!again || *again != *next) {
    std::fprintf(stderr, "'%s': next after %lld is %lld, but not from %lld\n",
                 event.text().c_str(), static_cast<long long>(after),
                 static_cast<long long>(t), static_cast<long long>(t - 1));
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::FILE* zone = std::fopen("/usr/share/zoneinfo/Europe/Vienna", "r");
  const bool have_tzdata = zone != nullptr;
  if (zone != nullptr) std::fclose(zone);
  setenv("TZ", have_tzdata ? "Europe/Vienna" : "CET-1CEST,M3.5.0,M10.5.0/3", 1);
  tzset();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto event = ferry::jobs::CalendarEvent::parse(text);
  if (!event) return 0;
  if (event->text() != text) std::abort();
  for (const int64_t after : kReferences) {
    check(*event, after, true);
    check(*event, after, false);
  }
  return 0;
}

#include "sync/snapshot_selection.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/time.h"

namespace ferry::sync {
namespace {

void note_skip(std::optional<SkipReport>& r, SkipReport::Reason reason, int64_t t) {
  if (!r) r = SkipReport{reason, 0, t, t};
  r->count++;
  r->oldest = std::min(r->oldest, t);
  r->newest = std::max(r->newest, t);
}

}  // namespace

Selection select_snapshots(std::vector<SourceSnapshot> source, std::optional<int64_t> newest_local,
                           const SelectionOptions& opts) {
  std::sort(source.begin(), source.end(),
            [](const SourceSnapshot& a, const SourceSnapshot& b) { return a.time < b.time; });
  Selection out;
  std::optional<SkipReport> older, transfer_last;
  const uint64_t n = source.size();
  const uint64_t cutoff =
      opts.transfer_last && *opts.transfer_last < n ? n - *opts.transfer_last : 0;
  for (uint64_t pos = 0; pos < n; ++pos) {
    const SourceSnapshot& s = source[pos];
    out.source_times.insert(s.time);
    // resync-corrupt comes before the age and transfer-last rules (§12.1).
    if (opts.resync_corrupt && s.local_corrupt) {
      out.selected.push_back({s.time, true});
      continue;
    }
    if (newest_local && s.time < *newest_local) {
      note_skip(older, SkipReport::Reason::OlderThanNewestLocal, s.time);
      continue;
    }
    if (pos < cutoff && (!newest_local || s.time != *newest_local)) {
      note_skip(transfer_last, SkipReport::Reason::TransferLast, s.time);
      continue;
    }
    out.selected.push_back({s.time, false});
  }
  if (older) out.skipped.push_back(*older);
  if (transfer_last) out.skipped.push_back(*transfer_last);
  return out;
}

std::string format_skip_report(const SkipReport& r) {
  auto ts = [](int64_t t) {
    auto s = format_rfc3339_utc(t);
    return s ? *s : std::to_string(t);
  };
  std::string range = r.oldest == r.newest ? ts(r.oldest) : ts(r.oldest) + " .. " + ts(r.newest);
  const char* reason = r.reason == SkipReport::Reason::OlderThanNewestLocal
                           ? "older than the newest snapshot present on sync target"
                           : "due to transfer-last";
  return fmt::format("skipped: {} snapshot(s) ({}) - {}", r.count, range, reason);
}

}  // namespace ferry::sync

// Which source snapshots a pull transfers (sync-semantics.md §6.2, §6.3, §12.1).
//
// Pure function over the source list and a summary of the local group: no I/O, so the rules
// can be tested exhaustively. Ferry follows PBS ≥ 3.2.9 here (docs/design/sync.md, decision
// S3): the 3.2.4 bug that let the first snapshot after an "older" run bypass transfer-last is
// not reproduced, and both skip reports are produced after the loop.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ferry::sync {

struct SourceSnapshot {
  int64_t time = 0;
  // resync-corrupt: the local snapshot directory exists and its manifest says verify failed
  // or cannot be read. Ignored unless SelectionOptions::resync_corrupt.
  bool local_corrupt = false;
};

struct SelectionOptions {
  std::optional<uint64_t> transfer_last;  // newest N only
  bool resync_corrupt = false;
};

struct SelectedSnapshot {
  int64_t time = 0;
  bool corrupt = false;  // re-sync because the local copy failed verification
};

// One "skipped: ..." report line's content.
struct SkipReport {
  enum class Reason { OlderThanNewestLocal, TransferLast };
  Reason reason;
  uint64_t count = 0;
  int64_t oldest = 0;
  int64_t newest = 0;
};

struct Selection {
  std::vector<SelectedSnapshot> selected;  // ascending time
  std::vector<SkipReport> skipped;         // at most one per reason, older-than first
  std::set<int64_t> source_times;          // every listed time (for remove-vanished)
};

// `source` in any order (sorted internally); `newest_local` = the newest local snapshot of the
// target group that has a manifest, if any.
Selection select_snapshots(std::vector<SourceSnapshot> source, std::optional<int64_t> newest_local,
                           const SelectionOptions& opts);

// "skipped: 2 snapshot(s) (2024-06-01T00:00:00Z .. 2024-06-02T00:00:00Z) - older than the newest
// snapshot present on sync target".
std::string format_skip_report(const SkipReport& r);

}  // namespace ferry::sync

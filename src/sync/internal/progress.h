// Progress and size rendering of pull task logs (sync-semantics.md §10).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ferry::sync::internal {

// Where a namespace pull stands: `done_groups` of `total_groups` are finished and the current
// group has `done_snapshots` of its `group_snapshots` selected snapshots done.
struct StoreProgress {
  size_t done_groups = 0;
  size_t total_groups = 0;
  size_t done_snapshots = 0;
  size_t group_snapshots = 0;

  // done_groups/total + (1/total)·(done_snapshots/group_snapshots), in 0..1.
  double fraction() const;
  // The text after "percentage done: ", e.g. "37.50% (1/4 groups, 1/2 snapshots in group #2)".
  std::string to_string() const;
};

// Binary units as PBS prints sizes: the largest of B, KiB, … PiB whose value is at least 1,
// rounded to 3 decimals in shortest form: 0 → "0 B", 1000 → "1000 B", 1572864 → "1.5 MiB".
std::string format_binary_size(double bytes);

// "{bytes}/{seconds}" as a size ("1.5 MiB"); a zero or negative duration counts as 1 µs.
std::string format_rate(uint64_t bytes, double seconds);

}  // namespace ferry::sync::internal

#include "sync/internal/progress.h"

#include <cmath>

#include <fmt/format.h>

namespace ferry::sync::internal {

double StoreProgress::fraction() const {
  if (total_groups == 0) return 0.0;
  double groups = double(done_groups) / double(total_groups);
  if (group_snapshots == 0) return groups;
  return groups + (double(done_snapshots) / double(group_snapshots)) / double(total_groups);
}

std::string StoreProgress::to_string() const {
  double pct = fraction() * 100.0;
  if (group_snapshots == 0) {
    return fmt::format("{:.2f}% ({}/{} groups)", pct, done_groups, total_groups);
  }
  if (total_groups == 1) {
    return fmt::format("{:.2f}% ({}/{} snapshots)", pct, done_snapshots, group_snapshots);
  }
  if (done_snapshots == group_snapshots) {
    return fmt::format("{:.2f}% ({}/{} groups)", pct, done_groups + 1, total_groups);
  }
  return fmt::format("{:.2f}% ({}/{} groups, {}/{} snapshots in group #{})", pct, done_groups,
                     total_groups, done_snapshots, group_snapshots, done_groups + 1);
}

std::string format_binary_size(double bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  if (!(bytes > 0)) return "0 B";
  size_t unit = 0;
  while (unit + 1 < std::size(kUnits) && bytes >= 1024.0) {
    bytes /= 1024.0;
    ++unit;
  }
  std::string number = fmt::format("{:.3f}", std::round(bytes * 1000.0) / 1000.0);
  // Shortest form: drop trailing zeros of the fraction, then a bare decimal point.
  number.erase(number.find_last_not_of('0') + 1);
  if (number.back() == '.') number.pop_back();
  return number + " " + kUnits[unit];
}

std::string format_rate(uint64_t bytes, double seconds) {
  if (!(seconds > 0)) seconds = 1e-6;
  return format_binary_size(double(bytes) / seconds);
}

}  // namespace ferry::sync::internal

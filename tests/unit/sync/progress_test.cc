// Rendering of progress, sizes and rates in pull task logs (sync-semantics.md §10, case E11).
#include "sync/internal/progress.h"

#include <gtest/gtest.h>

namespace ferry::sync::internal {
namespace {

TEST(ProgressTest, E11_FormatsSizesInBinaryUnits) {
  struct Case {
    double bytes;
    const char* text;
  };
  for (const Case& c : std::vector<Case>{{0, "0 B"},
                                         {1, "1 B"},
                                         {1000, "1000 B"},
                                         {1023, "1023 B"},
                                         {1024, "1 KiB"},
                                         {1536, "1.5 KiB"},
                                         {4194304, "4 MiB"},
                                         {1572864, "1.5 MiB"},
                                         {13255717273.0, "12.345 GiB"},
                                         {1125899906842624.0, "1 PiB"},
                                         {1152921504606846976.0, "1024 PiB"}}) {
    EXPECT_EQ(format_binary_size(c.bytes), c.text) << c.bytes;
  }
}

TEST(ProgressTest, FormatsRatesAndToleratesZeroDurations) {
  EXPECT_EQ(format_rate(1572864, 1.0), "1.5 MiB");
  EXPECT_EQ(format_rate(3145728, 2.0), "1.5 MiB");
  EXPECT_EQ(format_rate(0, 0.0), "0 B");
  EXPECT_EQ(format_rate(1, 0.0), "976.563 KiB");  // 1 byte per µs
}

TEST(ProgressTest, PercentageLinesFollowPbs) {
  struct Case {
    StoreProgress p;
    const char* text;
  };
  for (const Case& c :
       std::vector<Case>{{{0, 4, 0, 0}, "0.00% (0/4 groups)"},
                         {{0, 1, 1, 4}, "25.00% (1/4 snapshots)"},
                         {{1, 4, 2, 2}, "50.00% (2/4 groups)"},
                         {{1, 4, 1, 2}, "37.50% (1/4 groups, 1/2 snapshots in group #2)"},
                         {{3, 3, 0, 0}, "100.00% (3/3 groups)"},
                         {{0, 0, 0, 0}, "0.00% (0/0 groups)"}}) {
    EXPECT_EQ(c.p.to_string(), c.text) << c.text;
  }
}

}  // namespace
}  // namespace ferry::sync::internal

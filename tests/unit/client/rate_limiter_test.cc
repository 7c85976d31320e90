#include "client/rate_limiter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace ferry::client {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using TimePoint = RateLimiter::TimePoint;

const TimePoint kStart = TimePoint(seconds(1000));

// One registration: at `at` after the start, `bytes` transferred, `delay` expected.
struct Step {
  nanoseconds at;
  uint64_t bytes;
  nanoseconds delay;
};

struct Case {
  const char* name;
  uint64_t rate;
  uint64_t burst;
  std::vector<Step> steps;
};

// Expected values follow protocol.md §8.2 by hand: c starts at b; c = max(0, c - dt*r) + n;
// delay = (c - b) / r when c > b.
TEST(RateLimiterTest, DelaysFollowTheTokenBucketFormula) {
  const std::vector<Case> cases = {
      {"bucket starts empty: the first bytes already cost time",
       1000,
       0,
       {{nanoseconds(0), 500, milliseconds(500)}}},
      {"one second refills rate tokens",
       1000,
       0,
       {{nanoseconds(0), 500, milliseconds(500)}, {seconds(1), 500, nanoseconds(0)}}},
      {"partial refill",
       1000,
       0,
       {{nanoseconds(0), 1000, seconds(1)}, {milliseconds(250), 100, milliseconds(850)}}},
      {"idle time never drives the count below zero",
       1000,
       0,
       {{seconds(10), 1000, nanoseconds(0)}, {seconds(10), 1, milliseconds(1)}}},
      {"burst larger than rate",
       1000,
       4000,
       {{nanoseconds(0), 2000, seconds(2)},
        {seconds(20), 4000, nanoseconds(0)},
        {seconds(20), 500, milliseconds(500)}}},
      {"nanosecond resolution without rounding loss",
       3,
       0,
       {{nanoseconds(0), 1, nanoseconds(333333333)}, {nanoseconds(1), 0, nanoseconds(333333332)}}},
      {"rate 0 is unlimited",
       0,
       0,
       {{nanoseconds(0), 1u << 30, nanoseconds(0)}, {nanoseconds(1), 1u << 30, nanoseconds(0)}}},
      {"time going backwards counts as no elapsed time",
       1000,
       0,
       {{milliseconds(500), 1500, seconds(1)}, {milliseconds(250), 0, seconds(1)}}},
  };
  for (const Case& c : cases) {
    RateLimiter limiter(c.rate, c.burst, kStart);
    for (size_t i = 0; i < c.steps.size(); ++i) {
      const Step& s = c.steps[i];
      EXPECT_EQ(limiter.register_traffic(kStart + s.at, s.bytes).count(), s.delay.count())
          << c.name << ", step " << i << " (rate " << c.rate << ", burst " << c.burst << ")";
    }
  }
}

TEST(RateLimiterTest, SharedLimiterAddsUpTrafficOfAllUsers) {
  RateLimiter limiter(1000, 0, kStart);
  // Two connections each move 500 bytes at the same moment: together a full second's worth.
  EXPECT_EQ(limiter.register_traffic(kStart, 500), milliseconds(500));
  EXPECT_EQ(limiter.register_traffic(kStart, 500), seconds(1));
  EXPECT_EQ(limiter.traffic(), 1000u);
}

TEST(RateLimiterTest, BurstDefaultsToRate) {
  RateLimiter limiter(2048, 0, kStart);
  EXPECT_EQ(limiter.rate(), 2048u);
  EXPECT_EQ(limiter.burst(), 2048u);
}

TEST(RateLimiterTest, UpdateKeepsConsumedTokens) {
  RateLimiter limiter(1000, 0, kStart);
  EXPECT_EQ(limiter.register_traffic(kStart, 1000), seconds(1));         // c = 2000
  limiter.update(2000, 0);                                               // b = 2000
  EXPECT_EQ(limiter.register_traffic(kStart, 1000), milliseconds(500));  // c = 3000
}

TEST(RateLimiterTest, LeavingUnlimitedModeDoesNotTurnOldTrafficIntoDelay) {
  RateLimiter limiter(0, 0, kStart);
  limiter.register_traffic(kStart, 1u << 30);
  limiter.update(1000, 0);
  // Back to a fresh (empty) bucket: 100 bytes cost 100 ms, not a gigabyte's worth.
  EXPECT_EQ(limiter.register_traffic(kStart, 100), milliseconds(100));
}

TEST(RateLimiterTest, MinimumDelayIsTenMilliseconds) {
  EXPECT_EQ(RateLimiter::kMinDelay, milliseconds(10));
}

}  // namespace
}  // namespace ferry::client

// RateLimiter: the token bucket of protocol.md §8.2, shared by connections.
//
// Per direction a client has one limiter with rate `r` (bytes per second) and bucket size `b`
// (the burst; `b = r` when no burst is configured). The bucket starts *empty*: the consumed
// token count `c` starts at `b`, so there is no initial burst. For every completed read or
// write of `n` bytes at time `t`:
//
//     c = max(0, c - (t - t0) * r)      (nanosecond resolution, no rounding loss)
//     t0 = t
//     c = c + n
//     delay = c <= b ? 0 : (c - b) / r  seconds
//
// The caller applies the delay before its *next* transfer in that direction, and only when it
// is at least kMinDelay (10 ms). Rate 0 means unlimited (no delay ever; PBS 3.2.4 divided by
// zero there, newer versions do this).
//
// RateLimitedSocket applies limiters below TLS, so they count encrypted bytes including
// protocol overhead, like PBS. HttpClient shares one read and one write limiter between its
// REST connection and every HTTP/2 connection it opens.
//
// Time is a parameter (steady clock), which keeps the arithmetic testable without sleeping.
// Thread-safe: a mutex guards the bucket, so connections on different threads may share it.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace ferry::client {

class RateLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // Delays shorter than this are not applied (protocol.md §8.2).
  static constexpr std::chrono::milliseconds kMinDelay{10};

  // `burst` 0 means "same as rate". `start` is t0 (normally now).
  RateLimiter(uint64_t rate, uint64_t burst, TimePoint start);

  // Accounts `bytes` transferred at `now` and returns the exact delay owed before the next
  // transfer (zero when the bucket has room). A `now` earlier than the last update (threads
  // racing to the lock) counts as no elapsed time. Never fails, never blocks beyond the mutex.
  std::chrono::nanoseconds register_traffic(TimePoint now, uint64_t bytes);

  // Changes rate and burst; the consumed tokens carry over. Thread-safe.
  void update(uint64_t rate, uint64_t burst);

  uint64_t rate() const;
  uint64_t burst() const;
  // Total bytes registered so far.
  uint64_t traffic() const;

 private:
  // Tokens are kept scaled by 10^9 (token-nanoseconds) so that refills over short intervals
  // are exact: refill = elapsed_ns * rate, no division.
  __extension__ using Scaled = unsigned __int128;

  mutable std::mutex mu_;
  uint64_t rate_;
  uint64_t bucket_;
  Scaled consumed_;
  TimePoint last_;
  uint64_t traffic_ = 0;
};

}  // namespace ferry::client

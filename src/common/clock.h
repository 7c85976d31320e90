// The clock seam (STYLE.md principle 4): code that reads the time takes a `Clock&`, so tests
// can drive it with tests/support's ManualClock.
#pragma once

#include <chrono>
#include <cstdint>

namespace ferry {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time.
  virtual std::chrono::system_clock::time_point now() const = 0;
  // Seconds since the epoch.
  int64_t epoch() const {
    return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
  }
};

// The real clock. Stateless and thread-safe.
class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
  static SystemClock& instance() {
    static SystemClock clock;
    return clock;
  }
};

}  // namespace ferry

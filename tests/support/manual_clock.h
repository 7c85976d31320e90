// A clock that only moves when the test says so.
#pragma once

#include <chrono>
#include <cstdint>

#include "common/clock.h"

namespace ferry::test {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t epoch = 1700000000) { set_epoch(epoch); }
  std::chrono::system_clock::time_point now() const override { return now_; }
  void set_epoch(int64_t epoch) {
    now_ = std::chrono::system_clock::time_point(std::chrono::seconds(epoch));
  }
  void advance(std::chrono::system_clock::duration d) { now_ += d; }

 private:
  std::chrono::system_clock::time_point now_;
};

}  // namespace ferry::test

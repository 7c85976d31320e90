#include "client/rate_limiter.h"

namespace ferry::client {

namespace {
constexpr uint64_t kNanosPerSecond = 1'000'000'000;
}  // namespace

RateLimiter::RateLimiter(uint64_t rate, uint64_t burst, TimePoint start)
    : rate_(rate),
      bucket_(burst == 0 ? rate : burst),
      consumed_(Scaled(burst == 0 ? rate : burst) * kNanosPerSecond),  // starts empty
      last_(start) {}

std::chrono::nanoseconds RateLimiter::register_traffic(TimePoint now, uint64_t bytes) {
  std::lock_guard lock(mu_);
  traffic_ += bytes;
  if (now > last_) {
    auto elapsed = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - last_).count());
    Scaled refill = Scaled(elapsed) * rate_;
    consumed_ = consumed_ > refill ? consumed_ - refill : 0;
    last_ = now;
  }
  consumed_ += Scaled(bytes) * kNanosPerSecond;
  Scaled full = Scaled(bucket_) * kNanosPerSecond;
  if (rate_ == 0 || consumed_ <= full) return std::chrono::nanoseconds(0);
  // (c - b) / r seconds = (c_scaled - b_scaled) / r nanoseconds.
  return std::chrono::nanoseconds(static_cast<int64_t>((consumed_ - full) / rate_));
}

void RateLimiter::update(uint64_t rate, uint64_t burst) {
  std::lock_guard lock(mu_);
  // While unlimited the debt grew without bound; it must not turn into a huge first delay.
  if (rate_ == 0) consumed_ = Scaled(burst == 0 ? rate : burst) * kNanosPerSecond;
  rate_ = rate;
  bucket_ = burst == 0 ? rate : burst;
}

uint64_t RateLimiter::rate() const {
  std::lock_guard lock(mu_);
  return rate_;
}

uint64_t RateLimiter::burst() const {
  std::lock_guard lock(mu_);
  return bucket_;
}

uint64_t RateLimiter::traffic() const {
  std::lock_guard lock(mu_);
  return traffic_;
}

}  // namespace ferry::client

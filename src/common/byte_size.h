// "Human byte" sizes: `20MiB`, `1.5 GiB`, `512 KB` (protocol.md §8.1). Used for the rate and
// burst limits of sync jobs and clients. Rates are bytes per second, bursts bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ferry {

enum class SizeUnit { Byte, KB, MB, GB, TB, PB, KiB, MiB, GiB, TiB, PiB };

// A size as the user wrote it (number and unit are kept so it renders back the same way).
class HumanByte {
 public:
  // Parses per protocol.md §8.1. InvalidArgument naming the input and the reason.
  static Result<HumanByte> parse(std::string_view text);
  static HumanByte from_bytes(uint64_t bytes);  // unit B

  uint64_t bytes() const { return bytes_; }
  // "<number> <unit>" with at most three decimals: "20 MiB", "1.5 GB", "100 B".
  std::string to_string() const;

  bool operator==(const HumanByte& o) const { return bytes_ == o.bytes_; }

 private:
  HumanByte(double number, SizeUnit unit, uint64_t bytes)
      : number_(number), unit_(unit), bytes_(bytes) {}
  double number_ = 0;
  SizeUnit unit_ = SizeUnit::Byte;
  uint64_t bytes_ = 0;
};

}  // namespace ferry

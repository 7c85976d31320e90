#include "common/byte_size.h"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace ferry {
namespace {

struct UnitInfo {
  const char* name;
  double factor;
};

UnitInfo unit_info(SizeUnit u) {
  switch (u) {
    case SizeUnit::Byte: return {"B", 1.0};
    case SizeUnit::KB: return {"KB", 1e3};
    case SizeUnit::MB: return {"MB", 1e6};
    case SizeUnit::GB: return {"GB", 1e9};
    case SizeUnit::TB: return {"TB", 1e12};
    case SizeUnit::PB: return {"PB", 1e15};
    case SizeUnit::KiB: return {"KiB", 1024.0};
    case SizeUnit::MiB: return {"MiB", 1048576.0};
    case SizeUnit::GiB: return {"GiB", 1073741824.0};
    case SizeUnit::TiB: return {"TiB", 1099511627776.0};
    case SizeUnit::PiB: return {"PiB", 1125899906842624.0};
  }
  return {"B", 1.0};
}

// The decimal and binary unit for a prefix letter, or Byte when `c` is not one.
bool prefix_unit(char c, bool binary, SizeUnit& out) {
  static constexpr SizeUnit kDec[] = {SizeUnit::KB, SizeUnit::MB, SizeUnit::GB, SizeUnit::TB,
                                      SizeUnit::PB};
  static constexpr SizeUnit kBin[] = {SizeUnit::KiB, SizeUnit::MiB, SizeUnit::GiB, SizeUnit::TiB,
                                      SizeUnit::PiB};
  static constexpr std::string_view kLetters = "kmgtp";
  char lower = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  size_t i = kLetters.find(lower);
  if (i == std::string_view::npos) return false;
  out = binary ? kBin[i] : kDec[i];
  return true;
}

}  // namespace

Result<HumanByte> HumanByte::parse(std::string_view text) {
  auto bad = [&](std::string_view why) -> Result<HumanByte> {
    return make_error(Errc::InvalidArgument, "invalid byte size '{}': {}", text, why);
  };
  if (text.empty() || text.size() > 64) return bad("length must be 1 to 64 characters");
  std::string_view s = text;
  if (s.back() == 'B' || s.back() == 'b') s.remove_suffix(1);
  bool binary = false;
  if (!s.empty() && s.back() == 'i') {
    binary = true;
    s.remove_suffix(1);
  }
  SizeUnit unit = SizeUnit::Byte;
  if (!s.empty() && prefix_unit(s.back(), binary, unit)) {
    s.remove_suffix(1);
  } else if (binary) {
    return bad("'i' must follow a unit letter (K, M, G, T, P)");
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return bad("missing number");
  // Only plain decimal notation: digits, optional fraction, optional exponent.
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  size_t int_digits = digits();
  size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    frac_digits = digits();
  }
  if (int_digits + frac_digits == 0) return bad("not a number");
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return bad("not a number");
  }
  if (i != s.size()) return bad("not a number");
  std::string num(s);
  double value = std::strtod(num.c_str(), nullptr);
  double total = value * unit_info(unit).factor;
  if (!std::isfinite(total) || total >= 18446744073709551616.0) return bad("too large");
  return HumanByte(value, unit, uint64_t(total));
}

HumanByte HumanByte::from_bytes(uint64_t bytes) {
  return HumanByte(double(bytes), SizeUnit::Byte, bytes);
}

std::string HumanByte::to_string() const {
  std::string n = fmt::format("{:.3f}", number_);
  while (!n.empty() && n.back() == '0') n.pop_back();
  if (!n.empty() && n.back() == '.') n.pop_back();
  return n + " " + unit_info(unit_).name;
}

}  // namespace ferry

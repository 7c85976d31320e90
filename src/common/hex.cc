#include "common/hex.h"

namespace ferry {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string to_hex(ByteView data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(data.size() * 2, '\0');
  for (size_t i = 0; i < data.size(); ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

Status from_hex_into(std::string_view text, std::span<uint8_t> out) {
  if (text.size() != out.size() * 2) {
    return make_error(Errc::InvalidArgument, "expected {} hex digits, got {}", out.size() * 2,
                      text.size());
  }
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(text[2 * i]);
    int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return make_error(Errc::InvalidArgument, "invalid hex digit at position {}",
                        hi < 0 ? 2 * i : 2 * i + 1);
    }
    out[i] = uint8_t(hi << 4 | lo);
  }
  return ok();
}

Result<Bytes> from_hex(std::string_view text) {
  if (text.size() % 2 != 0) {
    return make_error(Errc::InvalidArgument, "odd number of hex digits ({})", text.size());
  }
  Bytes out(text.size() / 2);
  FERRY_TRY(from_hex_into(text, out));
  return out;
}

}  // namespace ferry

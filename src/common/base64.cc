#include "common/base64.h"

#include <algorithm>
#include <cstdint>

namespace ferry {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Removes the '=' padding `padding` allows; false if the padding is malformed.
bool strip_padding(std::string_view& text, Base64Padding padding) {
  if (padding == Base64Padding::Forbidden) return true;  // a '=' fails as a bad character
  if (text.size() % 4 != 0) return padding == Base64Padding::Optional;
  for (int k = 0; k < 2 && !text.empty() && text.back() == '='; ++k) text.remove_suffix(1);
  // Padding only completes a partial group; "AAAA====" style input keeps a '=' and fails.
  return true;
}

}  // namespace

std::string base64_encode(ByteView data, bool pad) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  for (size_t i = 0; i < data.size(); i += 3) {
    size_t n = std::min<size_t>(3, data.size() - i);
    uint32_t v = uint32_t(data[i]) << 16;
    if (n > 1) v |= uint32_t(data[i + 1]) << 8;
    if (n > 2) v |= uint32_t(data[i + 2]);
    for (size_t k = 0; k < 4; ++k) {
      if (k <= n) {
        out.push_back(kAlphabet[(v >> (18 - 6 * k)) & 63]);
      } else if (pad) {
        out.push_back('=');
      }
    }
  }
  return out;
}

std::optional<Bytes> base64_decode(std::string_view text, Base64Padding padding) {
  if (!strip_padding(text, padding)) return std::nullopt;
  if (text.size() % 4 == 1) return std::nullopt;
  Bytes out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = base64_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(uint8_t(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  if (acc != 0) return std::nullopt;  // non-canonical trailing bits
  return out;
}

}  // namespace ferry

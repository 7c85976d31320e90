#include "common/text.h"

#include <cstdint>

namespace ferry {
namespace {

// Decodes the code point starting at s[i]; returns its byte length (0 if malformed).
size_t decode(std::string_view s, size_t i, uint32_t& cp) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  size_t len;
  uint32_t min;
  if (c < 0x80) {
    cp = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool is_unicode_whitespace(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  uint32_t cp;
  for (size_t i = 0; i < s.size();) {
    size_t n = decode(s, i, cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string sanitize_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  uint32_t cp;
  for (size_t i = 0; i < s.size();) {
    size_t n = decode(s, i, cp);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

size_t count_code_points(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

size_t leading_whitespace_length(std::string_view s) {
  if (s.empty()) return 0;
  uint32_t cp;
  size_t n = decode(s, 0, cp);
  return (n != 0 && is_unicode_whitespace(cp)) ? n : 0;
}

size_t trailing_whitespace_length(std::string_view s) {
  if (s.empty()) return 0;
  size_t start = s.size() - 1;
  // Walk back over continuation bytes (at most 3) to the lead byte.
  while (start > 0 && s.size() - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
    --start;
  }
  uint32_t cp;
  size_t n = decode(s, start, cp);
  return (n == s.size() - start && is_unicode_whitespace(cp)) ? n : 0;
}

std::string_view trim_unicode(std::string_view s) {
  while (size_t n = leading_whitespace_length(s)) s.remove_prefix(n);
  while (size_t n = trailing_whitespace_length(s)) s.remove_suffix(n);
  return s;
}

bool is_blank(std::string_view s) { return trim_unicode(s).empty(); }

bool has_control_char(std::string_view s) {
  uint32_t cp;
  for (size_t i = 0; i < s.size();) {
    size_t n = decode(s, i, cp);
    if (n == 0) return true;  // malformed input is never acceptable text
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return true;
    i += n;
  }
  return false;
}

}  // namespace ferry

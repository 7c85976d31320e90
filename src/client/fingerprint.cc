#include "client/fingerprint.h"

#include "common/digest.h"

namespace ferry::client {

namespace {
bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
}  // namespace

Result<std::string> parse_fingerprint(std::string_view text) {
  bool ok = text.size() == 95;
  for (size_t i = 0; ok && i < text.size(); ++i) {
    ok = i % 3 == 2 ? text[i] == ':' : is_hex(text[i]);
  }
  if (!ok) {
    return make_error(Errc::InvalidArgument,
                      "invalid fingerprint '{}': expected 32 hex byte pairs separated by ':'",
                      text.substr(0, 128));
  }
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string fingerprint_of_der(std::string_view der) {
  std::string hex = sha256(der).to_hex();
  std::string out;
  out.reserve(95);
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (i > 0) out += ':';
    out.append(hex, i, 2);
  }
  return out;
}

}  // namespace ferry::client

// Standard base64 (RFC 4648 alphabet `+/`), as PBS uses it: padded in remote.cfg passwords,
// unpadded in tickets and CSRF tokens (Rust base64 STANDARD / STANDARD_NO_PAD).
//
// Decoding is strict: characters outside the alphabet, misplaced '=' and non-canonical
// trailing bits are rejected. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"

namespace ferry {

enum class Base64Padding {
  Required,   // length a multiple of 4, '=' padding (STANDARD)
  Forbidden,  // no '=' at all (STANDARD_NO_PAD)
  Optional,   // either form
};

std::string base64_encode(ByteView data, bool pad = true);
inline std::string base64_encode(std::string_view data, bool pad = true) {
  return base64_encode(as_bytes(data), pad);
}

// nullopt when `text` is not canonical base64 under `padding`.
std::optional<Bytes> base64_decode(std::string_view text, Base64Padding padding);

}  // namespace ferry

// Text encodings used by tickets, CSRF tokens and headers (private to ferry_auth). Base64 and
// UTF-8 helpers are in common/base64.h and common/text.h.
//
// PBS-compat: tickets and CSRF tokens carry standard base64 *without* padding (Rust base64
// STANDARD_NO_PAD); ticket data and the API-token secret are percent-encoded/decoded with the
// rules of Rust's `percent_encoding` crate (see docs/protocol/auth.md §2).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"

namespace ferry::auth::internal {

// Percent-encodes the ticket data set: ASCII controls (0x00..0x1f, 0x7f), ':' and every byte
// >= 0x80, as "%XX" with upper-case hex.
std::string percent_encode_ticket(std::string_view text);

// Decodes every "%XX" (hex of either case); malformed escapes stay literal. The result is
// raw bytes: check it with ferry::is_valid_utf8 (common/text.h) where text is required.
std::string percent_decode(std::string_view text);

// Upper-case hex of `value`, zero-padded to at least 8 digits (Rust `{:08X}` for i64; negative
// values print as their 64-bit two's complement, as Rust does).
std::string format_hex_time(int64_t value);

// Rust `i64::from_str_radix(s, 16)`: optional '+'/'-', then at least one hex digit of either
// case; nullopt on overflow or a bad digit.
std::optional<int64_t> parse_hex_i64(std::string_view s);

// now − time, saturated to the int64 range (hostile timestamps must not overflow).
int64_t age_since(int64_t now, int64_t time);

}  // namespace ferry::auth::internal

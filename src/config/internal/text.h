// Text helpers for the section-config parser (private to ferry_config).
//
// PBS parses config files as Rust `str`: valid UTF-8, lengths counted in Unicode scalar values,
// and "whitespace" meaning the Unicode White_Space property (Rust `char::is_whitespace`). These
// helpers reproduce exactly that on std::string_view.
#pragma once

#include <cstddef>
#include <string_view>

namespace ferry::config::internal {

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Number of code points in `s`. Precondition: is_valid_utf8(s).
size_t count_code_points(std::string_view s);

// Length in bytes of the whitespace character (Unicode White_Space) at the start of `s`, or 0
// if `s` does not start with one. Precondition: is_valid_utf8(s).
size_t leading_whitespace_length(std::string_view s);
// Same for the character that ends `s`.
size_t trailing_whitespace_length(std::string_view s);

// True if `s` is empty or consists only of whitespace.
bool is_blank(std::string_view s);

// `s` without leading/trailing whitespace (Rust `str::trim`).
std::string_view trim(std::string_view s);

// True if `s` contains an ASCII or C1 control character (Rust `char::is_control`:
// U+0000..U+001F, U+007F..U+009F).
bool has_control_char(std::string_view s);

}  // namespace ferry::config::internal

// Text helpers with Rust `str` semantics, shared by every parser of untrusted text (config
// files, tickets, HTTP parameters, manifests, task logs).
//
// PBS handles text as Rust `str`: well-formed UTF-8, lengths counted in Unicode scalar values,
// "whitespace" meaning the Unicode White_Space property (`char::is_whitespace`) and "control"
// meaning `char::is_control`. These functions reproduce exactly that on std::string_view.
// Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ferry {

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

// `s` with every byte that is not part of a well-formed sequence replaced by U+FFFD.
std::string sanitize_utf8(std::string_view s);

// Number of code points in `s`. Precondition: is_valid_utf8(s).
size_t count_code_points(std::string_view s);

// Length in bytes of the whitespace character (Unicode White_Space) at the start of `s`, or 0
// if `s` does not start with one (or with a malformed sequence).
size_t leading_whitespace_length(std::string_view s);
// Same for the character that ends `s`.
size_t trailing_whitespace_length(std::string_view s);

// `s` without leading/trailing whitespace (Rust `str::trim`).
std::string_view trim_unicode(std::string_view s);

// True if `s` is empty or consists only of whitespace.
bool is_blank(std::string_view s);

// True if `s` contains an ASCII or C1 control character (U+0000..U+001F, U+007F..U+009F) or is
// not well-formed UTF-8.
bool has_control_char(std::string_view s);

}  // namespace ferry

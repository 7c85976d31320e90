// Lower-case hexadecimal encoding, as every PBS format and API uses it.
#pragma once

#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace ferry {

// Lower-case hex without separators.
std::string to_hex(ByteView data);

// Parses hex (either case, no separators). InvalidArgument on odd length or a non-hex digit.
Result<Bytes> from_hex(std::string_view text);

// Parses hex into exactly `out.size()` bytes. InvalidArgument on wrong length or bad digit.
Status from_hex_into(std::string_view text, std::span<uint8_t> out);

}  // namespace ferry

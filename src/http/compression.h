// Response compression for the API (api.md §2.3): only `deflate`, used when the client's
// Accept-Encoding lists it. The encoding is the zlib format (RFC 1950), which is what HTTP's
// "deflate" means and what PBS sends (zlib wrapper, compression level 3).
// Pure functions; CPU-bound in proportion to the body size.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ferry::http {

// Whether an Accept-Encoding value lists `deflate` with a non-zero q-value
// ("gzip, deflate", "deflate;q=0.5"; not "deflate;q=0" and not "*").
bool accepts_deflate(std::string_view accept_encoding);

// zlib-wrapped deflate of `data`. Internal if zlib fails (out of memory).
Result<std::string> deflate_compress(std::string_view data, int level = 3);

// Inverse of deflate_compress. InvalidArgument on malformed input or when the output would
// exceed `max_size`.
Result<std::string> deflate_decompress(std::string_view data, size_t max_size);

}  // namespace ferry::http

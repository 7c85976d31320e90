// Standard base64 (RFC 4648 alphabet, '=' padding), as PBS stores remote passwords.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ferry::config::internal {

std::string base64_encode(std::string_view data);
// nullopt for characters outside the alphabet, bad padding or a length not a multiple of 4.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace ferry::config::internal

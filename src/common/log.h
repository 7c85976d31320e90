// Logging: spdlog (with Debian's external fmt), to stderr. Library code logs through the
// default spdlog logger (`spdlog::info(...)`); programs call `init_logging` once at start.
// Never log secrets (passwords, tickets, token secrets, keys).
#pragma once

#include <string_view>

#include <spdlog/spdlog.h>

namespace ferry {

// Sets up the default logger on stderr with the given level name ("trace" .. "off").
// Unknown names fall back to "info".
void init_logging(std::string_view level);

}  // namespace ferry

// The API routes ferryd serves itself until the api/ module takes them over: version, ping and
// the certificate info (api.md §5.1, §5.4).
//
// Authentication is not wired yet (issue #4): `version` and `certificates/info` are declared
// Authenticated/Sys.Modify-guarded in PBS and will be gated once ApiService gets its
// authenticator; `ping` is World as in PBS.
#pragma once

#include <filesystem>

#include "http/router.h"

namespace ferry::server {

// PBS-compat: the PBS release whose REST API Ferry implements (api.md baseline 3.2.4). PBS
// push clients parse `version` as major.minor and require >= 2.2; a target >= 3.2.11 is
// assumed to report delete statistics, which Ferry does not claim yet.
inline constexpr const char* kApiVersion = "3.2";
inline constexpr const char* kApiRelease = "4";

// Registers GET /version, GET /ping and GET /nodes/{node}/certificates/info. The certificate
// is read from `<config_dir>/proxy.pem` on every call (so a replaced certificate shows up).
void add_ferryd_routes(http::Router& router, const std::filesystem::path& config_dir);

}  // namespace ferry::server

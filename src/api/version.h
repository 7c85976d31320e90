// GET /version (any authenticated caller) and GET /ping (World): api.md §5.1.
//
// The version object is PBS's ApiVersionInfo: {"version": "<major>.<minor>", "release":
// "<patch>", "repoid": "<commit>"}, all strings. PBS push clients require >= 2.2; Ferry
// reports the PBS release whose API it implements (ApiContext::version/release).
#pragma once

#include <nlohmann/json.hpp>

namespace ferry::api {

struct ApiContext;

// The body of GET /version for `ctx`.
nlohmann::json version_info(const ApiContext& ctx);

}  // namespace ferry::api

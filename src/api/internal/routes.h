// The per-collection registration functions that register_routes (router_setup.h) calls. Each
// lives in the file of its resource collection.
#pragma once

#include <functional>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "http/router.h"

namespace ferry::api {
struct ApiContext;
}  // namespace ferry::api

namespace ferry::api::internal {

// A route handler of this module: the shared ApiContext plus the call.
using ContextHandler = Result<nlohmann::json> (*)(ApiContext&, http::ApiCall&);

// The Route that runs `fn(ctx, call)` on the blocking pool after checking `params` and, when
// set, the method-level `permission` rule (otherwise any authenticated caller reaches the
// handler, which does its own checks). `ctx` must outlive the router.
http::Route bind_route(ApiContext& ctx, http::ParamSchema params, ContextHandler fn,
                       std::function<Status(const http::ApiCall&)> permission = nullptr);

void register_version_routes(http::Router& router, ApiContext& ctx);
void register_ticket_routes(http::Router& router, ApiContext& ctx);
void register_user_routes(http::Router& router, ApiContext& ctx);
void register_token_routes(http::Router& router, ApiContext& ctx);
void register_acl_routes(http::Router& router, ApiContext& ctx);
void register_task_routes(http::Router& router, ApiContext& ctx);
void register_certificate_routes(http::Router& router, ApiContext& ctx);
void register_datastore_config_routes(http::Router& router, ApiContext& ctx);
void register_remote_config_routes(http::Router& router, ApiContext& ctx);
void register_remote_scan_routes(http::Router& router, ApiContext& ctx);
void register_sync_config_routes(http::Router& router, ApiContext& ctx);
void register_datastore_admin_routes(http::Router& router, ApiContext& ctx);
void register_group_routes(http::Router& router, ApiContext& ctx);
void register_snapshot_routes(http::Router& router, ApiContext& ctx);
void register_namespace_routes(http::Router& router, ApiContext& ctx);
void register_pull_routes(http::Router& router, ApiContext& ctx);
void register_job_routes(http::Router& router, ApiContext& ctx);

}  // namespace ferry::api::internal

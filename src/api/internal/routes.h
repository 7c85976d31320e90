// The per-collection registration functions that register_routes (router_setup.h) calls. Each
// lives in the file of its resource collection.
#pragma once

#include "http/router.h"

namespace ferry::api {
struct ApiContext;
}  // namespace ferry::api

namespace ferry::api::internal {

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

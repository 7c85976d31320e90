#include "api/router_setup.h"

#include "api/internal/routes.h"
#include "auth/auth_context.h"

namespace ferry::api {

void register_routes(http::Router& router, ApiContext& ctx) {
  internal::register_version_routes(router, ctx);
  internal::register_ticket_routes(router, ctx);
  internal::register_user_routes(router, ctx);
  internal::register_token_routes(router, ctx);
  internal::register_acl_routes(router, ctx);
  internal::register_task_routes(router, ctx);
  internal::register_certificate_routes(router, ctx);
  internal::register_datastore_config_routes(router, ctx);
  internal::register_remote_config_routes(router, ctx);
  internal::register_remote_scan_routes(router, ctx);
  internal::register_sync_config_routes(router, ctx);
  internal::register_datastore_admin_routes(router, ctx);
  internal::register_group_routes(router, ctx);
  internal::register_snapshot_routes(router, ctx);
  internal::register_namespace_routes(router, ctx);
  internal::register_pull_routes(router, ctx);
  internal::register_job_routes(router, ctx);
}

std::function<Result<std::string>(const http::Request&)> make_authenticator(
    const ApiContext& ctx) {
  const auth::AuthContext* auth = ctx.auth;
  return [auth](const http::Request& request) -> Result<std::string> {
    auth::AuthRequest req;
    req.method = http::method_name(request.method);
    req.cookie_headers = request.headers.get_all("Cookie");
    req.csrf_token = request.headers.get(auth::kCsrfHeaderName);
    req.authorization = request.headers.get("Authorization");
    auto who = auth->check_auth(req);
    if (who) return who->to_string();
    // AuthContext words the whole PBS body; the ApiService adds the prefix itself.
    constexpr std::string_view kPrefix = "authentication failed - ";
    std::string message = who.error().message();
    if (message.starts_with(kPrefix)) message.erase(0, kPrefix.size());
    return tl::unexpected(Error(who.error().code(), std::move(message)));
  };
}

}  // namespace ferry::api

#include "api/version.h"

#include "api/internal/routes.h"
#include "api/router_setup.h"

namespace ferry::api {

using nlohmann::json;

json version_info(const ApiContext& ctx) {
  return json{{"version", ctx.version}, {"release", ctx.release}, {"repoid", ctx.repoid}};
}

namespace internal {

void register_version_routes(http::Router& router, ApiContext& ctx) {
  http::Route version;
  version.params = http::ParamSchema{};
  version.blocking = false;
  version.handler = [&ctx](http::ApiCall&) -> Result<json> { return version_info(ctx); };
  router.add(http::Method::Get, "/version", std::move(version));

  http::Route ping;
  ping.access = http::Access::World;
  ping.params = http::ParamSchema{};
  ping.blocking = false;
  ping.handler = [](http::ApiCall&) -> Result<json> { return json{{"pong", true}}; };
  router.add(http::Method::Get, "/ping", std::move(ping));
}

}  // namespace internal
}  // namespace ferry::api

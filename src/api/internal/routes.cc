#include "api/internal/routes.h"

namespace ferry::api::internal {

http::Route bind_route(ApiContext& ctx, http::ParamSchema params, ContextHandler fn,
                       std::function<Status(const http::ApiCall&)> permission) {
  http::Route route;
  route.params = std::move(params);
  route.permission = std::move(permission);
  route.handler = [&ctx, fn](http::ApiCall& call) { return fn(ctx, call); };
  return route;
}

}  // namespace ferry::api::internal

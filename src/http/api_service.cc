#include "http/api_service.h"

// g++ 12 reports a false -Wmismatched-new-delete for Asio's awaitable frame allocator in this
// coroutine (operator new/delete are a matching pair in awaitable_frame_base; GCC PR 109224).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <exception>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.h"
#include "http/blocking_pool.h"
#include "http/internal/api_pipeline.h"
#include "http/router.h"

namespace ferry::http {
namespace asio = boost::asio;
using internal::ApiFailure;
using internal::ApiFormat;
using nlohmann::json;

namespace {

bool is_routed(Method m) {
  return m == Method::Get || m == Method::Put || m == Method::Post || m == Method::Delete;
}

// PBS delays authentication and permission failures to slow down guessing (api.md §2.1).
asio::awaitable<void> delay(std::chrono::milliseconds d) {
  if (d.count() <= 0) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

// The per-request barrier for route code: an exception becomes an Internal error.
template <typename F>
auto guarded(const ApiCall& call, F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    std::terminate();
  } catch (const std::exception& e) {
    spdlog::error("{} {}: handler threw: {}", method_name(call.method), call.path, e.what());
  }
  return make_error(Errc::Internal, "internal error");
}

Response finish(const Request& request, Response response) {
  internal::compress_if_accepted(request, response);
  return response;
}

}  // namespace

ApiService::ApiService(std::shared_ptr<const Router> router, BlockingPool& pool,
                       ApiServiceOptions options)
    : router_(std::move(router)), pool_(pool), options_(std::move(options)) {}

asio::awaitable<Response> ApiService::handle(Request request) {
  auto path = internal::parse_api_path(request, options_.max_uri_length);
  if (!path) co_return finish(request, failure_response(ApiFormat::Json, path.error()));
  if (!path->is_api && options_.fallback) {
    co_return co_await options_.fallback->handle(std::move(request));
  }
  const ApiFormat format = path->format;
  auto failure = [&](ApiFailure f) { return finish(request, failure_response(format, f)); };
  if (!path->is_api) co_return failure({404, fmt::format("Path '{}' not found.", request.path())});

  std::optional<Router::Match> match;
  if (is_routed(request.method)) match = router_->find(request.method, path->components);
  const Route* route = match ? match->route : nullptr;
  ApiCall call;
  call.method = request.method;
  call.path = std::string(request.path());
  call.request = &request;

  if ((route == nullptr || route->access != Access::World) && options_.authenticate) {
    auto who = co_await run_blocking(
        pool_, [&] { return guarded(call, [&] { return options_.authenticate(request); }); });
    if (!who) {
      ApiFailure f = internal::failure_from_error(who.error());
      if (f.status == 401) {
        f.message = "authentication failed - " + f.message;
        co_await delay(options_.auth_failure_delay);
      }
      co_return failure(std::move(f));
    }
    call.auth_id = std::move(*who);
  }
  if (!match) co_return failure({404, fmt::format("Path '{}' not found.", call.path)});
  if (route == nullptr) {
    co_return finish(request, success_response(format, internal::subdir_listing(match->subdirs),
                                               json::object()));
  }
  // The permission check sees the path parameters only (auth.md §5); it runs before the
  // parameters are decoded, as in PBS.
  call.params = json::object();
  for (const auto& [name, value] : match->path_params) call.params[name] = value;
  if (route->permission) {
    auto allowed = co_await run_blocking(
        pool_, [&] { return guarded(call, [&] { return route->permission(call); }); });
    if (!allowed) {
      ApiFailure f = internal::failure_from_error(allowed.error());
      if (f.status == 403) co_await delay(options_.permission_failure_delay);
      if (f.status == 401) co_await delay(options_.auth_failure_delay);
      co_return failure(std::move(f));
    }
  }

  auto params = internal::decode_call_params(request, *match, options_.max_param_body);
  if (!params) co_return failure(std::move(params.error()));
  call.params = std::move(*params);

  auto invoke = [&] { return guarded(call, [&] { return route->handler(call); }); };
  // No co_await inside ?: here: g++ 12 miscompiled that into a self-nesting JSON value.
  Result<json> result = make_error(Errc::Internal, "route did not run");
  if (route->blocking) {
    result = co_await run_blocking(pool_, invoke);
  } else {
    result = invoke();
  }
  if (!result) {
    ApiFailure f = internal::failure_from_error(result.error());
    if (f.status == 401) co_await delay(options_.auth_failure_delay);  // any 401 (api.md §3.3)
    co_return failure(std::move(f));
  }
  co_return finish(request,
                   success_response(format, std::move(*result), std::move(call.attributes)));
}

}  // namespace ferry::http

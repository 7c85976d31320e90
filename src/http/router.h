// Router: the API method table, PBS style (api.md §1–2).
//
// Routes are registered with a path template relative to `/api2/<format>`, e.g.
// `/nodes/{node}/tasks/{upid}`: literal components match exactly, `{name}` matches any one
// component and becomes the path parameter `name`. Literal components take precedence over a
// parameter at the same level. Each route names its method, access rule, optional parameter
// schema and a synchronous handler:
//
//   router.add(Method::Get, "/config/remote/{name}",
//              {.params = schema, .handler = [&](ApiCall& call) -> Result<nlohmann::json> {
//                 call.attributes["digest"] = digest;  // extra top-level result keys
//                 return read_remote(call.params["name"].get<std::string>());
//              }});
//
// A GET on a path that has sub-paths but no GET route of its own answers the sorted directory
// listing `[{"subdir": "<name>"}, ...]` of its literal children (api.md §1).
//
// Thread-safety: build the Router completely before the server starts; afterwards it is
// immutable and shared by all connections.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "http/params.h"
#include "http/request.h"

namespace ferry::http {

// Who may call a route before its own permission check (auth.md §5).
enum class Access {
  World,          // no authentication at all (ping, login)
  Authenticated,  // any authenticated auth-id; `permission` may check more
};

// What a route handler gets: the decoded request and a place for result attributes.
struct ApiCall {
  Method method = Method::Get;
  std::string path;                  // the request path without query, e.g. "/api2/json/version"
  nlohmann::json params;             // decoded parameters (object), path parameters included
  std::string auth_id;               // authenticated auth-id; "" for World routes / auth disabled
  const Request* request = nullptr;  // raw request (headers), valid during the call only
  nlohmann::json attributes = nlohmann::json::object();  // extra top-level keys (digest, total)
};

// Route handlers are synchronous. Unless `blocking` is false they run on the BlockingPool and
// may block (file I/O, locks). Errors map to statuses through http_status().
using RouteHandler = std::function<Result<nlohmann::json>(ApiCall&)>;

struct Route {
  Access access = Access::Authenticated;
  // Declared parameters; nullopt accepts anything (no unknown-parameter rejection).
  std::optional<ParamSchema> params;
  // Method-level permission check after authentication (auth.md §5), on the blocking pool.
  // PermissionDenied -> 403 `permission check failed` (delayed), other errors map as usual.
  std::function<Status(const ApiCall&)> permission;
  bool blocking = true;  // false: cheap, non-blocking handler run inline on the I/O thread
  RouteHandler handler;
};

class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Registers `route` for `method` (GET, PUT, POST or DELETE) at `path_template`.
  // Preconditions (FERRY_CHECK, these are programming errors): the template starts with '/',
  // has no empty or '.'-prefixed component, `{name}` components are well-formed and agree
  // with an existing parameter at the same level, the (method, path) pair is new, and the
  // handler is set.
  Router& add(Method method, std::string_view path_template, Route route);

  struct Match {
    const Route* route = nullptr;  // null for a directory listing
    std::vector<std::pair<std::string, std::string>> path_params;
    std::vector<std::string> subdirs;  // sorted, when route == nullptr
  };

  // Finds the route for decoded path components (below /api2/<format>). nullopt when no
  // route matches (the caller answers 404).
  std::optional<Match> find(Method method, const std::vector<std::string>& components) const;

 private:
  struct Node;
  std::unique_ptr<Node> root_;
};

}  // namespace ferry::http

// ferry::api — the REST API of ferryd: every route of `/api2/json/...` (api.md §5) with its
// authentication and privilege checks (auth.md §5, §8, §9).
//
// Layout (one file per resource collection, mirroring the URL tree like PBS's api2/):
//   version.cc                       GET /version, GET /ping
//   access/ticket.cc                 POST /access/ticket (login, renewal), GET /access/domains
//   access/users.cc, access/tokens.cc  /access/users[/{userid}[/token[/{token-name}]]],
//                                    PUT /access/password
//   access/acl.cc                    GET/PUT /access/acl, GET /access/permissions
//   access/checks.h                  method-level rules and the caller's Authid
//   access/sync_access.h             sync-job read/modify access (auth.md §9.3)
//   nodes/tasks.cc                   /nodes/{node}/tasks[/{upid}[/status|/log]]
//   nodes/certificates.cc            /nodes/{node}/certificates/info
//   config/*_routes.cc               /config/datastore, /config/remote, /config/sync over the
//                                    config service layer (api/config/*.h)
//   admin/datastore_*.cc             /admin/datastore[/{store}/...] over datastore/
//
// Errors: handlers return Result; the HTTP layer maps Errc to statuses in exactly one place
// (http/status.h). Where PBS answers 400 for a privilege failure raised inside a handler (sync
// jobs, ACL edits by unprivileged users), the handler returns InvalidArgument; method-level
// failures are PermissionDenied "permission check failed" (403, delayed by the ApiService).
//
// Threading: route handlers run on the http BlockingPool and may block. ApiContext is shared
// by all of them; everything it points to is thread-safe.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "api/admin/datastore_cache.h"
#include "common/clock.h"
#include "common/result.h"
#include "config/config_dir.h"
#include "http/request.h"
#include "http/router.h"

namespace ferry::auth {
class AuthContext;
}  // namespace ferry::auth
namespace ferry::jobs {
class TaskRegistry;
}  // namespace ferry::jobs
namespace ferry::services {
class JobService;
}  // namespace ferry::services

namespace ferry::api {

// What the routes need from the process. Owned by the daemon wiring (ferryd main, tests); must
// outlive the Router and every request.
struct ApiContext {
  ApiContext(config::ConfigDir dir, auth::AuthContext& auth_context, const Clock& clk,
             std::filesystem::path datastore_lock_dir)
      : config_dir(std::move(dir)),
        auth(&auth_context),
        clock(&clk),
        datastores(config_dir, std::move(datastore_lock_dir), clk) {}

  config::ConfigDir config_dir;
  auth::AuthContext* auth;              // login, ticket checks, users + ACLs
  const Clock* clock;
  DatastoreCache datastores;            // open datastores of datastore.cfg
  jobs::TaskRegistry* tasks = nullptr;  // null: task routes answer 503, no task-based creates
  services::JobService* jobs = nullptr;  // null: job "run now" routes answer 503
  // proxy.pem for GET /nodes/{node}/certificates/info ("" = <config dir>/proxy.pem).
  std::filesystem::path certificate;
  // Values of GET /version.
  std::string version = "3.2";
  std::string release = "4";
  std::string repoid = "ferry";
};

// Registers every route of this module on `router`. `ctx` must outlive the router.
void register_routes(http::Router& router, ApiContext& ctx);

// The ApiServiceOptions::authenticate hook: auth.md §4 over ctx.auth. Returns the auth-id text;
// Unauthenticated with the bare reason (the ApiService prefixes "authentication failed - ").
// Blocks (config reads, crypt for API tokens).
std::function<Result<std::string>(const http::Request&)> make_authenticator(
    const ApiContext& ctx);

}  // namespace ferry::api

// ferry::cli::internal::LocalApi — ferryd's REST routes called in-process, the way
// proxmox-backup-manager runs its API methods: no socket, no ticket, the caller is root@pam.
//
// The `user` and `acl` command groups use it so that the CLI and the API share one
// implementation (api/access/*.cc): the same parameter schemas, checks, file locking and error
// texts. Parameters go in as text, exactly like form values on the wire, and are converted and
// verified by the route's schema (http/params.h): `enable=yes`, `expire=0`, a repeated
// `delete`. A schema failure is InvalidArgument
// "parameter verification failed - '<name>': <reason>".
//
// Side effects: none of its own. Opening creates no key files — the ticket signing key is an
// in-memory throwaway, since nothing here issues or checks a ticket. What a route writes is
// that route's contract (user.cfg, acl.cfg, token.shadow, shadow.json under their locks).
//
// Not thread-safe; one per command. Blocks (config reads and writes, password hashing).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/result.h"
#include "config/config_dir.h"
#include "http/request.h"

namespace ferry::api {
struct ApiContext;
}  // namespace ferry::api
namespace ferry::auth {
class AuthContext;
}  // namespace ferry::auth
namespace ferry::http {
class Router;
}  // namespace ferry::http

namespace ferry::cli::internal {

// One parameter as typed on the command line: wire name and text value (repeat the name for
// array parameters).
using ApiParams = std::vector<std::pair<std::string, std::string>>;

// What a route returned: `data` plus its extra top-level attributes (e.g. "digest").
struct ApiResult {
  nlohmann::json data;
  nlohmann::json attributes = nlohmann::json::object();
};

// Command-line options whose text goes to the API unchanged, in command-line order: the route's
// schema converts and checks them, so the CLI accepts exactly what the API accepts. Must
// outlive the parse (CLI11 callbacks refer to it): keep it in the command's state.
class ApiOptions {
 public:
  explicit ApiOptions(CLI::App& cmd) : cmd_(cmd) {}
  ApiOptions(const ApiOptions&) = delete;
  ApiOptions& operator=(const ApiOptions&) = delete;

  // `--<name> VALUE`, at most once.
  CLI::Option* add(const std::string& name, const std::string& help);
  // `--<name> VALUE`, repeatable; each occurrence becomes one array element.
  CLI::Option* add_list(const std::string& name, const std::string& help);
  // A required positional argument; not part of params() (it usually goes into the path).
  CLI::Option* add_positional(const std::string& name, const std::string& help);

  // The options given, in command-line order.
  const ApiParams& params() const { return params_; }
  // The value of positional `name`.
  const std::string& positional(const std::string& name) const { return positionals_.at(name); }

 private:
  CLI::App& cmd_;
  ApiParams params_;
  std::map<std::string, std::string> positionals_;
};

class LocalApi {
 public:
  // Errors: Internal if no signing key can be generated (OpenSSL failure).
  static Result<std::unique_ptr<LocalApi>> open(const config::ConfigDir& dir);
  ~LocalApi();
  LocalApi(const LocalApi&) = delete;
  LocalApi& operator=(const LocalApi&) = delete;

  // Runs the route for `method` at `/api2/json/<components...>` (components already decoded,
  // e.g. {"access", "users", "sync@pbs"}) as root@pam. Errors: InvalidArgument for parameter
  // verification; otherwise what the route returns (NotFound, Conflict, AlreadyExists, ...);
  // Internal when no such route exists (a programming error of the caller).
  Result<ApiResult> call(http::Method method, const std::vector<std::string>& components,
                         const ApiParams& params) const;

 private:
  LocalApi();
  std::unique_ptr<auth::AuthContext> auth_;
  std::unique_ptr<api::ApiContext> context_;
  std::unique_ptr<http::Router> router_;
};

}  // namespace ferry::cli::internal

// /config/remote/{name}/scan[/{store}[/namespaces|/groups]] (api.md §5.5, auth.md §9.1): the
// server logs in to the remote with the stored credentials and forwards one listing query.
//
// Access: Remote.Audit on /remote/<name> (method level). Any failure to reach, log in to or
// query the remote is 500 "failed to scan remote '<name>' - <error>".
#include "api/access/checks.h"
#include "api/internal/param_specs.h"
#include "api/internal/routes.h"
#include "api/router_setup.h"
#include "client/http_client.h"
#include "config/config_file.h"
#include "config/remote_config.h"

namespace ferry::api::internal {
namespace {

using nlohmann::json;
using http::Method;

Result<std::unique_ptr<client::HttpClient>> connect(const ApiContext& ctx,
                                                    const std::string& name) {
  FERRY_TRY_ASSIGN(auto loaded, config::read_config(ctx.config_dir, config::remote_config_file()));
  const config::Section* section = loaded.data.find(name);
  if (section == nullptr) return make_error(Errc::InvalidArgument, "no such remote '{}'", name);
  FERRY_TRY_ASSIGN(auto remote, config::RemoteConfig::from_section(*section));
  FERRY_TRY_ASSIGN(auto password, remote.decode_password());
  client::HttpClientOptions opts;
  opts.host = remote.host;
  opts.port = remote.effective_port();
  opts.fingerprint = remote.fingerprint;
  opts.auth_id = remote.auth_id;
  opts.secret = std::move(password);
  opts.connect_timeout = std::chrono::seconds(10);
  opts.request_timeout = std::chrono::seconds(60);
  return client::HttpClient::create(std::move(opts));
}

// Runs `query` on a client for remote `name`; failures become PBS's 500.
template <typename F>
Result<json> scan(const ApiContext& ctx, const std::string& name, F query) {
  auto result = [&]() -> Result<json> {
    FERRY_TRY_ASSIGN(auto client, connect(ctx, name));
    return query(*client);
  }();
  if (result) return result;
  if (result.error().code() == Errc::InvalidArgument &&
      result.error().message().starts_with("no such remote")) {
    return result;
  }
  return make_error(Errc::Internal, "failed to scan remote '{}' - {}", name,
                    result.error().to_string());
}

std::string store_path(const http::ApiCall& call, std::string_view tail) {
  return "/api2/json/admin/datastore/" +
         client::encode_path_component(req_string(call.params, "store")) + std::string(tail);
}

Result<json> scan_datastores(ApiContext& ctx, http::ApiCall& call) {
  return scan(ctx, req_string(call.params, "name"),
              [](client::HttpClient& c) { return c.get("/api2/json/admin/datastore"); });
}

Result<json> scan_namespaces(ApiContext& ctx, http::ApiCall& call) {
  const std::string path = store_path(call, "/namespace");
  return scan(ctx, req_string(call.params, "name"),
              [&](client::HttpClient& c) { return c.get(path); });
}

Result<json> scan_groups(ApiContext& ctx, http::ApiCall& call) {
  const std::string path = store_path(call, "/groups");
  json params = json::object();
  if (auto ns = opt_string(call.params, "namespace"); ns && !ns->empty()) params["ns"] = *ns;
  return scan(ctx, req_string(call.params, "name"),
              [&](client::HttpClient& c) { return c.get(path, params); });
}

}  // namespace

void register_remote_scan_routes(http::Router& router, ApiContext& ctx) {
  auto route = [&ctx](http::ParamSchema schema, ContextHandler fn) {
    return bind_route(ctx, std::move(schema), fn,
                      require_privs(ctx, "/remote/{name}", auth::kPrivRemoteAudit));
  };
  const std::string base = "/config/remote/{name}/scan";
  auto store_schema = [] {
    return http::ParamSchema{}.add("name", remote_name_param()).add("store", datastore_name_param());
  };
  router.add(Method::Get, base,
             route(http::ParamSchema{}.add("name", remote_name_param()), scan_datastores));
  router.add(Method::Get, base + "/{store}/namespaces", route(store_schema(), scan_namespaces));
  router.add(Method::Get, base + "/{store}/groups",
             route(store_schema().add("namespace", namespace_param()), scan_groups));
}

}  // namespace ferry::api::internal

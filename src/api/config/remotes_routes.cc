// /config/remote[/{name}] over the remote service layer (api.md §5.5, auth.md §9.1).
//
// Access: the list shows remotes with Remote.Audit on /remote/<name>; create needs
// Remote.Modify on /remote; read Remote.Audit and update/delete Remote.Modify on
// /remote/<name> (method-level, 403). The password is write-only: never returned.
#include "api/access/checks.h"
#include "api/config/remotes.h"
#include "api/internal/param_specs.h"
#include "api/internal/routes.h"
#include "api/router_setup.h"
#include "auth/acl_path.h"
#include "types/names.h"

namespace ferry::api::internal {
namespace {

using nlohmann::json;
using http::Method;

RemoteProperties remote_props(const json& p) {
  RemoteProperties props;
  props.host = opt_string(p, "host");
  props.port = opt_int(p, "port");
  props.auth_id = opt_string(p, "auth-id");
  props.password = opt_string(p, "password");
  props.fingerprint = opt_string(p, "fingerprint");
  props.comment = opt_string(p, "comment");
  return props;
}

Result<json> list(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  FERRY_TRY_ASSIGN(auto remotes, list_remotes(ctx.config_dir, who));
  json out = json::array();
  for (const RemoteInfo& r : remotes.data) {
    if (!who.is_root() &&
        !has_privs(*info, who, auth::remote_acl_path(r.name), auth::kPrivRemoteAudit)) {
      continue;
    }
    out.push_back(to_json(r));
  }
  call.attributes["digest"] = remotes.digest;
  return out;
}

Result<json> create(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  RemoteCreateParams params{req_string(call.params, "name"), remote_props(call.params)};
  FERRY_TRY(create_remote(ctx.config_dir, who, params));
  return json(nullptr);
}

Result<json> read(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto remote, not_found_is_bad_request(
                                    read_remote(ctx.config_dir, who, req_string(call.params, "name"))));
  call.attributes["digest"] = remote.digest;
  return to_json(remote.data);
}

Result<json> update(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  RemoteUpdateParams params;
  params.props = remote_props(call.params);
  params.delete_props = string_list(call.params, "delete");
  params.digest = opt_string(call.params, "digest");
  FERRY_TRY(not_found_is_bad_request(
      update_remote(ctx.config_dir, who, req_string(call.params, "name"), params)));
  return json(nullptr);
}

Result<json> remove(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY(delete_remote(ctx.config_dir, who, req_string(call.params, "name"),
                          opt_string(call.params, "digest")));
  return json(nullptr);
}

http::ParamSchema props_schema(Opt required) {
  http::ParamSpec host = string_param(required, 1, 256);
  host.check = [](const json& v) { return types::validate_host(v.get<std::string>()); };
  http::ParamSpec fingerprint = string_param(Opt::Optional);
  fingerprint.check = [](const json& v) {
    return types::validate_fingerprint(v.get<std::string>());
  };
  return http::ParamSchema{}
      .add("name", remote_name_param())
      .add("host", host)
      .add("port", int_param(Opt::Optional, 0, 65535))
      .add("auth-id", authid_param(required))
      .add("password", string_param(required, 1, 1024))
      .add("fingerprint", fingerprint)
      .add("comment", comment_param());
}

}  // namespace

void register_remote_config_routes(http::Router& router, ApiContext& ctx) {
  auto route = [&ctx](http::ParamSchema schema, PermissionRule rule, ContextHandler fn) {
    return bind_route(ctx, std::move(schema), fn, std::move(rule));
  };
  router.add(Method::Get, "/config/remote", route(http::ParamSchema{}, nullptr, list));
  router.add(Method::Post, "/config/remote",
             route(props_schema(Opt::Required),
                   require_privs(ctx, "/remote", auth::kPrivRemoteModify), create));
  router.add(Method::Get, "/config/remote/{name}",
             route(http::ParamSchema{}.add("name", remote_name_param()),
                   require_privs(ctx, "/remote/{name}", auth::kPrivRemoteAudit), read));
  router.add(Method::Put, "/config/remote/{name}",
             route(props_schema(Opt::Optional)
                       .add("delete", string_array_param())
                       .add("digest", digest_param()),
                   require_privs(ctx, "/remote/{name}", auth::kPrivRemoteModify), update));
  router.add(Method::Delete, "/config/remote/{name}",
             route(http::ParamSchema{}.add("name", remote_name_param()).add("digest", digest_param()),
                   require_privs(ctx, "/remote/{name}", auth::kPrivRemoteModify), remove));
}

}  // namespace ferry::api::internal

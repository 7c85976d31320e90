// /access/users[/{userid}] and PUT /access/password (api.md §5.2, auth.md §1, §2.4).
//
// Access: listing is filtered (everything with Sys.Audit on /access/users, else only the
// caller's own user); create needs Permissions.Modify on /access/users; read, update and delete
// are allowed to that privilege (Sys.Audit for read) or to the user itself. A user acting on
// itself without Permissions.Modify may not change `enable` or `expire` (it could otherwise
// re-enable or un-expire itself).
//
// Passwords are only stored for the `pbs` realm (shadow.json); PAM passwords belong to the
// host and are never changed through the API.
#include "api/access/checks.h"
#include "api/internal/param_specs.h"
#include "api/internal/routes.h"
#include "api/router_setup.h"
#include "auth/acl_config.h"
#include "auth/auth_context.h"
#include "auth/token_shadow.h"
#include "auth/user_config.h"

namespace ferry::api::internal {
namespace {

using nlohmann::json;
using http::Method;

json user_to_json(const auth::User& u) {
  json j{{"userid", u.userid.to_string()}};
  if (u.comment) j["comment"] = *u.comment;
  j["enable"] = u.enable.value_or(true);
  j["expire"] = u.expire.value_or(0);
  if (u.firstname) j["firstname"] = *u.firstname;
  if (u.lastname) j["lastname"] = *u.lastname;
  if (u.email) j["email"] = *u.email;
  j["totp-locked"] = false;
  return j;
}

Result<types::Userid> userid_param_of(const http::ApiCall& call) {
  return types::Userid::parse(req_string(call.params, "userid"));
}

// Stores `password` for `userid`: only the pbs realm keeps passwords.
Status store_password(ApiContext& ctx, const types::Userid& userid, std::string_view password) {
  if (userid.realm() != "pbs") {
    return make_error(Errc::InvalidArgument,
                      "changing the password of realm '{}' is not supported", userid.realm());
  }
  auth::Authenticator* realm = ctx.auth->realms().lookup("pbs");
  if (realm == nullptr) return make_error(Errc::Internal, "realm 'pbs' is not configured");
  return realm->store_password(userid.name(), password);
}

Result<json> list_users(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  FERRY_TRY_ASSIGN(auto loaded, auth::UserConfig::read(ctx.config_dir));
  const bool all = who.is_root() || has_privs(*info, who, "/access/users", auth::kPrivSysAudit);
  const bool with_tokens = opt_bool(call.params, "include_tokens").value_or(false);
  json out = json::array();
  for (const auth::User& u : loaded.first.users()) {
    if (!all && u.userid != who.user()) continue;
    json j = user_to_json(u);
    if (with_tokens) {
      j["tokens"] = json::array();
      for (const auth::ApiToken& t : loaded.first.tokens(u.userid)) {
        json tj{{"tokenid", t.tokenid.to_string()}, {"enable", t.enable.value_or(true)},
                {"expire", t.expire.value_or(0)}};
        if (t.comment) tj["comment"] = *t.comment;
        j["tokens"].push_back(std::move(tj));
      }
    }
    out.push_back(std::move(j));
  }
  call.attributes["digest"] = loaded.second;
  return out;
}

// Applies the optional user properties of `params` to `user`.
void apply_user_props(auth::User& user, const json& params) {
  if (auto v = opt_string(params, "comment")) {
    user.comment = v->find_first_not_of(" \t") == std::string::npos ? std::nullopt
                                                                     : std::optional(*v);
  }
  if (auto v = opt_bool(params, "enable")) user.enable = *v;
  if (auto v = opt_int(params, "expire")) user.expire = *v;
  if (auto v = opt_string(params, "firstname")) user.firstname = *v;
  if (auto v = opt_string(params, "lastname")) user.lastname = *v;
  if (auto v = opt_string(params, "email")) user.email = *v;
}

Result<json> create_user(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto userid, userid_param_of(call));
  if (ctx.auth->realms().lookup(userid.realm()) == nullptr) {
    return make_error(Errc::InvalidArgument, "unknown realm '{}'", userid.realm());
  }
  const auto password = opt_string(call.params, "password");
  if (password && userid.realm() != "pbs") {
    return make_error(Errc::InvalidArgument,
                      "setting a password for realm '{}' is not supported", userid.realm());
  }
  FERRY_TRY(auth::UserConfig::modify(ctx.config_dir, std::nullopt, [&](auth::UserConfig& cfg) -> Status {
    if (cfg.find_user(userid)) {
      return make_error(Errc::AlreadyExists, "user '{}' already exists.", userid.to_string());
    }
    auth::User user;
    user.userid = userid;
    apply_user_props(user, call.params);
    return cfg.set_user(user);
  }));
  if (password) FERRY_TRY(store_password(ctx, userid, *password));
  return json(nullptr);
}

Result<json> read_user(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto userid, userid_param_of(call));
  FERRY_TRY_ASSIGN(auto loaded, auth::UserConfig::read(ctx.config_dir));
  const auth::User* user = loaded.first.find_user(userid);
  if (user == nullptr) {
    return make_error(Errc::InvalidArgument, "no such user '{}'", userid.to_string());
  }
  call.attributes["digest"] = loaded.second;
  return user_to_json(*user);
}

Result<json> update_user(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto userid, userid_param_of(call));
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  const bool admin =
      who.is_root() || has_privs(*info, who, "/access/users", auth::kPrivPermissionsModify);
  if (!admin && (call.params.contains("enable") || call.params.contains("expire"))) {
    return make_error(Errc::PermissionDenied, "permission check failed - users may not change "
                                              "their own 'enable' or 'expire'");
  }
  const auto deletes = string_list(call.params, "delete");
  FERRY_TRY(auth::UserConfig::modify(
      ctx.config_dir, opt_string(call.params, "digest"), [&](auth::UserConfig& cfg) -> Status {
        const auth::User* found = cfg.find_user(userid);
        if (found == nullptr) {
          return make_error(Errc::NotFound, "no such user '{}'", userid.to_string());
        }
        auth::User user = *found;
        for (const std::string& prop : deletes) {
          if (prop == "comment") user.comment.reset();
          else if (prop == "firstname") user.firstname.reset();
          else if (prop == "lastname") user.lastname.reset();
          else if (prop == "email") user.email.reset();
          else return make_error(Errc::InvalidArgument, "cannot delete property '{}'", prop);
        }
        apply_user_props(user, call.params);
        return cfg.set_user(user);
      }));
  if (auto password = opt_string(call.params, "password")) {
    FERRY_TRY(store_password(ctx, userid, *password));
  }
  return json(nullptr);
}

Result<json> delete_user(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto userid, userid_param_of(call));
  if (userid.is_root()) return make_error(Errc::InvalidArgument, "cannot delete root@pam");
  std::vector<auth::ApiToken> tokens;
  FERRY_TRY(auth::UserConfig::modify(
      ctx.config_dir, opt_string(call.params, "digest"), [&](auth::UserConfig& cfg) -> Status {
        tokens = cfg.tokens(userid);
        if (!cfg.remove_user(userid)) {
          return make_error(Errc::NotFound, "user '{}' does not exist.", userid.to_string());
        }
        return ok();
      }));
  // The user is gone (no login possible); now remove what hangs off it.
  auth::TokenShadow shadow(ctx.config_dir);
  for (const auth::ApiToken& t : tokens) FERRY_TRY(shadow.delete_secret(t.tokenid));
  if (auth::Authenticator* realm = ctx.auth->realms().lookup(userid.realm());
      realm != nullptr && userid.realm() == "pbs") {
    FERRY_TRY(realm->remove_password(userid.name()));
  }
  FERRY_TRY(auth::AclConfig::modify(ctx.config_dir, std::nullopt, [&](auth::AclTree& tree) {
    tree.delete_authid(types::Authid::from_user(userid));
    for (const auth::ApiToken& t : tokens) tree.delete_authid(t.tokenid);
    return ok();
  }));
  return json(nullptr);
}

// PUT /access/password: a user changes its own password, or a Permissions.Modify holder
// changes anyone's. Tokens never change passwords.
Result<json> change_password(ApiContext& ctx, http::ApiCall& call) {
  FERRY_TRY_ASSIGN(auto who, caller_of(call));
  FERRY_TRY_ASSIGN(auto userid, userid_param_of(call));
  if (who.is_token()) {
    return make_error(Errc::PermissionDenied, "API tokens cannot access this API endpoint");
  }
  FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
  const bool allowed = who.user() == userid || who.is_root() ||
                       has_privs(*info, who, "/access/users", auth::kPrivPermissionsModify);
  if (!allowed || (userid.is_root() && !who.is_root())) {
    return make_error(Errc::PermissionDenied, "you are not authorized to change the password.");
  }
  FERRY_TRY_ASSIGN(auto loaded, auth::UserConfig::read(ctx.config_dir));
  if (!loaded.first.find_user(userid)) {
    return make_error(Errc::NotFound, "no such user '{}'", userid.to_string());
  }
  FERRY_TRY(store_password(ctx, userid, req_string(call.params, "password")));
  return json(nullptr);
}

http::ParamSchema user_props_schema() {
  return http::ParamSchema{}
      .add("comment", comment_param())
      .add("enable", bool_param())
      .add("expire", int_param(Opt::Optional, 0))
      .add("firstname", string_param(Opt::Optional, 1, 64))
      .add("lastname", string_param(Opt::Optional, 1, 64))
      .add("email", string_param(Opt::Optional, 1, 64))
      .add("password", string_param(Opt::Optional, 5, 64));
}

}  // namespace

void register_user_routes(http::Router& router, ApiContext& ctx) {
  auto route = [&ctx](http::ParamSchema schema, PermissionRule rule, ContextHandler fn) {
    return bind_route(ctx, std::move(schema), fn, std::move(rule));
  };
  const auth::Privileges modify = auth::kPrivPermissionsModify;
  router.add(Method::Get, "/access/users",
             route(http::ParamSchema{}.add("include_tokens", bool_param()), nullptr, list_users));
  router.add(Method::Post, "/access/users",
             route(user_props_schema().add("userid", userid_param()),
                   require_privs(ctx, "/access/users", modify), create_user));
  router.add(Method::Get, "/access/users/{userid}",
             route(http::ParamSchema{}.add("userid", userid_param()),
                   require_privs_or_self(ctx, "/access/users", auth::kPrivSysAudit, "userid"),
                   read_user));
  router.add(Method::Put, "/access/users/{userid}",
             route(user_props_schema()
                       .add("userid", userid_param())
                       .add("delete", string_array_param())
                       .add("digest", digest_param()),
                   require_privs_or_self(ctx, "/access/users", modify, "userid"), update_user));
  router.add(Method::Delete, "/access/users/{userid}",
             route(http::ParamSchema{}.add("userid", userid_param()).add("digest", digest_param()),
                   require_privs_or_self(ctx, "/access/users", modify, "userid"), delete_user));
  router.add(Method::Put, "/access/password",
             route(http::ParamSchema{}
                       .add("userid", userid_param())
                       .add("password", string_param(Opt::Required, 5, 64))
                       .add("confirmation-password", string_param(Opt::Optional, 1, 1024)),
                   nullptr, change_password));
}

}  // namespace ferry::api::internal

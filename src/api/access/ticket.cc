// POST /access/ticket (login and ticket renewal, auth.md §3) and GET /access/domains.
//
// Both are World routes: no authentication. A failed login is Unauthenticated
// "permission check failed." whatever the reason (unknown user, wrong password, disabled
// account, bad ticket): the reason goes to the log only, and the ApiService delays every 401,
// so failures are indistinguishable by body and timing.
#include "api/internal/param_specs.h"
#include "api/internal/routes.h"
#include "api/router_setup.h"
#include "auth/auth_context.h"
#include "common/log.h"

namespace ferry::api::internal {
namespace {

using nlohmann::json;

Result<json> create_ticket(ApiContext& ctx, http::ApiCall& call) {
  const std::string username = req_string(call.params, "username");
  const std::string password = req_string(call.params, "password");
  if (opt_string(call.params, "tfa-challenge")) {
    // No second factors exist in Ferry, so no partial ticket can be valid.
    spdlog::info("login of '{}' from {} failed: no TFA challenge pending", username,
                 call.request ? call.request->peer : "");
    return make_error(Errc::Unauthenticated, "permission check failed.");
  }
  if (opt_string(call.params, "path") || opt_string(call.params, "privs")) {
    // Terminal-ticket verification (PVE/PBS console) is not offered.
    return make_error(Errc::Unauthenticated, "permission check failed.");
  }
  auto login = ctx.auth->create_ticket(username, password);
  if (!login) {
    if (login.error().code() != Errc::Unauthenticated) {
      spdlog::error("login of '{}': {}", username, login.error().to_string());
    }
    return make_error(Errc::Unauthenticated, "permission check failed.");
  }
  return json{{"username", login->username.to_string()},
              {"ticket", login->ticket},
              {"CSRFPreventionToken", login->csrf_token}};
}

json domains() {
  return json::array({
      {{"realm", "pam"}, {"type", "pam"}, {"comment", "Linux PAM standard authentication"}},
      {{"realm", "pbs"}, {"type", "pbs"}, {"comment", "Proxmox Backup authentication server"}},
  });
}

}  // namespace

void register_ticket_routes(http::Router& router, ApiContext& ctx) {
  http::Route ticket;
  ticket.access = http::Access::World;
  ticket.params = http::ParamSchema{}
                      .add("username", userid_param(Opt::Required))
                      .add("password", string_param(Opt::Required, 1, 1024))
                      .add("tfa-challenge", string_param(Opt::Optional))
                      .add("path", string_param(Opt::Optional))
                      .add("privs", string_param(Opt::Optional))
                      .add("port", int_param(Opt::Optional, 0, 65535))
                      .add("http-only", bool_param());
  ticket.handler = [&ctx](http::ApiCall& call) { return create_ticket(ctx, call); };
  router.add(http::Method::Post, "/access/ticket", std::move(ticket));

  http::Route list_domains;
  list_domains.access = http::Access::World;
  list_domains.params = http::ParamSchema{};
  list_domains.blocking = false;
  list_domains.handler = [](http::ApiCall&) -> Result<json> { return domains(); };
  router.add(http::Method::Get, "/access/domains", std::move(list_domains));
}

}  // namespace ferry::api::internal

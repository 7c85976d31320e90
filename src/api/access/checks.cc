#include "api/access/checks.h"

#include "api/router_setup.h"
#include "auth/auth_context.h"

namespace ferry::api {

Result<types::Authid> caller_of(const http::ApiCall& call) {
  if (call.auth_id.empty()) {
    return make_error(Errc::Unauthenticated, "no authentication credentials provided.");
  }
  auto id = types::Authid::parse(call.auth_id);
  if (!id) return make_error(Errc::Unauthenticated, "invalid auth-id '{}'", call.auth_id);
  return id;
}

Result<std::shared_ptr<const auth::UserInfo>> user_info_of(const ApiContext& ctx) {
  return ctx.auth->user_info();
}

tl::unexpected<Error> permission_check_failed() {
  return make_error(Errc::PermissionDenied, "permission check failed");
}

std::string expand_acl_path(std::string_view path_template, const http::ApiCall& call) {
  std::string out;
  size_t pos = 0;
  while (pos < path_template.size()) {
    const size_t open = path_template.find('{', pos);
    if (open == std::string_view::npos) break;
    const size_t close = path_template.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(path_template.substr(pos, open - pos));
    const std::string name(path_template.substr(open + 1, close - open - 1));
    if (auto it = call.params.find(name); it != call.params.end() && it->is_string()) {
      out += it->get<std::string>();
    }
    pos = close + 1;
  }
  out.append(path_template.substr(pos));
  return out;
}

bool has_privs(const auth::UserInfo& info, const types::Authid& auth_id, std::string_view path,
               auth::Privileges privs, bool partial) {
  const auth::Privileges have = info.lookup_privs(auth_id, path);
  if (have == 0) return false;
  return partial ? (have & privs) != 0 : (have & privs) == privs;
}

PermissionRule require_privs(const ApiContext& ctx, std::string path_template,
                             auth::Privileges privs, bool partial) {
  return [&ctx, path_template = std::move(path_template), privs,
          partial](const http::ApiCall& call) -> Status {
    FERRY_TRY_ASSIGN(auto who, caller_of(call));
    if (who.is_root()) return ok();
    FERRY_TRY_ASSIGN(auto info, user_info_of(ctx));
    if (has_privs(*info, who, expand_acl_path(path_template, call), privs, partial)) return ok();
    return permission_check_failed();
  };
}

PermissionRule require_privs_or_self(const ApiContext& ctx, std::string path_template,
                                     auth::Privileges privs, std::string param) {
  PermissionRule by_privs = require_privs(ctx, std::move(path_template), privs);
  return [by_privs, param = std::move(param)](const http::ApiCall& call) -> Status {
    if (auto it = call.params.find(param);
        it != call.params.end() && it->is_string() && *it == call.auth_id && !call.auth_id.empty()) {
      return ok();
    }
    return by_privs(call);
  };
}

}  // namespace ferry::api

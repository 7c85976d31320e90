// Privilege checks of the REST layer (auth.md §5, §6.3): who is calling, and the method-level
// rules PBS declares on its API methods.
//
// A route's `permission` function runs after authentication and before parameter decoding; it
// sees only the path parameters (PBS substitutes `{param}` placeholders from the path only).
// The rules here return PermissionDenied "permission check failed" (403, delayed by the
// ApiService). root@pam passes every rule. Checks that need the request's other parameters
// happen inside the handlers.
//
// All functions may block (UserInfoCache re-reads user.cfg/acl.cfg after a change).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "auth/privileges.h"
#include "auth/user_info.h"
#include "common/result.h"
#include "http/router.h"
#include "types/authid.h"

namespace ferry::api {

struct ApiContext;

using PermissionRule = std::function<Status(const http::ApiCall&)>;

// The authenticated auth-id of `call`. Unauthenticated when the route ran without one (auth
// disabled): every Ferry route needs a caller.
Result<types::Authid> caller_of(const http::ApiCall& call);

// The current users + ACL snapshot. Errors reading user.cfg / acl.cfg.
Result<std::shared_ptr<const auth::UserInfo>> user_info_of(const ApiContext& ctx);

// The error of a failed method-level check: PermissionDenied "permission check failed".
tl::unexpected<Error> permission_check_failed();

// `path_template` with every `{name}` replaced by the path parameter `name` of `call`.
std::string expand_acl_path(std::string_view path_template, const http::ApiCall& call);

// Privilege(path, privs, partial): the caller's privileges on the expanded path are non-zero
// and contain all of `privs` (any of them when `partial`).
PermissionRule require_privs(const ApiContext& ctx, std::string path_template,
                             auth::Privileges privs, bool partial = false);

// Or(Privilege(path, privs), UserParam(param)): as require_privs, or the caller's auth-id text
// equals the path parameter `param` (a user acting on itself; never one of its tokens).
PermissionRule require_privs_or_self(const ApiContext& ctx, std::string path_template,
                                     auth::Privileges privs, std::string param);

// Whether `info` grants `auth_id` all of `privs` on `path` (any of them when `partial`).
bool has_privs(const auth::UserInfo& info, const types::Authid& auth_id, std::string_view path,
               auth::Privileges privs, bool partial = false);

}  // namespace ferry::api

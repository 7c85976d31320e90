#include "auth/auth_context.h"

#include "auth/internal/encoding.h"
#include "common/base64.h"
#include "common/text.h"
#include "auth/password.h"
#include "auth/ticket.h"
#include "auth/token_shadow.h"
#include "common/log.h"

namespace ferry::auth {
namespace {

tl::unexpected<Error> auth_failed(std::string_view reason) {
  return make_error(Errc::Unauthenticated, "authentication failed - {}", reason);
}

}  // namespace

std::optional<std::string> extract_cookie(std::string_view header, std::string_view name) {
  size_t pos = 0;
  while (pos <= header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = header.substr(pos, end - pos);
    pos = end + 1;
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return std::nullopt;  // PBS: cookie format error
    if (trim_unicode(pair.substr(0, eq)) != name) continue;
    std::string value = internal::percent_decode(trim_unicode(pair.substr(eq + 1)));
    if (!is_valid_utf8(value)) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

Result<std::unique_ptr<AuthContext>> AuthContext::open(const config::ConfigDir& dir,
                                                       const Clock& clock, KeyMode mode) {
  Keyring keyring;
  CsrfSecret csrf = CsrfSecret::from_file_content("");
  if (mode == KeyMode::Sign) {
    FERRY_TRY_ASSIGN(keyring, Keyring::load_or_create(dir));
    FERRY_TRY_ASSIGN(csrf, CsrfSecret::load_or_create(dir));
  } else {
    FERRY_TRY_ASSIGN(keyring, Keyring::load_public(dir));
    FERRY_TRY_ASSIGN(csrf, CsrfSecret::load(dir));
  }
  return std::make_unique<AuthContext>(dir, std::move(keyring), std::move(csrf),
                                       std::make_unique<Realms>(dir), clock);
}

AuthContext::AuthContext(config::ConfigDir dir, Keyring keyring, CsrfSecret csrf,
                         std::unique_ptr<Realms> realms, const Clock& clock)
    : dir_(std::move(dir)),
      keyring_(std::move(keyring)),
      csrf_(std::move(csrf)),
      realms_(std::move(realms)),
      clock_(clock),
      user_info_(dir_) {}

Result<types::Authid> AuthContext::check_auth(const AuthRequest& request) const {
  std::optional<std::string> ticket;
  for (std::string_view header : request.cookie_headers) {
    // PBS-compat (pkg 4.0.5+): the __Host- cookie wins over PBSAuthCookie in any header.
    if (auto t = extract_cookie(header, kHostAuthCookieName)) {
      ticket = std::move(t);
      break;
    }
    if (auto t = extract_cookie(header, kAuthCookieName)) ticket = std::move(t);
  }
  if (ticket) return check_ticket(*ticket, request);

  if (request.authorization) {
    const std::string_view value = *request.authorization;
    const size_t n = kApiTokenPrefix.size();
    // PBS-compat: "PBSAPIToken=" or "PBSAPIToken " (the PBS client sends the space).
    if (value.starts_with(kApiTokenPrefix) && value.size() > n &&
        (value[n] == '=' || value[n] == ' ')) {
      return check_api_token(value.substr(n + 1));
    }
  }
  return auth_failed("no authentication credentials provided.");
}

Result<types::Authid> AuthContext::check_ticket(const std::string& ticket,
                                                const AuthRequest& request) const {
  const int64_t now = clock_.epoch();
  auto userid = verify_user_ticket(keyring_, ticket, now);
  if (!userid) return auth_failed(userid.error().message());
  auto info = user_info_.get();
  if (!info) return auth_failed(info.error().to_string());
  const types::Authid auth_id = types::Authid::from_user(*userid);
  if (!(*info)->is_active_auth_id(auth_id, now)) {
    return auth_failed("user account disabled or expired.");
  }
  if (request.method != "GET") {
    if (!request.csrf_token) return auth_failed("missing CSRF prevention token");
    if (auto st = csrf_.verify_token(*userid, *request.csrf_token, now); !st) {
      return auth_failed(st.error().message());
    }
  }
  return auth_id;
}

Result<types::Authid> AuthContext::check_api_token(std::string_view value) const {
  // PBS-compat: split at the first ':'; the id is parsed and checked for activity before the
  // secret is even looked at.
  const size_t colon = value.find(':');
  auto tokenid = types::Authid::parse(value.substr(0, colon));
  if (!tokenid) return auth_failed(tokenid.error().message());
  auto info = user_info_.get();
  if (!info) return auth_failed(info.error().to_string());
  if (!(*info)->is_active_auth_id(*tokenid, clock_.epoch())) {
    burn_verification_time(value.substr(colon == std::string_view::npos ? value.size() : colon));
    return auth_failed("user account or token disabled or expired.");
  }
  if (colon == std::string_view::npos) return auth_failed("failed to split API token header");
  const std::string secret = internal::percent_decode(value.substr(colon + 1));
  if (!is_valid_utf8(secret)) return auth_failed("failed to decode API token header");
  if (auto st = TokenShadow(dir_).verify_secret(*tokenid, secret); !st) {
    return auth_failed(st.error().message());
  }
  return std::move(*tokenid);
}

Status AuthContext::authenticate_login(const types::Userid& userid,
                                       std::string_view password) const {
  const int64_t now = clock_.epoch();
  FERRY_TRY_ASSIGN(auto info, user_info_.get());
  if (!info->is_active_user(userid, now)) {
    burn_verification_time(password);  // same cost as a wrong password: no user enumeration
    return make_error(Errc::Unauthenticated, "user account disabled or expired.");
  }
  if (password.starts_with(kAuthPrefix) && password.size() > kAuthPrefix.size() &&
      password[kAuthPrefix.size()] == ':') {
    // Renewal: a valid ticket of the same user replaces the password. An invalid ticket falls
    // through to the realm (PBS does the same).
    if (auto ticket_user = verify_user_ticket(keyring_, password, now)) {
      if (*ticket_user == userid) return ok();
      return make_error(Errc::Unauthenticated, "ticket login failed - wrong userid");
    }
  }
  return realms_->authenticate_user(userid, password);
}

Result<LoginResult> AuthContext::create_ticket(std::string_view username,
                                               std::string_view password) const {
  auto fail = [&](const Error& why) {
    // The auth log gets the reason; the client only "permission check failed.".
    spdlog::warn("authentication failure; user={} msg={}", username, why.to_string());
    return make_error(Errc::Unauthenticated, "permission check failed.");
  };
  if (!keyring_.can_sign()) {
    return make_error(Errc::Internal, "ticket creation needs the private auth key");
  }
  auto userid = types::Userid::parse(username);
  if (!userid) {
    burn_verification_time(password);
    return fail(userid.error());
  }
  if (auto st = authenticate_login(*userid, password); !st) return fail(st.error());
  const int64_t now = clock_.epoch();
  FERRY_TRY_ASSIGN(std::string ticket, create_user_ticket(keyring_, *userid, now));
  FERRY_TRY_ASSIGN(std::string csrf, csrf_.assemble_token(*userid, now));
  return LoginResult{std::move(*userid), std::move(ticket), std::move(csrf)};
}

}  // namespace ferry::auth

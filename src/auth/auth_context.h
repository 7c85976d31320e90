// ferry::auth — identities, credentials and permissions (auth.md; docs/protocol/auth.md).
//
// The module owns:
//   * who exists: user.cfg (user_config.h), realms `pam` and `pbs` (realms.h,
//     pam_authenticator.h, pbs_authenticator.h with shadow.json), API-token secrets
//     (token_shadow.h), password hashing (password.h);
//   * what they may do: privileges and roles (privileges.h, roles.h), ACL paths (acl_path.h),
//     acl.cfg (acl_tree.h, acl_config.h), the combined lookup (user_info.h, user_info_cache.h);
//   * how they prove it: the ticket key pair (keyring.h), tickets (ticket.h), CSRF tokens
//     (csrf.h), and AuthContext below, the façade the HTTP layer calls.
//
// On-disk artifacts (all in the config directory): user.cfg, acl.cfg, token.shadow,
// shadow.json, authkey.key, authkey.pub, csrf.key, and the lock files .user.lck, .acl.lck,
// token.shadow.lock, shadow.json.lock.
//
// Concurrency: the value types are thread-compatible; AuthContext and UserInfoCache are
// thread-safe. Nearly everything blocks (file reads, crypt hashing, PAM), so the HTTP layer
// runs authentication on its blocking pool, never on an I/O thread. Time comes from an
// injected Clock.
//
// AuthContext implements auth.md §4 (authenticating a request) and §3.2 (login and ticket
// renewal). Failures are Errc::Unauthenticated whose message is the exact PBS body text:
// "authentication failed - <reason>" for requests, "permission check failed." for logins (the
// reason of a failed login is logged, never shown). The HTTP layer maps them to 401 and adds
// PBS's delay (~3 s) before answering a failure; this class never sleeps.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/csrf.h"
#include "auth/keyring.h"
#include "auth/realms.h"
#include "auth/user_info_cache.h"
#include "common/clock.h"
#include "common/result.h"
#include "config/config_dir.h"
#include "types/authid.h"

namespace ferry::auth {

// PBS-compat wire names (auth.md §2.2, §2.3, §2.5).
inline constexpr std::string_view kAuthCookieName = "PBSAuthCookie";
inline constexpr std::string_view kHostAuthCookieName = "__Host-PBSAuthCookie";
inline constexpr std::string_view kCsrfHeaderName = "CSRFPreventionToken";
inline constexpr std::string_view kApiTokenPrefix = "PBSAPIToken";

// The credential-bearing parts of a request. Views into the caller's buffers.
struct AuthRequest {
  std::string_view method;                         // "GET", "POST", ...
  std::vector<std::string_view> cookie_headers;    // every `Cookie` header value
  std::optional<std::string_view> csrf_token;      // `CSRFPreventionToken` header
  std::optional<std::string_view> authorization;   // `Authorization` header
};

// The answer of a successful login (POST /access/ticket, auth.md §3.3).
struct LoginResult {
  types::Userid username;
  std::string ticket;
  std::string csrf_token;
};

// The value of cookie `name` in one Cookie header: pairs split at ';', trimmed, the first pair
// named `name` wins, its value percent-decoded. nullopt if absent, if a pair without '=' comes
// first, or if the value is not UTF-8 after decoding (PBS's extract_cookie).
std::optional<std::string> extract_cookie(std::string_view header, std::string_view name);

class AuthContext {
 public:
  enum class KeyMode {
    Sign,        // privileged daemon: load or create authkey.key/.pub and csrf.key
    VerifyOnly,  // other processes: load authkey.pub and csrf.key (both must exist)
  };

  // Loads the key material of `dir` and sets up the realms. Errors: those of
  // Keyring::load_or_create/load_public and CsrfSecret. Blocks. `clock` must outlive the
  // context.
  static Result<std::unique_ptr<AuthContext>> open(const config::ConfigDir& dir,
                                                   const Clock& clock,
                                                   KeyMode mode = KeyMode::Sign);

  // Explicit wiring (tests, custom realms).
  AuthContext(config::ConfigDir dir, Keyring keyring, CsrfSecret csrf,
              std::unique_ptr<Realms> realms, const Clock& clock);

  // auth.md §4: the auth-id the request acts as. A ticket cookie (`__Host-PBSAuthCookie`
  // preferred over `PBSAuthCookie`) wins over an `Authorization: PBSAPIToken...` header. Ticket
  // requests with a method other than GET need a valid CSRF token. Unauthenticated
  // "authentication failed - <reason>", e.g. "... - no authentication credentials provided.",
  // "... - user account disabled or expired.", "... - missing CSRF prevention token",
  // "... - invalid API token". Blocks (config reads; crypt for API tokens).
  Result<types::Authid> check_auth(const AuthRequest& request) const;

  // auth.md §3.2 without second factors: `password` is the user's password, or a valid ticket
  // of the same user (renewal without password). Unauthenticated "permission check failed."
  // on any failure (the reason is logged). Internal if this context cannot sign. Blocks
  // (realm authentication).
  Result<LoginResult> create_ticket(std::string_view username, std::string_view password) const;

  // The current users + ACLs snapshot (for permission checks after check_auth).
  Result<std::shared_ptr<const UserInfo>> user_info() const { return user_info_.get(); }

  const Keyring& keyring() const { return keyring_; }
  const CsrfSecret& csrf_secret() const { return csrf_; }
  Realms& realms() { return *realms_; }

 private:
  Result<types::Authid> check_ticket(const std::string& ticket, const AuthRequest& request) const;
  Result<types::Authid> check_api_token(std::string_view value) const;
  Status authenticate_login(const types::Userid& userid, std::string_view password) const;

  config::ConfigDir dir_;
  Keyring keyring_;
  CsrfSecret csrf_;
  std::unique_ptr<Realms> realms_;
  const Clock& clock_;
  UserInfoCache user_info_;
};

}  // namespace ferry::auth

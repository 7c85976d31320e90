// Authenticator: the password backend of one realm (PBS: proxmox_auth_api::api::Authenticator).
//
// Implementations: PamAuthenticator (realm `pam`, Linux PAM) and PbsAuthenticator (realm `pbs`,
// shadow.json). Realms (realms.h) maps a realm name to its authenticator.
//
// `username` is the name part of a Userid (before the last '@'), never the full Userid.
// Authentication failures are Errc::Unauthenticated whose message is a *log* detail ("invalid
// credentials", "no password set", PAM's text); the login endpoint shows users only
// "permission check failed." (auth.md §3.2).
//
// Every method blocks (PAM conversation, crypt hashing, file I/O): call it off I/O threads.
// Implementations are thread-safe.
#pragma once

#include <string_view>

#include "common/result.h"

namespace ferry::auth {

class Authenticator {
 public:
  virtual ~Authenticator() = default;

  // Checks `password` for `username`. Unauthenticated on failure (see above).
  virtual Status authenticate_user(std::string_view username, std::string_view password) = 0;

  // Sets a new password. Durable when it returns.
  virtual Status store_password(std::string_view username, std::string_view password) = 0;

  // Forgets the password of a removed user (no-op where the realm owns no passwords).
  virtual Status remove_password(std::string_view username) = 0;
};

}  // namespace ferry::auth

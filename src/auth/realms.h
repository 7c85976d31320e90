// Realms: realm name → Authenticator, and the dispatcher `authenticate_user(userid, password)`.
//
// Built in: `pam` (PamAuthenticator) and `pbs` (PbsAuthenticator over <config dir>/shadow.json).
// LDAP/AD/OpenID realms (domains.cfg) are not implemented: a userid of another realm fails with
// "unknown realm '<name>'" (after the same hashing work as a wrong password, so realm names
// cannot be probed by timing).
//
// `set_authenticator` replaces or adds a realm (tests, future realm types).
//
// authenticate_user blocks (see authenticator.h): call it off I/O threads. After construction
// the registry is read-only and thread-safe; set_authenticator is not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "auth/authenticator.h"
#include "auth/pam_authenticator.h"
#include "config/config_dir.h"
#include "types/authid.h"

namespace ferry::auth {

class Realms {
 public:
  // `pam_service` defaults to PBS's service name.
  explicit Realms(const config::ConfigDir& dir,
                  std::string pam_service = std::string(kPamService));

  void set_authenticator(std::string realm, std::unique_ptr<Authenticator> authenticator);

  // The realm's authenticator or nullptr.
  Authenticator* lookup(std::string_view realm) const;

  // Unauthenticated with a log detail on any failure (unknown realm, wrong password, ...).
  Status authenticate_user(const types::Userid& userid, std::string_view password) const;

 private:
  std::map<std::string, std::unique_ptr<Authenticator>, std::less<>> realms_;
};

}  // namespace ferry::auth

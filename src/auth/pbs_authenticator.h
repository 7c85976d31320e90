// PbsAuthenticator: the built-in `pbs` realm, passwords in shadow.json (auth.md §2.4,
// config-format.md §12).
//
//   <config dir>/shadow.json        {"alice": "$y$j9T$...", ...}   pretty, keys sorted, 0600
//   <config dir>/shadow.json.lock   exclusive flock for every modification
//
// Keys are bare user names ("alice" for alice@pbs). A missing file means no passwords.
//
// Behaviour on login, matching PBS 3.2.3+:
//   * unknown user → Unauthenticated "no password set"; the hash verification is still
//     performed (against a dummy hash) so that unknown users and wrong passwords take the same
//     time;
//   * correct password stored with another scheme than the configured one (e.g. a legacy `$5$`
//     hash) → the password is re-hashed and stored (best effort: a failure is only logged).
//
// All methods block (file I/O, crypt): call them off I/O threads. Thread-safe.
#pragma once

#include <string_view>

#include "auth/authenticator.h"
#include "auth/password.h"
#include "config/config_dir.h"

namespace ferry::auth {

inline constexpr std::string_view kShadowFile = "shadow.json";
inline constexpr std::string_view kShadowLockFile = "shadow.json.lock";

class PbsAuthenticator final : public Authenticator {
 public:
  explicit PbsAuthenticator(config::ConfigDir dir, HashScheme scheme = kDefaultHashScheme)
      : dir_(std::move(dir)), scheme_(scheme) {}

  // Unauthenticated "no password set" / "invalid credentials"; Corruption if shadow.json is
  // garbled; Io.
  Status authenticate_user(std::string_view username, std::string_view password) override;
  // Hashes with the configured scheme and rewrites shadow.json (mode 0600) under its lock.
  Status store_password(std::string_view username, std::string_view password) override;
  // Removes the entry (missing is fine) under the lock.
  Status remove_password(std::string_view username) override;

 private:
  config::ConfigDir dir_;
  HashScheme scheme_;
};

}  // namespace ferry::auth

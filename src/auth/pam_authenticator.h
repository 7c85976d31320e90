// PamAuthenticator: the built-in `pam` realm, Linux PAM (auth.md §1.1, §2.4).
//
// PBS-compat: service name `proxmox-backup-auth` (kPamService); a system without
// /etc/pam.d/proxmox-backup-auth uses PAM's `other` service. authenticate_user runs
// pam_authenticate + pam_acct_mgmt (password, then account validity/expiry), answering
// echo-off prompts with the password and echo-on prompts with the user name.
//
// PAM's own failure delay (pam_unix: ~2 s) is disabled through PAM_FAIL_DELAY: the HTTP layer
// delays every failed login uniformly (auth.md §3.2 step 5), and a sleeping PAM call would only
// pin a blocking-pool thread. Unknown users and wrong passwords are both decided by the PAM
// modules (pam_unix performs a dummy hash for unknown users).
//
// store_password uses pam_chauthtok (the process must be privileged to change system
// passwords); remove_password is a no-op (system accounts are not ours to delete).
//
// Every method blocks (PAM modules read files, hash, may talk to the network): call it off I/O
// threads. Thread-safe: each call has its own PAM handle.
#pragma once

#include <string>
#include <string_view>

#include "auth/authenticator.h"

namespace ferry::auth {

inline constexpr std::string_view kPamService = "proxmox-backup-auth";

class PamAuthenticator final : public Authenticator {
 public:
  explicit PamAuthenticator(std::string service = std::string(kPamService))
      : service_(std::move(service)) {}

  // Unauthenticated "<pam step>: <pam_strerror text>" on failure; Internal if PAM cannot start.
  Status authenticate_user(std::string_view username, std::string_view password) override;
  Status store_password(std::string_view username, std::string_view password) override;
  Status remove_password(std::string_view) override { return ok(); }

 private:
  std::string service_;
};

}  // namespace ferry::auth

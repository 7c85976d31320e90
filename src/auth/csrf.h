// CSRF prevention tokens (auth.md §2.3; PBS: proxmox_auth_api assemble/verify_csrf_prevention
// _token).
//
//   <TIME>:<SIG>     TIME = creation time, upper-case hex, at least 8 digits
//                    SIG  = base64 (no padding) of HMAC-SHA3-256(secret, "<TIME>:<userid>:")
//
// Example: 6553F100:3q2+7w...  (the message ends with a colon after the userid).
//
// The token is returned at login next to the ticket and must accompany every non-GET request
// authenticated by a ticket cookie (header `CSRFPreventionToken`). Accepted while
// −300 ≤ now − TIME ≤ 7200. PBS-compat: a token whose HMAC does not match is also accepted if
// SIG is SHA-256("<TIME>:<userid>:" ‖ secret) (the pre-HMAC scheme).
//
//   <config dir>/csrf.key   64 random bytes, standard base64 without padding, mode 0640.
//   A file whose content is not such base64 (older installations) is used raw as the key.
//
// Failures are Errc::Unauthenticated "invalid csrf token - <reason>" with PBS's reasons.
// Immutable after construction; thread-safe. Token operations do not block.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "config/config_dir.h"
#include "types/authid.h"

namespace ferry::auth {

inline constexpr std::string_view kCsrfKeyFile = "csrf.key";

class CsrfSecret {
 public:
  // 64 fresh random bytes. Internal if the RNG fails.
  static Result<CsrfSecret> generate();
  // The key a csrf.key file content denotes (base64, else the raw bytes).
  static CsrfSecret from_file_content(std::string_view content);
  // What generate()d secrets look like on disk: base64 without padding, no newline.
  std::string file_content() const;

  // Loads csrf.key, creating it (atomically, mode 0640) if missing. Io, PermissionDenied.
  // Blocks. Precondition: only one process creates it (the privileged daemon at start-up).
  static Result<CsrfSecret> load_or_create(const config::ConfigDir& dir);
  // Loads csrf.key. NotFound if missing. Blocks.
  static Result<CsrfSecret> load(const config::ConfigDir& dir);

  // A token for `userid` made at `now`.
  Result<std::string> assemble_token(const types::Userid& userid, int64_t now) const;

  // Checks `token` for `userid`: format ("format error - wrong number of parts."), signature
  // ("invalid signature."), age ("timestamp newer than expected." / "timestamp too old.").
  Status verify_token(const types::Userid& userid, std::string_view token, int64_t now,
                      int64_t min_age = -300, int64_t max_age = 7200) const;

 private:
  explicit CsrfSecret(Bytes key) : key_(std::move(key)) {}
  Bytes key_;
};

}  // namespace ferry::auth

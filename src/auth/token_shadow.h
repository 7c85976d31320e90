// token.shadow: the hashed secrets of API tokens (auth.md §2.5, config-format.md §11).
//
//   <config dir>/token.shadow        {"alice@pbs!backup":"$y$j9T$...$..."}   mode 0640
//   <config dir>/token.shadow.lock   exclusive flock for every modification
//
// A JSON object mapping the full token id to a crypt(3) hash of the secret (password.h),
// written compactly (no whitespace, no trailing newline). A missing file means no tokens.
// Secrets are random version-4 UUIDs in lower-case hyphenated form, shown to the user once.
//
// PBS-compat: the file must be readable by the process that authenticates requests (PBS: the
// proxy, user `backup`, hence 0640 backup:backup); ownership is the server bootstrap's job.
// Verification has no cache (as PBS 3.2.4): every token request runs crypt.
//
// Every method blocks (file I/O, CPU-bound hashing): call it off I/O threads. The object holds
// only the directory; concurrent use is safe (writers serialize on the lock file).
#pragma once

#include <string>
#include <string_view>

#include "auth/password.h"
#include "common/result.h"
#include "config/config_dir.h"
#include "types/authid.h"

namespace ferry::auth {

inline constexpr std::string_view kTokenShadowFile = "token.shadow";
inline constexpr std::string_view kTokenShadowLockFile = "token.shadow.lock";

class TokenShadow {
 public:
  explicit TokenShadow(config::ConfigDir dir, HashScheme scheme = kDefaultHashScheme)
      : dir_(std::move(dir)), scheme_(scheme) {}

  // A fresh secret: random UUID v4, e.g. "0b1e3c3a-5d0f-4c3e-9a51-2f6b3c2d1e00". Internal if
  // the RNG fails.
  static Result<std::string> generate_secret();

  // Checks `secret` for `tokenid`. Unauthenticated with PBS's reason: "not an API token ID",
  // "invalid API token" (no entry; costs a hash verification like a wrong secret), "invalid
  // credentials" (wrong secret). Corruption if the file cannot be parsed or the stored hash is
  // invalid.
  Status verify_secret(const types::Authid& tokenid, std::string_view secret) const;

  // Stores the hash of `secret` (replacing any previous one). InvalidArgument for a non-token
  // id; Timeout (lock), Corruption, Io. Durable when it returns.
  Status set_secret(const types::Authid& tokenid, std::string_view secret) const;

  // generate_secret + set_secret; returns the secret to show the user.
  Result<std::string> generate_and_set(const types::Authid& tokenid) const;

  // Removes the entry (missing is fine). InvalidArgument for a non-token id.
  Status delete_secret(const types::Authid& tokenid) const;

 private:
  Status write(const std::string& content) const;

  config::ConfigDir dir_;
  HashScheme scheme_;
};

}  // namespace ferry::auth

// Password and secret hashing with crypt(3) (auth.md §2.4, config-format.md §11–§12).
//
// Both shadow.json (passwords of the `pbs` realm) and token.shadow (API token secrets) store
// crypt(3) strings. Verification runs `crypt_r(input, stored)` and compares in constant time, so
// every scheme libxcrypt knows verifies: `$y$` yescrypt, `$5$` SHA-256-crypt, `$6$`
// SHA-512-crypt, ...
//
// New hashes: PBS 3.2.3+ generates yescrypt (`$y$`, cost 5, 32 random bytes of salt input to
// crypt_gensalt); that is our default (`kDefaultHashScheme`). SHA-256-crypt (`$5$`, PBS's
// earlier default) and SHA-512-crypt can be requested explicitly. The scheme is always passed to
// crypt_gensalt explicitly: libxcrypt's own default is not relied upon.
//
// PBS-compat: the input is truncated at 511 bytes and at the first NUL (PBS copies it into
// libcrypt's fixed 512-byte input buffer), so hashes interoperate for any input.
//
// Every function here is CPU-bound (yescrypt: tens of milliseconds): call it off I/O threads.
// Thread-safe (crypt_r with per-call state).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace ferry::auth {

enum class HashScheme {
  Yescrypt,     // "$y$", cost 5
  Sha256Crypt,  // "$5$", default rounds (5000)
  Sha512Crypt,  // "$6$", default rounds (5000)
};

// PBS 3.2.3+ behaviour (auth.md §2.4). Change here to switch what new hashes use.
inline constexpr HashScheme kDefaultHashScheme = HashScheme::Yescrypt;

// "$y$", "$5$" or "$6$".
std::string_view hash_prefix(HashScheme scheme);

// True if `hash` was made with `scheme` (by prefix).
bool is_hash_of_scheme(std::string_view hash, HashScheme scheme);

// A new crypt(3) string for `secret` with a fresh random salt. Internal if the RNG or libcrypt
// fails.
Result<std::string> hash_password(std::string_view secret, HashScheme scheme = kDefaultHashScheme);

// Checks `secret` against the crypt(3) string `hash`. Unauthenticated "invalid credentials" on
// mismatch; Corruption if `hash` is not a crypt string libcrypt accepts. Constant time in the
// compared bytes.
Status verify_password(std::string_view secret, std::string_view hash);

// Does the work of one failed verification against a hash of `scheme` and returns nothing: used
// for unknown users so that they cost the same time as a wrong password (no user enumeration by
// timing).
void burn_verification_time(std::string_view secret, HashScheme scheme = kDefaultHashScheme);

}  // namespace ferry::auth

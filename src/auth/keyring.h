// Keyring: the server's ticket signing key and the keys that verify tickets (auth.md §2.1;
// PBS: proxmox_auth_api::Keyring).
//
//   <config dir>/authkey.key   private key, PEM, mode 0600 (only the signing daemon needs it)
//   <config dir>/authkey.pub   public key, PEM ("BEGIN PUBLIC KEY"), mode 0640
//
// New installations get an Ed25519 key (private key as PKCS#8 "BEGIN PRIVATE KEY"); Ed25519
// signs the message itself, without a pre-hash. Older PBS installations may hold a 4096-bit RSA
// key (traditional "BEGIN RSA PRIVATE KEY"); RSA signatures are SHA-256 with PKCS#1 v1.5
// padding (OpenSSL's default — see docs/protocol/auth.md). Both are accepted when loading; we
// only ever generate Ed25519.
//
// A keyring holds at most one signing key and any number of extra verification keys (key
// rollover); `verify` accepts a signature made by any of them.
//
// Immutable after construction (except add_public_pem); const methods are thread-safe. Copying
// shares the underlying OpenSSL keys.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/types.h>

#include "common/bytes.h"
#include "common/result.h"
#include "config/config_dir.h"

namespace ferry::auth {

inline constexpr std::string_view kAuthKeyFile = "authkey.key";
inline constexpr std::string_view kAuthPubKeyFile = "authkey.pub";

class Keyring {
 public:
  // A fresh Ed25519 signing key. Internal if OpenSSL fails.
  static Result<Keyring> generate_ed25519();
  // From a PEM private key (PKCS#8 or traditional RSA). InvalidArgument if not a private key.
  static Result<Keyring> from_private_pem(std::string_view pem);
  // A verify-only keyring from a PEM public key. InvalidArgument if not a public key.
  static Result<Keyring> from_public_pem(std::string_view pem);

  // Adds a verification key (rollover). InvalidArgument if not a PEM public key.
  Status add_public_pem(std::string_view pem);

  bool can_sign() const { return signing_key_ != nullptr; }

  // Signs `message` with the signing key. InvalidArgument if there is none; Internal on
  // OpenSSL failure.
  Result<Bytes> sign(ByteView message) const;

  // True if any key of the ring verifies `signature` over `message`.
  bool verify(ByteView signature, ByteView message) const;

  // PEM of the signing key (Ed25519: PKCS#8; RSA: traditional) / of its public key.
  Result<std::string> private_key_pem() const;
  Result<std::string> public_key_pem() const;

  // For the signing daemon: loads authkey.key (writing a missing authkey.pub from it), or,
  // on first start, generates an Ed25519 key and writes authkey.key (0600) then authkey.pub
  // (0640), each atomically. Errors: InvalidArgument (unreadable key file content), Io,
  // PermissionDenied. Blocks. Precondition: only one process creates the keys (the privileged
  // daemon at start-up).
  static Result<Keyring> load_or_create(const config::ConfigDir& dir);

  // For verifying-only processes: loads authkey.pub. NotFound if missing. Blocks.
  static Result<Keyring> load_public(const config::ConfigDir& dir);

 private:
  using KeyPtr = std::shared_ptr<EVP_PKEY>;
  static KeyPtr wrap(EVP_PKEY* key);

  KeyPtr signing_key_;
  std::vector<KeyPtr> public_keys_;
};

}  // namespace ferry::auth

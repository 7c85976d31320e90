// ferry::datastore::CryptConfig — the key material of a PBS encryption key.
//
// PBS encrypts chunks and blobs with AES-256-GCM under a 32-byte key `K` chosen by the client.
// Everything else is derived from `K` (docs/formats/data-blob.md, spec datastore-format §2.2):
//
//   id_key      = PBKDF2-HMAC-SHA256(password = K, salt = "_id_key", 10 iterations, 32 bytes)
//   digest      = SHA256(plaintext || id_key)            (identity of an encrypted chunk)
//   fingerprint = SHA256(SHA256("Proxmox Backup Encryption Key Fingerprint") || id_key)
//   signature   = HMAC-SHA256(id_key, canonical manifest JSON)
//
// The server never holds keys; the client, the tools and the tests do. A CryptConfig is an
// immutable value: safe to share between threads, copyable, and it wipes its key bytes when
// destroyed.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "common/bytes.h"
#include "common/digest.h"
#include "common/result.h"

namespace ferry::datastore {

// Sizes of the AES-256-GCM parameters used by PBS.
// PBS-compat: the IV is 16 bytes, not GCM's usual 12 (spec §3.5); GCM then derives its counter
// block through GHASH, so a 12-byte-IV implementation produces different ciphertext.
inline constexpr size_t kCryptKeySize = 32;
inline constexpr size_t kCryptIvSize = 16;
inline constexpr size_t kCryptTagSize = 16;

using CryptIv = std::array<uint8_t, kCryptIvSize>;
using CryptTag = std::array<uint8_t, kCryptTagSize>;

class CryptConfig {
 public:
  // Derives id_key from the raw AES key. Cheap (10 PBKDF2 rounds); never fails.
  static CryptConfig from_key(std::span<const uint8_t, kCryptKeySize> key);

  CryptConfig(const CryptConfig&) = default;
  CryptConfig& operator=(const CryptConfig&) = default;
  ~CryptConfig();

  // Keyed chunk digest: SHA256(plaintext || id_key) (spec §2.1).
  Digest compute_digest(ByteView plaintext) const;

  // HMAC-SHA256 keyed with id_key, used for the manifest signature (spec §7.5).
  Digest compute_auth_tag(ByteView data) const;

  // Key fingerprint, raw and as "xx:xx:...:xx" (32 lower-case hex pairs, 95 characters).
  Digest fingerprint() const;
  std::string fingerprint_string() const;

  const std::array<uint8_t, kCryptKeySize>& id_key() const { return id_key_; }

  // AES-256-GCM encryption of `plaintext` with the given 16-byte IV and no additional data.
  // Returns the ciphertext (same length as the plaintext) and writes the tag to `tag`.
  // Never fails for inputs below 2^31 bytes (callers bound sizes far below that).
  Bytes encrypt(ByteView plaintext, const CryptIv& iv, CryptTag& tag) const;

  // Decrypts and authenticates. Errors: Corruption when the tag does not match (wrong key or
  // damaged data), InvalidArgument for inputs of 2^31 bytes or more.
  Result<Bytes> decrypt(ByteView ciphertext, const CryptIv& iv, const CryptTag& tag) const;

 private:
  CryptConfig() = default;

  std::array<uint8_t, kCryptKeySize> key_{};
  std::array<uint8_t, kCryptKeySize> id_key_{};
};

// Formats 32 bytes as lower-case hex pairs joined by ':' (PBS's fingerprint notation).
std::string format_fingerprint(const Digest& fp);

}  // namespace ferry::datastore

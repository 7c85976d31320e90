// ferry::datastore::DataBlob — the PBS data blob, the container of every chunk file, every
// `.blob` archive and the manifest (docs/formats/data-blob.md, spec datastore-format §3).
//
// Layout (little-endian, no length field, payload runs to the end of the file):
//
//   unencrypted:  magic[8] crc32[4] payload...                      header 12 bytes
//   encrypted:    magic[8] crc32[4] iv[16] tag[16] ciphertext...    header 44 bytes
//
// The magic says whether the payload is compressed (zstd, level 1) and/or encrypted
// (AES-256-GCM, see crypt_config.h). The CRC-32 covers only the bytes after the header.
//
// A DataBlob owns its raw bytes and is a plain value: not thread-safe for mutation
// (`fix_crc`), safe to read from several threads. Parsing (`from_raw`) checks only the magic
// and the minimum size, so that the server can repair the CRC of uploaded chunks (spec §1.2);
// everything else is checked by the caller's choice of `verify_crc` / `decode` / `verify_*`.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>

#include "common/bytes.h"
#include "common/digest.h"
#include "common/result.h"
#include "datastore/crypt_config.h"

namespace ferry::datastore {

// ---- Format constants: never change ----------------------------------------------------
// Each magic is the first 8 bytes of SHA-256 of the quoted string (PBS file_formats.rs);
// tests/compat re-derives them.
// SHA256("Proxmox Backup uncompressed blob v1.0")[0..8]
inline constexpr std::array<uint8_t, 8> kUncompressedBlobMagicV1_0 = {66,  171, 56,  7,
                                                                      190, 131, 112, 161};
// SHA256("Proxmox Backup zstd compressed blob v1.0")[0..8]
inline constexpr std::array<uint8_t, 8> kCompressedBlobMagicV1_0 = {49,  185, 88,  66,
                                                                    111, 182, 163, 127};
// SHA256("Proxmox Backup encrypted blob v1.0")[0..8]
inline constexpr std::array<uint8_t, 8> kEncryptedBlobMagicV1_0 = {123, 103, 133, 190,
                                                                   34,  45,  76,  240};
// SHA256("Proxmox Backup zstd compressed encrypted blob v1.0")[0..8]
inline constexpr std::array<uint8_t, 8> kEncrCompBlobMagicV1_0 = {230, 89,  27,  191,
                                                                  11,  191, 216, 11};

inline constexpr size_t kBlobHeaderSize = 12;           // magic + crc
inline constexpr size_t kEncryptedBlobHeaderSize = 44;  // magic + crc + iv + tag
// Largest plaintext the encoder accepts and the default bound for decoded output (spec §3.6).
inline constexpr size_t kMaxBlobPlaintextSize = 128u << 20;
// Chunks: plaintext 1..16 MiB; encoded file at most 16 MiB + the encrypted header.
inline constexpr size_t kMaxChunkSize = 16u << 20;
inline constexpr size_t kMaxEncodedChunkSize = kMaxChunkSize + kEncryptedBlobHeaderSize;
// ---------------------------------------------------------------------------------------

enum class BlobKind { Uncompressed, Compressed, Encrypted, EncryptedCompressed };

// The kind for a magic, or nullopt when the bytes are not a blob magic.
std::optional<BlobKind> blob_kind_from_magic(ByteView magic8);

class DataBlob {
 public:
  // Wraps raw blob bytes. Errors: Corruption when the data is shorter than the header
  // (12 bytes, 44 for encrypted kinds) or the magic is not one of the four blob magics.
  // Does NOT check the CRC. Never blocks.
  static Result<DataBlob> from_raw(Bytes raw);

  // Reads and parses a blob file of at most `max_size` bytes and checks its CRC.
  // Errors: NotFound, Io, InvalidArgument (too large), Corruption (bad magic/size/CRC); the
  // message names the path. Blocks on file I/O.
  static Result<DataBlob> load(const std::filesystem::path& path,
                               uint64_t max_size = kMaxBlobPlaintextSize +
                                                   kEncryptedBlobHeaderSize);

  // Builds a blob from plaintext: zstd level 1 when `compress` is set and the result is
  // strictly smaller than `data`, then AES-256-GCM with a random IV when `crypt` is given.
  // Errors: InvalidArgument when `data` exceeds 128 MiB; Internal if zstd fails.
  static Result<DataBlob> encode(ByteView data, const CryptConfig* crypt, bool compress);

  // As `encode` with a caller-chosen IV, for golden vectors only: never reuse an IV.
  static Result<DataBlob> encode_with_iv_for_test(ByteView data, const CryptConfig& crypt,
                                                  bool compress, const CryptIv& iv);

  const Bytes& raw() const { return raw_; }
  Bytes take_raw() && { return std::move(raw_); }
  size_t raw_size() const { return raw_.size(); }
  BlobKind kind() const { return kind_; }
  bool is_encrypted() const;
  bool is_compressed() const;
  size_t header_size() const;

  // The CRC stored in the header and the CRC of the bytes after the header.
  uint32_t stored_crc() const;
  uint32_t compute_crc() const;
  // Corruption ("crc mismatch ...") when they differ.
  Status verify_crc() const;
  // Overwrites the stored CRC with the computed one (server side, for uploaded chunks).
  void fix_crc();

  // IV and tag of an encrypted blob (precondition: is_encrypted()).
  CryptIv iv() const;
  CryptTag tag() const;

  // Returns the plaintext: decrypts (needs `crypt` for encrypted kinds) and decompresses.
  // With `expected_digest`, also checks the digest of the plaintext: keyed
  // (`crypt->compute_digest`) for encrypted blobs, plain SHA-256 otherwise, as PBS does.
  // The output is bounded by `max_size` (default 128 MiB).
  // Errors: InvalidArgument (encrypted blob without key), Corruption (tag, zstd stream,
  // output over the bound, digest mismatch). Does not check the CRC. Never blocks.
  Result<Bytes> decode(const CryptConfig* crypt, const Digest* expected_digest = nullptr) const;
  Result<Bytes> decode_with_limit(const CryptConfig* crypt, const Digest* expected_digest,
                                  size_t max_size) const;

  // Server-side check of an uploaded chunk (spec §1.2): encrypted chunks pass (the server
  // cannot decrypt); unencrypted ones must decode to exactly `expected_size` bytes whose
  // SHA-256 is `digest`. Errors: Corruption naming the mismatch.
  Status verify_unencrypted(uint64_t expected_size, const Digest& digest) const;

 private:
  DataBlob(Bytes raw, BlobKind kind) : raw_(std::move(raw)), kind_(kind) {}
  static Result<DataBlob> encode_impl(ByteView data, const CryptConfig* crypt, bool compress,
                                      const CryptIv* iv);

  Bytes raw_;
  BlobKind kind_;
};

}  // namespace ferry::datastore

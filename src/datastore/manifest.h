// ferry::datastore::BackupManifest — the snapshot manifest `index.json.blob`
// (docs/formats/manifest.md, spec datastore-format §7).
//
// The manifest is a JSON document inside an unencrypted data blob. It names the snapshot
// (backup-type, backup-id, backup-time), lists every archive with its size and checksum, and
// carries an `unprotected` object (verify state, notes, upload stats, key fingerprint) that
// the optional HMAC `signature` does not cover.
//
// PBS-compat: the server rewrites manifests, and PBS clients and sync compare them, so our
// serializer reproduces serde_json's pretty output byte for byte: keys sorted byte-wise at
// every level, 2-space indent, `"key": value`, `{}`/`[]` when empty, no trailing newline,
// `/` and non-ASCII unescaped, control characters as \n \t \r \b \f or \u00xx (lower case).
// The signature input is the canonical JSON (compact, sorted, no null) of everything except
// `unprotected` and `signature`.
//
// A BackupManifest is a plain value type owned by its user; not thread-safe for mutation.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/digest.h"
#include "common/result.h"
#include "datastore/crypt_config.h"
#include "datastore/data_blob.h"

namespace ferry::datastore {

inline constexpr std::string_view kManifestBlobName = "index.json.blob";
inline constexpr std::string_view kClientLogBlobName = "client.log.blob";
// Our bound on the manifest JSON (not a PBS limit) and on JSON nesting inside it.
inline constexpr size_t kMaxManifestSize = 16u << 20;
inline constexpr size_t kMaxManifestJsonDepth = 64;

// Wire names "none", "encrypt", "sign-only".
enum class CryptMode { None, Encrypt, SignOnly };
std::string_view crypt_mode_name(CryptMode mode);
std::optional<CryptMode> parse_crypt_mode(std::string_view name);

// Archive kind by final extension.
enum class ArchiveType { FixedIndex, DynamicIndex, Blob };

// InvalidArgument unless `name` matches ^[A-Za-z0-9_][A-Za-z0-9._\-]*$ (at most 255 bytes)
// and ends in .fidx, .didx or .blob. Keeps manifest file names inside the snapshot dir.
Result<ArchiveType> parse_archive_name(std::string_view name);

// One entry of `files`.
struct FileInfo {
  std::string filename;
  CryptMode crypt_mode = CryptMode::None;
  uint64_t size = 0;  // .blob: encoded file size; index: logical archive size
  Digest csum;        // .blob: SHA-256 of the file; index: index_csum
  bool operator==(const FileInfo&) const = default;
};

// unprotected.verify_state.
enum class VerifyState { Ok, Failed };
struct SnapshotVerifyState {
  VerifyState state = VerifyState::Ok;
  std::string upid;
  bool operator==(const SnapshotVerifyState&) const = default;
};

// unprotected.chunk_upload_stats (snake_case keys on the wire).
struct ChunkUploadStats {
  uint64_t count = 0;
  uint64_t size = 0;
  uint64_t compressed_size = 0;
  uint64_t duplicates = 0;
  bool operator==(const ChunkUploadStats&) const = default;
};

class BackupManifest {
 public:
  std::string backup_type;  // "vm", "ct" or "host"
  std::string backup_id;
  int64_t backup_time = 0;
  std::vector<FileInfo> files;
  nlohmann::json unprotected = nlohmann::json::object();
  std::optional<std::string> signature;

  BackupManifest() = default;
  BackupManifest(std::string type, std::string id, int64_t time)
      : backup_type(std::move(type)), backup_id(std::move(id)), backup_time(time) {}

  // Parses and validates manifest JSON (any key order; at most kMaxManifestSize bytes and
  // kMaxManifestJsonDepth levels). Unknown top-level and file-entry keys are dropped, unknown
  // `unprotected` keys kept. Errors: InvalidArgument ("invalid manifest: <field>: <reason>")
  // for syntax errors, missing or ill-typed fields, a backup-type other than vm/ct/host, an
  // invalid backup-id, a backup-time outside 1..9999-12-31, a bad archive name or crypt-mode,
  // a csum that is not 64 hex digits. Never blocks.
  static Result<BackupManifest> parse(std::string_view json);

  // Parses the manifest inside a blob: CRC checked, must not be encrypted (Corruption
  // otherwise), decoded with a kMaxManifestSize bound.
  static Result<BackupManifest> from_blob(const DataBlob& blob);

  // Reads `<path>` (an index.json.blob) and parses it; messages name the path. Blocks.
  static Result<BackupManifest> load(const std::filesystem::path& path);

  // PBS's exact pretty serialization (see the header comment); no trailing newline.
  std::string to_pretty_json() const;
  // Canonical JSON of the signed part (everything but `unprotected` and `signature`).
  std::string canonical_json() const;

  // HMAC-SHA256(id_key, canonical_json()).
  Digest compute_signature(const CryptConfig& crypt) const;
  // Sets `signature` and unprotected.key-fingerprint for `crypt`, as a signing client does.
  void sign(const CryptConfig& crypt);
  // Errors: InvalidArgument when unsigned or when unprotected.key-fingerprint names another
  // key; Corruption when the signature does not match.
  Status verify_signature(const CryptConfig& crypt) const;

  // The pretty JSON in a blob, zstd-compressed when that is smaller. Never encrypted.
  Result<DataBlob> to_blob() const;

  // Appends a file entry after validating its name (InvalidArgument) and rejecting a name
  // that is already listed (AlreadyExists).
  Status add_file(std::string filename, uint64_t size, const Digest& csum, CryptMode mode);
  // The entry named `name`, or nullptr.
  const FileInfo* lookup_file(std::string_view name) const;

  // Accessors for the well-known `unprotected` keys. Getters return nullopt when the key is
  // absent; Corruption when present but ill-typed.
  Result<std::optional<SnapshotVerifyState>> verify_state() const;
  void set_verify_state(const SnapshotVerifyState& state);
  void clear_verify_state();
  std::string notes() const;  // "" when absent or not a string
  // InvalidArgument when `notes` is not valid UTF-8.
  Status set_notes(std::string_view notes);
  Result<std::optional<ChunkUploadStats>> chunk_upload_stats() const;
  void set_chunk_upload_stats(const ChunkUploadStats& stats);
  std::optional<std::string> key_fingerprint() const;
  void set_key_fingerprint(std::string fingerprint);
};

// Serializers used by the manifest, exposed for the other PBS JSON files that need serde's
// exact bytes. `to_pbs_pretty_json` never fails; `to_canonical_json` fails with
// InvalidArgument on a null anywhere. Strings are written as given (callers keep them UTF-8).
std::string to_pbs_pretty_json(const nlohmann::json& value);
Result<std::string> to_canonical_json(const nlohmann::json& value);

}  // namespace ferry::datastore

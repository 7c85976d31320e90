// Reading, locking and writing one section-config file (config-format.md §1).
//
//   * Reads take no lock: writers replace files atomically, so a reader sees either the old or
//     the new content. A missing file reads as empty (digest of the empty string).
//   * The digest of a file is the lower-case hex SHA-256 of its exact bytes; API clients send
//     it back with a modification to detect concurrent edits (optimistic concurrency).
//   * A modification is a read-modify-write under an exclusive flock on the file's lock file
//     (`.remote.lck`, ... in the same directory; created with mode 0660 if missing, never
//     removed), followed by an atomic replace with the file's mode (0640: remote.cfg holds
//     passwords and must not be world-readable).
//
// `modify_config` packages the whole sequence; use it for every write.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/file_lock.h"
#include "common/result.h"
#include "config/config_dir.h"
#include "config/section_config.h"

namespace ferry::config {

// Static description of one config file: its name, lock file, mode and schema.
struct ConfigFileSpec {
  std::string file_name;  // "remote.cfg"
  std::string lock_name;  // ".remote.lck"
  mode_t mode = 0640;
  SectionConfigSchema schema;
};

// Default wait for a config lock (PBS: 10 s).
inline constexpr std::chrono::milliseconds kConfigLockTimeout{10000};

// A parsed file and the digest of the bytes it was parsed from.
struct LoadedConfig {
  SectionConfigData data;
  std::string digest;  // 64 lower-case hex characters
};

// Lower-case hex SHA-256 of `bytes`.
std::string config_digest(std::string_view bytes);

// Compares a client-supplied digest with the current one. InvalidArgument if `expected` is not
// 64 lower-case hex characters; Conflict ("configuration changed on disk: digest mismatch ...")
// if it differs. No `expected` always passes.
Status check_digest(const ConfigFileSpec& spec, const std::optional<std::string>& expected,
                    std::string_view actual);

// Reads and parses `<dir>/<file_name>`. A missing file is an empty config. Errors: Corruption
// (garbled content, naming file, line and reason), PermissionDenied / Io (unreadable, with the
// path). Blocks; takes no lock.
Result<LoadedConfig> read_config(const ConfigDir& dir, const ConfigFileSpec& spec);

// Takes the exclusive lock of the file. Errors: Timeout (held elsewhere past `timeout`),
// Conflict (held, zero timeout), NotFound (directory missing), Io. Blocks up to `timeout`.
Result<FileLock> lock_config(const ConfigDir& dir, const ConfigFileSpec& spec,
                             std::chrono::milliseconds timeout = kConfigLockTimeout);

// Validates and writes `data` atomically with the file's mode. `lock` must be the held lock of
// this file (its presence in the signature is the precondition). Errors: InvalidArgument (a
// section fails its schema; nothing is written), Io, PermissionDenied. Durable: fsync'ed.
Status write_config(const ConfigDir& dir, const ConfigFileSpec& spec, const FileLock& lock,
                    const SectionConfigData& data);

// The read-modify-write sequence: lock, read, check `expected_digest`, call `edit` on the
// parsed data, validate and write. If any step (including `edit`) fails, the file is not
// touched. Errors: those of the steps above plus whatever `edit` returns. Blocks.
Status modify_config(const ConfigDir& dir, const ConfigFileSpec& spec,
                     const std::optional<std::string>& expected_digest,
                     const std::function<Status(SectionConfigData&)>& edit,
                     std::chrono::milliseconds lock_timeout = kConfigLockTimeout);

}  // namespace ferry::config

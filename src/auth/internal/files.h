// File helpers shared by the auth config files (private to ferry_auth): optional reads with a
// size bound, and the config-lock convention of config-format.md §1.2.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "common/file_lock.h"
#include "common/result.h"

namespace ferry::auth::internal {

// Upper bound for any auth config file we read (they are small; this bounds hostile input).
inline constexpr uint64_t kMaxConfigFileSize = 16 * 1024 * 1024;

// PBS-compat: default wait for a config lock (config-format.md §1.2).
inline constexpr std::chrono::milliseconds kConfigLockTimeout{10'000};

// The file's content, or nullopt if it does not exist. Io/PermissionDenied/InvalidArgument
// (too large) otherwise. Blocks.
Result<std::optional<std::string>> read_optional_file(const std::filesystem::path& path);

// Exclusive flock on `lock_path` (created 0660 if missing), waiting up to the config lock
// timeout. Timeout if held elsewhere. Blocks.
Result<FileLock> lock_config_file(const std::filesystem::path& lock_path);

}  // namespace ferry::auth::internal

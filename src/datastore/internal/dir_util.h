// Small filesystem helpers shared by the datastore's .cc files (not a public surface).
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "common/file_lock.h"
#include "common/fs.h"
#include "common/result.h"

namespace ferry::datastore::internal {

// Sub-directories of `dir` (no symlinks); an absent `dir`, or one that is not a directory,
// yields an empty list.
Result<std::vector<std::string>> list_subdirs(const std::filesystem::path& dir);

// rmdir; true if removed, false if it did not exist or was not empty. Io otherwise.
Result<bool> remove_dir_if_empty(const std::filesystem::path& dir);

// Non-blocking flock on a directory, with PBS's messages (docs/research/pbs-unconfirmed.md):
//   Conflict: `unable to acquire lock on <what> directory "<path>" - <hint>`
//   NotFound: "<what> directory '<path>' does not exist"
Result<FileLock> lock_dir(const std::filesystem::path& dir, LockMode mode, std::string_view what,
                          std::string_view hint);

}  // namespace ferry::datastore::internal

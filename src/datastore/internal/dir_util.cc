#include "datastore/internal/dir_util.h"

#include <unistd.h>

#include <cerrno>

namespace ferry::datastore::internal {

Result<std::vector<std::string>> list_subdirs(const std::filesystem::path& dir) {
  auto entries = fs::list_dir(dir);
  if (!entries) {
    if (entries.error().code() == Errc::NotFound) return std::vector<std::string>{};
    // Junk where a directory belongs (a file named "vm") is skipped like any other junk.
    auto is_dir = fs::is_directory(dir);
    if (is_dir && !*is_dir) return std::vector<std::string>{};
    return tl::unexpected(std::move(entries).error());
  }
  std::vector<std::string> out;
  for (auto& e : *entries) {
    if (e.is_dir) out.push_back(std::move(e.name));
  }
  return out;
}

Result<bool> remove_dir_if_empty(const std::filesystem::path& dir) {
  if (::rmdir(dir.c_str()) == 0) return true;
  if (errno == ENOENT || errno == ENOTEMPTY || errno == EEXIST) return false;
  return with_context<bool>(errno_error(errno), "rmdir '{}'", dir.string());
}

Result<FileLock> lock_dir(const std::filesystem::path& dir, LockMode mode, std::string_view what,
                          std::string_view hint) {
  auto lock = FileLock::acquire(dir, mode);
  if (lock) return lock;
  switch (lock.error().code()) {
    case Errc::Conflict:
      return make_error(Errc::Conflict,
                        "unable to acquire lock on {} directory \"{}\" - {}",
                        what, dir.string(), hint);
    case Errc::NotFound:
      return make_error(Errc::NotFound, "{} directory '{}' does not exist", what, dir.string());
    default:
      return lock;
  }
}

}  // namespace ferry::datastore::internal

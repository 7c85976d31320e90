#include "auth/internal/files.h"

#include "common/fs.h"

namespace ferry::auth::internal {

Result<std::optional<std::string>> read_optional_file(const std::filesystem::path& path) {
  auto text = fs::read_text_file(path, kMaxConfigFileSize);
  if (!text) {
    if (text.error().code() == Errc::NotFound) return std::optional<std::string>();
    return tl::unexpected(std::move(text).error().add_context(
        fmt::format("unable to read '{}'", path.string())));
  }
  return std::optional<std::string>(std::move(*text));
}

Result<FileLock> lock_config_file(const std::filesystem::path& lock_path) {
  FileLock::Options opts;
  opts.kind = FileLock::Kind::Flock;
  opts.timeout = kConfigLockTimeout;
  opts.create = true;
  return with_context(FileLock::acquire(lock_path, LockMode::Exclusive, opts),
                      "unable to lock '{}'", lock_path.string());
}

}  // namespace ferry::auth::internal

#include "config/config_file.h"

#include "common/digest.h"
#include "common/fault.h"
#include "common/fs.h"

namespace ferry::config {
namespace {

bool is_lower_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string config_digest(std::string_view bytes) { return sha256(bytes).to_hex(); }

Status check_digest(const ConfigFileSpec& spec, const std::optional<std::string>& expected,
                    std::string_view actual) {
  if (!expected) return ok();
  if (!is_lower_hex64(*expected)) {
    return make_error(Errc::InvalidArgument,
                      "invalid parameter 'digest': '{}' is not 64 lower-case hex characters",
                      *expected);
  }
  if (*expected != actual) {
    return make_error(Errc::Conflict,
                      "{}: configuration changed on disk: digest mismatch (detected modified "
                      "configuration - file changed by other user? Try again.)",
                      spec.file_name);
  }
  return ok();
}

Result<LoadedConfig> read_config(const ConfigDir& dir, const ConfigFileSpec& spec) {
  auto path = dir.file(spec.file_name);
  // Read one byte more than allowed so an oversized file is reported as such.
  auto text = fs::read_text_file(path, kMaxConfigFileSize + 1);
  if (!text && text.error().code() == Errc::NotFound) {
    return LoadedConfig{SectionConfigData{}, config_digest("")};
  }
  if (!text && text.error().code() == Errc::InvalidArgument) {
    return make_error(Errc::Corruption, "{}: file is larger than {} bytes", spec.file_name,
                      kMaxConfigFileSize);
  }
  if (!text) {
    return tl::unexpected(
        std::move(text.error()).add_context(fmt::format("read config file '{}'", path.string())));
  }
  FERRY_TRY_ASSIGN(auto data, parse_section_config(spec.schema, *text));
  return LoadedConfig{std::move(data), config_digest(*text)};
}

Result<FileLock> lock_config(const ConfigDir& dir, const ConfigFileSpec& spec,
                             std::chrono::milliseconds timeout) {
  auto path = dir.file(spec.lock_name);
  FileLock::Options opts;
  opts.kind = FileLock::Kind::Flock;
  opts.timeout = timeout;
  opts.create = true;
  return with_context(FileLock::acquire(path, LockMode::Exclusive, opts),
                      "lock config file '{}'", path.string());
}

Status write_config(const ConfigDir& dir, const ConfigFileSpec& spec, const FileLock& lock,
                    const SectionConfigData& data) {
  if (!lock.held()) {
    return make_error(Errc::Internal, "write of {} without holding its lock", spec.file_name);
  }
  FERRY_TRY_ASSIGN(std::string text, write_section_config(spec.schema, data));
  fs::ReplaceOptions opts;
  opts.mode = spec.mode;
  auto path = dir.file(spec.file_name);
  return with_context<void>(fs::atomic_replace(path, text, opts), "write config file '{}'",
                            path.string());
}

Status modify_config(const ConfigDir& dir, const ConfigFileSpec& spec,
                     const std::optional<std::string>& expected_digest,
                     const std::function<Status(SectionConfigData&)>& edit,
                     std::chrono::milliseconds lock_timeout) {
  FERRY_TRY_ASSIGN(FileLock lock, lock_config(dir, spec, lock_timeout));
  FERRY_TRY_ASSIGN(LoadedConfig current, read_config(dir, spec));
  FERRY_TRY(check_digest(spec, expected_digest, current.digest));
  FERRY_TRY(edit(current.data));
  FERRY_FAULT_POINT("config.modify.before_write");
  return write_config(dir, spec, lock, current.data);
}

}  // namespace ferry::config

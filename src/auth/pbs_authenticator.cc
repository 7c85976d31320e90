#include "auth/pbs_authenticator.h"

#include "auth/internal/files.h"
#include "auth/internal/json_map.h"
#include "common/fs.h"
#include "common/log.h"

namespace ferry::auth {
namespace {

Status write_shadow(const config::ConfigDir& dir, const internal::StringMap& map) {
  fs::ReplaceOptions opts;
  opts.mode = 0600;
  const auto path = dir.file(kShadowFile);
  return with_context(fs::atomic_replace(path, internal::dump_pretty(map), opts),
                      "unable to write '{}'", path.string());
}

}  // namespace

Status PbsAuthenticator::authenticate_user(std::string_view username, std::string_view password) {
  FERRY_TRY_ASSIGN(auto map, internal::read_string_map(dir_.file(kShadowFile)));
  auto it = map.find(std::string(username));
  if (it == map.end()) {
    burn_verification_time(password, scheme_);  // no user enumeration by timing
    return make_error(Errc::Unauthenticated, "no password set");
  }
  FERRY_TRY(verify_password(password, it->second));
  if (!is_hash_of_scheme(it->second, scheme_)) {
    // PBS-compat (3.2.3+): upgrade legacy hashes on a successful login.
    if (auto st = store_password(username, password); !st) {
      spdlog::warn("could not upgrade the password hash of '{}@pbs': {}", username,
                   st.error().to_string());
    }
  }
  return ok();
}

Status PbsAuthenticator::store_password(std::string_view username, std::string_view password) {
  FERRY_TRY_ASSIGN(std::string hash, hash_password(password, scheme_));
  FERRY_TRY_ASSIGN(FileLock lock, internal::lock_config_file(dir_.file(kShadowLockFile)));
  FERRY_TRY_ASSIGN(auto map, internal::read_string_map(dir_.file(kShadowFile)));
  map[std::string(username)] = std::move(hash);
  return write_shadow(dir_, map);
}

Status PbsAuthenticator::remove_password(std::string_view username) {
  FERRY_TRY_ASSIGN(FileLock lock, internal::lock_config_file(dir_.file(kShadowLockFile)));
  FERRY_TRY_ASSIGN(auto map, internal::read_string_map(dir_.file(kShadowFile)));
  if (map.erase(std::string(username)) == 0) return ok();
  return write_shadow(dir_, map);
}

}  // namespace ferry::auth

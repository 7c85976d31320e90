#include "auth/token_shadow.h"

#include "auth/internal/files.h"
#include "auth/internal/json_map.h"
#include "auth/internal/openssl.h"
#include "common/fs.h"
#include "common/hex.h"

namespace ferry::auth {
namespace {

Status require_token(const types::Authid& tokenid) {
  if (!tokenid.is_token()) return make_error(Errc::InvalidArgument, "not an API token ID");
  return ok();
}

}  // namespace

Result<std::string> TokenShadow::generate_secret() {
  FERRY_TRY_ASSIGN(Bytes b, internal::random_bytes(16));
  b[6] = uint8_t((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = uint8_t((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  const std::string hex = to_hex(b);
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20));
}

Status TokenShadow::verify_secret(const types::Authid& tokenid, std::string_view secret) const {
  if (!tokenid.is_token()) return make_error(Errc::Unauthenticated, "not an API token ID");
  FERRY_TRY_ASSIGN(auto map, internal::read_string_map(dir_.file(kTokenShadowFile)));
  auto it = map.find(tokenid.to_string());
  if (it == map.end()) {
    burn_verification_time(secret, scheme_);  // no token enumeration by timing
    return make_error(Errc::Unauthenticated, "invalid API token");
  }
  return verify_password(secret, it->second);
}

Status TokenShadow::write(const std::string& content) const {
  fs::ReplaceOptions opts;
  opts.mode = 0640;
  const auto path = dir_.file(kTokenShadowFile);
  return with_context(fs::atomic_replace(path, content, opts), "unable to write '{}'",
                      path.string());
}

Status TokenShadow::set_secret(const types::Authid& tokenid, std::string_view secret) const {
  FERRY_TRY(require_token(tokenid));
  FERRY_TRY_ASSIGN(std::string hash, hash_password(secret, scheme_));
  FERRY_TRY_ASSIGN(FileLock lock, internal::lock_config_file(dir_.file(kTokenShadowLockFile)));
  FERRY_TRY_ASSIGN(auto map, internal::read_string_map(dir_.file(kTokenShadowFile)));
  map[tokenid.to_string()] = std::move(hash);
  return write(internal::dump_compact(map));
}

Result<std::string> TokenShadow::generate_and_set(const types::Authid& tokenid) const {
  FERRY_TRY_ASSIGN(std::string secret, generate_secret());
  FERRY_TRY(set_secret(tokenid, secret));
  return secret;
}

Status TokenShadow::delete_secret(const types::Authid& tokenid) const {
  FERRY_TRY(require_token(tokenid));
  FERRY_TRY_ASSIGN(FileLock lock, internal::lock_config_file(dir_.file(kTokenShadowLockFile)));
  FERRY_TRY_ASSIGN(auto map, internal::read_string_map(dir_.file(kTokenShadowFile)));
  if (map.erase(tokenid.to_string()) == 0) return ok();
  return write(internal::dump_compact(map));
}

}  // namespace ferry::auth

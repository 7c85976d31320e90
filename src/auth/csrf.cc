#include "auth/csrf.h"

#include "auth/internal/encoding.h"
#include "common/base64.h"
#include "common/text.h"
#include "auth/internal/files.h"
#include "auth/internal/openssl.h"
#include "common/digest.h"
#include "common/fs.h"

namespace ferry::auth {
namespace {

constexpr size_t kSecretBytes = 64;

// "<TIME>:<userid>:" with TIME re-formatted from its value (as PBS does when verifying).
std::string token_data(int64_t time, const types::Userid& userid) {
  return fmt::format("{}:{}:", internal::format_hex_time(time), userid.to_string());
}

template <typename... Args>
tl::unexpected<Error> invalid_token(fmt::format_string<Args...> f, Args&&... args) {
  return make_error(Errc::Unauthenticated, "invalid csrf token - {}",
                    fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace

Result<CsrfSecret> CsrfSecret::generate() {
  FERRY_TRY_ASSIGN(Bytes key, internal::random_bytes(kSecretBytes));
  return CsrfSecret(std::move(key));
}

CsrfSecret CsrfSecret::from_file_content(std::string_view content) {
  if (auto key = base64_decode(content, Base64Padding::Forbidden)) return CsrfSecret(std::move(*key));
  // PBS-compat: legacy csrf.key files (not base64) are used as raw key bytes.
  auto raw = as_bytes(content);
  return CsrfSecret(Bytes(raw.begin(), raw.end()));
}

std::string CsrfSecret::file_content() const { return base64_encode(key_, false); }

Result<CsrfSecret> CsrfSecret::load_or_create(const config::ConfigDir& dir) {
  const auto path = dir.file(kCsrfKeyFile);
  FERRY_TRY_ASSIGN(auto content, internal::read_optional_file(path));
  if (content) return from_file_content(*content);
  FERRY_TRY_ASSIGN(CsrfSecret secret, generate());
  fs::ReplaceOptions opts;
  opts.mode = 0640;
  FERRY_TRY(with_context(fs::atomic_replace(path, secret.file_content(), opts),
                         "unable to write '{}'", path.string()));
  return secret;
}

Result<CsrfSecret> CsrfSecret::load(const config::ConfigDir& dir) {
  const auto path = dir.file(kCsrfKeyFile);
  FERRY_TRY_ASSIGN(auto content, internal::read_optional_file(path));
  if (!content) return make_error(Errc::NotFound, "missing '{}'", path.string());
  return from_file_content(*content);
}

Result<std::string> CsrfSecret::assemble_token(const types::Userid& userid, int64_t now) const {
  FERRY_TRY_ASSIGN(Bytes mac, internal::hmac("SHA3-256", key_, as_bytes(token_data(now, userid))));
  return fmt::format("{}:{}", internal::format_hex_time(now), base64_encode(mac, false));
}

Status CsrfSecret::verify_token(const types::Userid& userid, std::string_view token, int64_t now,
                                int64_t min_age, int64_t max_age) const {
  const size_t colon = token.find(':');
  if (colon == std::string_view::npos || token.find(':', colon + 1) != std::string_view::npos) {
    return invalid_token("format error - wrong number of parts.");
  }
  auto sig = base64_decode(token.substr(colon + 1), Base64Padding::Forbidden);
  if (!sig) return invalid_token("could not base64 decode csrf signature - invalid base64");
  auto time = internal::parse_hex_i64(token.substr(0, colon));
  if (!time) return invalid_token("timestamp format error - invalid digit found in string");

  const std::string data = token_data(*time, userid);
  FERRY_TRY_ASSIGN(Bytes mac, internal::hmac("SHA3-256", key_, as_bytes(data)));
  if (!internal::constant_time_equal(mac, *sig)) {
    // PBS-compat: the legacy scheme, SHA-256 over the data followed by the raw secret.
    Sha256 legacy;
    legacy.update(as_bytes(data));
    legacy.update(key_);
    const Digest d = legacy.finish();
    if (!internal::constant_time_equal(d.bytes, *sig)) return invalid_token("invalid signature.");
  }
  const int64_t age = internal::age_since(now, *time);
  if (age < min_age) return invalid_token("timestamp newer than expected.");
  if (age > max_age) return invalid_token("timestamp too old.");
  return ok();
}

}  // namespace ferry::auth

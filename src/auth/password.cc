#include "auth/password.h"

#include <crypt.h>

#include <array>
#include <memory>
#include <mutex>
#include <optional>

#include "auth/internal/openssl.h"
#include "common/hex.h"

namespace ferry::auth {
namespace {

// PBS-compat: libcrypt's fixed buffer sizes (CRYPT_MAX_PASSPHRASE_SIZE, CRYPT_OUTPUT_SIZE);
// PBS copies at most size-1 bytes of the input and of the setting.
constexpr size_t kMaxPassphraseBytes = CRYPT_MAX_PASSPHRASE_SIZE - 1;
constexpr size_t kMaxSettingBytes = CRYPT_OUTPUT_SIZE - 1;

// PBS-compat: yescrypt cost factor and salt input size of proxmox-sys' encrypt_pw.
constexpr unsigned long kYescryptCost = 5;
constexpr size_t kSaltInputBytes = 32;

std::string c_string_prefix(std::string_view s, size_t max) {
  s = s.substr(0, max);
  return std::string(s.substr(0, s.find('\0')));
}

// crypt_rn over PBS-truncated inputs; nullopt if libcrypt rejects the setting.
std::optional<std::string> run_crypt(std::string_view secret, std::string_view setting) {
  const std::string phrase = c_string_prefix(secret, kMaxPassphraseBytes);
  const std::string salt = c_string_prefix(setting, kMaxSettingBytes);
  auto data = std::make_unique<crypt_data>();  // value-initialized: zeroed, as crypt_rn wants
  const char* out = crypt_rn(phrase.c_str(), salt.c_str(), data.get(), sizeof(crypt_data));
  if (out == nullptr || out[0] == '*') return std::nullopt;
  return std::string(out);
}

}  // namespace

std::string_view hash_prefix(HashScheme scheme) {
  switch (scheme) {
    case HashScheme::Yescrypt:
      return "$y$";
    case HashScheme::Sha256Crypt:
      return "$5$";
    case HashScheme::Sha512Crypt:
      return "$6$";
  }
  return "$y$";
}

bool is_hash_of_scheme(std::string_view hash, HashScheme scheme) {
  return hash.starts_with(hash_prefix(scheme));
}

Result<std::string> hash_password(std::string_view secret, HashScheme scheme) {
  FERRY_TRY_ASSIGN(Bytes rbytes, internal::random_bytes(kSaltInputBytes));
  const std::string prefix(hash_prefix(scheme));
  // 0 selects the scheme's default rounds for SHA-crypt (5000, omitted from the string).
  const unsigned long count = scheme == HashScheme::Yescrypt ? kYescryptCost : 0;
  std::array<char, CRYPT_GENSALT_OUTPUT_SIZE> setting{};
  const char* res =
      crypt_gensalt_rn(prefix.c_str(), count, reinterpret_cast<const char*>(rbytes.data()),
                       static_cast<int>(rbytes.size()), setting.data(), int(setting.size()));
  if (res == nullptr || setting[0] == '*') {
    return make_error(Errc::Internal, "crypt_gensalt_rn could not create a '{}' salt", prefix);
  }
  auto hash = run_crypt(secret, setting.data());
  if (!hash) return make_error(Errc::Internal, "crypt_rn failed for a '{}' setting", prefix);
  return std::move(*hash);
}

Status verify_password(std::string_view secret, std::string_view hash) {
  auto computed = run_crypt(secret, hash);
  if (!computed) return make_error(Errc::Corruption, "stored hash is not a valid crypt string");
  if (!internal::constant_time_equal(as_bytes(*computed), as_bytes(hash))) {
    return make_error(Errc::Unauthenticated, "invalid credentials");
  }
  return ok();
}

void burn_verification_time(std::string_view secret, HashScheme scheme) {
  // One dummy hash per scheme, made once from a random secret nobody knows.
  static std::once_flag once[3];
  static std::string dummy[3];
  const auto index = static_cast<size_t>(scheme);
  std::call_once(once[index], [&] {
    auto random = internal::random_bytes(16);
    auto hash = hash_password(random ? to_hex(*random) : "ferry-dummy", scheme);
    dummy[index] = hash ? *hash : std::string(hash_prefix(scheme));
  });
  (void)verify_password(secret, dummy[index]);
}

}  // namespace ferry::auth

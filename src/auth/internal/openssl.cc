#include "auth/internal/openssl.h"

#include <string>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/params.h>
#include <openssl/rand.h>

namespace ferry::auth::internal {

Error openssl_error(std::string_view what) {
  std::string detail;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!detail.empty()) detail += "; ";
    detail += buf;
  }
  if (detail.empty()) detail = "unknown openssl error";
  return Error(Errc::Internal, fmt::format("{}: {}", what, detail));
}

Result<Bytes> random_bytes(size_t n) {
  Bytes out(n);
  if (n > 0 && RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
    return tl::unexpected(openssl_error("random number generator failed"));
  }
  return out;
}

bool constant_time_equal(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<Bytes> hmac(std::string_view digest, ByteView key, ByteView data) {
  std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr),
                                                         &EVP_MAC_free);
  if (!mac) return tl::unexpected(openssl_error("fetch hmac"));
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_new(mac.get()),
                                                                 &EVP_MAC_CTX_free);
  if (!ctx) return tl::unexpected(openssl_error("create hmac context"));
  std::string md(digest);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, md.data(), 0),
      OSSL_PARAM_construct_end(),
  };
  // OpenSSL rejects a null key pointer even for an empty key.
  static const uint8_t kEmpty = 0;
  const uint8_t* key_ptr = key.empty() ? &kEmpty : key.data();
  if (EVP_MAC_init(ctx.get(), key_ptr, key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1) {
    return tl::unexpected(openssl_error("compute hmac"));
  }
  Bytes out(EVP_MAX_MD_SIZE);
  size_t len = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1) {
    return tl::unexpected(openssl_error("compute hmac"));
  }
  out.resize(len);
  return out;
}

}  // namespace ferry::auth::internal

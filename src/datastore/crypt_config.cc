#include "datastore/crypt_config.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <climits>
#include <memory>

#include "common/check.h"
#include "common/hex.h"

namespace ferry::datastore {
namespace {

// PBS-compat: salt and iteration count of the id_key derivation (spec §2.2). Never change.
constexpr std::string_view kIdKeySalt = "_id_key";
constexpr int kIdKeyIterations = 10;
// The fingerprint prefix is SHA256 of this string (spec §2.2). Never change.
constexpr std::string_view kFingerprintInput = "Proxmox Backup Encryption Key Fingerprint";

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

// Sets up an AES-256-GCM context with a 16-byte IV. The IV length must be set before key and
// IV are installed, otherwise OpenSSL uses its 12-byte default.
CipherCtx make_gcm_ctx(bool encrypt, const std::array<uint8_t, kCryptKeySize>& key,
                       const CryptIv& iv) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  FERRY_CHECK(ctx != nullptr, "EVP_CIPHER_CTX_new failed");
  FERRY_CHECK(EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr,
                                encrypt ? 1 : 0) == 1,
              "aes-256-gcm init failed");
  FERRY_CHECK(
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, int(kCryptIvSize), nullptr) == 1,
      "gcm set ivlen failed");
  FERRY_CHECK(EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, key.data(), iv.data(), -1) == 1,
              "aes-256-gcm key setup failed");
  return ctx;
}

}  // namespace

CryptConfig CryptConfig::from_key(std::span<const uint8_t, kCryptKeySize> key) {
  CryptConfig c;
  std::copy(key.begin(), key.end(), c.key_.begin());
  FERRY_CHECK(PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(key.data()), int(key.size()),
                                reinterpret_cast<const unsigned char*>(kIdKeySalt.data()),
                                int(kIdKeySalt.size()), kIdKeyIterations, EVP_sha256(),
                                int(c.id_key_.size()), c.id_key_.data()) == 1,
              "pbkdf2 failed");
  return c;
}

CryptConfig::~CryptConfig() {
  OPENSSL_cleanse(key_.data(), key_.size());
  OPENSSL_cleanse(id_key_.data(), id_key_.size());
}

Digest CryptConfig::compute_digest(ByteView plaintext) const {
  Sha256 h;
  h.update(plaintext);
  h.update(id_key_);
  return h.finish();
}

Digest CryptConfig::compute_auth_tag(ByteView data) const { return hmac_sha256(id_key_, data); }

Digest CryptConfig::fingerprint() const {
  Digest prefix = sha256(kFingerprintInput);
  Sha256 h;
  h.update(prefix.bytes);
  h.update(id_key_);
  return h.finish();
}

std::string CryptConfig::fingerprint_string() const { return format_fingerprint(fingerprint()); }

Bytes CryptConfig::encrypt(ByteView plaintext, const CryptIv& iv, CryptTag& tag) const {
  FERRY_CHECK(plaintext.size() < size_t(INT_MAX), "plaintext too large for one gcm call");
  CipherCtx ctx = make_gcm_ctx(true, key_, iv);
  Bytes out(plaintext.size());
  int len = 0;
  FERRY_CHECK(
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, plaintext.data(), int(plaintext.size())) == 1,
      "gcm encrypt failed");
  int fin = 0;
  FERRY_CHECK(EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &fin) == 1, "gcm final failed");
  FERRY_CHECK(size_t(len + fin) == plaintext.size(), "gcm changed the length");
  FERRY_CHECK(
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, int(tag.size()), tag.data()) == 1,
      "gcm get tag failed");
  return out;
}

Result<Bytes> CryptConfig::decrypt(ByteView ciphertext, const CryptIv& iv,
                                   const CryptTag& tag) const {
  if (ciphertext.size() >= size_t(INT_MAX)) {
    return make_error(Errc::InvalidArgument, "ciphertext too large ({} bytes)", ciphertext.size());
  }
  CipherCtx ctx = make_gcm_ctx(false, key_, iv);
  Bytes out(ciphertext.size());
  int len = 0;
  FERRY_CHECK(EVP_DecryptUpdate(ctx.get(), out.data(), &len, ciphertext.data(),
                                int(ciphertext.size())) == 1,
              "gcm decrypt failed");
  CryptTag tag_copy = tag;  // OpenSSL takes a non-const pointer
  FERRY_CHECK(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, int(tag_copy.size()),
                                  tag_copy.data()) == 1,
              "gcm set tag failed");
  int fin = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &fin) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return make_error(Errc::Corruption, "authentication tag mismatch (wrong key or damaged data)");
  }
  return out;
}

std::string format_fingerprint(const Digest& fp) {
  std::string hex = fp.to_hex();
  std::string out;
  out.reserve(95);
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (i != 0) out.push_back(':');
    out.append(hex, i, 2);
  }
  return out;
}

}  // namespace ferry::datastore

#include "common/digest.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>

#include <cstring>

#include "common/check.h"
#include "common/hex.h"

namespace ferry {

std::string Digest::to_hex() const { return ferry::to_hex(bytes); }

Result<Digest> Digest::from_hex(std::string_view text) {
  Digest d;
  FERRY_TRY(from_hex_into(text, d.bytes));
  return d;
}

Digest Digest::from_bytes(ByteView raw) {
  FERRY_CHECK(raw.size() == 32, "digest must be 32 bytes");
  Digest d;
  std::memcpy(d.bytes.data(), raw.data(), 32);
  return d;
}

struct Sha256::State {
  EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  state_->ctx = EVP_MD_CTX_new();
  FERRY_CHECK(state_->ctx != nullptr, "EVP_MD_CTX_new failed");
  FERRY_CHECK(EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) == 1, "sha256 init failed");
}

Sha256::~Sha256() {
  if (state_) EVP_MD_CTX_free(state_->ctx);
}

Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&& other) noexcept {
  if (this != &other) {
    if (state_) EVP_MD_CTX_free(state_->ctx);
    state_ = std::move(other.state_);
  }
  return *this;
}

void Sha256::update(ByteView data) {
  FERRY_CHECK(EVP_DigestUpdate(state_->ctx, data.data(), data.size()) == 1,
              "sha256 update failed");
}

Digest Sha256::finish() {
  Digest d;
  unsigned int len = 0;
  FERRY_CHECK(EVP_DigestFinal_ex(state_->ctx, d.bytes.data(), &len) == 1 && len == 32,
              "sha256 final failed");
  return d;
}

Digest sha256(ByteView data) {
  Digest d;
  unsigned int len = 0;
  FERRY_CHECK(EVP_Digest(data.data(), data.size(), d.bytes.data(), &len, EVP_sha256(), nullptr) == 1,
              "sha256 failed");
  return d;
}

Digest hmac_sha256(ByteView key, ByteView data) {
  Digest d;
  unsigned int len = 0;
  FERRY_CHECK(HMAC(EVP_sha256(), key.data(), int(key.size()), data.data(), data.size(),
                   d.bytes.data(), &len) != nullptr,
              "hmac-sha256 failed");
  return d;
}

uint32_t crc32(ByteView data, uint32_t seed) {
  return uint32_t(::crc32_z(seed, data.data(), data.size()));
}

}  // namespace ferry

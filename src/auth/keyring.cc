#include "auth/keyring.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "auth/internal/files.h"
#include "auth/internal/openssl.h"
#include "common/fs.h"

namespace ferry::auth {
namespace {

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

BioPtr memory_bio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), &BIO_free);
}

// Ed25519/Ed448 sign the message itself; every other key type signs SHA-256 of it.
const EVP_MD* digest_for(EVP_PKEY* key) {
  const int id = EVP_PKEY_get_id(key);
  return (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448) ? nullptr : EVP_sha256();
}

Result<std::string> bio_text(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len < 0 || !data) return tl::unexpected(internal::openssl_error("read pem"));
  return std::string(data, size_t(len));
}

}  // namespace

Keyring::KeyPtr Keyring::wrap(EVP_PKEY* key) { return KeyPtr(key, &EVP_PKEY_free); }

Result<Keyring> Keyring::generate_ed25519() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (!key) return tl::unexpected(internal::openssl_error("generate ed25519 key"));
  Keyring ring;
  ring.signing_key_ = wrap(key);
  return ring;
}

Result<Keyring> Keyring::from_private_pem(std::string_view pem) {
  auto bio = memory_bio(pem);
  EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!key) {
    return make_error(Errc::InvalidArgument, "failed to decode private key from PEM - {}",
                      internal::openssl_error("pem").message());
  }
  Keyring ring;
  ring.signing_key_ = wrap(key);
  return ring;
}

Result<Keyring> Keyring::from_public_pem(std::string_view pem) {
  Keyring ring;
  FERRY_TRY(ring.add_public_pem(pem));
  return ring;
}

Status Keyring::add_public_pem(std::string_view pem) {
  auto bio = memory_bio(pem);
  EVP_PKEY* key = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!key) {
    return make_error(Errc::InvalidArgument, "failed to decode public key from PEM - {}",
                      internal::openssl_error("pem").message());
  }
  public_keys_.push_back(wrap(key));
  return ok();
}

Result<Bytes> Keyring::sign(ByteView message) const {
  if (!signing_key_) {
    return make_error(Errc::InvalidArgument, "no private key available for signing");
  }
  MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  size_t len = 0;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, digest_for(signing_key_.get()), nullptr,
                         signing_key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1) {
    return tl::unexpected(internal::openssl_error("error signing ticket"));
  }
  Bytes sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1) {
    return tl::unexpected(internal::openssl_error("error signing ticket"));
  }
  sig.resize(len);
  return sig;
}

bool Keyring::verify(ByteView signature, ByteView message) const {
  auto verify_with = [&](EVP_PKEY* key) {
    MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    bool good = ctx &&
                EVP_DigestVerifyInit(ctx.get(), nullptr, digest_for(key), nullptr, key) == 1 &&
                EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                                 message.size()) == 1;
    ERR_clear_error();  // a bad signature leaves entries in the error queue
    return good;
  };
  if (signing_key_ && verify_with(signing_key_.get())) return true;
  for (const auto& key : public_keys_) {
    if (verify_with(key.get())) return true;
  }
  return false;
}

Result<std::string> Keyring::private_key_pem() const {
  if (!signing_key_) return make_error(Errc::InvalidArgument, "no private key in keyring");
  BioPtr bio(BIO_new(BIO_s_mem()), &BIO_free);
  // PBS-compat: RSA keys stay in the traditional format, Ed25519 keys are PKCS#8.
  const bool rsa = EVP_PKEY_get_id(signing_key_.get()) == EVP_PKEY_RSA;
  const int written =
      !bio ? 0
      : rsa
          ? PEM_write_bio_PrivateKey_traditional(bio.get(), signing_key_.get(), nullptr, nullptr,
                                                 0, nullptr, nullptr)
          : PEM_write_bio_PrivateKey(bio.get(), signing_key_.get(), nullptr, nullptr, 0, nullptr,
                                     nullptr);
  if (written != 1) return tl::unexpected(internal::openssl_error("encode private key"));
  return bio_text(bio.get());
}

Result<std::string> Keyring::public_key_pem() const {
  EVP_PKEY* key = signing_key_ ? signing_key_.get()
                               : (public_keys_.empty() ? nullptr : public_keys_.front().get());
  if (!key) return make_error(Errc::InvalidArgument, "empty keyring");
  BioPtr bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    return tl::unexpected(internal::openssl_error("encode public key"));
  }
  return bio_text(bio.get());
}

Result<Keyring> Keyring::load_or_create(const config::ConfigDir& dir) {
  const auto key_path = dir.file(kAuthKeyFile);
  const auto pub_path = dir.file(kAuthPubKeyFile);
  FERRY_TRY_ASSIGN(auto key_pem, internal::read_optional_file(key_path));
  Keyring ring;
  if (key_pem) {
    FERRY_TRY_ASSIGN(ring, with_context(from_private_pem(*key_pem), "'{}'", key_path.string()));
  } else {
    FERRY_TRY_ASSIGN(ring, generate_ed25519());
    FERRY_TRY_ASSIGN(std::string pem, ring.private_key_pem());
    fs::ReplaceOptions opts;
    opts.mode = 0600;
    FERRY_TRY(with_context(fs::atomic_replace(key_path, pem, opts), "unable to write '{}'",
                           key_path.string()));
  }
  // The public half is (re)written when missing: after first start, or after a crash between
  // the two writes.
  FERRY_TRY_ASSIGN(bool have_pub, fs::exists(pub_path));
  if (!have_pub) {
    FERRY_TRY_ASSIGN(std::string pub, ring.public_key_pem());
    fs::ReplaceOptions opts;
    opts.mode = 0640;
    FERRY_TRY(with_context(fs::atomic_replace(pub_path, pub, opts), "unable to write '{}'",
                           pub_path.string()));
  }
  return ring;
}

Result<Keyring> Keyring::load_public(const config::ConfigDir& dir) {
  const auto pub_path = dir.file(kAuthPubKeyFile);
  FERRY_TRY_ASSIGN(auto pem, internal::read_optional_file(pub_path));
  if (!pem) return make_error(Errc::NotFound, "missing '{}'", pub_path.string());
  return with_context(from_public_pem(*pem), "'{}'", pub_path.string());
}

}  // namespace ferry::auth

#include "http/tls_context.h"

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>

#include "common/fs.h"
#include "http/certificate.h"
#include "http/internal/openssl_util.h"

namespace ferry::http {
namespace ssl = boost::asio::ssl;

namespace {

constexpr uint64_t kMaxPemSize = 1 << 20;

Status configure(SSL_CTX* ctx, const TlsOptions& options) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
    return internal::openssl_error("set minimum TLS version");
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  // Mozilla intermediate leaves the cipher choice to the client (no server preference).
  SSL_CTX_clear_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(ctx, options.ciphers_tls12.c_str()) != 1) {
    return internal::openssl_error(
        fmt::format("invalid TLS 1.2 cipher list '{}'", options.ciphers_tls12),
        Errc::InvalidArgument);
  }
  if (SSL_CTX_set_ciphersuites(ctx, options.ciphers_tls13.c_str()) != 1) {
    return internal::openssl_error(
        fmt::format("invalid TLS 1.3 cipher suites '{}'", options.ciphers_tls13),
        Errc::InvalidArgument);
  }
  SSL_CTX_set_dh_auto(ctx, 1);  // built-in DH groups for the DHE suites
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  return ok();
}

// Parses the key ourselves so that "not a key" and "not the certificate's key" get distinct
// messages.
Status use_private_key(SSL_CTX* ctx, const std::string& pem, const std::filesystem::path& key_pem,
                       const std::filesystem::path& cert_pem) {
  internal::BioPtr bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
  internal::EvpPkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                               : nullptr);
  if (!key) {
    return internal::openssl_error(fmt::format("invalid private key '{}'", key_pem.string()),
                                   Errc::InvalidArgument);
  }
  if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    return internal::openssl_error(fmt::format("private key '{}' does not match certificate '{}'",
                                               key_pem.string(), cert_pem.string()),
                                   Errc::InvalidArgument);
  }
  return ok();
}

}  // namespace

TlsContext::TlsContext(std::unique_ptr<ssl::context> ctx, std::string fingerprint)
    : ctx_(std::move(ctx)), fingerprint_(std::move(fingerprint)) {}

TlsContext::~TlsContext() = default;

Result<std::unique_ptr<TlsContext>> TlsContext::load(const std::filesystem::path& dir,
                                                     const TlsOptions& options) {
  return load_files(dir / kCertificateFileName, dir / kPrivateKeyFileName, options);
}

Result<std::unique_ptr<TlsContext>> TlsContext::load_files(const std::filesystem::path& cert_pem,
                                                           const std::filesystem::path& key_pem,
                                                           const TlsOptions& options) {
  FERRY_TRY_ASSIGN(std::string cert, with_context(fs::read_text_file(cert_pem, kMaxPemSize),
                                                  "read certificate '{}'", cert_pem.string()));
  FERRY_TRY_ASSIGN(std::string key, with_context(fs::read_text_file(key_pem, kMaxPemSize),
                                                 "read private key '{}'", key_pem.string()));
  FERRY_TRY_ASSIGN(std::string fingerprint, with_context(certificate_fingerprint(cert),
                                                         "certificate '{}'", cert_pem.string()));

  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  FERRY_TRY(configure(ctx->native_handle(), options));
  boost::system::error_code ec;
  ctx->use_certificate_chain(boost::asio::buffer(cert), ec);
  if (ec) {
    return make_error(Errc::InvalidArgument, "load certificate '{}': {}", cert_pem.string(),
                      ec.message());
  }
  FERRY_TRY(use_private_key(ctx->native_handle(), key, key_pem, cert_pem));
  return std::unique_ptr<TlsContext>(new TlsContext(std::move(ctx), std::move(fingerprint)));
}

}  // namespace ferry::http

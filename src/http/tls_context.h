// Server-side TLS configuration (protocol.md §1.1).
//
// A TlsContext wraps one OpenSSL server context: TLS 1.2 and 1.3 only, the Mozilla
// "intermediate" cipher profile (overridable like PBS's `ciphers-tls-1.2`/`ciphers-tls-1.3`
// node options), renegotiation and TLS compression disabled, no client certificates and no
// ALPN (HTTP/2 is only reached through the HTTP/1.1 upgrade, never negotiated in TLS).
//
// Thread-safety: immutable after load; one context is shared by every connection of a Server
// (OpenSSL contexts are safe to share for handshakes).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "common/result.h"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace ferry::http {

// Mozilla intermediate configuration (v5): ECDHE/DHE with AES-GCM or ChaCha20-Poly1305.
inline constexpr const char* kDefaultTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
inline constexpr const char* kDefaultTls13Ciphersuites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

struct TlsOptions {
  std::string ciphers_tls12 = kDefaultTls12Ciphers;
  std::string ciphers_tls13 = kDefaultTls13Ciphersuites;
};

class TlsContext {
 public:
  // Loads `<dir>/proxy.pem` (certificate chain) and `<dir>/proxy.key`. Errors: NotFound (a
  // file is missing), InvalidArgument (unparsable PEM, key does not match the certificate,
  // cipher list rejected by OpenSSL), Io. Blocks (file reads).
  static Result<std::unique_ptr<TlsContext>> load(const std::filesystem::path& dir,
                                                  const TlsOptions& options = {});
  // Same with explicit file names.
  static Result<std::unique_ptr<TlsContext>> load_files(const std::filesystem::path& cert_pem,
                                                        const std::filesystem::path& key_pem,
                                                        const TlsOptions& options = {});
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // The Asio context for ssl::stream construction (only the server implementation needs it).
  boost::asio::ssl::context& native() { return *ctx_; }
  // Fingerprint of the leaf certificate ("aa:bb:..."), for the startup line and the API.
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  TlsContext(std::unique_ptr<boost::asio::ssl::context> ctx, std::string fingerprint);

  std::unique_ptr<boost::asio::ssl::context> ctx_;
  std::string fingerprint_;
};

}  // namespace ferry::http

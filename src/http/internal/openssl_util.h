// Small RAII and error helpers around OpenSSL's C API, private to the http module.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ferry::http::internal {

template <auto Free>
struct OpenSslDeleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};

using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using X509ExtPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>>;

// Drains OpenSSL's thread-local error queue into one message ("what: reason; reason").
std::string openssl_error_text(std::string_view what);

// An Error of code `code` whose message is openssl_error_text(what).
tl::unexpected<Error> openssl_error(std::string_view what, Errc code = Errc::Internal);

// The content of a memory BIO as a string.
std::string bio_to_string(BIO* bio);

}  // namespace ferry::http::internal

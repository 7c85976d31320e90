// OpenSSL glue for ferry_auth (private): owning handles, error conversion, randomness and a
// constant-time compare.
#pragma once

#include <memory>
#include <string_view>

#include <openssl/evp.h>

#include "common/bytes.h"
#include "common/result.h"

namespace ferry::auth::internal {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// Internal error "<what>: <openssl error queue text>"; clears the queue.
Error openssl_error(std::string_view what);

// `n` bytes from OpenSSL's CSPRNG (seeded from the OS). Internal error if the RNG fails.
Result<Bytes> random_bytes(size_t n);

// Constant-time equality: the running time depends only on the lengths.
bool constant_time_equal(ByteView a, ByteView b);

// HMAC over `data` with `digest` ("SHA3-256", "SHA256").
Result<Bytes> hmac(std::string_view digest, ByteView key, ByteView data);

}  // namespace ferry::auth::internal

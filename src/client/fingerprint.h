// Certificate fingerprints as PBS writes them (protocol.md §1.2): SHA-256 over the DER leaf
// certificate, 32 lower-case hex pairs joined by ':' (95 characters).
//
// How the client uses a configured fingerprint (§1.3, decided per TLS handshake):
//   1. a certificate the system trust store accepts for the host name is accepted and the
//      fingerprint is not compared (PBS-compat: a remote that moved to an ACME certificate
//      keeps working);
//   2. otherwise the leaf's fingerprint must equal the configured one;
//   3. otherwise the handshake fails before any HTTP byte (and so any credential) is sent,
//      with an error naming the expected and the presented fingerprint.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace ferry::client {

// Validates `^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){31}$` and returns the lower-case form.
// InvalidArgument naming the input otherwise.
Result<std::string> parse_fingerprint(std::string_view text);

// The fingerprint of a DER-encoded certificate.
std::string fingerprint_of_der(std::string_view der);

}  // namespace ferry::client

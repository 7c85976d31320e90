// The server certificate: self-signed generation on first start and inspection
// (protocol.md §1.1–1.2, api.md §5.4).
//
// Files (in the configuration directory, PBS names):
//   proxy.key  private key, PEM (PKCS#8), mode 0600, written first
//   proxy.pem  certificate, PEM, mode 0644, written last: its presence marks a complete pair
//
// The generated certificate follows PBS's installer: RSA 4096 (tests may ask for a faster key),
// SHA-256 signature, X.509 v3, valid from now for 365 000 days, subject = issuer =
// `O=Proxmox Backup Server, OU=<random upper-case UUID>, CN=<fqdn or nodename>`, extensions
// basicConstraints CA:FALSE, extendedKeyUsage serverAuth, subjectAltName (127.0.0.1, ::1,
// localhost, nodename, fqdn), subjectKeyIdentifier and authorityKeyIdentifier (keyid).
//
// The fingerprint is SHA-256 over the DER certificate as 32 lower-case hex pairs joined by ':'.
// Everything here blocks (file I/O, key generation takes seconds for RSA 4096): call it off
// the I/O threads. Thread-safe: no shared state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace ferry::http {

inline constexpr std::string_view kCertificateFileName = "proxy.pem";
inline constexpr std::string_view kPrivateKeyFileName = "proxy.key";

// Key algorithm of a generated certificate. PBS uses RSA 4096; the others exist so tests and
// development setups start in milliseconds instead of seconds.
enum class KeyType { Rsa4096, Rsa2048, EcP256 };

// Parses "rsa4096", "rsa2048" or "ec-p256" (the `FERRY_CERT_KEY_TYPE` values). InvalidArgument
// naming the input otherwise.
Result<KeyType> parse_key_type(std::string_view text);

struct CertificateOptions {
  std::string nodename = "localhost";  // short host name (DNS SAN unless "localhost")
  std::string fqdn;                    // nodename.domain; empty = nodename. CN and DNS SAN
  KeyType key_type = KeyType::Rsa4096;
  int validity_days = 365000;
};

// What `GET /nodes/{node}/certificates/info` reports about a certificate file.
struct CertificateInfo {
  std::string filename;   // base name of the file, e.g. "proxy.pem"
  std::string subject;    // "O = Proxmox Backup Server, OU = ..., CN = ..."
  std::string issuer;     // same format
  int64_t notbefore = 0;  // epoch seconds
  int64_t notafter = 0;
  std::vector<std::string> san;  // DNS names only, in certificate order
  std::string pem;               // the certificate file content
  std::string public_key_type;   // OpenSSL long name: "rsaEncryption", "id-ecPublicKey"
  int public_key_bits = 0;
  std::string fingerprint;  // "aa:bb:..." (95 characters)
};

// Creates `<dir>/proxy.key` and `<dir>/proxy.pem` as described above. Each file is written
// atomically and fsynced (key first, mode 0600; then the certificate, mode 0644), overwriting
// existing files. Errors: Io/PermissionDenied/NotFound (directory), Internal (OpenSSL failure).
// Blocks for the key generation.
Status generate_self_signed(const std::filesystem::path& dir, const CertificateOptions& opts);

// Makes sure `<dir>` holds a certificate: if proxy.pem exists nothing is done (returns false);
// otherwise a new pair is generated (returns true). A present proxy.pem without proxy.key is
// left alone (the TLS context load reports it). Same errors as generate_self_signed.
Result<bool> ensure_certificate(const std::filesystem::path& dir, const CertificateOptions& opts);

// Reads and describes a PEM certificate file (the first certificate in it). Errors: NotFound,
// Io, InvalidArgument (not a PEM certificate, or larger than 1 MiB).
Result<CertificateInfo> certificate_info(const std::filesystem::path& pem_path);

// Fingerprint of the first certificate in a PEM text. InvalidArgument if none can be parsed.
Result<std::string> certificate_fingerprint(std::string_view pem);

// The first `search` (or `domain`) entry of a resolv.conf-style file, or "" when there is none
// or the file cannot be read. Used to build the CN "<nodename>.<domain>".
std::string resolv_conf_domain(const std::filesystem::path& resolv_conf);

}  // namespace ferry::http

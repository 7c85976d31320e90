#include "http/certificate.h"

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <ctime>
#include <sstream>

#include "common/fs.h"
#include "http/internal/openssl_util.h"

namespace ferry::http {
namespace {

using internal::BignumPtr;
using internal::BioPtr;
using internal::EvpPkeyPtr;
using internal::openssl_error;
using internal::X509ExtPtr;
using internal::X509Ptr;

constexpr uint64_t kMaxPemSize = 1 << 20;

Result<EvpPkeyPtr> generate_key(KeyType type) {
  EVP_PKEY* key = nullptr;
  switch (type) {
    case KeyType::Rsa4096:
      key = EVP_RSA_gen(4096);
      break;
    case KeyType::Rsa2048:
      key = EVP_RSA_gen(2048);
      break;
    case KeyType::EcP256:
      key = EVP_EC_gen("P-256");
      break;
  }
  if (key == nullptr) return openssl_error("generate private key");
  return EvpPkeyPtr(key);
}

// A random version 4 UUID in upper-case hex with hyphens, as PBS puts into the OU.
Result<std::string> random_uuid_upper() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) return openssl_error("random uuid");
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 15];
  }
  return out;
}

Status add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return openssl_error(fmt::format("add extension {}={}", OBJ_nid2sn(nid), value));
  }
  return ok();
}

std::string subject_alt_names(const CertificateOptions& opts) {
  std::string san = "IP:127.0.0.1,IP:::1,DNS:localhost";
  if (!opts.nodename.empty() && opts.nodename != "localhost") san += ",DNS:" + opts.nodename;
  if (!opts.fqdn.empty() && opts.fqdn != opts.nodename && opts.fqdn != "localhost") {
    san += ",DNS:" + opts.fqdn;
  }
  return san;
}

Status set_names(X509* cert, const CertificateOptions& opts) {
  FERRY_TRY_ASSIGN(std::string ou, random_uuid_upper());
  std::string cn = opts.fqdn.empty() ? opts.nodename : opts.fqdn;
  X509_NAME* name = X509_get_subject_name(cert);
  auto add = [&](const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                      0) == 1;
  };
  if (!add("O", "Proxmox Backup Server") || !add("OU", ou) || !add("CN", cn)) {
    return openssl_error(fmt::format("set certificate subject (CN '{}')", cn));
  }
  if (X509_set_issuer_name(cert, name) != 1) return openssl_error("set certificate issuer");
  return ok();
}

Status set_serial_and_validity(X509* cert, int validity_days) {
  // PBS-compat: PBS does not set a serial explicitly (protocol.md §1.1, UNCONFIRMED value);
  // a random positive 127-bit serial keeps browsers from seeing two different certificates
  // with the same issuer and serial.
  BignumPtr bn(BN_new());
  if (!bn || BN_rand(bn.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) == nullptr) {
    return openssl_error("set certificate serial");
  }
  if (X509_gmtime_adj(X509_getm_notBefore(cert), 0) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert), validity_days, 0, nullptr) == nullptr) {
    return openssl_error("set certificate validity");
  }
  return ok();
}

Result<X509Ptr> build_certificate(EVP_PKEY* key, const CertificateOptions& opts) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1 || X509_set_pubkey(cert.get(), key) != 1) {
    return openssl_error("create certificate");
  }
  FERRY_TRY(set_serial_and_validity(cert.get(), opts.validity_days));
  FERRY_TRY(set_names(cert.get(), opts));
  FERRY_TRY(add_extension(cert.get(), NID_basic_constraints, "CA:FALSE"));
  FERRY_TRY(add_extension(cert.get(), NID_ext_key_usage, "serverAuth"));
  FERRY_TRY(add_extension(cert.get(), NID_subject_alt_name, subject_alt_names(opts)));
  // The subject key identifier must exist before the authority key identifier refers to it.
  FERRY_TRY(add_extension(cert.get(), NID_subject_key_identifier, "hash"));
  FERRY_TRY(add_extension(cert.get(), NID_authority_key_identifier, "keyid:always"));
  if (X509_sign(cert.get(), key, EVP_sha256()) == 0) return openssl_error("sign certificate");
  return cert;
}

Result<std::string> key_to_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return openssl_error("encode private key");
  }
  return internal::bio_to_string(bio.get());
}

Result<std::string> cert_to_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return openssl_error("encode certificate");
  return internal::bio_to_string(bio.get());
}

Result<X509Ptr> parse_pem_certificate(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) return openssl_error("parse PEM certificate", Errc::InvalidArgument);
  return cert;
}

// "SN = value" pairs joined by ", " (api.md §5.4), values as UTF-8.
std::string format_name(const X509_NAME* name) {
  std::string out;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
    int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
    if (!out.empty()) out += ", ";
    out += nid == NID_undef ? "UNDEF" : OBJ_nid2sn(nid);
    out += " = ";
    if (len > 0) out.append(reinterpret_cast<const char*>(utf8), size_t(len));
    OPENSSL_free(utf8);
  }
  return out;
}

Result<int64_t> asn1_time_to_epoch(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    return openssl_error("decode certificate time", Errc::InvalidArgument);
  }
  return int64_t(timegm(&tm));
}

std::vector<std::string> dns_names(X509* cert) {
  std::vector<std::string> out;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type != GEN_DNS) continue;
    const ASN1_IA5STRING* s = gn->d.dNSName;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     size_t(ASN1_STRING_length(s)));
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::string fingerprint_of(const X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert, EVP_sha256(), md, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    if (i != 0) out += ':';
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

}  // namespace

Result<KeyType> parse_key_type(std::string_view text) {
  if (text == "rsa4096") return KeyType::Rsa4096;
  if (text == "rsa2048") return KeyType::Rsa2048;
  if (text == "ec-p256") return KeyType::EcP256;
  return make_error(Errc::InvalidArgument,
                    "invalid key type '{}': expected rsa4096, rsa2048 or ec-p256", text);
}

Status generate_self_signed(const std::filesystem::path& dir, const CertificateOptions& opts) {
  FERRY_TRY_ASSIGN(EvpPkeyPtr key, generate_key(opts.key_type));
  FERRY_TRY_ASSIGN(X509Ptr cert, build_certificate(key.get(), opts));
  FERRY_TRY_ASSIGN(std::string key_pem, key_to_pem(key.get()));
  FERRY_TRY_ASSIGN(std::string cert_pem, cert_to_pem(cert.get()));
  // Key first: a crash in between leaves no proxy.pem, so the next start generates again.
  auto key_path = dir / kPrivateKeyFileName;
  FERRY_TRY(with_context(fs::atomic_replace(key_path, key_pem, {.mode = 0600}),
                         "write private key '{}'", key_path.string()));
  auto cert_path = dir / kCertificateFileName;
  FERRY_TRY(with_context(fs::atomic_replace(cert_path, cert_pem, {.mode = 0644}),
                         "write certificate '{}'", cert_path.string()));
  return ok();
}

Result<bool> ensure_certificate(const std::filesystem::path& dir, const CertificateOptions& opts) {
  FERRY_TRY_ASSIGN(bool present, fs::exists(dir / kCertificateFileName));
  if (present) return false;
  FERRY_TRY(generate_self_signed(dir, opts));
  return true;
}

Result<std::string> certificate_fingerprint(std::string_view pem) {
  FERRY_TRY_ASSIGN(X509Ptr cert, parse_pem_certificate(pem));
  return fingerprint_of(cert.get());
}

Result<CertificateInfo> certificate_info(const std::filesystem::path& pem_path) {
  FERRY_TRY_ASSIGN(std::string pem, fs::read_text_file(pem_path, kMaxPemSize));
  auto parsed = parse_pem_certificate(pem);
  if (!parsed) {
    return tl::unexpected(
        std::move(parsed.error())
            .add_context(fmt::format("read certificate '{}'", pem_path.string())));
  }
  X509* cert = parsed->get();
  CertificateInfo info;
  info.filename = pem_path.filename().string();
  info.subject = format_name(X509_get_subject_name(cert));
  info.issuer = format_name(X509_get_issuer_name(cert));
  FERRY_TRY_ASSIGN(info.notbefore, asn1_time_to_epoch(X509_get0_notBefore(cert)));
  FERRY_TRY_ASSIGN(info.notafter, asn1_time_to_epoch(X509_get0_notAfter(cert)));
  info.san = dns_names(cert);
  const EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key != nullptr) {
    info.public_key_type = OBJ_nid2ln(EVP_PKEY_get_base_id(key));
    info.public_key_bits = EVP_PKEY_get_bits(key);
  }
  info.fingerprint = fingerprint_of(cert);
  info.pem = std::move(pem);
  return info;
}

std::string resolv_conf_domain(const std::filesystem::path& resolv_conf) {
  auto text = fs::read_text_file(resolv_conf, 1 << 16);
  if (!text) return {};
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string key, value;
    if (!(words >> key >> value)) continue;
    if (key == "search" || key == "domain") return value;
  }
  return {};
}

}  // namespace ferry::http

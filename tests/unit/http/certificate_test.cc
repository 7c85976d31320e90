#include "http/certificate.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <string>

#include <gtest/gtest.h>

#include "common/fs.h"
#include "http/tls_context.h"
#include "support/temp_dir.h"

namespace ferry::http {
namespace {

// Runs a shell command and returns its standard output.
std::string run_command(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

std::string openssl_fingerprint(const std::filesystem::path& pem) {
  std::string out =
      run_command("openssl x509 -noout -fingerprint -sha256 -in '" + pem.string() + "'");
  auto eq = out.find('=');
  if (eq == std::string::npos) return "openssl output: " + out;
  std::string fp = out.substr(eq + 1);
  while (!fp.empty() && std::isspace(static_cast<unsigned char>(fp.back()))) fp.pop_back();
  std::transform(fp.begin(), fp.end(), fp.begin(), [](unsigned char c) { return std::tolower(c); });
  return fp;
}

CertificateOptions fast_options() {
  CertificateOptions opts;
  opts.nodename = "pbs1";
  opts.fqdn = "pbs1.example.com";
  opts.key_type = KeyType::EcP256;
  return opts;
}

TEST(CertificateTest, GeneratedCertificateFingerprintMatchesOpensslCli) {
  test::TempDir dir;
  ASSERT_TRUE(generate_self_signed(dir.path(), fast_options()));
  auto info = certificate_info(dir / "proxy.pem");
  ASSERT_TRUE(info) << info.error().to_string();
  EXPECT_EQ(info->fingerprint.size(), 95u);
  EXPECT_EQ(info->fingerprint, openssl_fingerprint(dir / "proxy.pem"));
}

TEST(CertificateTest, GeneratedCertificateHasPbsSubjectSansAndValidity) {
  test::TempDir dir;
  ASSERT_TRUE(generate_self_signed(dir.path(), fast_options()));
  auto info = certificate_info(dir / "proxy.pem");
  ASSERT_TRUE(info) << info.error().to_string();
  EXPECT_EQ(info->filename, "proxy.pem");
  EXPECT_EQ(info->subject.rfind("O = Proxmox Backup Server, OU = ", 0), 0u) << info->subject;
  EXPECT_NE(info->subject.find(", CN = pbs1.example.com"), std::string::npos) << info->subject;
  EXPECT_EQ(info->issuer, info->subject);
  // OU = upper-case UUID: 36 characters with hyphens at fixed places.
  auto ou_start = info->subject.find("OU = ") + 5;
  std::string ou = info->subject.substr(ou_start, 36);
  EXPECT_EQ(ou[8], '-');
  EXPECT_EQ(ou[23], '-');
  EXPECT_TRUE(std::none_of(ou.begin(), ou.end(), [](char c) { return std::islower(c); })) << ou;
  EXPECT_EQ(info->san, (std::vector<std::string>{"localhost", "pbs1", "pbs1.example.com"}));
  int64_t now = std::time(nullptr);
  EXPECT_LE(std::abs(info->notbefore - now), 120);
  EXPECT_NEAR(double(info->notafter - info->notbefore), 365000.0 * 86400, 86400);
  EXPECT_EQ(info->public_key_type, "id-ecPublicKey");
  EXPECT_EQ(info->public_key_bits, 256);
  EXPECT_EQ(info->pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
}

TEST(CertificateTest, OpensslCliSeesPbsExtensions) {
  test::TempDir dir;
  ASSERT_TRUE(generate_self_signed(dir.path(), fast_options()));
  std::string text =
      run_command("openssl x509 -noout -text -in '" + (dir / "proxy.pem").string() + "'");
  for (const char* want : {"CA:FALSE", "TLS Web Server Authentication", "IP Address:127.0.0.1",
                           "IP Address:0:0:0:0:0:0:0:1", "DNS:localhost", "DNS:pbs1.example.com",
                           "X509v3 Subject Key Identifier", "X509v3 Authority Key Identifier"}) {
    EXPECT_NE(text.find(want), std::string::npos) << "missing '" << want << "' in\n" << text;
  }
  EXPECT_NE(text.find("ecdsa-with-SHA256"), std::string::npos) << text;
  EXPECT_NE(text.find("Version: 3"), std::string::npos) << text;
}

TEST(CertificateTest, RsaKeyReportsTypeAndBits) {
  test::TempDir dir;
  auto opts = fast_options();
  opts.key_type = KeyType::Rsa2048;
  ASSERT_TRUE(generate_self_signed(dir.path(), opts));
  auto info = certificate_info(dir / "proxy.pem");
  ASSERT_TRUE(info) << info.error().to_string();
  EXPECT_EQ(info->public_key_type, "rsaEncryption");
  EXPECT_EQ(info->public_key_bits, 2048);
  EXPECT_EQ(info->fingerprint, openssl_fingerprint(dir / "proxy.pem"));
}

TEST(CertificateTest, KeyFileIsPrivateAndCertificateReadable) {
  test::TempDir dir;
  ASSERT_TRUE(generate_self_signed(dir.path(), fast_options()));
  struct stat st {};
  ASSERT_EQ(::stat((dir / "proxy.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir / "proxy.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  auto listing = fs::list_dir(dir.path());
  ASSERT_TRUE(listing);
  EXPECT_EQ(listing->size(), 2u) << "temporary files left behind";
}

TEST(CertificateTest, EnsureCertificateGeneratesOnceAndKeepsExisting) {
  test::TempDir dir;
  auto first = ensure_certificate(dir.path(), fast_options());
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_TRUE(*first);
  auto fp1 = certificate_info(dir / "proxy.pem");
  ASSERT_TRUE(fp1);
  auto second = ensure_certificate(dir.path(), fast_options());
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second);
  auto fp2 = certificate_info(dir / "proxy.pem");
  ASSERT_TRUE(fp2);
  EXPECT_EQ(fp1->fingerprint, fp2->fingerprint);
}

TEST(CertificateTest, LocalhostNodeHasNoDuplicateSan) {
  test::TempDir dir;
  CertificateOptions opts;
  opts.key_type = KeyType::EcP256;
  ASSERT_TRUE(generate_self_signed(dir.path(), opts));
  auto info = certificate_info(dir / "proxy.pem");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->san, std::vector<std::string>{"localhost"});
  EXPECT_NE(info->subject.find("CN = localhost"), std::string::npos);
}

TEST(CertificateTest, InfoOfMissingOrGarbageFileFails) {
  test::TempDir dir;
  auto missing = certificate_info(dir / "nope.pem");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), Errc::NotFound);
  ASSERT_TRUE(fs::atomic_replace(dir / "bad.pem", std::string_view("not a certificate")));
  auto bad = certificate_info(dir / "bad.pem");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), Errc::InvalidArgument);
  EXPECT_NE(bad.error().to_string().find("bad.pem"), std::string::npos) << bad.error().to_string();
}

TEST(CertificateTest, ParseKeyType) {
  EXPECT_EQ(parse_key_type("rsa4096").value(), KeyType::Rsa4096);
  EXPECT_EQ(parse_key_type("rsa2048").value(), KeyType::Rsa2048);
  EXPECT_EQ(parse_key_type("ec-p256").value(), KeyType::EcP256);
  auto bad = parse_key_type("dsa");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("'dsa'"), std::string::npos);
}

TEST(CertificateTest, ResolvConfDomainTakesFirstSearchOrDomain) {
  test::TempDir dir;
  ASSERT_TRUE(fs::atomic_replace(
      dir / "r1", std::string_view("# c\nnameserver 1.1.1.1\nsearch lan example.org\n")));
  ASSERT_TRUE(
      fs::atomic_replace(dir / "r2", std::string_view("domain corp.example\nsearch other\n")));
  ASSERT_TRUE(fs::atomic_replace(dir / "r3", std::string_view("nameserver 1.1.1.1\n")));
  EXPECT_EQ(resolv_conf_domain(dir / "r1"), "lan");
  EXPECT_EQ(resolv_conf_domain(dir / "r2"), "corp.example");
  EXPECT_EQ(resolv_conf_domain(dir / "r3"), "");
  EXPECT_EQ(resolv_conf_domain(dir / "missing"), "");
}

TEST(TlsContextTest, LoadsGeneratedPairAndReportsFingerprint) {
  test::TempDir dir;
  ASSERT_TRUE(generate_self_signed(dir.path(), fast_options()));
  auto ctx = TlsContext::load(dir.path());
  ASSERT_TRUE(ctx) << ctx.error().to_string();
  EXPECT_EQ((*ctx)->fingerprint(), openssl_fingerprint(dir / "proxy.pem"));
}

TEST(TlsContextTest, MismatchedKeyIsRejected) {
  test::TempDir a;
  test::TempDir b;
  ASSERT_TRUE(generate_self_signed(a.path(), fast_options()));
  ASSERT_TRUE(generate_self_signed(b.path(), fast_options()));
  auto ctx = TlsContext::load_files(a / "proxy.pem", b / "proxy.key");
  ASSERT_FALSE(ctx);
  EXPECT_EQ(ctx.error().code(), Errc::InvalidArgument);
  EXPECT_NE(ctx.error().to_string().find("does not match"), std::string::npos)
      << ctx.error().to_string();
}

TEST(TlsContextTest, MissingKeyIsNotFound) {
  test::TempDir dir;
  ASSERT_TRUE(generate_self_signed(dir.path(), fast_options()));
  ASSERT_TRUE(fs::remove_file(dir / "proxy.key"));
  auto ctx = TlsContext::load(dir.path());
  ASSERT_FALSE(ctx);
  EXPECT_EQ(ctx.error().code(), Errc::NotFound);
  EXPECT_NE(ctx.error().to_string().find("proxy.key"), std::string::npos);
}

TEST(TlsContextTest, BadCipherListIsRejected) {
  test::TempDir dir;
  ASSERT_TRUE(generate_self_signed(dir.path(), fast_options()));
  TlsOptions opts;
  opts.ciphers_tls12 = "NO-SUCH-CIPHER";
  auto ctx = TlsContext::load(dir.path(), opts);
  ASSERT_FALSE(ctx);
  EXPECT_EQ(ctx.error().code(), Errc::InvalidArgument);
  EXPECT_NE(ctx.error().to_string().find("NO-SUCH-CIPHER"), std::string::npos);
}

}  // namespace
}  // namespace ferry::http

#include "auth/keyring.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "auth/ticket.h"
#include "common/fs.h"
#include "support/temp_dir.h"

namespace ferry::auth {
namespace {

mode_t mode_of(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

std::string read(const std::filesystem::path& p) {
  auto text = fs::read_text_file(p, 1 << 20);
  return text ? *text : "<missing>";
}

TEST(KeyringTest, FirstStartCreatesEd25519KeyFilesWithModes) {
  test::TempDir dir;
  config::ConfigDir cdir(dir.path());
  auto ring = Keyring::load_or_create(cdir);
  ASSERT_TRUE(ring.has_value()) << ring.error().to_string();
  EXPECT_TRUE(ring->can_sign());
  const std::string key = read(dir.path() / "authkey.key");
  const std::string pub = read(dir.path() / "authkey.pub");
  EXPECT_TRUE(key.starts_with("-----BEGIN PRIVATE KEY-----\n")) << key;
  EXPECT_TRUE(pub.starts_with("-----BEGIN PUBLIC KEY-----\n")) << pub;
  EXPECT_EQ(mode_of(dir.path() / "authkey.key"), 0600u);
  EXPECT_EQ(mode_of(dir.path() / "authkey.pub"), 0640u);

  // The second start loads the same key; a verify-only process uses the public file.
  auto again = Keyring::load_or_create(cdir);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again->public_key_pem(), pub);
  EXPECT_EQ(read(dir.path() / "authkey.key"), key);
  auto pub_ring = Keyring::load_public(cdir);
  ASSERT_TRUE(pub_ring.has_value());
  auto ticket = create_user_ticket(*ring, *types::Userid::parse("root@pam"), 1000);
  EXPECT_TRUE(verify_user_ticket(*pub_ring, *ticket, 1000).has_value());
}

TEST(KeyringTest, MissingPublicKeyIsRecreatedFromThePrivateKey) {
  test::TempDir dir;
  config::ConfigDir cdir(dir.path());
  ASSERT_TRUE(Keyring::load_or_create(cdir).has_value());
  const std::string pub = read(dir.path() / "authkey.pub");
  ASSERT_TRUE(fs::remove_file(dir.path() / "authkey.pub"));
  ASSERT_TRUE(Keyring::load_or_create(cdir).has_value());
  EXPECT_EQ(read(dir.path() / "authkey.pub"), pub);
}

TEST(KeyringTest, LoadFailuresAreReported) {
  test::TempDir dir;
  config::ConfigDir cdir(dir.path());
  auto missing = Keyring::load_public(cdir);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), Errc::NotFound);
  ASSERT_TRUE(fs::atomic_replace(dir.path() / "authkey.key", std::string_view("garbage")));
  auto garbage = Keyring::load_or_create(cdir);
  ASSERT_FALSE(garbage.has_value());
  EXPECT_EQ(garbage.error().code(), Errc::InvalidArgument);
  EXPECT_NE(garbage.error().to_string().find("authkey.key"), std::string::npos);
  EXPECT_FALSE(Keyring::from_public_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n").has_value());
}

TEST(KeyringTest, LegacyRsaKeysSignWithSha256Pkcs1) {
  EVP_PKEY* raw = EVP_RSA_gen(2048);  // PBS uses 4096 bits; 2048 keeps the test fast
  ASSERT_NE(raw, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  ASSERT_EQ(PEM_write_bio_PrivateKey_traditional(bio, raw, nullptr, nullptr, 0, nullptr, nullptr),
            1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  const std::string pem(data, size_t(len));
  BIO_free(bio);

  auto ring = Keyring::from_private_pem(pem);
  ASSERT_TRUE(ring.has_value()) << ring.error().to_string();
  EXPECT_EQ(*ring->private_key_pem(), pem);  // RSA stays in the traditional format
  const std::string msg = "PBS:root@pam:6553F100";
  auto sig = ring->sign(as_bytes(msg));
  ASSERT_TRUE(sig.has_value());
  EXPECT_EQ(sig->size(), 256u);

  // Independent check: plain OpenSSL RSA-SHA256 (PKCS#1 v1.5 is the default padding).
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, raw), 1);
  EXPECT_EQ(EVP_DigestVerify(ctx, sig->data(), sig->size(),
                             reinterpret_cast<const uint8_t*>(msg.data()), msg.size()),
            1);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(raw);

  auto pub_ring = Keyring::from_public_pem(*ring->public_key_pem());
  ASSERT_TRUE(pub_ring.has_value());
  EXPECT_TRUE(pub_ring->verify(*sig, as_bytes(msg)));
  EXPECT_FALSE(pub_ring->verify(*sig, as_bytes(msg + "x")));
}

TEST(KeyringTest, ExtraPublicKeysVerifyAfterRollover) {
  Keyring old_key = *Keyring::generate_ed25519();
  Keyring new_key = *Keyring::generate_ed25519();
  const auto uid = *types::Userid::parse("alice@pbs");
  auto old_ticket = create_user_ticket(old_key, uid, 500);
  EXPECT_FALSE(verify_user_ticket(new_key, *old_ticket, 500).has_value());
  ASSERT_TRUE(new_key.add_public_pem(*old_key.public_key_pem()));
  EXPECT_TRUE(verify_user_ticket(new_key, *old_ticket, 500).has_value());
}

TEST(KeyringTest, SignaturesVerifyWithTheOpensslCommandLine) {
  if (std::system("openssl version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl binary";
  test::TempDir dir;
  Keyring ring = *Keyring::load_or_create(config::ConfigDir(dir.path()));
  const std::string msg = "PBS:carol@pbs:0000ABCD";
  auto sig = ring.sign(as_bytes(msg));
  ASSERT_TRUE(sig.has_value());
  std::ofstream(dir.path() / "msg", std::ios::binary) << msg;
  std::ofstream(dir.path() / "sig", std::ios::binary)
      .write(reinterpret_cast<const char*>(sig->data()), std::streamsize(sig->size()));
  const std::string cmd = "cd '" + dir.path().string() +
                          "' && openssl pkeyutl -verify -pubin -inkey authkey.pub -rawin -in msg "
                          "-sigfile sig >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

}  // namespace
}  // namespace ferry::auth

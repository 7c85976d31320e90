#include "auth/password.h"

#include <gtest/gtest.h>

#include <chrono>

namespace ferry::auth {
namespace {

// Vectors made with `openssl passwd` (OpenSSL 3.0.x); see tests/data/auth/README.md.
struct Vector {
  const char* password;
  const char* hash;
};
const Vector kVectors[] = {
    {"ferry-secret", "$5$saltsaltsalt123$0vEdOYxEbcQpjWlmjHbYZ7lTdH12CDGpZpgrCy75zg1"},
    {"Hello world!", "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"},
    {"Hello world!", "$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA"},
    {"ferry-secret",
     "$6$saltsaltsalt123$FHKyKXQF.xzyU.oRZ9bMlNw7YzAZZj8m/iL2DUqjpyNNM7sh6m4E8gJtan68ygANasofuza6i"
     "104K0PdiLYUe."},
    {"Hello world!",
     "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoE"
     "OfaS35inz1"},
    {"Hello world!",
     "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZ"
     "eHBy/YTBmSK6H9qs/y3RnOaw5v."},
};

TEST(PasswordTest, KnownSha256AndSha512CryptVectorsVerify) {
  for (const auto& v : kVectors) {
    EXPECT_TRUE(verify_password(v.password, v.hash)) << v.hash;
    auto wrong = verify_password("wrong password", v.hash);
    ASSERT_FALSE(wrong) << v.hash;
    EXPECT_EQ(wrong.error().code(), Errc::Unauthenticated);
    EXPECT_EQ(wrong.error().message(), "invalid credentials");
  }
}

TEST(PasswordTest, DefaultHashesAreYescryptAndVerify) {
  auto hash = hash_password("correct horse");
  ASSERT_TRUE(hash.has_value()) << hash.error().to_string();
  EXPECT_TRUE(hash->starts_with("$y$j9T$")) << *hash;  // cost 5 encodes as "j9T"
  EXPECT_TRUE(is_hash_of_scheme(*hash, HashScheme::Yescrypt));
  EXPECT_TRUE(verify_password("correct horse", *hash));
  EXPECT_FALSE(verify_password("correct horsE", *hash));
}

TEST(PasswordTest, ExplicitSchemesProduceTheirPrefix) {
  const std::pair<HashScheme, std::string> cases[] = {
      {HashScheme::Sha256Crypt, "$5$"},
      {HashScheme::Sha512Crypt, "$6$"},
      {HashScheme::Yescrypt, "$y$"},
  };
  for (const auto& [scheme, prefix] : cases) {
    auto hash = hash_password("pw", scheme);
    ASSERT_TRUE(hash.has_value()) << prefix;
    EXPECT_TRUE(hash->starts_with(prefix)) << *hash;
    EXPECT_EQ(hash_prefix(scheme), prefix);
    EXPECT_TRUE(verify_password("pw", *hash)) << *hash;
  }
}

TEST(PasswordTest, SaltsAreFresh) {
  auto a = hash_password("same", HashScheme::Sha256Crypt);
  auto b = hash_password("same", HashScheme::Sha256Crypt);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
}

TEST(PasswordTest, InvalidStoredHashIsCorruption) {
  const char* bad[] = {"", "plain", "$5$", "*0", "$unknown$x$y"};
  for (const char* hash : bad) {
    auto st = verify_password("pw", hash);
    ASSERT_FALSE(st) << hash;
    EXPECT_NE(st.error().code(), Errc::Internal) << hash;
  }
}

TEST(PasswordTest, InputIsTruncatedLikePbs) {
  // PBS hands at most 511 bytes to crypt and stops at a NUL.
  const std::string long_a = std::string(511, 'a');
  auto hash = hash_password(long_a + "tail-1", HashScheme::Sha256Crypt);
  ASSERT_TRUE(hash.has_value());
  EXPECT_TRUE(verify_password(long_a + "tail-2", *hash));
  auto nul = hash_password(std::string("abc\0def", 7), HashScheme::Sha256Crypt);
  ASSERT_TRUE(nul.has_value());
  EXPECT_TRUE(verify_password("abc", *nul));
}

TEST(PasswordTest, BurningVerificationTimeCostsAboutAVerification) {
  auto hash = hash_password("pw");
  ASSERT_TRUE(hash.has_value());
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  for (int i = 0; i < 3; ++i) (void)verify_password("wrong", *hash);
  auto t1 = Clock::now();
  for (int i = 0; i < 3; ++i) burn_verification_time("wrong");
  auto t2 = Clock::now();
  // Generous bound: an unknown user must not be answered much faster than a wrong password.
  EXPECT_GT((t2 - t1) * 2, t1 - t0);
}

}  // namespace
}  // namespace ferry::auth

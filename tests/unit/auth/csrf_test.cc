#include "auth/csrf.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "common/fs.h"
#include "support/manual_clock.h"
#include "support/temp_dir.h"

namespace ferry::auth {
namespace {

constexpr int64_t kT0 = 0x6553F100;

types::Userid uid(std::string_view s) { return *types::Userid::parse(s); }

// csrf.key content for the key bytes 0x00..0x3f.
constexpr std::string_view kGoldenKeyFile =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw";
// `openssl dgst -sha3-256 -mac HMAC -macopt hexkey:00010203...3f` over "6553F100:root@pam:".
constexpr std::string_view kGoldenToken = "6553F100:wQL8fNJW6E1x+xRKAz2Gtk3rioadFWzZNL85SQO/+do";
// Base64 of SHA-256("6553F100:root@pam:" ‖ key bytes): the legacy scheme.
constexpr std::string_view kLegacyToken = "6553F100:c9dp7AgR0Wumg3+tl/fgcrX+0bo9pvy7TYOD4rcnpyU";

TEST(CsrfTest, AssemblesTheGoldenToken) {
  CsrfSecret secret = CsrfSecret::from_file_content(kGoldenKeyFile);
  EXPECT_EQ(secret.file_content(), kGoldenKeyFile);
  EXPECT_EQ(*secret.assemble_token(uid("root@pam"), kT0), kGoldenToken);
  EXPECT_TRUE(secret.verify_token(uid("root@pam"), kGoldenToken, kT0));
  EXPECT_TRUE(secret.verify_token(uid("root@pam"), kLegacyToken, kT0));
}

TEST(CsrfTest, RejectsWrongUserAgeAndGarbage) {
  CsrfSecret secret = *CsrfSecret::generate();
  test::ManualClock clock(kT0);
  const std::string token = *secret.assemble_token(uid("alice@pbs"), clock.epoch());
  struct Case {
    std::string user;
    std::string token;
    int64_t now;
    const char* error;  // nullptr: valid
  };
  const std::string sig = token.substr(token.find(':') + 1);
  const Case cases[] = {
      {"alice@pbs", token, kT0, nullptr},
      {"alice@pbs", token, kT0 + 7200, nullptr},
      {"alice@pbs", token, kT0 - 300, nullptr},
      {"alice@pbs", "6553f100:" + sig, kT0, nullptr},  // TIME is re-formatted before checking
      {"bob@pbs", token, kT0, "invalid signature."},
      {"alice@pbs", token, kT0 + 7201, "timestamp too old."},
      {"alice@pbs", token, kT0 - 301, "timestamp newer than expected."},
      {"alice@pbs", "6553F101:" + sig, kT0, "invalid signature."},
      {"alice@pbs", "garbage", kT0, "format error - wrong number of parts."},
      {"alice@pbs", token + ":x", kT0, "format error - wrong number of parts."},
      {"alice@pbs", "6553F100:!!", kT0, "could not base64 decode csrf signature - invalid base64"},
      {"alice@pbs", "zz:" + sig, kT0, "timestamp format error - invalid digit found in string"},
      {"alice@pbs", "invalid", kT0, "format error - wrong number of parts."},
      {"alice@pbs", "", kT0, "format error - wrong number of parts."},
  };
  for (const auto& c : cases) {
    clock.set_epoch(c.now);
    auto st = secret.verify_token(uid(c.user), c.token, clock.epoch());
    if (!c.error) {
      EXPECT_TRUE(st) << c.token << ": " << st.error().to_string();
      continue;
    }
    ASSERT_FALSE(st) << c.user << " " << c.token;
    EXPECT_EQ(st.error().code(), Errc::Unauthenticated);
    EXPECT_EQ(st.error().message(), std::string("invalid csrf token - ") + c.error) << c.token;
  }
}

TEST(CsrfTest, KeyFileIsCreatedOnceWithMode0640) {
  test::TempDir dir;
  config::ConfigDir cdir(dir.path());
  EXPECT_EQ(CsrfSecret::load(cdir).error().code(), Errc::NotFound);
  auto secret = CsrfSecret::load_or_create(cdir);
  ASSERT_TRUE(secret.has_value()) << secret.error().to_string();
  auto content = fs::read_text_file(dir.path() / "csrf.key", 1024);
  ASSERT_TRUE(content.has_value());
  EXPECT_EQ(content->size(), 86u);  // 64 bytes, base64 without padding or newline
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() / "csrf.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  const std::string token = *secret->assemble_token(uid("a@pbs"), kT0);
  auto again = CsrfSecret::load_or_create(cdir);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->verify_token(uid("a@pbs"), token, kT0));
  EXPECT_TRUE(CsrfSecret::load(cdir)->verify_token(uid("a@pbs"), token, kT0));
}

TEST(CsrfTest, LegacyKeyFilesAreUsedAsRawBytes) {
  // Old installations stored a PEM blob; it is not base64, so its bytes are the key.
  const std::string pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOg==\n-----END RSA PRIVATE KEY-----\n";
  CsrfSecret legacy = CsrfSecret::from_file_content(pem);
  CsrfSecret other = CsrfSecret::from_file_content("-----other-----");
  const std::string token = *legacy.assemble_token(uid("a@pbs"), kT0);
  EXPECT_TRUE(legacy.verify_token(uid("a@pbs"), token, kT0));
  EXPECT_FALSE(other.verify_token(uid("a@pbs"), token, kT0));
}

}  // namespace
}  // namespace ferry::auth

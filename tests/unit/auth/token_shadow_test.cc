#include "auth/token_shadow.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <regex>

#include "common/fs.h"
#include "support/temp_dir.h"

namespace ferry::auth {
namespace {

types::Authid aid(std::string_view s) { return *types::Authid::parse(s); }

class TokenShadowTest : public ::testing::Test {
 protected:
  test::TempDir dir_;
  // SHA-256-crypt keeps these tests fast; the scheme does not change the logic.
  TokenShadow shadow_{config::ConfigDir(dir_.path()), HashScheme::Sha256Crypt};

  std::string file() {
    auto text = fs::read_text_file(dir_.path() / "token.shadow", 1 << 20);
    return text ? *text : "<missing>";
  }
};

TEST_F(TokenShadowTest, GeneratedSecretsAreLowerCaseUuidV4) {
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  auto a = TokenShadow::generate_secret();
  auto b = TokenShadow::generate_secret();
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(std::regex_match(*a, uuid)) << *a;
  EXPECT_NE(*a, *b);
}

TEST_F(TokenShadowTest, GenerateStoreAndVerify) {
  auto secret = shadow_.generate_and_set(aid("alice@pbs!backup"));
  ASSERT_TRUE(secret.has_value()) << secret.error().to_string();
  EXPECT_TRUE(shadow_.verify_secret(aid("alice@pbs!backup"), *secret));

  auto wrong = shadow_.verify_secret(aid("alice@pbs!backup"), "0b1e3c3a-5d0f-4c3e-9a51-2f6b3c2d1e00");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), Errc::Unauthenticated);
  EXPECT_EQ(wrong.error().message(), "invalid credentials");

  auto unknown = shadow_.verify_secret(aid("alice@pbs!other"), *secret);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), Errc::Unauthenticated);
  EXPECT_EQ(unknown.error().message(), "invalid API token");

  auto user = shadow_.verify_secret(aid("alice@pbs"), *secret);
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().message(), "not an API token ID");
}

TEST_F(TokenShadowTest, FileIsCompactJsonWithMode0640) {
  ASSERT_TRUE(shadow_.set_secret(aid("b@pbs!t"), "s1"));
  ASSERT_TRUE(shadow_.set_secret(aid("a@pbs!t"), "s2"));
  const std::string text = file();
  const std::regex form(R"(^\{"a@pbs!t":"\$5\$[^"]+","b@pbs!t":"\$5\$[^"]+"\}$)");
  EXPECT_TRUE(std::regex_match(text, form)) << text;
  struct stat st {};
  ASSERT_EQ(::stat((dir_.path() / "token.shadow").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  EXPECT_TRUE(shadow_.verify_secret(aid("a@pbs!t"), "s2"));
  EXPECT_FALSE(shadow_.verify_secret(aid("a@pbs!t"), "s1"));
}

TEST_F(TokenShadowTest, ReplacingAndDeletingSecrets) {
  ASSERT_TRUE(shadow_.set_secret(aid("a@pbs!t"), "old"));
  ASSERT_TRUE(shadow_.set_secret(aid("a@pbs!t"), "new"));
  EXPECT_FALSE(shadow_.verify_secret(aid("a@pbs!t"), "old"));
  EXPECT_TRUE(shadow_.verify_secret(aid("a@pbs!t"), "new"));
  ASSERT_TRUE(shadow_.delete_secret(aid("a@pbs!t")));
  ASSERT_TRUE(shadow_.delete_secret(aid("a@pbs!t")));  // already gone: fine
  EXPECT_EQ(file(), "{}");
  EXPECT_EQ(shadow_.verify_secret(aid("a@pbs!t"), "new").error().message(), "invalid API token");
  EXPECT_FALSE(shadow_.set_secret(aid("a@pbs"), "x"));
  EXPECT_FALSE(shadow_.delete_secret(aid("a@pbs")));
}

TEST_F(TokenShadowTest, VerifiesHashesWrittenByPbs) {
  // A legacy SHA-256-crypt entry as an older PBS wrote it (vector from tests/data/auth).
  ASSERT_TRUE(fs::atomic_replace(
      dir_.path() / "token.shadow",
      std::string_view(R"({"sync@pbs!pull":"$5$saltsaltsalt123$0vEdOYxEbcQpjWlmjHbYZ7lTdH12CDGpZpgrCy75zg1"})")));
  EXPECT_TRUE(shadow_.verify_secret(aid("sync@pbs!pull"), "ferry-secret"));
}

TEST_F(TokenShadowTest, GarbledFileIsCorruptionWithoutDetails) {
  const char* bad[] = {"{", "[]", R"({"a@pbs!t":1})", "secret-in-garbage"};
  for (const char* text : bad) {
    ASSERT_TRUE(fs::atomic_replace(dir_.path() / "token.shadow", std::string_view(text)));
    auto st = shadow_.verify_secret(aid("a@pbs!t"), "x");
    ASSERT_FALSE(st) << text;
    EXPECT_EQ(st.error().code(), Errc::Corruption) << text;
    EXPECT_EQ(st.error().message().find("secret-in-garbage"), std::string::npos);
  }
}

}  // namespace
}  // namespace ferry::auth

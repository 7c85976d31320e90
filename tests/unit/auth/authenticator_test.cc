// Tests of the realm authenticators: PbsAuthenticator (shadow.json), PamAuthenticator (a real
// system user, created only when running as root) and the Realms dispatcher.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <regex>

#include "auth/pam_authenticator.h"
#include "auth/pbs_authenticator.h"
#include "auth/realms.h"
#include "common/fs.h"
#include "support/temp_dir.h"

namespace ferry::auth {
namespace {

std::string read(const std::filesystem::path& p) {
  auto text = fs::read_text_file(p, 1 << 20);
  return text ? *text : "<missing>";
}

TEST(PbsAuthenticatorTest, StoreThenAuthenticate) {
  test::TempDir dir;
  PbsAuthenticator pbs(config::ConfigDir(dir.path()));
  ASSERT_TRUE(pbs.store_password("alice", "wonderland"));
  EXPECT_TRUE(pbs.authenticate_user("alice", "wonderland"));
  auto wrong = pbs.authenticate_user("alice", "Wonderland");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), Errc::Unauthenticated);
  EXPECT_EQ(wrong.error().message(), "invalid credentials");
  auto unknown = pbs.authenticate_user("bob", "wonderland");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), Errc::Unauthenticated);
  EXPECT_EQ(unknown.error().message(), "no password set");
}

TEST(PbsAuthenticatorTest, ShadowJsonIsPrettySortedAndPrivate) {
  test::TempDir dir;
  PbsAuthenticator pbs(config::ConfigDir(dir.path()), HashScheme::Sha256Crypt);
  ASSERT_TRUE(pbs.store_password("bob", "pw-b"));
  ASSERT_TRUE(pbs.store_password("alice", "pw-a"));
  const std::string text = read(dir.path() / "shadow.json");
  const std::regex form("^\\{\n  \"alice\": \"\\$5\\$[^\"]+\",\n  \"bob\": \"\\$5\\$[^\"]+\"\n\\}$");
  EXPECT_TRUE(std::regex_match(text, form)) << text;
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() / "shadow.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_TRUE(pbs.remove_password("bob"));
  ASSERT_TRUE(pbs.remove_password("bob"));
  EXPECT_FALSE(pbs.authenticate_user("bob", "pw-b"));
  EXPECT_TRUE(pbs.authenticate_user("alice", "pw-a"));
}

TEST(PbsAuthenticatorTest, LegacyHashVerifiesAndIsUpgraded) {
  test::TempDir dir;
  ASSERT_TRUE(fs::atomic_replace(
      dir.path() / "shadow.json",
      std::string_view(
          "{\n  \"carol\": \"$6$saltsaltsalt123$FHKyKXQF.xzyU.oRZ9bMlNw7YzAZZj8m/iL2DUqjpyNNM7sh6m4E"
          "8gJtan68ygANasofuza6i104K0PdiLYUe.\"\n}")));
  PbsAuthenticator pbs(config::ConfigDir(dir.path()));
  EXPECT_FALSE(pbs.authenticate_user("carol", "wrong"));
  EXPECT_NE(read(dir.path() / "shadow.json").find("$6$"), std::string::npos);  // untouched
  ASSERT_TRUE(pbs.authenticate_user("carol", "ferry-secret"));
  const std::string after = read(dir.path() / "shadow.json");
  EXPECT_NE(after.find("\"carol\": \"$y$"), std::string::npos) << after;
  EXPECT_TRUE(pbs.authenticate_user("carol", "ferry-secret"));
}

TEST(PbsAuthenticatorTest, UnknownUserTakesAsLongAsAWrongPassword) {
  test::TempDir dir;
  PbsAuthenticator pbs(config::ConfigDir(dir.path()));
  ASSERT_TRUE(pbs.store_password("alice", "pw"));
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  for (int i = 0; i < 3; ++i) (void)pbs.authenticate_user("alice", "wrong");
  auto t1 = Clock::now();
  for (int i = 0; i < 3; ++i) (void)pbs.authenticate_user("mallory", "wrong");
  auto t2 = Clock::now();
  // Both pay a yescrypt verification (tens of ms); without the dummy hash the unknown user
  // would answer in microseconds. The factor 2 only absorbs scheduling noise.
  EXPECT_GT((t2 - t1) * 2, t1 - t0);
}

TEST(PbsAuthenticatorTest, GarbledShadowIsCorruption) {
  test::TempDir dir;
  ASSERT_TRUE(fs::atomic_replace(dir.path() / "shadow.json", std::string_view("{\"a\": [1]}")));
  PbsAuthenticator pbs(config::ConfigDir(dir.path()));
  auto st = pbs.authenticate_user("a", "x");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), Errc::Corruption);
}

// A system account for the PAM test; removed in the destructor.
class SystemUser {
 public:
  SystemUser(std::string name, const std::string& password) : name_(std::move(name)) {
    created_ = std::system(("useradd -M -s /usr/sbin/nologin " + name_ + " 2>/dev/null").c_str()) == 0;
    if (created_) {
      const std::string cmd = "echo '" + name_ + ":" + password + "' | chpasswd";
      created_ = std::system(cmd.c_str()) == 0;
    }
  }
  ~SystemUser() {
    if (created_) (void)std::system(("userdel " + name_ + " 2>/dev/null").c_str());
  }
  bool created() const { return created_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  bool created_ = false;
};

TEST(PamAuthenticatorTest, AuthenticatesARealSystemUser) {
  if (::geteuid() != 0 || ::access("/usr/sbin/useradd", X_OK) != 0) {
    GTEST_SKIP() << "needs root and useradd to create a temporary system user";
  }
  SystemUser user("ferrypam" + std::to_string(::getpid() % 100000), "Pam-Secret-42");
  ASSERT_TRUE(user.created()) << "useradd/chpasswd failed";
  PamAuthenticator pam;  // service proxmox-backup-auth, falls back to PAM's "other"
  auto good = pam.authenticate_user(user.name(), "Pam-Secret-42");
  EXPECT_TRUE(good) << good.error().to_string();

  auto t0 = std::chrono::steady_clock::now();
  auto wrong = pam.authenticate_user(user.name(), "wrong-password");
  auto elapsed = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), Errc::Unauthenticated);
  // PAM's own ~2 s failure delay is disabled (the HTTP layer delays failures uniformly).
  EXPECT_LT(elapsed, std::chrono::milliseconds(1500));

  EXPECT_FALSE(pam.authenticate_user("ferry-no-such-user", "Pam-Secret-42"));
  EXPECT_FALSE(pam.authenticate_user(user.name(), ""));

  ASSERT_TRUE(pam.store_password(user.name(), "Changed-Secret-43"));
  EXPECT_TRUE(pam.authenticate_user(user.name(), "Changed-Secret-43"));
  EXPECT_FALSE(pam.authenticate_user(user.name(), "Pam-Secret-42"));
}

class FakeAuthenticator final : public Authenticator {
 public:
  Status authenticate_user(std::string_view username, std::string_view password) override {
    if (username == "ok" && password == "pw") return ok();
    return make_error(Errc::Unauthenticated, "fake says no");
  }
  Status store_password(std::string_view, std::string_view) override { return ok(); }
  Status remove_password(std::string_view) override { return ok(); }
};

TEST(RealmsTest, DispatchesByRealmOfTheUserid) {
  test::TempDir dir;
  config::ConfigDir cdir(dir.path());
  Realms realms(cdir);
  ASSERT_NE(realms.lookup("pam"), nullptr);
  ASSERT_NE(realms.lookup("pbs"), nullptr);
  EXPECT_EQ(realms.lookup("ldap1"), nullptr);

  ASSERT_TRUE(PbsAuthenticator(cdir).store_password("alice", "pw-alice"));
  EXPECT_TRUE(realms.authenticate_user(*types::Userid::parse("alice@pbs"), "pw-alice"));
  EXPECT_FALSE(realms.authenticate_user(*types::Userid::parse("alice@pbs"), "nope"));

  auto unknown = realms.authenticate_user(*types::Userid::parse("alice@ldap1"), "pw-alice");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), Errc::Unauthenticated);
  EXPECT_EQ(unknown.error().message(), "unknown realm 'ldap1'");

  realms.set_authenticator("fake", std::make_unique<FakeAuthenticator>());
  EXPECT_TRUE(realms.authenticate_user(*types::Userid::parse("ok@fake"), "pw"));
  EXPECT_FALSE(realms.authenticate_user(*types::Userid::parse("ok@fake"), "bad"));
}

TEST(RealmsTest, RealmErrorsBecomeUnauthenticated) {
  test::TempDir dir;
  ASSERT_TRUE(fs::atomic_replace(dir.path() / "shadow.json", std::string_view("nonsense")));
  Realms realms(config::ConfigDir(dir.path()));
  auto st = realms.authenticate_user(*types::Userid::parse("alice@pbs"), "pw");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), Errc::Unauthenticated);
  EXPECT_NE(st.error().message().find("unable to parse"), std::string::npos);
}

}  // namespace
}  // namespace ferry::auth

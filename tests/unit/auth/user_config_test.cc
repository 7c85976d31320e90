#include "auth/user_config.h"

#include <gtest/gtest.h>

#include "common/fs.h"
#include "support/temp_dir.h"

namespace ferry::auth {
namespace {

types::Userid uid(std::string_view s) { return *types::Userid::parse(s); }
types::Authid aid(std::string_view s) { return *types::Authid::parse(s); }

std::string sample() {
  auto raw = fs::read_text_file(FERRY_TEST_DATA_DIR "/auth/user.cfg", 1 << 20);
  EXPECT_TRUE(raw.has_value());
  return raw ? *raw : "";
}

TEST(UserConfigTest, SampleFileRoundTripsByteForByte) {
  const std::string raw = sample();
  auto cfg = UserConfig::parse(raw);
  ASSERT_TRUE(cfg.has_value()) << cfg.error().to_string();
  auto text = cfg->to_string();
  ASSERT_TRUE(text.has_value()) << text.error().to_string();
  EXPECT_EQ(*text, raw);
}

TEST(UserConfigTest, TypedViewOfTheSample) {
  auto cfg = UserConfig::parse(sample());
  ASSERT_TRUE(cfg.has_value());
  const User* alice = cfg->find_user(uid("alice@pbs"));
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->comment, "Backup operator");
  EXPECT_EQ(alice->firstname, "Alice");
  EXPECT_EQ(alice->enable, true);
  EXPECT_EQ(alice->expire, 0);
  const User* sync = cfg->find_user(uid("sync@pbs"));
  ASSERT_NE(sync, nullptr);
  EXPECT_EQ(sync->comment, "");  // "\tcomment " is an empty string, not unset
  EXPECT_EQ(cfg->find_user(uid("nobody@pbs")), nullptr);
  EXPECT_EQ(cfg->find_user(uid("alice@pam")), nullptr);
  ASSERT_NE(cfg->find_token(aid("alice@pbs!backup")), nullptr);
  EXPECT_EQ(cfg->tokens(uid("alice@pbs")).size(), 2u);
  EXPECT_EQ(cfg->tokens().size(), 3u);
  EXPECT_EQ(cfg->users().size(), 4u);
  EXPECT_EQ(cfg->users()[1].userid.to_string(), "alice@pbs");  // file order
}

TEST(UserConfigTest, ActiveCheckFollowsEnableExpireAndTheTokensUser) {
  auto cfg = UserConfig::parse(sample());
  ASSERT_TRUE(cfg.has_value());
  const int64_t now = 1700000000;
  struct Case {
    const char* auth_id;
    bool active;
  };
  const Case cases[] = {
      {"root@pam", true},
      {"alice@pbs", true},
      {"alice@pbs!backup", true},
      {"alice@pbs!old", false},       // token disabled
      {"alice@pbs!missing", false},   // token not configured
      {"bob@pam", false},             // disabled (and expire == now counts as expired)
      {"sync@pbs!pull", true},        // expires in 2100
      {"nobody@pbs", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(cfg->is_active_auth_id(aid(c.auth_id), now), c.active) << c.auth_id;
  }
  EXPECT_TRUE(is_active_at(std::nullopt, int64_t{0}, now));
  EXPECT_TRUE(is_active_at(true, now + 1, now));
  EXPECT_FALSE(is_active_at(true, now, now));
  EXPECT_FALSE(is_active_at(false, std::nullopt, now));
  // A token of a disabled user is inactive even if the token itself is enabled.
  User alice = *cfg->find_user(uid("alice@pbs"));
  alice.enable = false;
  ASSERT_TRUE(cfg->set_user(alice));
  EXPECT_FALSE(cfg->is_active_auth_id(aid("alice@pbs!backup"), now));
}

TEST(UserConfigTest, RootIsAddedInMemoryAndWrittenAtTheEnd) {
  auto cfg = UserConfig::parse("user: alice@pbs\n\tenable true\n");
  ASSERT_TRUE(cfg.has_value());
  ASSERT_NE(cfg->find_user(uid("root@pam")), nullptr);
  EXPECT_EQ(cfg->find_user(uid("root@pam"))->comment, "Superuser");
  EXPECT_EQ(*cfg->to_string(), "user: alice@pbs\n\tenable true\n\nuser: root@pam\n\tcomment Superuser\n");
  EXPECT_EQ(*UserConfig().to_string(), "user: root@pam\n\tcomment Superuser\n");
}

TEST(UserConfigTest, ParsingCanonicalizesValues) {
  auto cfg = UserConfig::parse("user:root@pam\n\tenable YES\n\texpire +05\n");
  ASSERT_TRUE(cfg.has_value()) << cfg.error().to_string();
  EXPECT_EQ(*cfg->to_string(), "user: root@pam\n\tenable true\n\texpire 5\n");
}

TEST(UserConfigTest, MalformedFilesAreRejectedWithFileLineAndReason) {
  struct Case {
    std::string text;
    std::string reason;
  };
  const Case cases[] = {
      {"user: alice@pbs\n\tenable maybe\n", "enable"},
      {"user: alice@pbs\n\texpire -1\n", "expire"},
      {"user: alice@pbs\n\tfirstname A\n", "firstname"},
      {"user: alice@pbs\n\tcolor blue\n", "color"},
      {"user: alice@pbs!tok\n", "alice@pbs!tok"},
      {"token: alice@pbs\n", "alice@pbs"},
      {"group: admins\n", "group"},
      {"user: alice@pbs\n\tcomment a\x01b\n", "comment"},
  };
  for (const auto& c : cases) {
    auto cfg = UserConfig::parse(c.text);
    ASSERT_FALSE(cfg.has_value()) << c.text;
    const std::string msg = cfg.error().to_string();
    EXPECT_NE(msg.find("user.cfg"), std::string::npos) << c.text << " -> " << msg;
    EXPECT_NE(msg.find(c.reason), std::string::npos) << c.text << " -> " << msg;
  }
}

TEST(UserConfigTest, SetAndRemoveKeepOrderAndTokensFollowTheirUser) {
  UserConfig cfg;
  User bob;
  bob.userid = uid("bob@pbs");
  bob.email = "bob@example.invalid";
  ASSERT_TRUE(cfg.set_user(bob));
  ApiToken tok;
  tok.tokenid = aid("bob@pbs!t1");
  tok.comment = "ci";
  ASSERT_TRUE(cfg.set_token(tok));
  ApiToken orphan;
  orphan.tokenid = aid("carol@pbs!t1");
  EXPECT_FALSE(cfg.set_token(orphan));
  ApiToken not_token;
  not_token.tokenid = aid("bob@pbs");
  EXPECT_FALSE(cfg.set_token(not_token));
  User bad = bob;
  bad.firstname = "x";
  EXPECT_FALSE(cfg.set_user(bad));
  EXPECT_EQ(*cfg.to_string(),
            "user: root@pam\n\tcomment Superuser\n\n"
            "user: bob@pbs\n\temail bob@example.invalid\n\n"
            "token: bob@pbs!t1\n\tcomment ci\n");
  EXPECT_TRUE(cfg.remove_user(uid("bob@pbs")));
  EXPECT_FALSE(cfg.remove_user(uid("bob@pbs")));
  EXPECT_EQ(cfg.find_token(aid("bob@pbs!t1")), nullptr);
  EXPECT_EQ(*cfg.to_string(), "user: root@pam\n\tcomment Superuser\n");
}

TEST(UserConfigTest, ReadAndModifyOnDisk) {
  test::TempDir dir;
  config::ConfigDir cdir(dir.path());
  auto empty = UserConfig::read(cdir);
  ASSERT_TRUE(empty.has_value()) << empty.error().to_string();
  ASSERT_NE(empty->first.find_user(uid("root@pam")), nullptr);
  const std::string digest = empty->second;

  ASSERT_TRUE(UserConfig::modify(cdir, digest, [](UserConfig& cfg) {
    User u;
    u.userid = uid("alice@pbs");
    return cfg.set_user(u);
  }));
  auto text = fs::read_text_file(dir.path() / "user.cfg", 1 << 20);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "user: root@pam\n\tcomment Superuser\n\nuser: alice@pbs\n");

  // The old digest is stale now.
  auto stale = UserConfig::modify(cdir, digest, [](UserConfig&) { return ok(); });
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), Errc::Conflict);
}

}  // namespace
}  // namespace ferry::auth

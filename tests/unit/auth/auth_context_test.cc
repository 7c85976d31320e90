#include "auth/auth_context.h"

#include <gtest/gtest.h>

#include <deque>

#include "auth/acl_config.h"
#include "auth/pbs_authenticator.h"
#include "auth/token_shadow.h"
#include "common/fs.h"
#include "support/manual_clock.h"
#include "support/temp_dir.h"

namespace ferry::auth {
namespace {

constexpr int64_t kT0 = 1700000000;

class AuthContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::atomic_replace(dir_.path() / "user.cfg",
                                   std::string_view("user: alice@pbs\n\n"
                                                    "token: alice@pbs!backup\n\n"
                                                    "token: alice@pbs!off\n\tenable false\n\n"
                                                    "token: alice@pbs!old\n\texpire 1600000000\n\n"
                                                    "token: alice@pbs!nosecret\n\n"
                                                    "user: bob@pbs\n\n"
                                                    "user: carol@pbs\n\tenable false\n")));
    PbsAuthenticator pbs(cdir_, HashScheme::Sha256Crypt);
    ASSERT_TRUE(pbs.store_password("alice", "alice-pw"));
    ASSERT_TRUE(pbs.store_password("bob", "bob-pw"));
    ASSERT_TRUE(pbs.store_password("carol", "carol-pw"));
    TokenShadow tokens(cdir_, HashScheme::Sha256Crypt);
    ASSERT_TRUE(tokens.set_secret(*types::Authid::parse("alice@pbs!backup"), kSecret));
    ASSERT_TRUE(tokens.set_secret(*types::Authid::parse("alice@pbs!off"), kSecret));
    ASSERT_TRUE(tokens.set_secret(*types::Authid::parse("alice@pbs!old"), kSecret));
    auto ctx = AuthContext::open(cdir_, clock_);
    ASSERT_TRUE(ctx.has_value()) << ctx.error().to_string();
    ctx_ = std::move(*ctx);
  }

  LoginResult login(std::string_view user, std::string_view password) {
    auto res = ctx_->create_ticket(user, password);
    EXPECT_TRUE(res.has_value()) << user << ": " << res.error().to_string();
    return res ? *res : LoginResult{*types::Userid::parse("x@pbs"), "", ""};
  }

  // The error message of check_auth, or "ok:<authid>".
  std::string check(const AuthRequest& req) {
    auto id = ctx_->check_auth(req);
    if (id) return "ok:" + id->to_string();
    EXPECT_EQ(id.error().code(), Errc::Unauthenticated);
    return id.error().message();
  }

  // The request holds views: the strings live in storage_ for the whole test.
  AuthRequest with_cookie(std::string_view method, std::string cookie) {
    storage_.push_back(std::move(cookie));
    AuthRequest req;
    req.method = method;
    req.cookie_headers = {storage_.back()};
    return req;
  }

  AuthRequest with_token(std::string header) {
    storage_.push_back(std::move(header));
    AuthRequest req;
    req.method = "POST";
    req.authorization = storage_.back();
    return req;
  }

  std::deque<std::string> storage_;

  static constexpr std::string_view kSecret = "0b1e3c3a-5d0f-4c3e-9a51-2f6b3c2d1e00";
  test::TempDir dir_;
  config::ConfigDir cdir_{dir_.path()};
  test::ManualClock clock_{kT0};
  std::unique_ptr<AuthContext> ctx_;
};

TEST_F(AuthContextTest, NoCredentials) {
  AuthRequest req;
  req.method = "GET";
  EXPECT_EQ(check(req), "authentication failed - no authentication credentials provided.");
  req.cookie_headers = {"other=1; x=2"};
  req.authorization = "Basic abc";
  EXPECT_EQ(check(req), "authentication failed - no authentication credentials provided.");
  req.authorization = "PBSAPIToken";
  EXPECT_EQ(check(req), "authentication failed - no authentication credentials provided.");
}

TEST_F(AuthContextTest, LoginTicketAuthenticatesGetRequests) {
  LoginResult res = login("alice@pbs", "alice-pw");
  EXPECT_EQ(res.username.to_string(), "alice@pbs");
  EXPECT_TRUE(res.ticket.starts_with("PBS:alice@pbs:6553F100::")) << res.ticket;
  EXPECT_TRUE(res.csrf_token.starts_with("6553F100:")) << res.csrf_token;
  EXPECT_EQ(check(with_cookie("GET", "PBSAuthCookie=" + res.ticket)), "ok:alice@pbs");
  // Other cookies around it, whitespace, and the PBS client's percent-encoding.
  std::string encoded = res.ticket;
  EXPECT_EQ(check(with_cookie("GET", "a=b;  PBSAuthCookie = " + encoded + " ; c=d")),
            "ok:alice@pbs");
  std::string pct = "PBS%3Aalice%40pbs" + res.ticket.substr(res.ticket.find(":6553F100"));
  EXPECT_EQ(check(with_cookie("GET", "PBSAuthCookie=" + pct)), "ok:alice@pbs");
}

TEST_F(AuthContextTest, NonGetTicketRequestsNeedTheCsrfToken) {
  LoginResult alice = login("alice@pbs", "alice-pw");
  LoginResult bob = login("bob@pbs", "bob-pw");
  AuthRequest req = with_cookie("POST", "PBSAuthCookie=" + alice.ticket);
  EXPECT_EQ(check(req), "authentication failed - missing CSRF prevention token");
  req.csrf_token = alice.csrf_token;
  EXPECT_EQ(check(req), "ok:alice@pbs");
  req.csrf_token = bob.csrf_token;
  EXPECT_EQ(check(req), "authentication failed - invalid csrf token - invalid signature.");
  req.method = "DELETE";
  req.csrf_token = "garbage";
  EXPECT_EQ(check(req),
            "authentication failed - invalid csrf token - format error - wrong number of parts.");
  // API tokens never need it.
  EXPECT_EQ(check(with_token("PBSAPIToken=alice@pbs!backup:" + std::string(kSecret))),
            "ok:alice@pbs!backup");
}

TEST_F(AuthContextTest, TicketFailures) {
  LoginResult alice = login("alice@pbs", "alice-pw");
  clock_.advance(std::chrono::seconds(7201));
  EXPECT_EQ(check(with_cookie("GET", "PBSAuthCookie=" + alice.ticket)),
            "authentication failed - invalid ticket - expired");
  clock_.set_epoch(kT0 - 301);
  EXPECT_EQ(check(with_cookie("GET", "PBSAuthCookie=" + alice.ticket)),
            "authentication failed - invalid ticket - timestamp newer than expected");
  clock_.set_epoch(kT0);
  std::string tampered = alice.ticket;
  tampered.replace(4, 5, "bob@p");  // "alice" -> "bob@p": another user, old signature
  EXPECT_EQ(check(with_cookie("GET", "PBSAuthCookie=" + tampered)),
            "authentication failed - ticket with invalid signature");
  // A cookie always wins over an API-token header, even when the ticket is bad.
  AuthRequest both = with_cookie("GET", "PBSAuthCookie=" + tampered);
  both.authorization = "PBSAPIToken=alice@pbs!backup:" + std::string(kSecret);
  EXPECT_EQ(check(both), "authentication failed - ticket with invalid signature");
}

TEST_F(AuthContextTest, HostCookieWinsInAnyHeader) {
  LoginResult alice = login("alice@pbs", "alice-pw");
  LoginResult bob = login("bob@pbs", "bob-pw");
  AuthRequest req;
  req.method = "GET";
  const std::string plain = "PBSAuthCookie=" + bob.ticket;
  const std::string host = "__Host-PBSAuthCookie=" + alice.ticket;
  req.cookie_headers = {plain, host};
  EXPECT_EQ(check(req), "ok:alice@pbs");
  req.cookie_headers = {host, plain};
  EXPECT_EQ(check(req), "ok:alice@pbs");
}

TEST_F(AuthContextTest, DisabledUserLosesTicketAccess) {
  LoginResult alice = login("alice@pbs", "alice-pw");
  ASSERT_TRUE(UserConfig::modify(cdir_, std::nullopt, [](UserConfig& cfg) {
    User u = *cfg.find_user(*types::Userid::parse("alice@pbs"));
    u.enable = false;
    return cfg.set_user(u);
  }));
  EXPECT_EQ(check(with_cookie("GET", "PBSAuthCookie=" + alice.ticket)),
            "authentication failed - user account disabled or expired.");
}

TEST_F(AuthContextTest, ApiTokenHeader) {
  const std::string s(kSecret);
  struct Case {
    std::string header;
    std::string result;
  };
  const Case cases[] = {
      {"PBSAPIToken=alice@pbs!backup:" + s, "ok:alice@pbs!backup"},
      {"PBSAPIToken alice@pbs!backup:" + s, "ok:alice@pbs!backup"},
      {"PBSAPIToken=alice@pbs!backup:0b1e3c3a%2D5d0f-4c3e-9a51-2f6b3c2d1e00", "ok:alice@pbs!backup"},
      {"PBSAPIToken=alice@pbs!backup:wrong", "authentication failed - invalid credentials"},
      {"PBSAPIToken=alice@pbs!backup", "authentication failed - failed to split API token header"},
      {"PBSAPIToken=alice@pbs!backup:%ff", "authentication failed - failed to decode API token header"},
      {"PBSAPIToken=alice@pbs!off:" + s,
       "authentication failed - user account or token disabled or expired."},
      {"PBSAPIToken=alice@pbs!old:" + s,
       "authentication failed - user account or token disabled or expired."},
      {"PBSAPIToken=alice@pbs!unknown:" + s,
       "authentication failed - user account or token disabled or expired."},
      {"PBSAPIToken=carol@pbs!t:" + s,
       "authentication failed - user account or token disabled or expired."},
      {"PBSAPIToken=alice@pbs!nosecret:" + s, "authentication failed - invalid API token"},
      {"PBSAPIToken=alice@pbs:" + s, "authentication failed - not an API token ID"},
  };
  for (const auto& c : cases) EXPECT_EQ(check(with_token(c.header)), c.result) << c.header;
  auto bad_id = ctx_->check_auth(with_token("PBSAPIToken=nonsense:" + s));
  ASSERT_FALSE(bad_id.has_value());
  EXPECT_TRUE(bad_id.error().message().starts_with("authentication failed - invalid")) << bad_id.error().message();
}

TEST_F(AuthContextTest, LoginFailuresRevealNothing) {
  const std::pair<std::string, std::string> cases[] = {
      {"alice@pbs", "wrong"},   {"nobody@pbs", "alice-pw"}, {"carol@pbs", "carol-pw"},
      {"alice@ldap", "alice-pw"}, {"not-a-userid", "x"},    {"alice@pbs!backup", std::string(kSecret)},
  };
  for (const auto& [user, password] : cases) {
    auto res = ctx_->create_ticket(user, password);
    ASSERT_FALSE(res.has_value()) << user;
    EXPECT_EQ(res.error().code(), Errc::Unauthenticated) << user;
    EXPECT_EQ(res.error().message(), "permission check failed.") << user;
  }
}

TEST_F(AuthContextTest, TicketRenewalWithoutPassword) {
  LoginResult first = login("alice@pbs", "alice-pw");
  clock_.advance(std::chrono::minutes(15));
  LoginResult renewed = login("alice@pbs", first.ticket);
  EXPECT_NE(renewed.ticket, first.ticket);
  EXPECT_TRUE(renewed.ticket.starts_with("PBS:alice@pbs:6553F484::")) << renewed.ticket;
  // The renewed ticket outlives the first one.
  clock_.set_epoch(kT0 + 7200 + 60);
  EXPECT_EQ(check(with_cookie("GET", "PBSAuthCookie=" + first.ticket)),
            "authentication failed - invalid ticket - expired");
  EXPECT_EQ(check(with_cookie("GET", "PBSAuthCookie=" + renewed.ticket)), "ok:alice@pbs");

  // Someone else's ticket, or an expired one, is no password.
  LoginResult bob = login("bob@pbs", "bob-pw");
  EXPECT_FALSE(ctx_->create_ticket("alice@pbs", bob.ticket).has_value());
  clock_.advance(std::chrono::hours(3));
  EXPECT_FALSE(ctx_->create_ticket("bob@pbs", bob.ticket).has_value());
}

TEST_F(AuthContextTest, VerifyOnlyContextChecksButCannotIssue) {
  auto verifier = AuthContext::open(cdir_, clock_, AuthContext::KeyMode::VerifyOnly);
  ASSERT_TRUE(verifier.has_value()) << verifier.error().to_string();
  LoginResult alice = login("alice@pbs", "alice-pw");
  AuthRequest req = with_cookie("PUT", "PBSAuthCookie=" + alice.ticket);
  req.csrf_token = alice.csrf_token;
  auto id = (*verifier)->check_auth(req);
  ASSERT_TRUE(id.has_value()) << id.error().to_string();
  EXPECT_EQ(id->to_string(), "alice@pbs");
  auto issue = (*verifier)->create_ticket("alice@pbs", "alice-pw");
  ASSERT_FALSE(issue.has_value());
  EXPECT_EQ(issue.error().code(), Errc::Internal);

  test::TempDir empty;
  EXPECT_FALSE(
      AuthContext::open(config::ConfigDir(empty.path()), clock_, AuthContext::KeyMode::VerifyOnly)
          .has_value());
}

TEST_F(AuthContextTest, UserInfoFollowsConfigChanges) {
  const auto alice = *types::Authid::parse("alice@pbs");
  auto before = ctx_->user_info();
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ((*before)->lookup_privs(alice, "/datastore/s"), 0u);
  EXPECT_EQ(ctx_->user_info()->get(), before->get());  // cached while nothing changed
  ASSERT_TRUE(AclConfig::modify(cdir_, std::nullopt, [&](AclTree& tree) {
    return tree.insert_user_role("/datastore", alice, "DatastoreAudit", true);
  }));
  auto after = ctx_->user_info();
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ((*after)->lookup_privs(alice, "/datastore/s"), kPrivDatastoreAudit);
}

TEST(ExtractCookieTest, FollowsPbsRules) {
  EXPECT_EQ(extract_cookie("a=1; b=2", "b"), "2");
  EXPECT_EQ(extract_cookie(" b = x%20y ", "b"), "x y");
  EXPECT_EQ(extract_cookie("b=1; b=2", "b"), "1");
  EXPECT_EQ(extract_cookie("a=1", "b"), std::nullopt);
  EXPECT_EQ(extract_cookie("junk; b=2", "b"), std::nullopt);  // a pair without '=' stops
  EXPECT_EQ(extract_cookie("b=%ff", "b"), std::nullopt);
  EXPECT_EQ(extract_cookie("b=v=w", "b"), "v=w");
  EXPECT_EQ(extract_cookie("", "b"), std::nullopt);
}

}  // namespace
}  // namespace ferry::auth

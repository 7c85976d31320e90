// Authentication over HTTPS against the in-process API (auth.md §2–§4, api.md §2–§3): login
// with password and token, CSRF enforcement, ticket renewal and expiry, indistinguishable
// login failures, and the 4xx answers to malformed requests.
#include <gtest/gtest.h>

#include "integration/api_harness.h"

namespace ferry::test {
namespace {

using nlohmann::json;

class ApiAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.add_user("admin@pbs", "admin-secret");
    server_.grant("/", "admin@pbs", "Admin");
  }
  ApiTestServer server_{/*with_store=*/false};
};

TEST_F(ApiAuthTest, LoginWithPasswordReturnsTicketAndCsrfToken) {
  auto r = server_.call("POST", "/access/ticket", {},
                        {{"username", "admin@pbs"}, {"password", "admin-secret"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.data();
  EXPECT_EQ(d["username"], "admin@pbs");
  EXPECT_TRUE(d["ticket"].get<std::string>().starts_with("PBS:admin@pbs:")) << d.dump();
  EXPECT_FALSE(d["CSRFPreventionToken"].get<std::string>().empty());
}

TEST_F(ApiAuthTest, LoginAcceptsFormEncodedParameters) {
  auto r = https_request(server_.port(), "POST", "/api2/json/access/ticket",
                         {{"Content-Type", "application/x-www-form-urlencoded"}},
                         "username=admin%40pbs&password=admin-secret");
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(ApiAuthTest, WrongPasswordAndUnknownUserFailTheSameWay) {
  auto wrong = server_.call("POST", "/access/ticket", {},
                            {{"username", "admin@pbs"}, {"password", "nope"}});
  auto unknown = server_.call("POST", "/access/ticket", {},
                              {{"username", "ghost@pbs"}, {"password", "nope"}});
  auto realm = server_.call("POST", "/access/ticket", {},
                            {{"username", "admin@nowhere"}, {"password", "nope"}});
  for (const auto* r : {&wrong, &unknown, &realm}) {
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(r->body, "permission check failed.");
  }
}

TEST_F(ApiAuthTest, TicketAuthenticatesGetWithoutCsrfToken) {
  auto cred = server_.login("admin@pbs", "admin-secret");
  ASSERT_TRUE(cred.ticket);
  Credentials no_csrf{cred.ticket, std::nullopt, std::nullopt};
  auto r = server_.call("GET", "/version", no_csrf);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.data()["version"], "3.2");
}

TEST_F(ApiAuthTest, WritesWithTicketNeedAValidCsrfToken) {
  auto cred = server_.login("admin@pbs", "admin-secret");
  const json remote = {{"name", "pbs2"},      {"host", "pbs2.example"},
                       {"auth-id", "sync@pbs"}, {"password", "x"}};
  Credentials missing{cred.ticket, std::nullopt, std::nullopt};
  auto r = server_.call("POST", "/config/remote", missing, remote);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, "authentication failed - missing CSRF prevention token");

  Credentials wrong{cred.ticket, std::string("5F000000:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                    std::nullopt};
  r = server_.call("POST", "/config/remote", wrong, remote);
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(r.body.starts_with("authentication failed - invalid csrf token")) << r.body;

  r = server_.call("POST", "/config/remote", cred, remote);
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(ApiAuthTest, CsrfTokenOfAnotherUserIsRejected) {
  server_.add_user("other@pbs", "other-secret");
  auto admin = server_.login("admin@pbs", "admin-secret");
  auto other = server_.login("other@pbs", "other-secret");
  Credentials mixed{admin.ticket, other.csrf, std::nullopt};
  auto r = server_.call("DELETE", "/config/remote/nothere", mixed);
  EXPECT_EQ(r.status, 401) << r.body;
}

TEST_F(ApiAuthTest, TicketExpiresAfterTwoHours) {
  auto cred = server_.login("admin@pbs", "admin-secret");
  server_.clock().advance(std::chrono::seconds(7000));
  EXPECT_EQ(server_.call("GET", "/version", cred).status, 200);
  server_.clock().advance(std::chrono::seconds(201));
  auto r = server_.call("GET", "/version", cred);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, "authentication failed - invalid ticket - expired");
}

TEST_F(ApiAuthTest, TicketRenewalIssuesAFreshTicket) {
  auto cred = server_.login("admin@pbs", "admin-secret");
  server_.clock().advance(std::chrono::seconds(3600));
  auto renewed = server_.login("admin@pbs", *cred.ticket);
  ASSERT_TRUE(renewed.ticket);
  server_.clock().advance(std::chrono::seconds(3700));
  EXPECT_EQ(server_.call("GET", "/version", cred).status, 401);
  EXPECT_EQ(server_.call("GET", "/version", renewed).status, 200);
}

TEST_F(ApiAuthTest, TicketOfAnotherUserCannotBeRenewedForSomeoneElse) {
  server_.add_user("other@pbs", "other-secret");
  auto other = server_.login("other@pbs", "other-secret");
  auto r = server_.call("POST", "/access/ticket", {},
                        {{"username", "admin@pbs"}, {"password", *other.ticket}});
  EXPECT_EQ(r.status, 401);
}

TEST_F(ApiAuthTest, DisabledUserCanNeitherLoginNorUseItsTicket) {
  auto cred = server_.login("admin@pbs", "admin-secret");
  server_.add_user("temp@pbs", "temp-secret");
  auto temp = server_.login("temp@pbs", "temp-secret");
  ASSERT_TRUE(temp.ticket);
  auto r = server_.call("PUT", "/access/users/temp@pbs", cred, {{"enable", false}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(server_.call("GET", "/version", temp).status, 401);
  EXPECT_FALSE(server_.login("temp@pbs", "temp-secret").ticket);
}

TEST_F(ApiAuthTest, ApiTokenAuthenticatesWithEqualsOrSpace) {
  const std::string secret = server_.add_token("admin@pbs!ci");
  auto r = server_.call("GET", "/version", token_credentials("admin@pbs!ci", secret));
  EXPECT_EQ(r.status, 200) << r.body;
  auto spaced = https_request(server_.port(), "GET", "/api2/json/version",
                              {{"Authorization", "PBSAPIToken admin@pbs!ci:" + secret}}, "");
  EXPECT_EQ(spaced.status, 200) << spaced.body;
  // Writes with a token need no CSRF token.
  r = server_.call("POST", "/config/remote", token_credentials("admin@pbs!ci", secret),
                   {{"name", "pbs2"}, {"host", "h"}, {"auth-id", "a@pbs"}, {"password", "x"}});
  EXPECT_EQ(r.status, 403) << "a token without own ACL has no privileges: " << r.body;
}

TEST_F(ApiAuthTest, WrongTokenSecretOrUnknownTokenIs401) {
  server_.add_token("admin@pbs!ci");
  auto r = server_.call("GET", "/version", token_credentials("admin@pbs!ci", "wrong"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, "authentication failed - invalid credentials");
  r = server_.call("GET", "/version", token_credentials("admin@pbs!nope", "wrong"));
  EXPECT_EQ(r.status, 401);
}

TEST_F(ApiAuthTest, MissingCredentialsAre401EvenForUnknownPaths) {
  auto r = server_.call("GET", "/version", {});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, "authentication failed - no authentication credentials provided.");
  EXPECT_EQ(server_.call("GET", "/no/such/path", {}).status, 401);
  auto cred = server_.login("admin@pbs", "admin-secret");
  r = server_.call("GET", "/no/such/path", cred);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "Path '/api2/json/no/such/path' not found.");
}

TEST_F(ApiAuthTest, GarbledTicketIs401) {
  Credentials bad{std::string("PBS:admin@pbs:5F000000::garbage"), std::nullopt, std::nullopt};
  auto r = server_.call("GET", "/version", bad);
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(r.body.starts_with("authentication failed - ")) << r.body;
}

TEST_F(ApiAuthTest, PingAndDomainsNeedNoAuthentication) {
  auto r = server_.call("GET", "/ping", {});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.data()["pong"], true);
  r = server_.call("GET", "/access/domains", {});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.data().size(), 2u);
}

struct BadRequestCase {
  std::string method;
  std::string target;  // below /api2/json
  std::string content_type;
  std::string body;
  int status;
};

TEST_F(ApiAuthTest, MalformedRequestsGetTheRight4xx) {
  auto cred = server_.login("admin@pbs", "admin-secret");
  const std::vector<BadRequestCase> cases = {
      {"POST", "/config/remote", "application/json", "{not json", 400},
      {"POST", "/config/remote", "application/json", "[1,2]", 400},
      {"POST", "/config/remote", "application/json",
       R"({"name":"pbs2","host":"h","auth-id":"a@pbs","password":"x","bogus":1})", 400},
      {"POST", "/config/remote", "application/json",
       R"({"name":"pbs2","host":"h","auth-id":"a@pbs","password":"x","port":"7"})", 400},
      {"POST", "/config/remote", "text/plain", "name=x", 400},
      {"GET", "/config/remote/..%2Fetc", "", "", 400},
      {"GET", "/config/remote/../../etc/passwd", "", "", 400},
      {"GET", "/config/remote/.hidden", "", "", 400},
      {"GET", "/admin/datastore/store1/snapshots?backup-type=vm&backup-id=..", "", "", 400},
      {"GET", "/admin/datastore/store1/groups?ns=a/../b", "", "", 400},
      {"GET", "/nodes/localhost/tasks/UPID%3Anot-a-upid/status", "", "", 400},
      {"GET", "/version?unknown=1", "", "", 400},
      {"PUT", "/access/users/admin@pbs?expire=soon", "", "", 400},
      {"GET", "/api2/xml/version", "", "", 400},
  };
  for (const auto& c : cases) {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Cookie", "PBSAuthCookie=" + *cred.ticket}, {"CSRFPreventionToken", *cred.csrf}};
    if (!c.content_type.empty()) headers.emplace_back("Content-Type", c.content_type);
    const std::string target =
        c.target.starts_with("/api2/") ? c.target : "/api2/json" + c.target;
    auto r = https_request(server_.port(), c.method, target, headers, c.body);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.target << " " << c.body << " -> "
                                  << r.body;
  }
}

}  // namespace
}  // namespace ferry::test

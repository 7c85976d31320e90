// HttpClient against the loopback test server: certificate pinning, login and tickets, API
// tokens, REST parameter encoding, error mapping and network failures.
#include "client/http_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/manual_clock.h"
#include "test_server.h"

namespace ferry::client {
namespace {

using namespace std::chrono_literals;
using test::RecordedRequest;
using test::RestReply;
using test::TestServer;

constexpr const char* kTokenSecret = "f3b1c6e2-0c55-4c7b-9a3e-4d8f1a2b3c4d";

TestServer::Config rest_config() {
  TestServer::Config config;
  config.rest = [](const RecordedRequest& r) -> RestReply {
    if (r.target.rfind("/api2/json/version", 0) == 0) {
      return {200, R"({"data":{"version":"3.2","release":"4"}})"};
    }
    if (r.target.rfind("/api2/json/config/remote", 0) == 0) {
      return {200, R"({"data":[{"name":"r1"}],"digest":"abcd"})"};
    }
    if (r.target == "/api2/json/slow") return {200, R"({"data":1})", 2000ms};
    if (r.target == "/api2/json/truncated")
      return {200, R"({"data":"0123456789abcdef"})", 0ms, true};
    if (r.target.rfind("/api2/json/echo", 0) == 0) return {200, R"({"data":null})"};
    return {404, "no such remote 'x'"};
  };
  config.h2_handler = [] { return std::shared_ptr<test::TestH2Handler>(); };
  return config;
}

HttpClientOptions token_options(const TestServer& server) {
  HttpClientOptions o;
  o.host = "127.0.0.1";
  o.port = server.port();
  o.fingerprint = server.fingerprint();
  o.auth_id = *types::Authid::parse("sync@pbs!job1");
  o.secret = kTokenSecret;
  return o;
}

HttpClientOptions password_options(const TestServer& server) {
  HttpClientOptions o = token_options(server);
  o.auth_id = *types::Authid::parse("sync@pbs");
  o.secret = "secret";
  return o;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

TEST(HttpClientTest, WrongFingerprintIsRefusedBeforeAnyCredentialIsSent) {
  for (bool token : {true, false}) {
    TestServer server(rest_config());
    auto options = token ? token_options(server) : password_options(server);
    options.fingerprint = test::wrong_fingerprint();
    auto client = *HttpClient::create(options);
    auto r = client->get("/api2/json/version");
    ASSERT_FALSE(r) << (token ? "token" : "password");
    EXPECT_EQ(r.error().code(), Errc::Unauthenticated) << r.error().to_string();
    EXPECT_EQ(r.error().to_string(),
              fmt::format("certificate fingerprint mismatch for '127.0.0.1:{}': expected {}, "
                          "presented {}",
                          server.port(), test::wrong_fingerprint(), server.fingerprint()));
    EXPECT_GE(server.tls_handshakes(), 1u);
    // Nothing at all reached HTTP — in particular no Authorization or Cookie header.
    for (const RecordedRequest& req : server.requests()) {
      EXPECT_FALSE(req.has_header("authorization")) << req.target;
      EXPECT_FALSE(req.has_header("cookie")) << req.target;
    }
    EXPECT_TRUE(server.requests().empty());
  }
}

TEST(HttpClientTest, UntrustedCertificateWithoutFingerprintIsRefused) {
  TestServer server(rest_config());
  auto options = token_options(server);
  options.fingerprint.reset();
  auto client = *HttpClient::create(options);
  auto r = client->get("/api2/json/version");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::Unauthenticated);
  EXPECT_NE(r.error().message().find("no fingerprint is configured"), std::string::npos)
      << r.error().to_string();
  EXPECT_NE(r.error().message().find(server.fingerprint()), std::string::npos)
      << r.error().to_string();
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpClientTest, FingerprintIsComparedCaseInsensitively) {
  TestServer server(rest_config());
  auto options = token_options(server);
  options.fingerprint = upper(server.fingerprint());
  auto client = *HttpClient::create(options);
  auto r = client->get("/api2/json/version");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)["version"], "3.2");
}

TEST(HttpClientTest, InvalidOptionsAreRejectedAtCreation) {
  HttpClientOptions o;
  o.host = "";
  EXPECT_EQ(HttpClient::create(o).error().code(), Errc::InvalidArgument);
  o.host = "pbs.example";
  o.fingerprint = "aa:bb";
  auto r = HttpClient::create(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::InvalidArgument);
}

TEST(HttpClientTest, ApiTokenHeaderHasThePbsSyntax) {
  TestServer server(rest_config());
  auto client = *HttpClient::create(token_options(server));
  ASSERT_TRUE(client->get("/api2/json/version"));
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].header("authorization"),
            std::string("PBSAPIToken sync@pbs!job1:") + kTokenSecret);
  EXPECT_FALSE(requests[0].has_header("cookie"));
  EXPECT_EQ(requests[0].header("user-agent"), "proxmox-backup-client/1.0");
  EXPECT_EQ(requests[0].header("host"), fmt::format("127.0.0.1:{}", server.port()));
}

TEST(HttpClientTest, LoginSendsTicketCookieAndCsrfToken) {
  TestServer server(rest_config());
  auto client = *HttpClient::create(password_options(server));
  ASSERT_TRUE(client->post("/api2/json/echo", {{"a", 1}}));
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/api2/json/access/ticket");
  EXPECT_EQ(requests[0].header("content-type"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(requests[0].body),
            (nlohmann::json{{"username", "sync@pbs"}, {"password", "secret"}}));
  EXPECT_FALSE(requests[0].has_header("cookie"));
  EXPECT_EQ(requests[1].header("cookie"), "PBSAuthCookie=PBS:sync@pbs:00000001::c2lnbmF0dXJl");
  EXPECT_EQ(requests[1].header("csrfpreventiontoken"), "00000001:Y3NyZg");
  EXPECT_FALSE(requests[1].has_header("authorization"));
}

TEST(HttpClientTest, TicketIsRenewedAfterFifteenMinutesAndReplacedAfterTwoHours) {
  TestServer server(rest_config());
  ferry::test::ManualClock clock;
  auto options = password_options(server);
  options.clock = &clock;
  auto client = *HttpClient::create(options);
  ASSERT_TRUE(client->login());
  ASSERT_TRUE(client->get("/api2/json/version"));
  clock.advance(14min);
  ASSERT_TRUE(client->get("/api2/json/version"));
  EXPECT_EQ(server.logins(), 1u) << "a 14 minute old ticket is still used as is";
  clock.advance(2min);
  ASSERT_TRUE(client->get("/api2/json/version"));
  EXPECT_EQ(server.logins(), 2u);
  clock.advance(3h);
  ASSERT_TRUE(client->get("/api2/json/version"));
  EXPECT_EQ(server.logins(), 3u);

  std::vector<std::string> passwords;
  for (const auto& r : server.requests()) {
    if (r.target == "/api2/json/access/ticket") {
      passwords.push_back(nlohmann::json::parse(r.body)["password"].get<std::string>());
    }
  }
  // Renewal after 16 minutes logs in with the ticket itself; after 3 h it has expired and the
  // password is used again.
  EXPECT_EQ(passwords,
            (std::vector<std::string>{"secret", "PBS:sync@pbs:00000001::c2lnbmF0dXJl", "secret"}));
}

TEST(HttpClientTest, BadPasswordIsUnauthenticatedWithTheServerMessage) {
  TestServer server(rest_config());
  auto options = password_options(server);
  options.secret = "wrong";
  auto client = *HttpClient::create(options);
  auto r = client->get("/api2/json/version");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::Unauthenticated);
  EXPECT_EQ(r.error().message(), "permission check failed.");
}

TEST(HttpClientTest, GetSendsParamsInTheQueryAndPostAsJsonBody) {
  TestServer server(rest_config());
  auto client = *HttpClient::create(token_options(server));
  nlohmann::json params = {{"store", "a b"}, {"ns", "x/y"}, {"delete", {"comment", "port"}}};
  ASSERT_TRUE(client->get("/api2/json/echo", params));
  ASSERT_TRUE(client->put("/api2/json/echo", params));
  ASSERT_TRUE(client->del("/api2/json/echo"));
  ASSERT_TRUE(client->post("/api2/json/echo", params));
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  const std::string query = "delete=comment&delete=port&ns=x%2Fy&store=a+b";
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/api2/json/echo?" + query);
  EXPECT_EQ(requests[0].header("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(requests[0].body, "");
  EXPECT_EQ(requests[1].method, "PUT");
  EXPECT_EQ(requests[1].target, "/api2/json/echo?" + query);
  EXPECT_EQ(requests[2].method, "DELETE");
  EXPECT_EQ(requests[2].target, "/api2/json/echo");
  EXPECT_EQ(requests[3].method, "POST");
  EXPECT_EQ(requests[3].target, "/api2/json/echo");
  EXPECT_EQ(requests[3].header("content-type"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(requests[3].body), params);
}

TEST(HttpClientTest, RequestReturnsTheWholeEnvelope) {
  TestServer server(rest_config());
  auto client = *HttpClient::create(token_options(server));
  auto envelope = client->request(Method::Get, "/api2/json/config/remote");
  ASSERT_TRUE(envelope) << envelope.error().to_string();
  EXPECT_EQ((*envelope)["digest"], "abcd");
  auto data = client->get("/api2/json/config/remote");
  ASSERT_TRUE(data);
  EXPECT_EQ((*data)[0]["name"], "r1");
}

TEST(HttpClientTest, ErrorStatusMapsToErrcWithTheServersMessage) {
  TestServer server(rest_config());
  auto client = *HttpClient::create(token_options(server));
  auto r = client->del("/api2/json/config/x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::NotFound);
  EXPECT_EQ(r.error().to_string(),
            "DELETE /api2/json/config/x failed with status 404: no such remote 'x'");
}

TEST(HttpClientTest, KeepAliveReusesOneConnection) {
  TestServer server(rest_config());
  auto client = *HttpClient::create(token_options(server));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client->get("/api2/json/version"));
  EXPECT_EQ(server.tls_handshakes(), 1u);
}

TEST(HttpClientTest, ConnectionRefusedIsUnavailable) {
  uint16_t port;
  {
    boost::asio::io_context ctx;
    boost::asio::ip::tcp::acceptor a(
        ctx, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }
  HttpClientOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  auto client = *HttpClient::create(o);
  auto r = client->get("/api2/json/version");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::Unavailable);
  EXPECT_EQ(r.error().to_string(),
            fmt::format("connect to '127.0.0.1:{}': connection refused", port));
}

TEST(HttpClientTest, SlowResponseTimesOut) {
  TestServer server(rest_config());
  auto options = token_options(server);
  options.request_timeout = 300ms;
  auto client = *HttpClient::create(options);
  auto began = std::chrono::steady_clock::now();
  auto r = client->get("/api2/json/slow");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::Timeout) << r.error().to_string();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 1500ms);
}

TEST(HttpClientTest, TruncatedResponseIsUnavailable) {
  TestServer server(rest_config());
  auto client = *HttpClient::create(token_options(server));
  auto r = client->get("/api2/json/truncated");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::Unavailable);
  EXPECT_NE(r.error().message().find("truncated response"), std::string::npos)
      << r.error().to_string();
}

TEST(HttpClientTest, RefusedUpgradeReturnsTheServersMessage) {
  auto config = rest_config();
  config.upgrade_status = 403;
  config.upgrade_error = "missing permissions 'Datastore.Backup' on '/datastore/store1'";
  TestServer server(config);
  auto client = *HttpClient::create(token_options(server));
  auto session =
      client->start_h2("/api2/json/backup", "store=store1", "proxmox-backup-protocol-v1");
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().code(), Errc::PermissionDenied);
  EXPECT_EQ(session.error().message(), config.upgrade_error);
}

}  // namespace
}  // namespace ferry::client

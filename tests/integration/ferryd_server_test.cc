// ferryd as a process: first start (config dir, certificate), authentication with a user that
// ferry-manager created while the server runs, the version and certificate endpoints over
// TLS 1.2 and 1.3, plain HTTP on the TLS port, and graceful SIGTERM.
// The in-process Server tests (timeouts, limits, concurrency, upgrade hand-off) are in
// tests/unit/http/server_test.cc.
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "http/certificate.h"
#include "integration/api_harness.h"
#include "integration/manager_cli_harness.h"
#include "support/ferryd_process.h"
#include "support/temp_dir.h"

namespace ferry {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using nlohmann::json;

// A ferryd on 127.0.0.1 port 0 with its var directories next to the config directory.
test::FerrydProcess ferryd_for(const std::filesystem::path& config_dir, std::string listen = "") {
  return test::FerrydProcess(test::FerrydOptions{
      .config_dir = config_dir, .var_dir = config_dir.parent_path(), .listen = std::move(listen)});
}

struct Reply {
  int status = 0;
  std::string body;
  int tls_version = 0;
};

// One HTTPS GET with the TLS version pinned (0 = any), with a ticket cookie when `ticket` is
// set; no certificate verification.
Reply https_get(uint16_t port, const std::string& target, int tls_version = 0,
                const std::string& ticket = "") {
  asio::io_context io;
  ssl::context ctx(ssl::context::tls_client);
  ssl::stream<beast::tcp_stream> stream(io, ctx);
  if (tls_version != 0) {
    SSL_set_min_proto_version(stream.native_handle(), tls_version);
    SSL_set_max_proto_version(stream.native_handle(), tls_version);
  }
  auto& sock = beast::get_lowest_layer(stream).socket();
  sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  timeval tv{5, 0};
  ::setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  stream.handshake(ssl::stream_base::client);
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, "localhost");
  if (!ticket.empty()) req.set(bhttp::field::cookie, "PBSAuthCookie=" + ticket);
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(stream, buffer, res);
  return {int(res.result_int()), res.body(), SSL_version(stream.native_handle())};
}

std::string plain_get(uint16_t port) {
  asio::io_context io;
  tcp::socket sock(io);
  sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  timeval tv{5, 0};
  ::setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  asio::write(sock, asio::buffer(std::string_view("GET / HTTP/1.1\r\nHost: node1:8007\r\n\r\n")));
  std::string out;
  char buf[1024];
  boost::system::error_code ec;
  while (!ec) out.append(buf, sock.read_some(asio::buffer(buf), ec));
  return out;
}


// ferry-manager <args> --config-dir <dir>; fails the test unless it succeeds.
void manager(const std::filesystem::path& dir, std::vector<std::string> args,
             const std::filesystem::path& scratch) {
  args.insert(args.begin(), test::kManagerBin);
  args.push_back("--config-dir");
  args.push_back(dir.string());
  const auto r = test::run_process(args, {{"FERRY_CONFIG_DIR", ""}}, scratch);
  EXPECT_EQ(r.status, 0) << r.err;
}

// POST /access/ticket; the ticket, or "" on failure.
std::string login(uint16_t port, const std::string& user, const std::string& password) {
  const auto r = test::https_request(port, "POST", "/api2/json/access/ticket",
                                     {{"Content-Type", "application/x-www-form-urlencoded"}},
                                     "username=" + user + "&password=" + password);
  if (r.status != 200) return "";
  return r.data().value("ticket", "");
}

TEST(FerrydServerTest, FirstStartCreatesCertificateAndServesTheAuthenticatedApi) {
  test::TempDir tmp;
  auto config = tmp / "etc" / "ferry";
  auto ferryd = ferryd_for(config);
  ASSERT_EQ(ferryd.start(), "");
  const std::string fingerprint = ferryd.fingerprint();
  const uint16_t port = ferryd.port();

  struct stat st {};
  ASSERT_EQ(::stat((config / "proxy.key").c_str(), &st), 0) << ferryd.log();
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto info = http::certificate_info(config / "proxy.pem");
  ASSERT_TRUE(info) << info.error().to_string();
  EXPECT_EQ(info->fingerprint, fingerprint);

  // ferry-manager creates the administrator while ferryd runs. (Every 401 costs ferryd's 3 s
  // failure delay: this test has two; ApiAuthTest covers the rest in-process.)
  Reply anonymous = https_get(port, "/api2/json/version");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.body, "authentication failed - no authentication credentials provided.");
  manager(config, {"user", "create", "admin@pbs", "--password", "admin-secret"}, tmp.path());
  manager(config, {"acl", "update", "/", "Admin", "--auth-id", "admin@pbs"}, tmp.path());
  const std::string ticket = login(port, "admin@pbs", "admin-secret");
  ASSERT_FALSE(ticket.empty()) << ferryd.log();

  for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    Reply r = https_get(port, "/api2/json/version", version, ticket);
    EXPECT_EQ(r.tls_version, version);
    ASSERT_EQ(r.status, 200) << r.body;
    auto data = json::parse(r.body)["data"];
    EXPECT_EQ(data["version"], "3.2");
    EXPECT_EQ(data["release"], "4");
    EXPECT_TRUE(data["repoid"].is_string());
  }
  Reply cert = https_get(port, "/api2/json/nodes/localhost/certificates/info", 0, ticket);
  ASSERT_EQ(cert.status, 200) << cert.body;
  auto entry = json::parse(cert.body)["data"].at(0);
  EXPECT_EQ(entry["fingerprint"], fingerprint);
  EXPECT_EQ(entry["filename"], "proxy.pem");
  EXPECT_EQ(entry["public-key-type"], "id-ecPublicKey");
  EXPECT_EQ(entry["san"].at(0), "localhost");

  Reply missing = https_get(port, "/api2/json/nodes/localhost/nope", 0, ticket);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "Path '/api2/json/nodes/localhost/nope' not found.");
  std::string redirect = plain_get(port);
  EXPECT_EQ(redirect.rfind("HTTP/1.1 301", 0), 0u) << redirect;
  EXPECT_NE(redirect.find("Location: https://node1:8007"), std::string::npos) << redirect;

  // Removing the user takes effect at once.
  manager(config, {"user", "remove", "admin@pbs"}, tmp.path());
  EXPECT_EQ(https_get(port, "/api2/json/version", 0, ticket).status, 401);
}

TEST(FerrydServerTest, SigtermStopsGracefullyAndRestartKeepsCertificate) {
  test::TempDir tmp;
  std::string first_fp;
  {
    auto ferryd = ferryd_for(tmp / "etc");
    ASSERT_EQ(ferryd.start(), "");
    first_fp = ferryd.fingerprint();
    ferryd.signal(SIGTERM);
    EXPECT_EQ(ferryd.wait_exit(5s), 0) << ferryd.log();
    EXPECT_NE(ferryd.log().find("ferryd stopped"), std::string::npos) << ferryd.log();
  }
  auto again = ferryd_for(tmp / "etc");
  ASSERT_EQ(again.start(), "");
  EXPECT_EQ(again.fingerprint(), first_fp);
  EXPECT_EQ(again.log().find("generated self-signed certificate"), std::string::npos)
      << again.log();
  again.signal(SIGINT);
  EXPECT_EQ(again.wait_exit(5s), 0) << again.log();
}

TEST(FerrydServerTest, BadListenAddressFailsWithMessage) {
  test::TempDir tmp;
  auto ferryd = ferryd_for(tmp / "etc", "localhost:8007");
  ASSERT_EQ(ferryd.spawn(), "");
  EXPECT_EQ(ferryd.wait_exit(10s), 1) << ferryd.log();
  EXPECT_NE(ferryd.log().find("invalid listen address 'localhost:8007'"), std::string::npos)
      << ferryd.log();
}

}  // namespace
}  // namespace ferry

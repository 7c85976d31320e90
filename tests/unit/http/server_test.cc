// The HTTPS server in-process on 127.0.0.1 port 0, driven by real TLS clients (Beast, sync).
#include "http/server.h"

#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "http/api_service.h"
#include "http/blocking_pool.h"
#include "http/certificate.h"
#include "http/router.h"
#include "http/tls_context.h"
#include "http/upgrade.h"
#include "support/temp_dir.h"

namespace ferry::http {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

ServerOptions fast_options() {
  ServerOptions o;
  o.listen = {{"127.0.0.1", 0, false}};
  o.io_threads = 2;
  o.handshake_timeout = 2s;
  o.idle_timeout = 1s;
  o.header_timeout = 500ms;
  o.body_timeout = 1s;
  o.write_timeout = 2s;
  o.linger_timeout = 300ms;
  o.shutdown_grace = 2s;
  o.max_body_bytes = 1024;
  return o;
}

std::shared_ptr<Router> test_router() {
  auto router = std::make_shared<Router>();
  Route version;
  version.handler = [](ApiCall&) -> Result<json> {
    return json{{"version", "3.2"}, {"release", "4"}, {"repoid", "test"}};
  };
  router->add(Method::Get, "/version", version);
  router->add(Method::Post, "/echo",
              {.handler = [](ApiCall& call) -> Result<json> { return call.params; }});
  Route slow;
  slow.handler = [](ApiCall&) -> Result<json> {
    std::this_thread::sleep_for(500ms);  // on the blocking pool
    return json("done");
  };
  router->add(Method::Get, "/slow", slow);
  return router;
}

// Answers `Upgrade: proxmox-backup-protocol-v1` with 101 and then echoes every byte, starting
// with "LEFTOVER:<bytes the server had already read>". Never ends on its own.
class EchoUpgrade : public UpgradeHandler {
 public:
  asio::awaitable<void> run(std::shared_ptr<TlsStream> stream, std::string leftover) override {
    constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
    std::string first = "LEFTOVER:" + leftover + "\n";
    co_await asio::async_write(*stream, asio::buffer(first), nothrow);
    char buf[1024];
    for (;;) {
      auto [ec, n] = co_await stream->async_read_some(asio::buffer(buf), nothrow);
      if (ec) co_return;
      auto [wec, wn] = co_await asio::async_write(*stream, asio::buffer(buf, n), nothrow);
      if (wec) co_return;
    }
  }
};

class UpgradingHandler : public Handler {
 public:
  explicit UpgradingHandler(std::shared_ptr<Handler> next) : next_(std::move(next)) {}
  asio::awaitable<Response> handle(Request request) override {
    if (request.headers.get("Upgrade") != "proxmox-backup-protocol-v1") {
      co_return co_await next_->handle(std::move(request));
    }
    Response r;
    r.status = 101;
    r.headers.set("Connection", "upgrade");
    r.headers.set("Upgrade", "proxmox-backup-protocol-v1");
    r.upgrade = std::make_shared<EchoUpgrade>();
    co_return r;
  }

 private:
  std::shared_ptr<Handler> next_;
};

// Owns everything a running server needs. Members are destroyed bottom-up: the server before
// the pool its handlers use.
class TestServer {
 public:
  explicit TestServer(ServerOptions opts = fast_options()) : pool_(2) {
    CertificateOptions cert;
    cert.key_type = KeyType::EcP256;
    EXPECT_TRUE(generate_self_signed(dir_.path(), cert));
    auto tls = TlsContext::load(dir_.path());
    EXPECT_TRUE(tls) << tls.error().to_string();
    ApiServiceOptions api;
    auto service = std::make_shared<ApiService>(test_router(), pool_, api);
    auto server = Server::create(std::move(opts), std::move(*tls),
                                 std::make_shared<UpgradingHandler>(service));
    EXPECT_TRUE(server) << server.error().to_string();
    server_ = std::move(*server);
    server_->start();
  }

  Server& server() { return *server_; }
  uint16_t port() const { return server_->local_addresses().front().port; }
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  test::TempDir dir_;
  BlockingPool pool_;
  std::unique_ptr<Server> server_;
};

// Bounds every blocking socket call of a test client.
void set_socket_timeout(int fd, std::chrono::milliseconds t) {
  timeval tv{};
  tv.tv_sec = t.count() / 1000;
  tv.tv_usec = (t.count() % 1000) * 1000;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

using TestResponse = bhttp::response<bhttp::string_body>;

// A synchronous TLS client (no certificate verification: the server is self-signed).
class TlsClient {
 public:
  explicit TlsClient(uint16_t port, int max_version = 0, int min_version = 0)
      : ctx_(ssl::context::tls_client), stream_(io_, ctx_) {
    SSL* ssl = stream_.native_handle();  // the SSL object exists: configure it, not ctx_
    if (max_version != 0) SSL_set_max_proto_version(ssl, max_version);
    if (min_version != 0) {
      SSL_set_min_proto_version(ssl, min_version);
      SSL_set_cipher_list(ssl, "DEFAULT@SECLEVEL=0");  // let the client really offer TLS 1.1
    }
    stream_.set_verify_mode(ssl::verify_none);
    auto& sock = beast::get_lowest_layer(stream_).socket();
    sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    set_socket_timeout(sock.native_handle(), 5s);
    stream_.handshake(ssl::stream_base::client, handshake_error_);
  }

  const boost::system::error_code& handshake_error() const { return handshake_error_; }
  int tls_version() { return SSL_version(stream_.native_handle()); }

  void send(bhttp::verb verb, const std::string& target, std::string body = "",
            std::vector<std::pair<std::string, std::string>> headers = {}) {
    bhttp::request<bhttp::string_body> req{verb, target, 11};
    req.set(bhttp::field::host, "localhost");
    for (auto& [k, v] : headers) req.set(k, v);
    req.body() = std::move(body);
    req.prepare_payload();
    bhttp::write(stream_, req);
  }
  TestResponse receive(boost::system::error_code& ec) {
    TestResponse res;
    bhttp::read(stream_, buffer_, res, ec);
    return res;
  }
  TestResponse request(bhttp::verb verb, const std::string& target, std::string body = "",
                       std::vector<std::pair<std::string, std::string>> headers = {}) {
    send(verb, target, std::move(body), std::move(headers));
    boost::system::error_code ec;
    TestResponse res = receive(ec);
    EXPECT_FALSE(ec) << target << ": " << ec.message();
    return res;
  }
  void write_raw(std::string_view data) { asio::write(stream_, asio::buffer(data)); }
  // Reads until the server closes; returns what arrived and the closing error.
  std::string read_until_close(boost::system::error_code& ec) {
    std::string out = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    char buf[4096];
    for (;;) {
      size_t n = stream_.read_some(asio::buffer(buf), ec);
      if (ec) return out;
      out.append(buf, n);
    }
  }
  ssl::stream<beast::tcp_stream>& stream() { return stream_; }
  beast::flat_buffer& buffer() { return buffer_; }

 private:
  asio::io_context io_;
  ssl::context ctx_;
  ssl::stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  boost::system::error_code handshake_error_;
};

// A plain TCP exchange: sends `data`, returns everything until the server closes.
std::string plain_exchange(uint16_t port, std::string_view data) {
  asio::io_context io;
  tcp::socket sock(io);
  sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  set_socket_timeout(sock.native_handle(), 5s);
  asio::write(sock, asio::buffer(data));
  std::string out;
  char buf[4096];
  boost::system::error_code ec;
  for (;;) {
    size_t n = sock.read_some(asio::buffer(buf), ec);
    if (ec) return out;
    out.append(buf, n);
  }
}

bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds limit = 3s) {
  auto end = Clock::now() + limit;
  while (Clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return cond();
}

TEST(ServerTest, VersionOverTls12AndTls13) {
  TestServer ts;
  for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    TlsClient client(ts.port(), version);
    ASSERT_FALSE(client.handshake_error()) << client.handshake_error().message();
    EXPECT_EQ(client.tls_version(), version);
    auto res = client.request(bhttp::verb::get, "/api2/json/version");
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res[bhttp::field::content_type], "application/json;charset=UTF-8");
    EXPECT_EQ(res.body(), R"({"data":{"release":"4","repoid":"test","version":"3.2"}})");
  }
}

TEST(ServerTest, Tls11IsRefused) {
  TestServer ts;
  TlsClient client(ts.port(), TLS1_1_VERSION, TLS1_1_VERSION);
  EXPECT_TRUE(client.handshake_error()) << "TLS 1.1 handshake succeeded";
}

TEST(ServerTest, KeepAliveServesSeveralRequestsThenIdleTimeoutCloses) {
  TestServer ts;
  TlsClient client(ts.port());
  for (int i = 0; i < 3; ++i) {
    auto res = client.request(bhttp::verb::get, "/api2/json/version");
    EXPECT_EQ(res.result_int(), 200) << i;
    EXPECT_TRUE(res.keep_alive()) << i;
  }
  auto start = Clock::now();
  boost::system::error_code ec;
  client.read_until_close(ec);
  auto waited = Clock::now() - start;
  EXPECT_TRUE(ec == asio::error::eof || ec == ssl::error::stream_truncated) << ec.message();
  EXPECT_GE(waited, 800ms);
  EXPECT_LT(waited, 3s);
}

TEST(ServerTest, PlainHttpIsRedirectedToHttps) {
  TestServer ts;
  std::string get =
      plain_exchange(ts.port(), "GET /api2/json/version HTTP/1.1\r\nHost: pbs:8007\r\n\r\n");
  EXPECT_EQ(get.rfind("HTTP/1.1 301", 0), 0u) << get;
  EXPECT_NE(get.find("Location: https://pbs:8007\r\n"), std::string::npos) << get;
  std::string post =
      plain_exchange(ts.port(), "POST /x HTTP/1.1\r\nHost: pbs:8007\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(post.rfind("HTTP/1.1 308", 0), 0u) << post;
  EXPECT_NE(post.find("Location: https://pbs:8007\r\n"), std::string::npos) << post;
  std::string no_host = plain_exchange(ts.port(), "GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(no_host.rfind("HTTP/1.1 400", 0), 0u) << no_host;
  std::string junk = plain_exchange(ts.port(), "\x01\x02\x03 not http\r\n\r\n");
  EXPECT_EQ(junk, "") << "garbage must just be closed";
}

TEST(ServerTest, OversizedBodyGets413) {
  TestServer ts;
  TlsClient client(ts.port());
  client.send(bhttp::verb::post, "/api2/json/echo", std::string(4096, 'a'));
  boost::system::error_code ec;
  auto res = client.receive(ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_FALSE(res.keep_alive());
}

TEST(ServerTest, OversizedHeaderGets431) {
  TestServer ts;
  TlsClient client(ts.port());
  std::vector<std::pair<std::string, std::string>> big;
  for (int i = 0; i < 8; ++i)
    big.emplace_back("X-Big-" + std::to_string(i), std::string(10000, 'h'));
  client.send(bhttp::verb::get, "/api2/json/version", "", big);
  boost::system::error_code ec;
  auto res = client.receive(ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(res.result_int(), 431);
}

TEST(ServerTest, MalformedRequestGets400) {
  TestServer ts;
  TlsClient client(ts.port());
  client.write_raw("GET /x HTTP/9.x\r\nHost: x\r\n\r\n");
  boost::system::error_code ec;
  std::string text = client.read_until_close(ec);
  EXPECT_EQ(text.rfind("HTTP/1.1 400", 0), 0u) << text;
  EXPECT_NE(text.find("malformed request"), std::string::npos) << text;
}

TEST(ServerTest, SlowClientTimesOutWithoutBlockingOthers) {
  ServerOptions opts = fast_options();
  // Generous margins: on a loaded CI machine a TLS handshake alone can take hundreds of ms.
  // What matters is the order: the normal request finishes well before the slow client's
  // header timeout, which then closes the slow connection.
  opts.header_timeout = 2s;
  TestServer ts(opts);
  TlsClient slow(ts.port());
  slow.write_raw("GET /api2/json/version HTTP/1.1\r\nHost: x\r\n");  // header never ends
  auto start = Clock::now();
  {
    TlsClient normal(ts.port());
    auto res = normal.request(bhttp::verb::get, "/api2/json/version");
    EXPECT_EQ(res.result_int(), 200);
  }
  auto normal_done = Clock::now() - start;
  EXPECT_LT(normal_done, 1800ms) << "a normal request waited for the slow client";
  boost::system::error_code ec;
  std::string got = slow.read_until_close(ec);
  auto waited = Clock::now() - start;
  EXPECT_EQ(got, "");
  EXPECT_TRUE(ec) << "slow client was not disconnected";
  EXPECT_NE(ec, asio::error::would_block) << "client read timed out before the server did";
  EXPECT_GT(waited, normal_done) << "the slow client was closed before the normal one finished";
  EXPECT_GE(waited, 1900ms);
  EXPECT_LT(waited, 6s);
}

TEST(ServerTest, HundredConcurrentConnectionsAreServed) {
  ServerOptions opts = fast_options();
  opts.idle_timeout = 20s;  // 100 sequential handshakes take a while on a loaded machine
  TestServer ts(opts);
  std::vector<std::unique_ptr<TlsClient>> clients;
  for (int i = 0; i < 100; ++i) {
    clients.push_back(std::make_unique<TlsClient>(ts.port()));
    ASSERT_FALSE(clients.back()->handshake_error()) << i;
  }
  EXPECT_TRUE(eventually([&] { return ts.server().connection_count() == 100; }))
      << ts.server().connection_count();
  for (auto& c : clients) c->send(bhttp::verb::get, "/api2/json/version");
  int ok = 0;
  for (auto& c : clients) {
    boost::system::error_code ec;
    auto res = c->receive(ec);
    if (!ec && res.result_int() == 200) ++ok;
  }
  EXPECT_EQ(ok, 100);
}

TEST(ServerTest, UpgradeHandsOverStreamAndLeftoverBytes) {
  TestServer ts;
  TlsClient client(ts.port());
  client.write_raw(
      "GET /api2/json/backup HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\n"
      "Upgrade: proxmox-backup-protocol-v1\r\n\r\nEARLY");
  bhttp::response_parser<bhttp::empty_body> parser;
  bhttp::read_header(client.stream(), client.buffer(), parser);
  EXPECT_EQ(parser.get().result_int(), 101);
  EXPECT_EQ(parser.get()[bhttp::field::upgrade], "proxmox-backup-protocol-v1");
  std::string got = beast::buffers_to_string(client.buffer().data());
  char buf[256];
  while (got.find('\n') == std::string::npos) {
    got.append(buf, client.stream().read_some(asio::buffer(buf)));
  }
  EXPECT_EQ(got, "LEFTOVER:EARLY\n");
  client.write_raw("ping");
  std::string echo;
  while (echo.size() < 4) echo.append(buf, client.stream().read_some(asio::buffer(buf)));
  EXPECT_EQ(echo, "ping");
}

TEST(ServerTest, StopLetsInFlightRequestFinishAndClosesIdleConnections) {
  ServerOptions opts = fast_options();
  opts.shutdown_grace = 5s;
  TestServer ts(opts);
  TlsClient idle(ts.port());
  TlsClient busy(ts.port());
  ASSERT_TRUE(eventually([&] { return ts.server().connection_count() == 2; }));
  busy.send(bhttp::verb::get, "/api2/json/slow");
  std::this_thread::sleep_for(100ms);  // the request is in the handler now
  auto start = Clock::now();
  ts.server().stop();
  boost::system::error_code ec;
  auto res = busy.receive(ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), R"({"data":"done"})");
  EXPECT_FALSE(res.keep_alive()) << "answer during shutdown must close the connection";
  idle.read_until_close(ec);
  EXPECT_TRUE(ec);
  ts.server().wait();
  EXPECT_LT(Clock::now() - start, 4s) << "waited for the grace period, not the request";
  EXPECT_EQ(ts.server().connection_count(), 0u);
  asio::io_context io;
  tcp::socket sock(io);
  sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), ts.port()), ec);
  EXPECT_TRUE(ec) << "still accepting after stop";
}

TEST(ServerTest, StopForceClosesWhatOutlivesTheGracePeriod) {
  ServerOptions opts = fast_options();
  opts.shutdown_grace = 300ms;
  TestServer ts(opts);
  TlsClient client(ts.port());
  client.write_raw(
      "GET /api2/json/backup HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\n"
      "Upgrade: proxmox-backup-protocol-v1\r\n\r\n");
  bhttp::response_parser<bhttp::empty_body> parser;
  bhttp::read_header(client.stream(), client.buffer(), parser);
  ASSERT_EQ(parser.get().result_int(), 101);
  auto start = Clock::now();
  ts.server().stop();
  ts.server().wait();
  auto took = Clock::now() - start;
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 5s);
}

TEST(ServerTest, BindConflictNamesTheAddress) {
  TestServer ts;
  ServerOptions opts = fast_options();
  opts.listen = {{"127.0.0.1", ts.port(), false}};
  auto tls = TlsContext::load(ts.dir());
  ASSERT_TRUE(tls);
  BlockingPool pool(1);
  auto second =
      Server::create(opts, std::move(*tls), std::make_shared<ApiService>(test_router(), pool));
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().to_string().find("127.0.0.1:" + std::to_string(ts.port())),
            std::string::npos)
      << second.error().to_string();
}

}  // namespace
}  // namespace ferry::http

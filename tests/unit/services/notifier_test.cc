// Notifier and webhook delivery against a tiny in-test HTTPS listener (127.0.0.1, port 0,
// self-signed certificate pinned by fingerprint).
#include "services/notifier.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/certificate.h"
#include "http/tls_context.h"
#include "support/temp_dir.h"

namespace ferry::services {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;

struct Received {
  std::string body;
  std::string secret;
  std::string target;
};

// Accepts one TLS connection, reads one request, answers `status`.
class HttpsListener {
 public:
  HttpsListener(const std::filesystem::path& dir, int status) : status_(status) {
    http::CertificateOptions opts;
    opts.key_type = http::KeyType::EcP256;
    std::filesystem::create_directories(dir);
    EXPECT_TRUE(http::ensure_certificate(dir, opts));
    auto tls = http::TlsContext::load(dir);
    EXPECT_TRUE(tls) << tls.error().to_string();
    tls_ = std::move(*tls);
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    thread_ = std::thread([this] { serve(); });
  }
  ~HttpsListener() { thread_.join(); }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  const std::string& fingerprint() const { return tls_->fingerprint(); }
  std::future<Received> received() { return promise_.get_future(); }

 private:
  void serve() {
    Received r;
    try {
      asio::ip::tcp::socket socket(io_);
      acceptor_.accept(socket);
      asio::ssl::stream<asio::ip::tcp::socket> stream(std::move(socket), tls_->native());
      stream.handshake(asio::ssl::stream_base::server);
      beast::flat_buffer buffer;
      beast::http::request<beast::http::string_body> req;
      beast::http::read(stream, buffer, req);
      r = {req.body(), std::string(req["X-Ferry-Secret"]), std::string(req.target())};
      beast::http::response<beast::http::string_body> res{static_cast<beast::http::status>(status_),
                                                          11};
      res.body() = "{}";
      res.prepare_payload();
      beast::http::write(stream, res);
      boost::system::error_code ec;
      stream.shutdown(ec);
    } catch (const std::exception& e) {
      r.body = std::string("listener error: ") + e.what();
    }
    promise_.set_value(r);
  }

  int status_;
  std::unique_ptr<http::TlsContext> tls_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_{io_};
  std::promise<Received> promise_;
  std::thread thread_;
};

JobNotification failed_sync() {
  return {"syncjob",
          "s1",
          "error",
          "UPID:node:00000001:00000002:00000003:00000004:syncjob:x:root@pam:",
          "sync failed with some errors.",
          1717582700};
}

TEST(NotifierTest, WebhookReceivesTheJobResultWithItsSecret) {
  test::TempDir dir;
  HttpsListener listener(dir.path() / "cert", 200);
  auto received = listener.received();
  std::ofstream(dir.path() / "notifications.cfg")
      << "sendmail: mail\n\tmailto root@localhost\n\nwebhook: ops\n\turl https://127.0.0.1:"
      << listener.port() << "/hook\n\tsecret s3cr3t\n\tfingerprint " << listener.fingerprint()
      << "\n";
  {
    Notifier notifier(config::ConfigDir(dir.path()), std::chrono::milliseconds(5000));
    notifier.notify(failed_sync());
    notifier.wait_idle();
  }
  ASSERT_EQ(received.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  const Received r = received.get();
  EXPECT_EQ(r.target, "/hook");
  EXPECT_EQ(r.secret, "s3cr3t");
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << r.body;
  EXPECT_EQ(body["job-type"], "syncjob");
  EXPECT_EQ(body["job-id"], "s1");
  EXPECT_EQ(body["status"], "error");
  EXPECT_EQ(body["error"], "sync failed with some errors.");
  EXPECT_EQ(body["endtime"], 1717582700);
  EXPECT_EQ(body["upid"], failed_sync().upid);
}

TEST(NotifierTest, WrongFingerprintFailsTheHandshake) {
  test::TempDir dir;
  HttpsListener listener(dir.path() / "cert", 200);
  auto received = listener.received();
  WebhookTarget target{"ops", "https://127.0.0.1:" + std::to_string(listener.port()) + "/",
                       std::nullopt, std::string(95, '0'), false};
  for (size_t i = 2; i < 95; i += 3) (*target.fingerprint)[i] = ':';
  const Status st = post_webhook(target, "{}", std::chrono::milliseconds(5000));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), Errc::Unavailable) << st.error().to_string();
  received.wait_for(std::chrono::seconds(10));
}

TEST(NotifierTest, ErrorStatusIsReported) {
  test::TempDir dir;
  HttpsListener listener(dir.path() / "cert", 500);
  WebhookTarget target{"ops", "https://127.0.0.1:" + std::to_string(listener.port()) + "/",
                       std::nullopt, listener.fingerprint(), false};
  const Status st = post_webhook(target, "{}", std::chrono::milliseconds(5000));
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().to_string().find("answered 500"), std::string::npos)
      << st.error().to_string();
}

TEST(NotifierTest, UnreachableTargetTimesOutOrFailsWithoutBlockingNotify) {
  test::TempDir dir;
  // A listening socket that never accepts TLS: the handshake waits until the deadline.
  asio::io_context io;
  asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
  WebhookTarget target{"slow",
                       "https://127.0.0.1:" + std::to_string(silent.local_endpoint().port()),
                       std::nullopt, std::nullopt, false};
  const auto start = std::chrono::steady_clock::now();
  const Status st = post_webhook(target, "{}", std::chrono::milliseconds(300));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), Errc::Timeout) << st.error().to_string();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(NotifierTest, ConfigParsing) {
  struct Case {
    std::string text;
    bool ok;
    size_t targets;
  };
  const std::vector<Case> cases = {
      {"", true, 0},
      {"webhook: a\n\turl https://x/\n", true, 1},
      {"webhook: a\n\turl https://x/\n\tdisable true\n\nwebhook: b\n\turl https://y/\n", true, 2},
      {"matcher: m\n\tmode all\n", true, 0},
      {"webhook: a\n\tsecret x\n", false, 0},
      {"\turl https://x/\n", false, 0},
  };
  for (const Case& c : cases) {
    test::TempDir dir;
    std::ofstream(dir.path() / "notifications.cfg") << c.text;
    auto targets = read_webhook_targets(config::ConfigDir(dir.path()));
    ASSERT_EQ(bool(targets), c.ok) << c.text;
    if (targets) {
      EXPECT_EQ(targets->size(), c.targets) << c.text;
    }
  }
}

TEST(NotifierTest, BadUrlIsInvalidArgument) {
  for (const char* url : {"http://x/", "https://", "https://h:port/", "ftp://x"}) {
    WebhookTarget t{"t", url, std::nullopt, std::nullopt, false};
    const Status st = post_webhook(t, "{}", std::chrono::milliseconds(100));
    ASSERT_FALSE(st) << url;
    EXPECT_EQ(st.error().code(), Errc::InvalidArgument) << url << ": " << st.error().to_string();
  }
}

}  // namespace
}  // namespace ferry::services

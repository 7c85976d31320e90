// A small PBS-like HTTPS server for the client tests: TLS on 127.0.0.1 with a freshly
// generated self-signed certificate, the login endpoint, configurable REST answers, and the
// protocol upgrade (101) handing the connection to an H2ServerSession with a test handler.
// Every HTTP/1.1 request it receives is recorded (method, target, headers in order, body), so
// tests can assert exactly what the client sent — or that it sent nothing.
//
// Header-only because test helpers outside tests/support are not compiled separately; it runs
// its own io_context thread and is destroyed (stopped and joined) at the end of each test.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "client/fingerprint.h"
#include "http/h2_server_session.h"

// g++ 12 reports a new/delete mismatch inside Asio's awaitable frame allocator once the
// coroutines below are inlined (GCC bug 109224, a false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace ferry::client::test {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

struct TestCert {
  std::string cert_pem;
  std::string key_pem;
  std::string fingerprint;
};

// EC P-256, CN=localhost, SAN IP:127.0.0.1 and DNS:localhost, valid for a day. Not trusted by
// the system, so the client accepts it only through its fingerprint.
inline TestCert make_test_cert() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* ext =
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  X509_sign(x, key, EVP_sha256());

  auto to_string = [](BIO* bio) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    std::string s(data, static_cast<size_t>(len));
    BIO_free(bio);
    return s;
  };
  TestCert cert;
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, x);
  cert.cert_pem = to_string(b);
  b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
  cert.key_pem = to_string(b);
  unsigned char* der = nullptr;
  int len = i2d_X509(x, &der);
  cert.fingerprint = fingerprint_of_der(std::string_view(reinterpret_cast<char*>(der), len));
  OPENSSL_free(der);
  X509_free(x);
  EVP_PKEY_free(key);
  return cert;
}

// A fingerprint that belongs to no certificate.
inline std::string wrong_fingerprint() {
  std::string fp;
  for (int i = 0; i < 32; ++i) fp += (i ? ":" : "") + std::string("00");
  return fp;
}

struct RecordedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // as received, in order
  std::string body;

  // Case-insensitive lookup; "" when absent.
  std::string header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (boost::beast::iequals(n, name)) return v;
    }
    return {};
  }
  bool has_header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (boost::beast::iequals(n, name)) return true;
    }
    return false;
  }
};

struct RestReply {
  int status = 200;
  std::string body = R"({"data":null})";
  std::chrono::milliseconds delay{0};
  bool truncate = false;  // announce the full length, send half, close
};

// A handler that gets to know its session (for "/reset").
class TestH2Handler : public http::H2RequestHandler {
 public:
  void attach(std::weak_ptr<http::H2ServerSession> session) { session_ = std::move(session); }

 protected:
  std::weak_ptr<http::H2ServerSession> session_;
};

// The value of `name` in a form-encoded query (no decoding: tests use plain values).
inline std::string query_param(std::string_view query, std::string_view name) {
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t end = query.find('&', pos);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(pos, end - pos);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1));
    }
    pos = end + 1;
  }
  return {};
}

inline uint64_t query_number(std::string_view query, std::string_view name) {
  std::string text = query_param(query, name);
  uint64_t n = 0;
  std::from_chars(text.data(), text.data() + text.size(), n);
  return n;
}

class TestServer {
 public:
  struct Config {
    std::string user = "sync@pbs";
    std::string password = "secret";
    // Answers REST requests other than the login. Runs on the server thread.
    std::function<RestReply(const RecordedRequest&)> rest;
    // Creates the handler of each upgraded connection.
    std::function<std::shared_ptr<TestH2Handler>()> h2_handler;
    // Answer upgrades with this status instead of 101 (and this body).
    int upgrade_status = 101;
    std::string upgrade_error;
    // Send the 101 in the same write as the server's SETTINGS (client-side leftover).
    bool coalesce_101 = false;
    // SO_LINGER 0: closing a connection resets it.
    bool linger_zero = false;
  };

  explicit TestServer(Config config)
      : shared_(std::make_shared<Shared>(std::move(config))),
        acceptor_(ctx_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    asio::co_spawn(ctx_, accept_loop(shared_, &acceptor_), asio::detached);
    thread_ = std::thread([this] { ctx_.run(); });
  }
  ~TestServer() {
    ctx_.stop();
    thread_.join();
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  const std::string& fingerprint() const { return shared_->cert.fingerprint; }
  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(shared_->mu);
    return shared_->requests;
  }
  size_t tls_handshakes() const { return shared_->handshakes; }
  size_t last_leftover() const { return shared_->last_leftover; }
  // Ticket logins served so far (password or renewal).
  size_t logins() const { return shared_->logins; }

 private:
  struct Shared {
    explicit Shared(Config c)
        : config(std::move(c)), cert(make_test_cert()), tls(asio::ssl::context::tls_server) {
      tls.use_certificate_chain(asio::buffer(cert.cert_pem));
      tls.use_private_key(asio::buffer(cert.key_pem), asio::ssl::context::pem);
    }
    Config config;
    TestCert cert;
    asio::ssl::context tls;
    mutable std::mutex mu;
    std::vector<RecordedRequest> requests;
    std::string current_ticket;
    std::atomic<size_t> handshakes{0};
    std::atomic<size_t> last_leftover{0};
    std::atomic<size_t> logins{0};
  };
  // The HTTPS server's stream type (http/upgrade.h), shared as it hands it to an upgrade.
  using Stream = http::TlsStream;

  static asio::awaitable<void> accept_loop(std::shared_ptr<Shared> shared,
                                           asio::ip::tcp::acceptor* acceptor) {
    for (;;) {
      auto [ec, socket] = co_await acceptor->async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      if (shared->config.linger_zero) socket.set_option(asio::socket_base::linger(true, 0));
      asio::co_spawn(acceptor->get_executor(), serve(shared, std::move(socket)), asio::detached);
    }
  }

  static std::string reply_text(int status, std::string_view body, size_t announced) {
    return "HTTP/1.1 " + std::to_string(status) +
           " X\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: " +
           std::to_string(announced) + "\r\n\r\n" + std::string(body);
  }

  static RestReply login(Shared& s, const RecordedRequest& r) {
    nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
    std::string user = body.value("username", "");
    std::string password = body.value("password", "");
    std::lock_guard lock(s.mu);
    bool renewal = !s.current_ticket.empty() && password == s.current_ticket;
    if (user != s.config.user || (password != s.config.password && !renewal)) {
      return {401, "permission check failed."};
    }
    size_t n = ++s.logins;
    char time[9];
    std::snprintf(time, sizeof time, "%08zX", n);
    s.current_ticket = "PBS:" + user + ":" + time + "::c2lnbmF0dXJl";
    nlohmann::json data{{"username", user},
                        {"ticket", s.current_ticket},
                        {"CSRFPreventionToken", std::string(time) + ":Y3NyZg"}};
    return {200, nlohmann::json{{"data", data}}.dump()};
  }

  static asio::awaitable<void> serve(std::shared_ptr<Shared> shared, asio::ip::tcp::socket socket) {
    auto holder =
        std::make_shared<Stream>(boost::beast::tcp_stream(std::move(socket)), shared->tls);
    Stream& stream = *holder;
    ++shared->handshakes;
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server,
                                                 asio::as_tuple(asio::use_awaitable));
    if (hec) co_return;
    boost::beast::flat_buffer buffer;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      auto [ec, n] =
          co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      auto& req = parser.get();
      RecordedRequest rec{
          std::string(req.method_string()), std::string(req.target()), {}, req.body()};
      for (const auto& f : req) {
        rec.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
      }
      {
        std::lock_guard lock(shared->mu);
        shared->requests.push_back(rec);
      }
      if (rec.has_header("upgrade")) {
        co_await upgrade(shared, std::move(holder), std::move(buffer), rec);
        co_return;
      }
      RestReply reply;
      if (rec.target == "/api2/json/access/ticket") {
        reply = login(*shared, rec);
      } else if (shared->config.rest) {
        reply = shared->config.rest(rec);
      } else {
        reply = {404, "Path '" + rec.target + "' not found."};
      }
      if (reply.delay.count() > 0) {
        asio::steady_timer t(stream.get_executor(), reply.delay);
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
      }
      std::string text = reply_text(reply.status, reply.body, reply.body.size());
      if (reply.truncate) text.resize(text.size() - reply.body.size() / 2);
      auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(text),
                                                  asio::as_tuple(asio::use_awaitable));
      if (wec || reply.truncate) co_return;
    }
  }

  static asio::awaitable<void> upgrade(std::shared_ptr<Shared> shared,
                                       std::shared_ptr<Stream> stream,
                                       boost::beast::flat_buffer buffer, RecordedRequest rec) {
    const Config& config = shared->config;
    if (config.upgrade_status != 101) {
      std::string text =
          reply_text(config.upgrade_status, config.upgrade_error, config.upgrade_error.size());
      co_await asio::async_write(*stream, asio::buffer(text), asio::as_tuple(asio::use_awaitable));
      co_return;
    }
    std::string head = "HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\nupgrade: " +
                       rec.header("upgrade") + "\r\n\r\n";
    auto data = buffer.data();
    std::string leftover(static_cast<const char*>(data.data()), data.size());
    shared->last_leftover = leftover.size();
    http::H2ServerOptions options;
    if (config.coalesce_101) {
      options.preamble.assign(head.begin(), head.end());
    } else {
      co_await asio::async_write(*stream, asio::buffer(head), asio::as_tuple(asio::use_awaitable));
    }
    auto handler = config.h2_handler();
    auto session =
        http::H2ServerSession::create(std::move(stream), leftover, handler, std::move(options));
    if (!session) co_return;
    handler->attach(*session);
    co_await (*session)->run();
  }

  std::shared_ptr<Shared> shared_;
  asio::io_context ctx_;
  asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

}  // namespace ferry::client::test

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

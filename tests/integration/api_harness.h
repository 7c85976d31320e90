// Test harness for the REST API integration tests: a real ferryd API stack in-process (TLS
// Server on 127.0.0.1 port 0, ApiService, api::ApiRuntime with every route, AuthContext and
// TaskRegistry) over a temporary configuration directory, and a small blocking HTTPS client
// (OpenSSL, one connection per request) that gives the tests full control of headers.
//
// The clock is a thread-safe offset over the system clock, so ticket expiry can be tested by
// moving time forward. Failure delays are 0 so tests run fast.
//
// Header-only because the integration suite compiles only *_test.cc files.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/api_runtime.h"
#include "api/config/datastores.h"
#include "api/router_setup.h"
#include "auth/acl_config.h"
#include "auth/auth_context.h"
#include "auth/pbs_authenticator.h"
#include "auth/token_shadow.h"
#include "auth/user_config.h"
#include "http/api_service.h"
#include "http/blocking_pool.h"
#include "http/certificate.h"
#include "http/params.h"
#include "http/router.h"
#include "http/server.h"
#include "http/tls_context.h"
#include "jobs/task_registry.h"
#include "support/store_temp_dir.h"
#include "support/temp_dir.h"

namespace ferry::test {

// System time plus an offset that tests move; safe to read from server threads.
class OffsetClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now() + std::chrono::seconds(offset_.load());
  }
  void advance(std::chrono::seconds s) { offset_ += s.count(); }

 private:
  std::atomic<int64_t> offset_{0};
};

struct HttpReply {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  nlohmann::json data() const {
    auto j = json();
    return j.is_object() && j.contains("data") ? j["data"] : nlohmann::json();
  }
};

// Credentials for one request.
struct Credentials {
  std::optional<std::string> ticket;       // cookie PBSAuthCookie
  std::optional<std::string> csrf;         // CSRFPreventionToken header
  std::optional<std::string> api_token;    // "user@realm!name:secret"
};

inline std::string form_encode(const nlohmann::json& params) {
  std::string out;
  auto enc = [](const std::string& s) {
    std::string r;
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        r += static_cast<char>(c);
      } else {
        constexpr char kHex[] = "0123456789ABCDEF";
        r += '%';
        r += kHex[c >> 4];
        r += kHex[c & 0xF];
      }
    }
    return r;
  };
  if (!params.is_object()) return out;
  for (const auto& [key, value] : params.items()) {
    std::vector<nlohmann::json> values;
    if (value.is_array()) {
      for (const auto& v : value) values.push_back(v);
    } else {
      values.push_back(value);
    }
    for (const auto& v : values) {
      if (!out.empty()) out += '&';
      out += enc(key) + "=" + enc(v.is_string() ? v.get<std::string>() : v.dump());
    }
  }
  return out;
}

// Sends one HTTP/1.1 request over a fresh TLS connection (Connection: close) and reads the
// whole answer. Certificate verification is off: the tests talk to their own server.
inline HttpReply https_request(uint16_t port, const std::string& method, const std::string& target,
                               const std::vector<std::pair<std::string, std::string>>& headers,
                               const std::string& body) {
  HttpReply reply;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return reply;
  }
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) == 1) {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
    req += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    req += body;
    SSL_write(ssl, req.data(), static_cast<int>(req.size()));
    std::string raw;
    char buf[16384];
    for (;;) {
      int n = SSL_read(ssl, buf, sizeof buf);
      if (n <= 0) break;
      raw.append(buf, static_cast<size_t>(n));
    }
    const size_t split = raw.find("\r\n\r\n");
    reply.head = raw.substr(0, split);
    if (split != std::string::npos) reply.body = raw.substr(split + 4);
    if (reply.head.size() > 12) reply.status = std::atoi(reply.head.c_str() + 9);
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ::close(fd);
  return reply;
}

// The API stack of ferryd (api::ApiRuntime, as ferryd's main wires it) over a temporary config
// dir, with datastore "store1" unless `with_store` is false. The directory is a StoreTempDir (tmpfs when available) because
// creating and removing a chunk store's 65536 directories is slow on disk.
class ApiTestServer {
 public:
  explicit ApiTestServer(bool with_store = true) : pool_(2) {
    config_dir_ = dir_.path() / "etc";
    std::filesystem::create_directories(config_dir_);
    const config::ConfigDir cfg(config_dir_);
    http::CertificateOptions cert;
    cert.key_type = http::KeyType::EcP256;
    EXPECT_TRUE(http::generate_self_signed(config_dir_, cert));
    auto runtime = api::ApiRuntime::open({config_dir_, dir_.path() / "log", dir_.path() / "run"},
                                         clock_);
    EXPECT_TRUE(runtime) << (runtime ? "" : runtime.error().to_string());
    runtime_ = std::move(*runtime);
    if (with_store) {
      api::DatastoreCreateParams store{"store1", (dir_.path() / "store1").string(), {}};
      EXPECT_TRUE(api::create_datastore(cfg, types::Authid::root(), store));
    }

    auto router = std::make_shared<http::Router>();
    http::ApiServiceOptions opts;
    runtime_->install(*router, opts);
    opts.auth_failure_delay = std::chrono::milliseconds(0);
    opts.permission_failure_delay = std::chrono::milliseconds(0);
    auto service = std::make_shared<http::ApiService>(router, pool_, std::move(opts));
    auto tls = http::TlsContext::load(config_dir_);
    EXPECT_TRUE(tls);
    http::ServerOptions sopts;
    sopts.listen = {{"127.0.0.1", 0, false}};
    sopts.shutdown_grace = std::chrono::milliseconds(50);
    auto server = http::Server::create(sopts, std::shared_ptr<http::TlsContext>(std::move(*tls)),
                                       service);
    EXPECT_TRUE(server) << (server ? "" : server.error().to_string());
    server_ = std::move(*server);
    server_->start();
  }

  ~ApiTestServer() {
    server_->stop();
    server_->wait();
  }

  uint16_t port() const { return server_->local_addresses().front().port; }
  const std::filesystem::path& config_path() const { return config_dir_; }
  config::ConfigDir config_dir() const { return config::ConfigDir(config_dir_); }
  const std::filesystem::path& root() const { return dir_.path(); }
  OffsetClock& clock() { return clock_; }
  api::ApiContext& context() { return runtime_->context(); }
  jobs::TaskRegistry& tasks() { return *runtime_->context().tasks; }

  // Adds a `pbs` realm user with a password (and optionally a role on a path).
  void add_user(const std::string& userid, const std::string& password) {
    auto id = *types::Userid::parse(userid);
    ASSERT_TRUE(auth::UserConfig::modify(config_dir(), std::nullopt, [&](auth::UserConfig& c) {
      auth::User u;
      u.userid = id;
      return c.set_user(u);
    }));
    ASSERT_TRUE(auth::PbsAuthenticator(config_dir(), auth::HashScheme::Sha256Crypt)
                    .store_password(id.name(), password));
  }

  // Adds token `tokenid` of an existing user and returns its secret.
  std::string add_token(const std::string& tokenid) {
    auto id = *types::Authid::parse(tokenid);
    EXPECT_TRUE(auth::UserConfig::modify(config_dir(), std::nullopt, [&](auth::UserConfig& c) {
      auth::ApiToken t;
      t.tokenid = id;
      return c.set_token(t);
    }));
    auto secret = auth::TokenShadow(config_dir(), auth::HashScheme::Sha256Crypt)
                      .generate_and_set(id);
    EXPECT_TRUE(secret);
    return secret ? *secret : "";
  }

  void grant(const std::string& path, const std::string& auth_id, const std::string& role,
             bool propagate = true) {
    auth::AclUpdate u;
    u.path = path;
    u.role = role;
    u.propagate = propagate;
    u.auth_id = *types::Authid::parse(auth_id);
    auto st = auth::AclConfig::update(config_dir(), u);
    ASSERT_TRUE(st) << st.error().to_string();
  }

  // Raw request: GET/PUT/DELETE params in the query, POST as JSON (what PBS clients do).
  HttpReply call(const std::string& method, const std::string& path, const Credentials& cred,
                 const nlohmann::json& params = nlohmann::json::object()) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (cred.ticket) headers.emplace_back("Cookie", "PBSAuthCookie=" + *cred.ticket);
    if (cred.csrf) headers.emplace_back("CSRFPreventionToken", *cred.csrf);
    if (cred.api_token) headers.emplace_back("Authorization", "PBSAPIToken=" + *cred.api_token);
    std::string target = "/api2/json" + path;
    std::string body;
    if (method == "POST") {
      headers.emplace_back("Content-Type", "application/json");
      body = params.dump();
    } else {
      const std::string q = form_encode(params);
      if (!q.empty()) target += "?" + q;
    }
    return https_request(port(), method, target, headers, body);
  }

  // Logs in; returns credentials with ticket and CSRF token (empty on failure).
  Credentials login(const std::string& user, const std::string& password) {
    auto r = call("POST", "/access/ticket", {}, {{"username", user}, {"password", password}});
    Credentials c;
    if (r.status != 200) return c;
    auto d = r.data();
    c.ticket = d["ticket"].get<std::string>();
    c.csrf = d["CSRFPreventionToken"].get<std::string>();
    return c;
  }

 private:
  StoreTempDir dir_;
  std::filesystem::path config_dir_;
  OffsetClock clock_;
  http::BlockingPool pool_;
  std::unique_ptr<api::ApiRuntime> runtime_;
  std::unique_ptr<http::Server> server_;
};

// Credentials of an API token.
inline Credentials token_credentials(const std::string& tokenid, const std::string& secret) {
  Credentials c;
  c.api_token = tokenid + ":" + secret;
  return c;
}

}  // namespace ferry::test

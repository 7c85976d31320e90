#include "client/http_client.h"

#include <utility>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "client/fingerprint.h"
#include "client/internal/envelope.h"
#include "client/internal/http1_connection.h"
#include "client/internal/io_thread.h"
#include "client/internal/tls_connect.h"
#include "client/internal/url.h"
#include "http/h2_tls_transport.h"
#include "http/internal/h2_signal.h"

namespace ferry::client {

namespace {

namespace asio = boost::asio;
using internal::Http1Connection;
using internal::Http1Request;
using internal::Http1Response;

constexpr size_t kMaxIdleConnections = 4;
constexpr auto kMaxIdleTime = std::chrono::seconds(30);
constexpr size_t kMaxRestBody = 256 * 1024 * 1024;
// auth.md §2.1: the PBS client renews every 15 minutes and trusts a ticket for 2 h − 60 s.
constexpr int64_t kTicketRenewAfter = 15 * 60;
constexpr int64_t kTicketLifetime = 7200 - 60;
constexpr std::string_view kUserAgent = "proxmox-backup-client/1.0";

std::string_view method_name(Method m) {
  switch (m) {
    case Method::Get:
      return "GET";
    case Method::Post:
      return "POST";
    case Method::Put:
      return "PUT";
    case Method::Delete:
      return "DELETE";
  }
  return "GET";
}

std::string host_header(const HttpClientOptions& o) {
  bool ipv6 = o.host.find(':') != std::string::npos;
  return ipv6 ? fmt::format("[{}]:{}", o.host, o.port) : fmt::format("{}:{}", o.host, o.port);
}

}  // namespace

// Everything that lives on the I/O thread: connections, ticket, login serialization.
struct HttpClient::State {
  State(const HttpClient& c, std::shared_ptr<asio::ssl::context> tls_context,
        std::optional<std::string> pin)
      : options(c.options_),
        read_limiter(c.read_limiter_),
        write_limiter(c.write_limiter_),
        executor(c.io_->executor()),
        tls(std::move(tls_context)),
        fingerprint(std::move(pin)),
        login_lock(executor, 1) {}

  const HttpClientOptions& options;
  std::shared_ptr<RateLimiter> read_limiter;
  std::shared_ptr<RateLimiter> write_limiter;
  asio::any_io_executor executor;
  std::shared_ptr<asio::ssl::context> tls;
  std::optional<std::string> fingerprint;
  std::vector<std::unique_ptr<Http1Connection>> idle;
  http::internal::AsyncSemaphore login_lock;
  std::string ticket;
  std::string csrf;
  int64_t ticket_time = 0;

  std::string peer() const { return fmt::format("{}:{}", options.host, options.port); }
  int64_t now() const { return (options.clock ? *options.clock : SystemClock::instance()).epoch(); }
  bool uses_ticket() const { return options.auth_id && !options.auth_id->is_token(); }

  asio::awaitable<Result<std::unique_ptr<Http1Connection>>> connect() {
    internal::ConnectParams p{
        options.host, options.port,  fingerprint, options.connect_timeout, options.request_timeout,
        read_limiter, write_limiter, tls};
    FERRY_CO_TRY_ASSIGN(auto stream, co_await internal::connect_tls(std::move(p)));
    co_return std::make_unique<Http1Connection>(std::move(stream), peer());
  }

  // Regular headers every request carries, then the credentials (auth.md §2.2, §2.3, §2.5).
  std::vector<std::pair<std::string, std::string>> headers(std::string_view content_type,
                                                           bool with_auth) const {
    std::vector<std::pair<std::string, std::string>> h{{"Host", host_header(options)},
                                                       {"User-Agent", std::string(kUserAgent)}};
    if (!content_type.empty()) h.emplace_back("Content-Type", std::string(content_type));
    if (!with_auth || !options.auth_id) return h;
    if (options.auth_id->is_token()) {
      // PBS-compat: the PBS client separates with a space; the secret is percent-decoded.
      h.emplace_back("Authorization", fmt::format("PBSAPIToken {}:{}", options.auth_id->to_string(),
                                                  internal::encode_path_segment(options.secret)));
    } else if (!ticket.empty()) {
      h.emplace_back("Cookie", "PBSAuthCookie=" + internal::encode_cookie_value(ticket));
      // Only non-GET requests need it, but the PBS client always sends it (upgrade included).
      h.emplace_back("CSRFPreventionToken", csrf);
    }
    return h;
  }

  // One exchange; a reused keep-alive connection the server closed meanwhile is retried once
  // on a fresh connection.
  asio::awaitable<Result<Http1Response>> send(Http1Request request, size_t body_limit) {
    for (int attempt = 0;; ++attempt) {
      std::unique_ptr<Http1Connection> conn;
      bool reused = false;
      while (!idle.empty() && !conn) {
        auto c = std::move(idle.back());
        idle.pop_back();
        if (c->reusable(kMaxIdleTime)) {
          conn = std::move(c);
          reused = true;
        }
      }
      if (!conn) {
        FERRY_CO_TRY_ASSIGN(conn, co_await connect());
      }
      auto r = co_await conn->exchange(request, options.request_timeout, body_limit);
      if (r) {
        if (r->keep_alive && idle.size() < kMaxIdleConnections) idle.push_back(std::move(conn));
        co_return r;
      }
      if (!(reused && attempt == 0 && conn->closed_before_response())) co_return r;
    }
  }

  asio::awaitable<Result<Http1Response>> call(std::string method, std::string target,
                                              std::string body, std::string content_type) {
    if (uses_ticket()) FERRY_CO_TRY(co_await ensure_ticket(false));
    Http1Request request{method, std::move(target), headers(content_type, true), std::move(body)};
    co_return co_await send(std::move(request), kMaxRestBody);
  }

  // POST /api2/json/access/ticket (auth.md §3) with a password or, to renew, the ticket.
  asio::awaitable<Status> login_with(std::string password) {
    std::string body;
    try {
      body = nlohmann::json{{"username", options.auth_id->user().to_string()},
                            {"password", std::move(password)}}
                 .dump();
    } catch (const nlohmann::json::exception&) {
      co_return make_error(Errc::InvalidArgument, "password is not valid UTF-8");
    }
    Http1Request request{"POST", "/api2/json/access/ticket", headers("application/json", false),
                         std::move(body)};
    FERRY_CO_TRY_ASSIGN(Http1Response response, co_await send(std::move(request), kMaxRestBody));
    std::string what = fmt::format("login of '{}' at '{}'", options.auth_id->to_string(), peer());
    FERRY_CO_TRY_ASSIGN(nlohmann::json data,
                        internal::envelope_data(response.status, response.body, what));
    if (!data.is_object() || !data.value("ticket", nlohmann::json()).is_string() ||
        !data.value("CSRFPreventionToken", nlohmann::json()).is_string()) {
      co_return make_error(Errc::Corruption, "{}: response has no ticket", what);
    }
    std::string new_ticket = data["ticket"].get<std::string>();
    std::string new_csrf = data["CSRFPreventionToken"].get<std::string>();
    if (new_ticket.rfind("PBS:!tfa!", 0) == 0 || new_csrf == "invalid") {
      co_return make_error(Errc::Unauthenticated,
                           "{}: a second login factor is required, which is not supported", what);
    }
    ticket = std::move(new_ticket);
    csrf = std::move(new_csrf);
    ticket_time = now();
    co_return ok();
  }

  asio::awaitable<Status> ensure_ticket(bool force) {
    if (!co_await login_lock.acquire()) co_return make_error(Errc::Cancelled, "client closed");
    Status st = co_await refresh_ticket(force);
    login_lock.release();
    co_return st;
  }

  asio::awaitable<Status> refresh_ticket(bool force) {
    int64_t age = now() - ticket_time;
    if (!force && !ticket.empty() && age >= 0 && age < kTicketRenewAfter) co_return ok();
    if (!force && !ticket.empty() && age >= 0 && age < kTicketLifetime) {
      if (co_await login_with(ticket)) co_return ok();
    }
    co_return co_await login_with(options.secret);
  }

  asio::awaitable<Result<std::shared_ptr<http::H2ClientSession>>> start_h2(std::string target,
                                                                           std::string protocol,
                                                                           StartH2Options start) {
    if (uses_ticket()) FERRY_CO_TRY(co_await ensure_ticket(false));
    http::H2ClientOptions h2;
    h2.max_in_flight = options.h2_max_in_flight;
    h2.request_timeout = options.request_timeout;
    FERRY_CO_TRY_ASSIGN(auto session, http::H2ClientSession::create(executor, h2));
    Bytes preface;
    if (start.pipeline_preface) {
      FERRY_CO_TRY_ASSIGN(preface, session->take_preface());
    }
    FERRY_CO_TRY_ASSIGN(auto conn, co_await connect());
    // protocol.md §2.1, in the PBS client's header order and spelling.
    auto h = headers("application/x-www-form-urlencoded", true);
    h.emplace_back("Connection", "upgrade");
    h.emplace_back("UPGRADE", protocol);
    Http1Request request{"GET", std::move(target), std::move(h), {}};
    auto leftover =
        co_await conn->upgrade(std::move(request), std::move(preface), options.request_timeout);
    if (!leftover) {
      co_return tl::unexpected(std::move(leftover).error().add_context(
          fmt::format("start '{}' on '{}'", protocol, peer())));
    }
    session->start(http::make_tls_transport(std::move(*conn->release_stream())),
                   std::move(*leftover));
    co_return session;
  }

  asio::awaitable<Result<bool>> drop_idle() {
    idle.clear();
    co_return true;
  }
};

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {}

HttpClient::~HttpClient() {
  if (state_) (void)io_->run_sync(state_->drop_idle());
  state_.reset();
}

Result<std::unique_ptr<HttpClient>> HttpClient::create(HttpClientOptions options) {
  if (options.host.empty()) return make_error(Errc::InvalidArgument, "remote host is empty");
  std::optional<std::string> pin;
  if (options.fingerprint) {
    FERRY_TRY_ASSIGN(pin, parse_fingerprint(*options.fingerprint));
  }
  FERRY_TRY_ASSIGN(auto tls, internal::make_client_tls_context());
  std::unique_ptr<HttpClient> client(new HttpClient(std::move(options)));
  auto start = std::chrono::steady_clock::now();
  const HttpClientOptions& o = client->options_;
  client->read_limiter_ = std::make_shared<RateLimiter>(o.rate_in, o.burst_in, start);
  client->write_limiter_ = std::make_shared<RateLimiter>(o.rate_out, o.burst_out, start);
  client->io_ = std::make_shared<internal::IoThread>();
  client->state_ = std::make_unique<State>(*client, std::move(tls), std::move(pin));
  return client;
}

Status HttpClient::login() {
  if (!state_->uses_ticket()) return ok();
  return io_->run_sync(state_->ensure_ticket(true));
}

Result<nlohmann::json> HttpClient::request(Method method, std::string_view path,
                                           const nlohmann::json& params) {
  std::string_view name = method_name(method);
  std::string what = fmt::format("{} {}", name, path);
  std::string target(path);
  std::string body;
  std::string content_type;
  if (method == Method::Post) {
    content_type = "application/json";
    try {
      body = params.is_null() ? "{}" : params.dump();
    } catch (const nlohmann::json::exception& e) {
      return make_error(Errc::InvalidArgument, "{}: parameters cannot be encoded: {}", what,
                        e.what());
    }
  } else {
    content_type = "application/x-www-form-urlencoded";
    FERRY_TRY_ASSIGN(std::string query, internal::json_to_query(params));
    if (!query.empty()) target += "?" + query;
  }
  FERRY_TRY_ASSIGN(Http1Response response,
                   io_->run_sync(state_->call(std::string(name), std::move(target), std::move(body),
                                              std::move(content_type))));
  if (response.status < 200 || response.status > 299) {
    return tl::unexpected(internal::status_error(response.status, response.body, what));
  }
  return with_context(internal::parse_envelope(response.body), "{}", what);
}

Result<nlohmann::json> HttpClient::get(std::string_view path, const nlohmann::json& params) {
  FERRY_TRY_ASSIGN(nlohmann::json envelope, request(Method::Get, path, params));
  return std::move(envelope["data"]);
}

Result<nlohmann::json> HttpClient::post(std::string_view path, const nlohmann::json& params) {
  FERRY_TRY_ASSIGN(nlohmann::json envelope, request(Method::Post, path, params));
  return std::move(envelope["data"]);
}

Result<nlohmann::json> HttpClient::put(std::string_view path, const nlohmann::json& params) {
  FERRY_TRY_ASSIGN(nlohmann::json envelope, request(Method::Put, path, params));
  return std::move(envelope["data"]);
}

Result<nlohmann::json> HttpClient::del(std::string_view path, const nlohmann::json& params) {
  FERRY_TRY_ASSIGN(nlohmann::json envelope, request(Method::Delete, path, params));
  return std::move(envelope["data"]);
}

Result<RawResponse> HttpClient::request_raw(Method method, std::string_view path,
                                            std::string_view query, Bytes body,
                                            std::string_view content_type) {
  std::string target(path);
  if (!query.empty()) target += "?" + std::string(query);
  FERRY_TRY_ASSIGN(
      Http1Response response,
      io_->run_sync(state_->call(std::string(method_name(method)), std::move(target),
                                 std::string(as_chars(body)), std::string(content_type))));
  RawResponse raw{response.status, std::move(response.content_type),
                  Bytes(response.body.begin(), response.body.end())};
  return raw;
}

Result<std::shared_ptr<http::H2ClientSession>> HttpClient::start_h2(std::string_view path,
                                                                    std::string_view query,
                                                                    std::string_view protocol,
                                                                    StartH2Options start) {
  std::string target(path);
  if (!query.empty()) target += "?" + std::string(query);
  return io_->run_sync(state_->start_h2(std::move(target), std::string(protocol), start));
}

std::string encode_path_component(std::string_view component) {
  return internal::encode_path_segment(component);
}

}  // namespace ferry::client

// post_webhook (notifier.h): one HTTPS POST with Boost.Beast, the whole exchange under one
// deadline.
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>
#include <exception>

#include "client/fingerprint.h"
#include "services/notifier.h"

namespace ferry::services {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

struct ParsedUrl {
  std::string host;
  std::string port = "443";
  std::string target = "/";
};

// https://host[:port][/path]; IPv6 literals in brackets.
Result<ParsedUrl> parse_https_url(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (!url.starts_with(kScheme)) {
    return make_error(Errc::InvalidArgument, "invalid webhook url '{}': not https", url);
  }
  std::string_view rest = url.substr(kScheme.size());
  ParsedUrl out;
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) out.target = std::string(rest.substr(slash));
  size_t port_colon = std::string_view::npos;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return make_error(Errc::InvalidArgument, "invalid webhook url '{}': bad IPv6 host", url);
    }
    out.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') port_colon = close + 1;
  } else {
    port_colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, port_colon));
  }
  if (port_colon != std::string_view::npos)
    out.port = std::string(authority.substr(port_colon + 1));
  if (out.host.empty() || out.port.empty() ||
      out.port.find_first_not_of("0123456789") != std::string::npos) {
    return make_error(Errc::InvalidArgument, "invalid webhook url '{}': bad host or port", url);
  }
  return out;
}

struct Exchange {
  ParsedUrl url;
  std::string body;
  std::optional<std::string> secret;
  std::chrono::milliseconds timeout;
  int status = 0;
};

asio::awaitable<void> run_exchange(beast::ssl_stream<beast::tcp_stream>& stream, Exchange& ex) {
  auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(executor);
  beast::get_lowest_layer(stream).expires_after(ex.timeout);
  auto endpoints = co_await resolver.async_resolve(ex.url.host, ex.url.port, asio::use_awaitable);
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
  co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  http::request<http::string_body> req{http::verb::post, ex.url.target, 11};
  req.set(http::field::host, ex.url.host);
  req.set(http::field::user_agent, "ferry-notifier");
  req.set(http::field::content_type, "application/json");
  if (ex.secret) req.set("X-Ferry-Secret", *ex.secret);
  req.body() = ex.body;
  req.prepare_payload();
  co_await http::async_write(stream, req, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  co_await http::async_read(stream, buffer, res, asio::use_awaitable);
  ex.status = static_cast<int>(res.result_int());
}

// Accepts what the trust store accepts for the host; with a pinned fingerprint also (only) a
// leaf certificate with that fingerprint.
void configure_verification(beast::ssl_stream<beast::tcp_stream>& stream, const std::string& host,
                            const std::optional<std::string>& pin) {
  stream.set_verify_mode(asio::ssl::verify_peer);
  asio::ssl::host_name_verification by_name(host);
  stream.set_verify_callback(
      [by_name, pin](bool preverified, asio::ssl::verify_context& vc) mutable {
        if (by_name(preverified, vc)) return true;
        if (!pin) return false;
        X509_STORE_CTX* store = vc.native_handle();
        if (X509_STORE_CTX_get_error_depth(store) != 0) return true;  // the leaf decides
        X509* cert = X509_STORE_CTX_get_current_cert(store);
        unsigned char* der = nullptr;
        const int len = i2d_X509(cert, &der);
        if (len <= 0) return false;
        std::string bytes(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
        OPENSSL_free(der);
        return client::fingerprint_of_der(bytes) == *pin;
      });
}

Status map_exception(const WebhookTarget& target, const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    if (e.code() == beast::error::timeout) {
      return make_error(Errc::Timeout, "webhook '{}': timed out", target.name);
    }
    return make_error(Errc::Unavailable, "webhook '{}': {}", target.name, e.code().message());
  } catch (const std::exception& e) {
    return make_error(Errc::Io, "webhook '{}': {}", target.name, e.what());
  }
}

}  // namespace

Status post_webhook(const WebhookTarget& target, std::string_view body,
                    std::chrono::milliseconds timeout) {
  FERRY_TRY_ASSIGN(ParsedUrl url, parse_https_url(target.url));
  std::optional<std::string> pin;
  if (target.fingerprint) {
    FERRY_TRY_ASSIGN(pin, client::parse_fingerprint(*target.fingerprint));
  }
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  boost::system::error_code ec;
  tls.set_default_verify_paths(ec);  // no trust store: only pinned certificates pass
  beast::ssl_stream<beast::tcp_stream> stream(io, tls);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    return make_error(Errc::InvalidArgument, "webhook '{}': bad host name '{}'", target.name,
                      url.host);
  }
  configure_verification(stream, url.host, pin);
  Exchange ex{std::move(url), std::string(body), target.secret, timeout, 0};
  std::exception_ptr failure;
  asio::co_spawn(io, run_exchange(stream, ex), [&failure](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) return map_exception(target, failure);
  if (ex.status < 200 || ex.status > 299) {
    return make_error(Errc::Unavailable, "webhook '{}' answered {}", target.name, ex.status);
  }
  return ok();
}

}  // namespace ferry::services

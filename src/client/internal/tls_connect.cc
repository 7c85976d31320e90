#include "client/internal/tls_connect.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "client/fingerprint.h"
#include "client/internal/watchdog.h"
#include "http/h2_transport.h"

namespace ferry::client::internal {

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// What the verify callback saw during one handshake (protocol.md §1.3).
struct PinState {
  std::optional<std::string> expected;
  bool distrusted = false;   // OpenSSL rejected something: its "valid" verdict no longer counts
  bool mismatch = false;     // the leaf was checked against the pin and did not match
  std::string presented;     // fingerprint of the leaf
  std::string verify_error;  // first OpenSSL verification error
};

bool verify_certificate(PinState& pin, bool preverified, asio::ssl::verify_context& ctx) {
  X509_STORE_CTX* store = ctx.native_handle();
  int depth = X509_STORE_CTX_get_error_depth(store);
  if (!preverified) {
    pin.distrusted = true;
    if (pin.verify_error.empty()) {
      pin.verify_error = X509_verify_cert_error_string(X509_STORE_CTX_get_error(store));
    }
  }
  if (depth > 0) return true;  // chain problems only matter through `distrusted`
  X509* cert = X509_STORE_CTX_get_current_cert(store);
  if (cert == nullptr) return false;
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  if (len <= 0) return false;
  pin.presented = fingerprint_of_der(std::string_view(reinterpret_cast<char*>(der), len));
  OPENSSL_free(der);
  if (!pin.distrusted) return true;  // trusted by the system for this host name
  if (pin.expected && *pin.expected == pin.presented) return true;
  pin.mismatch = true;
  return false;
}

// SNI and the name/IP OpenSSL must find in the certificate for the "system trusted" verdict.
void set_peer_name(SSL* ssl, const std::string& host) {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  if (!ec) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    return;
  }
  SSL_set_tlsext_host_name(ssl, host.c_str());
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
}

Error certificate_error(const PinState& pin, const std::string& peer) {
  if (pin.mismatch && pin.expected) {
    return Error(Errc::Unauthenticated,
                 fmt::format("certificate fingerprint mismatch for '{}': expected {}, "
                             "presented {}",
                             peer, *pin.expected, pin.presented));
  }
  return Error(Errc::Unauthenticated,
               fmt::format("certificate of '{}' is not trusted ({}) and no fingerprint is "
                           "configured; presented fingerprint {}",
                           peer, pin.verify_error, pin.presented));
}

void set_socket_options(tcp::socket& socket) {
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  socket.set_option(asio::socket_base::keep_alive(true), ec);
  using KeepIdle = asio::detail::socket_option::integer<IPPROTO_TCP, TCP_KEEPIDLE>;
  socket.set_option(KeepIdle(120), ec);  // PBS: TCP keep-alive 120 s
}

asio::awaitable<Result<tcp::socket>> connect_tcp(ConnectParams p, std::string peer) {
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  tcp::socket socket(ex);
  Watchdog watchdog(ex, p.connect_timeout, [&] {
    resolver.cancel();
    boost::system::error_code ignored;
    socket.close(ignored);
  });
  auto [rec, endpoints] = co_await resolver.async_resolve(p.host, std::to_string(p.port),
                                                          asio::as_tuple(asio::use_awaitable));
  if (!rec) {
    auto [cec, ep] =
        co_await asio::async_connect(socket, endpoints, asio::as_tuple(asio::use_awaitable));
    rec = cec;
  }
  if (watchdog.fired()) {
    co_return make_error(Errc::Timeout, "connect to '{}' timed out after {} ms", peer,
                         p.connect_timeout.count());
  }
  if (rec) co_return tl::unexpected(http::net_error(rec, fmt::format("connect to '{}'", peer)));
  set_socket_options(socket);
  co_return std::move(socket);
}

}  // namespace

Result<std::shared_ptr<asio::ssl::context>> make_client_tls_context() {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  boost::system::error_code ec;
  ctx->set_default_verify_paths(ec);
  if (ec) return make_error(Errc::Internal, "loading system CA certificates: {}", ec.message());
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_verify_mode(asio::ssl::verify_peer);
  return ctx;
}

asio::awaitable<Result<std::unique_ptr<TlsStream>>> connect_tls(ConnectParams params) {
  std::string peer = fmt::format("{}:{}", params.host, params.port);
  FERRY_CO_TRY_ASSIGN(tcp::socket socket, co_await connect_tcp(params, peer));
  auto ex = socket.get_executor();
  auto stream = std::make_unique<TlsStream>(
      RateLimitedSocket(std::move(socket), params.read_limiter, params.write_limiter), *params.tls);
  set_peer_name(stream->native_handle(), params.host);
  auto pin = std::make_shared<PinState>();
  pin->expected = params.fingerprint;
  stream->set_verify_mode(asio::ssl::verify_peer);
  stream->set_verify_callback([pin](bool preverified, asio::ssl::verify_context& ctx) {
    return verify_certificate(*pin, preverified, ctx);
  });
  boost::system::error_code ec;
  {
    Watchdog watchdog(ex, params.handshake_timeout, [&stream] {
      boost::system::error_code ignored;
      stream->next_layer().close(ignored);
    });
    std::tie(ec) = co_await stream->async_handshake(asio::ssl::stream_base::client,
                                                    asio::as_tuple(asio::use_awaitable));
    if (watchdog.fired()) {
      co_return make_error(Errc::Timeout, "tls handshake with '{}' timed out after {} ms", peer,
                           params.handshake_timeout.count());
    }
  }
  if (ec) {
    if (pin->mismatch || (!pin->presented.empty() && pin->distrusted)) {
      co_return tl::unexpected(certificate_error(*pin, peer));
    }
    co_return tl::unexpected(http::net_error(ec, fmt::format("tls handshake with '{}'", peer)));
  }
  co_return std::move(stream);
}

}  // namespace ferry::client::internal

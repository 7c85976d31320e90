// HTTP/2 glue — TlsTransport<Stream>: an H2Transport over an Asio TLS stream.
//
// `Stream` is a `boost::asio::ssl::stream<Next>` whose handshake is complete. `Next` is the
// server's `beast::tcp_stream` (or a plain `tcp::socket`) or the client's rate-limited socket;
// it must offer `cancel` and `close` (with or without an error_code argument). The transport
// shares ownership of the stream (the HTTPS server keeps a reference to close it on shutdown).
// Like every Asio I/O object it is not thread-safe: the owning session calls it from one
// executor only.
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "http/h2_transport.h"

namespace ferry::http {

namespace detail {
// Closes or cancels a socket-like layer without throwing, whichever overloads it offers.
template <typename Layer>
void close_layer(Layer& layer) {
  boost::system::error_code ec;
  if constexpr (requires { layer.close(ec); }) {
    layer.close(ec);
  } else {
    layer.close();
  }
}
template <typename Layer>
void cancel_layer(Layer& layer) {
  boost::system::error_code ec;
  if constexpr (requires { layer.cancel(ec); }) {
    layer.cancel(ec);
  } else {
    layer.cancel();
  }
}
}  // namespace detail

template <typename Stream>
class TlsTransport final : public H2Transport {
 public:
  explicit TlsTransport(std::shared_ptr<Stream> stream) : stream_(std::move(stream)) {}

  boost::asio::any_io_executor get_executor() override { return stream_->get_executor(); }

  boost::asio::awaitable<Result<size_t>> read_some(std::span<uint8_t> buffer) override {
    auto [ec, n] =
        co_await stream_->async_read_some(boost::asio::buffer(buffer.data(), buffer.size()),
                                          boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec) co_return tl::unexpected(net_error(ec, "read"));
    co_return n;
  }

  boost::asio::awaitable<Status> write(
      std::span<const boost::asio::const_buffer> buffers) override {
    auto [ec, n] = co_await boost::asio::async_write(
        *stream_, buffers, boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec) co_return tl::unexpected(net_error(ec, "write"));
    co_return ok();
  }

  boost::asio::awaitable<void> shutdown(std::chrono::milliseconds timeout) override {
    // A watchdog closes the socket if the peer never answers our close_notify; closing is
    // more robust than per-operation cancellation of a TLS operation.
    // `pending` guards against a timer completion that was already queued when the shutdown
    // finished: the transport may be gone by the time that handler runs.
    auto pending = std::make_shared<bool>(true);
    boost::asio::steady_timer watchdog(stream_->get_executor());
    watchdog.expires_after(timeout);
    watchdog.async_wait([this, pending](boost::system::error_code ec) {
      if (!ec && *pending) close();
    });
    co_await stream_->async_shutdown(boost::asio::as_tuple(boost::asio::use_awaitable));
    *pending = false;
    watchdog.cancel();
    close();
  }

  void cancel() override { detail::cancel_layer(stream_->next_layer()); }
  void close() override { detail::close_layer(stream_->next_layer()); }

 private:
  std::shared_ptr<Stream> stream_;
};

// Wraps an established TLS stream (taking it over, or sharing it).
template <typename Stream>
std::unique_ptr<H2Transport> make_tls_transport(Stream stream) {
  return std::make_unique<TlsTransport<Stream>>(std::make_shared<Stream>(std::move(stream)));
}
template <typename Stream>
std::unique_ptr<H2Transport> make_tls_transport(std::shared_ptr<Stream> stream) {
  return std::make_unique<TlsTransport<Stream>>(std::move(stream));
}

}  // namespace ferry::http

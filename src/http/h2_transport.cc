#include "http/h2_transport.h"

#include <openssl/err.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

namespace ferry::http {

bool is_connection_closed(const boost::system::error_code& ec) {
  namespace error = boost::asio::error;
  return ec == error::eof || ec == boost::asio::ssl::error::stream_truncated ||
         ec == error::connection_reset || ec == error::broken_pipe ||
         ec == error::connection_aborted;
}

Error net_error(const boost::system::error_code& ec, std::string_view operation) {
  namespace error = boost::asio::error;
  if (ec == error::operation_aborted) {
    return Error(Errc::Cancelled, fmt::format("{}: operation cancelled", operation));
  }
  if (ec == error::timed_out) {
    return Error(Errc::Timeout, fmt::format("{}: timed out", operation));
  }
  if (ec == error::eof || ec == boost::asio::ssl::error::stream_truncated) {
    return Error(Errc::Unavailable, fmt::format("{}: connection closed by peer", operation));
  }
  if (ec == error::connection_reset || ec == error::connection_aborted) {
    return Error(Errc::Unavailable, fmt::format("{}: connection reset by peer", operation));
  }
  if (ec == error::broken_pipe) {
    return Error(Errc::Unavailable,
                 fmt::format("{}: connection closed by peer (broken pipe)", operation));
  }
  if (ec == error::connection_refused) {
    return Error(Errc::Unavailable, fmt::format("{}: connection refused", operation));
  }
  if (ec == error::host_unreachable || ec == error::network_unreachable ||
      ec == error::host_not_found || ec == error::host_not_found_try_again) {
    return Error(Errc::Unavailable, fmt::format("{}: {}", operation, ec.message()));
  }
  if (ec.category() == boost::asio::error::get_ssl_category()) {
    // OpenSSL's reason string ("certificate verify failed", "wrong version number", ...).
    const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    return Error(Errc::Unavailable,
                 fmt::format("{}: tls error: {}", operation, reason ? reason : ec.message()));
  }
  return Error(Errc::Io, fmt::format("{}: {}", operation, ec.message()));
}

}  // namespace ferry::http

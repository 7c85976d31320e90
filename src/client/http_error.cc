#include "client/http_error.h"

#include <boost/beast/http/status.hpp>
#include <fmt/format.h>

#include "client/internal/envelope.h"

namespace ferry::client {

std::optional<int> http_status_of(const Error& error) {
  if (error.context().empty()) return std::nullopt;
  return internal::status_of_frame(error.context().front());
}

std::string pbs_http_error_text(const Error& error) {
  const auto status = http_status_of(error);
  if (!status) return error.to_string();
  namespace http = boost::beast::http;
  return fmt::format("HTTP error {} {} - {}", *status,
                     std::string_view(http::obsolete_reason(http::int_to_status(unsigned(*status)))),
                     error.message());
}

}  // namespace ferry::client

#include "client/internal/envelope.h"

#include <charconv>
#include <string>

namespace ferry::client::internal {

namespace {

constexpr size_t kMaxMessage = 4096;
constexpr std::string_view kStatusFrameInfix = " failed with status ";

std::string_view trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

Errc errc_for_status(int status) {
  switch (status) {
    case 400:
      return Errc::InvalidArgument;
    case 401:
      return Errc::Unauthenticated;
    case 403:
      return Errc::PermissionDenied;
    case 404:
      return Errc::NotFound;
    case 408:
    case 504:
      return Errc::Timeout;
    case 409:
      return Errc::Conflict;
    case 429:
    case 502:
    case 503:
      return Errc::Unavailable;
    default:
      break;
  }
  if (status >= 400 && status < 500) return Errc::InvalidArgument;
  return Errc::Internal;
}

Error status_error(int status, std::string_view body, std::string_view what) {
  std::string_view text = trim(body);
  std::string message =
      text.empty() ? "HTTP " + std::to_string(status) : std::string(text.substr(0, kMaxMessage));
  Error error(errc_for_status(status), std::move(message));
  error.add_context(fmt::format("{}{}{}", what, kStatusFrameInfix, status));
  return error;
}

std::optional<int> status_of_frame(std::string_view frame) {
  const size_t at = frame.rfind(kStatusFrameInfix);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view digits = frame.substr(at + kStatusFrameInfix.size());
  int status = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), status);
  if (ec != std::errc() || end != digits.data() + digits.size() || status < 100 || status > 999) {
    return std::nullopt;
  }
  return status;
}

Result<nlohmann::json> parse_envelope(std::string_view body) {
  if (trim(body).empty()) return nlohmann::json{{"data", nullptr}};
  nlohmann::json value = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return make_error(Errc::Corruption, "invalid JSON in response ({} bytes)", body.size());
  }
  if (!value.is_object()) {
    return make_error(Errc::Corruption, "response is a JSON {}, not an object", value.type_name());
  }
  return value;
}

Result<nlohmann::json> envelope_data(int status, std::string_view body, std::string_view what) {
  if (status < 200 || status > 299) return tl::unexpected(status_error(status, body, what));
  auto envelope = parse_envelope(body);
  if (!envelope) return tl::unexpected(std::move(envelope).error().add_context(std::string(what)));
  auto it = envelope->find("data");
  if (it == envelope->end()) {
    return tl::unexpected(
        Error(Errc::Corruption, "got result without data property").add_context(std::string(what)));
  }
  return std::move(*it);
}

}  // namespace ferry::client::internal

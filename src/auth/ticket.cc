#include "auth/ticket.h"

#include "auth/internal/encoding.h"
#include "common/base64.h"
#include "common/text.h"

namespace ferry::auth {
namespace {

constexpr std::string_view kTfaDataPrefix = "!tfa!";

template <typename... Args>
tl::unexpected<Error> unauthenticated(fmt::format_string<Args...> f, Args&&... args) {
  return make_error(Errc::Unauthenticated, f, std::forward<Args>(args)...);
}

// Percent-decodes a ticket field, which must then be UTF-8.
Result<std::string> decode_field(std::string_view field, std::string_view what) {
  std::string out = internal::percent_decode(field);
  if (!is_valid_utf8(out)) {
    return unauthenticated("invalid ticket, error decoding {}: invalid utf-8 sequence", what);
  }
  return out;
}

// Takes the text up to the next ':' (or all of it) off `rest`; nullopt if `rest` was exhausted.
std::optional<std::string_view> next_field(std::optional<std::string_view>& rest) {
  if (!rest) return std::nullopt;
  std::string_view text = *rest;
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    rest.reset();
    return text;
  }
  rest = text.substr(colon + 1);
  return text.substr(0, colon);
}

}  // namespace

Result<Ticket> Ticket::parse(std::string_view text) {
  // PBS-compat: Rust's splitn(4, ':') — prefix, data, time, and the rest, which must begin
  // with the second ':' of "::". Each field is decoded before the next one is looked at.
  std::optional<std::string_view> rest = text;
  FERRY_TRY_ASSIGN(std::string prefix, decode_field(*next_field(rest), "prefix"));
  auto data_field = next_field(rest);
  if (!data_field) return unauthenticated("ticket without data");
  FERRY_TRY_ASSIGN(std::string data, decode_field(*data_field, "data"));
  auto time_field = next_field(rest);
  if (!time_field) return unauthenticated("ticket without timestamp");
  auto time = internal::parse_hex_i64(*time_field);
  if (!time) {
    return unauthenticated("ticket with bad timestamp: {}",
                           time_field->empty() ? "cannot parse integer from empty string"
                                               : "invalid digit found in string");
  }
  if (!rest) return unauthenticated("ticket without signature");
  if (rest->empty() || (*rest)[0] != ':') {
    return unauthenticated("ticket without signature separator");
  }
  auto sig = base64_decode(rest->substr(1), Base64Padding::Forbidden);
  if (!sig) return unauthenticated("ticket with bad signature: invalid base64");
  Ticket t(std::move(prefix), std::move(data), *time);
  t.signature_ = std::move(*sig);
  return t;
}

std::string Ticket::signed_text() const {
  return fmt::format("{}:{}:{}", internal::percent_encode_ticket(prefix_),
                     internal::percent_encode_ticket(data_), internal::format_hex_time(time_));
}

Result<std::string> Ticket::sign(const Keyring& keyring, std::optional<std::string_view> aad) {
  std::string text = signed_text();
  std::string message = text;
  if (aad) {
    message += ':';
    message += *aad;
  }
  FERRY_TRY_ASSIGN(Bytes sig, keyring.sign(as_bytes(message)));
  text += "::";
  text += base64_encode(sig, false);
  signature_ = std::move(sig);
  return text;
}

Result<std::string> Ticket::verify(const Keyring& keyring, std::string_view prefix,
                                   std::optional<std::string_view> aad, int64_t now,
                                   TicketTimeFrame frame) const {
  if (prefix_ != prefix) return unauthenticated("ticket with invalid prefix");
  if (!signature_) return unauthenticated("invalid ticket without signature");
  const int64_t age = internal::age_since(now, time_);
  if (age < frame.min_age) return unauthenticated("invalid ticket - timestamp newer than expected");
  if (age > frame.max_age) return unauthenticated("invalid ticket - expired");
  std::string message = signed_text();
  if (aad) {
    message += ':';
    message += *aad;
  }
  if (!keyring.verify(*signature_, as_bytes(message))) {
    return unauthenticated("ticket with invalid signature");
  }
  return data_;
}

Result<std::string> create_user_ticket(const Keyring& keyring, const types::Userid& userid,
                                       int64_t now) {
  Ticket ticket(std::string(kAuthPrefix), userid.to_string(), now);
  return ticket.sign(keyring, std::nullopt);
}

Result<types::Userid> verify_user_ticket(const Keyring& keyring, std::string_view ticket,
                                         int64_t now) {
  FERRY_TRY_ASSIGN(Ticket parsed, Ticket::parse(ticket));
  FERRY_TRY_ASSIGN(std::string data, parsed.verify(keyring, kAuthPrefix, std::nullopt, now));
  if (data.starts_with(kTfaDataPrefix)) {
    return unauthenticated("access denied - second login factor required");
  }
  auto userid = types::Userid::parse(data);
  if (!userid) {
    return unauthenticated("failed to parse contained ticket data: {}", userid.error().message());
  }
  return std::move(*userid);
}

}  // namespace ferry::auth

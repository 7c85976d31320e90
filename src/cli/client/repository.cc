#include "cli/client/repository.h"

#include <charconv>

#include <fmt/format.h>

#include "types/names.h"

namespace ferry::cli::client {
namespace {

Result<uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || text.size() > 5 || ec != std::errc() || ptr != end || value == 0 ||
      value > 65535) {
    return make_error(Errc::InvalidArgument, "port '{}' is not a number in 1..65535", text);
  }
  return static_cast<uint16_t>(value);
}

// "host", "host:port", "[v6]" or "[v6]:port" into the repository.
Status parse_host_port(std::string_view text, BackupRepository& repo) {
  std::string_view host = text;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) {
      return make_error(Errc::InvalidArgument, "unterminated '[' in host '{}'", text);
    }
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return make_error(Errc::InvalidArgument, "unexpected '{}' after ']'", rest);
      }
      port = rest.substr(1);
      if (port.empty()) return make_error(Errc::InvalidArgument, "empty port");
    }
    if (host.find(':') == std::string_view::npos) {
      return make_error(Errc::InvalidArgument, "'{}' in brackets is not an IPv6 address", host);
    }
  } else if (const size_t colon = text.find(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (port.empty()) return make_error(Errc::InvalidArgument, "empty port");
  }
  if (host.empty()) return make_error(Errc::InvalidArgument, "empty host");
  FERRY_TRY(types::validate_host(host));
  repo.host = std::string(host);
  if (!port.empty()) {
    FERRY_TRY_ASSIGN(auto value, parse_port(port));
    repo.port = value;
  }
  return ok();
}

Result<BackupRepository> parse_impl(std::string_view text) {
  if (text.empty()) return make_error(Errc::InvalidArgument, "empty repository");
  BackupRepository repo;
  // The store follows the last ':' (no ':' occurs in store names, and a bracketed IPv6 host
  // is always followed by ":store").
  const size_t last_colon = text.rfind(':');
  const std::string_view store =
      last_colon == std::string_view::npos ? text : text.substr(last_colon + 1);
  FERRY_TRY(types::validate_datastore_name(store));
  repo.store = std::string(store);
  if (last_colon == std::string_view::npos) return repo;

  std::string_view prefix = text.substr(0, last_colon);
  // Auth ids contain '@' themselves; hosts never do.
  if (const size_t at = prefix.rfind('@'); at != std::string_view::npos) {
    auto auth = types::Authid::parse(prefix.substr(0, at));
    if (!auth) return tl::unexpected(std::move(auth).error());
    repo.auth_id = *auth;
    prefix = prefix.substr(at + 1);
  }
  FERRY_TRY(parse_host_port(prefix, repo));
  return repo;
}

}  // namespace

Result<BackupRepository> BackupRepository::parse(std::string_view text) {
  auto repo = parse_impl(text);
  if (!repo) {
    return make_error(Errc::InvalidArgument, "invalid repository '{}': {}", text,
                      repo.error().to_string());
  }
  return repo;
}

types::Authid BackupRepository::effective_auth_id() const {
  return auth_id.value_or(types::Authid::root());
}

std::string BackupRepository::to_string() const {
  std::string out;
  if (auth_id) out += auth_id->to_string() + "@";
  if (host) {
    out += host->find(':') != std::string::npos ? "[" + *host + "]" : *host;
    if (port) out += fmt::format(":{}", *port);
    out += ":";
  }
  return out + store;
}

}  // namespace ferry::cli::client

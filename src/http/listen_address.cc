#include "http/listen_address.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>

namespace ferry::http {
namespace {

Result<uint16_t> parse_port(std::string_view input, std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > 65535) {
    return make_error(Errc::InvalidArgument,
                      "invalid listen address '{}': port '{}' is not a number in 0..65535", input,
                      text);
  }
  return uint16_t(value);
}

}  // namespace

std::string ListenAddress::to_string() const {
  return ipv6 ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

Result<ListenAddress> parse_listen_address(std::string_view text) {
  ListenAddress out;
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return make_error(Errc::InvalidArgument, "invalid listen address '{}': expected [IPV6]:PORT",
                        text);
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    out.ipv6 = true;
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return make_error(Errc::InvalidArgument, "invalid listen address '{}': expected ADDR:PORT",
                        text);
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return make_error(Errc::InvalidArgument,
                        "invalid listen address '{}': IPv6 addresses need brackets ([::1]:8007)",
                        text);
    }
  }
  FERRY_TRY_ASSIGN(out.port, parse_port(text, port));
  out.host = std::string(host);
  unsigned char buf[16];
  if (inet_pton(out.ipv6 ? AF_INET6 : AF_INET, out.host.c_str(), buf) != 1) {
    return make_error(Errc::InvalidArgument,
                      "invalid listen address '{}': '{}' is not a numeric IPv{} address", text,
                      out.host, out.ipv6 ? 6 : 4);
  }
  return out;
}

std::vector<ListenAddress> default_listen_addresses(bool with_ipv6) {
  std::vector<ListenAddress> out{{"0.0.0.0", kDefaultPort, false}};
  if (with_ipv6) out.push_back({"::", kDefaultPort, true});
  return out;
}

bool ipv6_available() {
  int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

}  // namespace ferry::http

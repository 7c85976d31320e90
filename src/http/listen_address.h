// Listen addresses: `ADDR:PORT` as given to `ferryd --listen` (api.md §1: one port, 8007, on
// all addresses, IPv6 dual stack).
//
//   0.0.0.0:8007     IPv4 literal
//   [::]:8007        IPv6 literal in brackets (bound with IPV6_V6ONLY, so it pairs with 0.0.0.0)
//   127.0.0.1:0      port 0 = any free port (tests); the bound port is queried from the Server
//
// Only numeric addresses are accepted: a listener never depends on name resolution.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace ferry::http {

inline constexpr uint16_t kDefaultPort = 8007;

struct ListenAddress {
  std::string host;  // numeric, without brackets: "0.0.0.0", "::", "127.0.0.1"
  uint16_t port = kDefaultPort;
  bool ipv6 = false;

  // "0.0.0.0:8007" or "[::]:8007".
  std::string to_string() const;
  bool operator==(const ListenAddress&) const = default;
};

// Parses `ADDR:PORT`. InvalidArgument naming the input and the reason (missing port, port out
// of range, not a numeric IPv4/IPv6 address, IPv6 without brackets).
Result<ListenAddress> parse_listen_address(std::string_view text);

// The default listeners: 0.0.0.0:8007, plus [::]:8007 when `with_ipv6`.
std::vector<ListenAddress> default_listen_addresses(bool with_ipv6);

// Whether this host can create IPv6 sockets (false in containers without IPv6).
bool ipv6_available();

}  // namespace ferry::http

#include "http/listen_address.h"

#include <gtest/gtest.h>

namespace ferry::http {
namespace {

TEST(ListenAddressTest, ParsesValidAddresses) {
  struct Case {
    const char* text;
    const char* host;
    uint16_t port;
    bool ipv6;
  } cases[] = {
      {"0.0.0.0:8007", "0.0.0.0", 8007, false}, {"127.0.0.1:0", "127.0.0.1", 0, false},
      {"[::]:8007", "::", 8007, true},          {"[::1]:65535", "::1", 65535, true},
      {"[fe80::1]:1", "fe80::1", 1, true},
  };
  for (const auto& c : cases) {
    auto r = parse_listen_address(c.text);
    ASSERT_TRUE(r) << c.text << ": " << r.error().to_string();
    EXPECT_EQ(r->host, c.host) << c.text;
    EXPECT_EQ(r->port, c.port) << c.text;
    EXPECT_EQ(r->ipv6, c.ipv6) << c.text;
    EXPECT_EQ(r->to_string(), c.text) << c.text;
  }
}

TEST(ListenAddressTest, RejectsInvalidAddressesNamingTheInput) {
  struct Case {
    const char* text;
    const char* reason;
  } cases[] = {
      {"", "expected ADDR:PORT"},
      {"8007", "expected ADDR:PORT"},
      {"0.0.0.0", "expected ADDR:PORT"},
      {"0.0.0.0:", "port ''"},
      {"0.0.0.0:65536", "port '65536'"},
      {"0.0.0.0:-1", "port '-1'"},
      {"0.0.0.0:80x", "port '80x'"},
      {"localhost:8007", "not a numeric IPv4"},
      {"300.1.1.1:8007", "not a numeric IPv4"},
      {"::1:8007", "need brackets"},
      {"[::1]8007", "expected [IPV6]:PORT"},
      {"[::1:8007", "expected [IPV6]:PORT"},
      {"[1.2.3.4]:8007", "not a numeric IPv6"},
  };
  for (const auto& c : cases) {
    auto r = parse_listen_address(c.text);
    ASSERT_FALSE(r) << "accepted '" << c.text << "'";
    EXPECT_EQ(r.error().code(), Errc::InvalidArgument);
    std::string msg = r.error().to_string();
    EXPECT_NE(msg.find(std::string("'") + c.text + "'"), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.reason), std::string::npos) << c.text << " -> " << msg;
  }
}

TEST(ListenAddressTest, DefaultsAreDualStackOn8007) {
  auto both = default_listen_addresses(true);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].to_string(), "0.0.0.0:8007");
  EXPECT_EQ(both[1].to_string(), "[::]:8007");
  auto v4 = default_listen_addresses(false);
  ASSERT_EQ(v4.size(), 1u);
  EXPECT_EQ(v4[0].to_string(), "0.0.0.0:8007");
}

}  // namespace
}  // namespace ferry::http

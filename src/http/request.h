// HTTP/1.1 messages as the rest of Ferry sees them: plain values, no Beast types.
//
// The Server parses a request completely (header and body, within its size limits) before it
// hands a `Request` to the Handler, so handlers never see partial messages or sockets. Header
// names keep the case the client sent; lookups are case-insensitive.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::http {

enum class Method { Get, Head, Post, Put, Delete, Options, Patch, Other };

// "GET", "POST", ...; "OTHER" for Method::Other.
std::string_view method_name(Method method);
// Parses an upper-case method token; unknown tokens give Method::Other.
Method parse_method(std::string_view token);

struct Header {
  std::string name;
  std::string value;
};

// An ordered header list with case-insensitive lookup. Small (a few dozen entries), so lookups
// scan linearly.
class Headers {
 public:
  // Value of the first header named `name`, if any.
  std::optional<std::string_view> get(std::string_view name) const;
  // Values of every header named `name`, in order (e.g. several Cookie headers).
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }

  void add(std::string name, std::string value);
  // Replaces every header named `name` by one with `value`.
  void set(std::string_view name, std::string value);
  void remove(std::string_view name);

  const std::vector<Header>& entries() const { return entries_; }

 private:
  std::vector<Header> entries_;
};

// ASCII case-insensitive equality, for header names and tokens.
bool iequals(std::string_view a, std::string_view b);

struct Request {
  Method method = Method::Get;
  std::string method_text;  // as sent, e.g. "PROPFIND" for Method::Other
  std::string target;       // request-target as sent: "/api2/json/version?x=1"
  unsigned version = 11;    // 10 for HTTP/1.0, 11 for HTTP/1.1
  Headers headers;
  std::string body;
  std::string peer;  // remote endpoint, "127.0.0.1:51234" or "[::1]:51234"

  // `target` up to '?', and after it ("" without a query).
  std::string_view path() const;
  std::string_view query() const;
};

}  // namespace ferry::http

// URL, query and header encodings used by the client (private to client/ and its tests).
//
//   form_encode            application/x-www-form-urlencoded: ALPHA DIGIT * - . _ literal,
//                          space → '+', everything else %XX (upper-case hex), like the PBS
//                          client (`ns=a%2Fb`, protocol.md §2.1)
//   json_to_query          a JSON parameter object → "k=v&k=v", keys in sorted order, arrays by
//                          repeating the key (api.md §2.2), null values skipped
//   encode_path_segment    one path component: RFC 3986 unreserved literal, rest %XX
//   encode_cookie_value    the ticket in `PBSAuthCookie=`: only controls, non-ASCII, space and
//                          "#<>?{}` are escaped, so ':' '@' '!' '+' '/' '=' stay (auth.md §2.2)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace ferry::client::internal {

std::string form_encode(std::string_view text);

// InvalidArgument when `params` is neither null nor an object, or a value is an object or an
// array holding objects/arrays (naming the key).
Result<std::string> json_to_query(const nlohmann::json& params);

std::string encode_path_segment(std::string_view text);

std::string encode_cookie_value(std::string_view text);

// Builds a form-encoded query string in insertion order.
class QueryBuilder {
 public:
  QueryBuilder& add(std::string_view key, std::string_view value);
  QueryBuilder& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  QueryBuilder& add(std::string_view key, int64_t value);
  QueryBuilder& add(std::string_view key, uint64_t value);
  QueryBuilder& add(std::string_view key, bool value);
  const std::string& str() const { return query_; }

 private:
  std::string query_;
};

}  // namespace ferry::client::internal

// API parameters: where they come from and how they are checked (api.md §2.2).
//
// A route may declare a ParamSchema. Parameters are then
//   * taken from a JSON body (Content-Type application/json; the query string is ignored) with
//     exact JSON types, or from the form body + query string (x-www-form-urlencoded or no
//     Content-Type) as strings converted per schema: booleans 1|on|yes|true / 0|off|no|false,
//     decimal integers, arrays by repeating the key; `_dc` is ignored;
//   * merged with the path parameters (strings, converted per schema like form values);
//   * checked: unknown names, missing required ones, wrong types, out-of-range values.
// All problems are reported together as one 400:
//   `parameter verification failed - '<name>': <reason>`  or, for several,
//   `parameter verification failed:\n- '<a>': <reason>\n- '<b>': <reason>`.
// Without a schema everything is accepted: form values as strings (arrays when repeated),
// JSON as sent.
//
// The value a route handler receives is always a JSON object. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace ferry::http {

enum class ParamType { String, Integer, Number, Boolean, Array, Object };

struct ParamSpec {
  ParamType type = ParamType::String;
  bool optional = false;
  ParamType item_type = ParamType::String;  // element type of an Array
  std::optional<int64_t> minimum;           // Integer bounds
  std::optional<int64_t> maximum;
  std::optional<size_t> min_length;  // String length bounds, in bytes
  std::optional<size_t> max_length;
  // Extra check on the converted value (e.g. a validator from types/); its error message
  // becomes the reason.
  std::function<Status(const nlohmann::json&)> check;
};

// The parameters a route accepts. Built once at route registration; immutable afterwards.
class ParamSchema {
 public:
  ParamSchema& add(std::string name, ParamSpec spec);
  // Accept names that are not declared (checked ones are still checked). Off by default, as
  // for every PBS method a sync needs.
  ParamSchema& allow_additional(bool allow = true);

  const ParamSpec* find(std::string_view name) const;
  const std::map<std::string, ParamSpec, std::less<>>& properties() const { return props_; }
  bool additional_allowed() const { return additional_; }

 private:
  std::map<std::string, ParamSpec, std::less<>> props_;
  bool additional_ = false;
};

// One verification problem, in the order found.
struct ParamError {
  std::string name;
  std::string reason;
};

// Where the parameters of one request are.
struct ParamSources {
  bool json_body = false;  // true: `body` is JSON and `query` is ignored
  std::string_view body;
  std::string_view query;
  std::vector<std::pair<std::string, std::string>> path_params;
};

// Decodes and checks. Returns the parameter object, or the list of problems. A body that is
// not valid JSON (or not an object) or not valid UTF-8 is reported as a problem named "".
tl::expected<nlohmann::json, std::vector<ParamError>> decode_params(const ParamSources& sources,
                                                                    const ParamSchema* schema);

// The PBS text for a list of problems (see above). Precondition: !errors.empty().
std::string format_param_errors(const std::vector<ParamError>& errors);

// Splits `a=1&b=x%20y` into decoded pairs, in order ('+' means space). InvalidArgument when a
// percent escape is malformed or a name/value is not valid UTF-8.
Result<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view text);

// Percent-decodes; with `plus_is_space` '+' becomes ' '. InvalidArgument on a bad escape.
Result<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace ferry::http

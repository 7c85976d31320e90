#include "http/params.h"

#include <charconv>
#include <cstdlib>

#include "common/text.h"
#include "http/request.h"

namespace ferry::http {
namespace {

using nlohmann::json;

constexpr std::string_view kUnknown = "schema does not allow additional properties.";
constexpr std::string_view kMissing = "parameter is missing and it is not optional.";
constexpr std::string_view kDuplicate = "duplicate parameter.";

// A parameter as found: a JSON value from a JSON body, or strings (form, query, path).
struct RawValue {
  std::optional<json> value;
  std::vector<std::string> strings;
};
using RawParams = std::map<std::string, RawValue, std::less<>>;

std::string_view type_name(ParamType type) {
  switch (type) {
    case ParamType::String:
      return "string";
    case ParamType::Integer:
      return "integer";
    case ParamType::Number:
      return "number";
    case ParamType::Boolean:
      return "boolean";
    case ParamType::Array:
      return "array";
    case ParamType::Object:
      return "object";
  }
  return "unknown";
}

std::string expected(ParamType type) { return fmt::format("Expected {} value.", type_name(type)); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Converts one form/query/path string to the scalar `type`.
Result<json> convert_string(const std::string& s, ParamType type) {
  switch (type) {
    case ParamType::String:
      return json(s);
    case ParamType::Integer: {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (s.empty() || ec != std::errc() || end != s.data() + s.size()) break;
      return json(v);
    }
    case ParamType::Number: {
      char* end = nullptr;
      double v = std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size()) break;
      return json(v);
    }
    case ParamType::Boolean:
      for (const char* t : {"1", "on", "yes", "true"}) {
        if (iequals(s, t)) return json(true);
      }
      for (const char* f : {"0", "off", "no", "false"}) {
        if (iequals(s, f)) return json(false);
      }
      break;
    case ParamType::Array:
    case ParamType::Object:
      break;
  }
  return make_error(Errc::InvalidArgument, "{}", expected(type));
}

bool json_has_type(const json& v, ParamType type) {
  switch (type) {
    case ParamType::String:
      return v.is_string();
    case ParamType::Integer:
      return v.is_number_integer();
    case ParamType::Number:
      return v.is_number();
    case ParamType::Boolean:
      return v.is_boolean();
    case ParamType::Array:
      return v.is_array();
    case ParamType::Object:
      return v.is_object();
  }
  return false;
}

Status check_bounds(const json& v, const ParamSpec& spec) {
  if (v.is_number_integer()) {
    int64_t n = v.get<int64_t>();
    if (spec.minimum && n < *spec.minimum) {
      return make_error(Errc::InvalidArgument, "value must have a minimum value of {}",
                        *spec.minimum);
    }
    if (spec.maximum && n > *spec.maximum) {
      return make_error(Errc::InvalidArgument, "value must have a maximum value of {}",
                        *spec.maximum);
    }
  }
  if (v.is_string()) {
    size_t len = v.get_ref<const std::string&>().size();
    if (spec.min_length && len < *spec.min_length) {
      return make_error(Errc::InvalidArgument, "value must be at least {} characters long",
                        *spec.min_length);
    }
    if (spec.max_length && len > *spec.max_length) {
      return make_error(Errc::InvalidArgument, "value may only be {} characters long",
                        *spec.max_length);
    }
  }
  if (spec.check) return spec.check(v);
  return ok();
}

// Converts and checks one declared parameter.
Result<json> convert(const RawValue& raw, const ParamSpec& spec) {
  json v;
  if (raw.value) {
    v = *raw.value;
    if (!json_has_type(v, spec.type))
      return make_error(Errc::InvalidArgument, "{}", expected(spec.type));
    if (spec.type == ParamType::Array) {
      for (const auto& item : v) {
        if (!json_has_type(item, spec.item_type)) {
          return make_error(Errc::InvalidArgument, "{}", expected(spec.item_type));
        }
      }
    }
  } else if (spec.type == ParamType::Array) {
    v = json::array();
    for (const auto& s : raw.strings) {
      FERRY_TRY_ASSIGN(json item, convert_string(s, spec.item_type));
      v.push_back(std::move(item));
    }
  } else {
    if (raw.strings.size() > 1) return make_error(Errc::InvalidArgument, "{}", kDuplicate);
    FERRY_TRY_ASSIGN(v, convert_string(raw.strings.front(), spec.type));
  }
  if (spec.type == ParamType::Array) {
    for (const auto& item : v) FERRY_TRY(check_bounds(item, spec));
  } else {
    FERRY_TRY(check_bounds(v, spec));
  }
  return v;
}

// An undeclared parameter as it was sent.
json passthrough(const RawValue& raw) {
  if (raw.value) return *raw.value;
  if (raw.strings.size() == 1) return json(raw.strings.front());
  return json(raw.strings);
}

// Parses a JSON body; the error names the parser's complaint and position (without the
// "last read" excerpt, which could echo secrets).
Result<json> parse_json(std::string_view text) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    if (auto pos = what.find("] "); pos != std::string::npos) what.erase(0, pos + 2);
    if (auto pos = what.find("; last read"); pos != std::string::npos) what.erase(pos);
    return make_error(Errc::InvalidArgument, "invalid JSON body - {}", what);
  }
}

// Collects the raw parameters; a non-empty error means the body itself is unusable.
tl::expected<RawParams, ParamError> collect(const ParamSources& src) {
  RawParams raw;
  if (!is_valid_utf8(src.body))
    return tl::unexpected(ParamError{"", "request body is not valid UTF-8"});
  if (src.json_body) {
    json body = json::object();
    if (!src.body.empty()) {
      auto parsed = parse_json(src.body);
      if (!parsed) return tl::unexpected(ParamError{"", parsed.error().message()});
      body = std::move(*parsed);
      if (!body.is_object())
        return tl::unexpected(ParamError{"", "invalid JSON body - expected an object"});
    }
    for (auto& [key, value] : body.items()) raw[key].value = std::move(value);
  } else {
    for (std::string_view text : {src.body, src.query}) {
      auto pairs = parse_form(text);
      if (!pairs) return tl::unexpected(ParamError{"", pairs.error().message()});
      for (auto& [key, value] : *pairs) {
        if (key == "_dc") continue;  // ExtJS cache buster, ignored by PBS
        raw[key].strings.push_back(std::move(value));
      }
    }
  }
  for (const auto& [key, value] : src.path_params) {
    raw[key] = RawValue{std::nullopt, {value}};  // the path wins over body and query
  }
  return raw;
}

}  // namespace

ParamSchema& ParamSchema::add(std::string name, ParamSpec spec) {
  props_[std::move(name)] = std::move(spec);
  return *this;
}

ParamSchema& ParamSchema::allow_additional(bool allow) {
  additional_ = allow;
  return *this;
}

const ParamSpec* ParamSchema::find(std::string_view name) const {
  auto it = props_.find(name);
  return it == props_.end() ? nullptr : &it->second;
}

tl::expected<json, std::vector<ParamError>> decode_params(const ParamSources& sources,
                                                          const ParamSchema* schema) {
  auto raw = collect(sources);
  if (!raw) return tl::unexpected(std::vector<ParamError>{std::move(raw.error())});
  json out = json::object();
  std::vector<ParamError> errors;
  if (schema != nullptr) {
    for (const auto& [name, spec] : schema->properties()) {
      auto it = raw->find(name);
      if (it == raw->end()) {
        if (!spec.optional) errors.push_back({name, std::string(kMissing)});
        continue;
      }
      auto v = convert(it->second, spec);
      if (v) {
        out[name] = std::move(*v);
      } else {
        errors.push_back({name, v.error().message()});
      }
    }
  }
  for (const auto& [name, value] : *raw) {
    if (schema != nullptr && schema->find(name) != nullptr) continue;
    if (schema != nullptr && !schema->additional_allowed()) {
      errors.push_back({name, std::string(kUnknown)});
      continue;
    }
    out[name] = passthrough(value);
  }
  if (!errors.empty()) return tl::unexpected(std::move(errors));
  return out;
}

std::string format_param_errors(const std::vector<ParamError>& errors) {
  if (errors.size() == 1 && errors.front().name.empty()) return errors.front().reason;
  if (errors.size() == 1) {
    return fmt::format("parameter verification failed - '{}': {}", errors.front().name,
                       errors.front().reason);
  }
  std::string out = "parameter verification failed:";
  for (const auto& e : errors) out += fmt::format("\n- '{}': {}", e.name, e.reason);
  return out;
}

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c != '%') {
      out += c;
    } else {
      int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return make_error(Errc::InvalidArgument, "invalid percent-encoding in '{}'", text);
      }
      out += char(hi * 16 + lo);
      i += 2;
    }
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view part = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    FERRY_TRY_ASSIGN(std::string key, percent_decode(part.substr(0, eq), true));
    std::string value;
    if (eq != std::string_view::npos) {
      FERRY_TRY_ASSIGN(value, percent_decode(part.substr(eq + 1), true));
    }
    if (!is_valid_utf8(key) || !is_valid_utf8(value)) {
      return make_error(Errc::InvalidArgument, "parameter '{}' is not valid UTF-8", part);
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}


}  // namespace ferry::http

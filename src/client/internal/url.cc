#include "client/internal/url.h"

namespace ferry::client::internal {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

void append_escaped(std::string& out, unsigned char c) {
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 0xF];
}

bool is_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// A scalar JSON value as a query value: strings raw, booleans "true"/"false", numbers as JSON
// writes them.
Result<std::string> scalar_text(const std::string& key, const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return std::string(v.get<bool>() ? "true" : "false");
  if (v.is_number()) return v.dump();
  return make_error(Errc::InvalidArgument, "parameter '{}': {} value cannot be form-encoded", key,
                    v.type_name());
}

}  // namespace

std::string form_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (is_alnum(c) || c == '*' || c == '-' || c == '.' || c == '_') {
      out += ch;
    } else if (c == ' ') {
      out += '+';
    } else {
      append_escaped(out, c);
    }
  }
  return out;
}

Result<std::string> json_to_query(const nlohmann::json& params) {
  if (params.is_null()) return std::string();
  if (!params.is_object()) {
    return make_error(Errc::InvalidArgument, "parameters must be a JSON object, not {}",
                      params.type_name());
  }
  QueryBuilder q;
  for (const auto& [key, value] : params.items()) {
    if (value.is_null()) continue;
    if (value.is_array()) {
      for (const auto& element : value) {
        FERRY_TRY_ASSIGN(std::string text, scalar_text(key, element));
        q.add(key, text);
      }
      continue;
    }
    FERRY_TRY_ASSIGN(std::string text, scalar_text(key, value));
    q.add(key, text);
  }
  return q.str();
}

std::string encode_path_segment(std::string_view text) {
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      append_escaped(out, c);
    }
  }
  return out;
}

std::string encode_cookie_value(std::string_view text) {
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    bool escape = c < 0x20 || c >= 0x7F || c == ' ' || c == '"' || c == '#' || c == '<' ||
                  c == '>' || c == '?' || c == '{' || c == '}' || c == '`';
    if (escape) {
      append_escaped(out, c);
    } else {
      out += ch;
    }
  }
  return out;
}

QueryBuilder& QueryBuilder::add(std::string_view key, std::string_view value) {
  if (!query_.empty()) query_ += '&';
  query_ += form_encode(key);
  query_ += '=';
  query_ += form_encode(value);
  return *this;
}

QueryBuilder& QueryBuilder::add(std::string_view key, int64_t value) {
  return add(key, std::string_view(std::to_string(value)));
}

QueryBuilder& QueryBuilder::add(std::string_view key, uint64_t value) {
  return add(key, std::string_view(std::to_string(value)));
}

QueryBuilder& QueryBuilder::add(std::string_view key, bool value) {
  return add(key, std::string_view(value ? "true" : "false"));
}

}  // namespace ferry::client::internal

#include "config/property_string.h"

namespace ferry::config {
namespace {

const PropertyStringField* find_field(const PropertyStringSchema& schema, std::string_view key) {
  for (const PropertyStringField& f : schema.fields) {
    if (f.name == key) return &f;
  }
  return nullptr;
}

// Reads a quoted value starting at text[pos] == '"'; advances pos past the closing quote.
Result<std::string> parse_quoted(const PropertyStringSchema& schema, std::string_view text,
                                 size_t& pos) {
  std::string out;
  for (++pos; pos < text.size(); ++pos) {
    char c = text[pos];
    if (c == '"') {
      ++pos;
      if (pos < text.size() && text[pos] != ',') {
        return make_error(Errc::InvalidArgument,
                          "invalid {} '{}': only ',' may follow a closing quote", schema.what,
                          text);
      }
      return out;
    }
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++pos == text.size()) break;
    switch (text[pos]) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case 'n': out += '\n'; break;
      default:
        return make_error(Errc::InvalidArgument, "invalid {} '{}': unknown escape '\\{}'",
                          schema.what, text, text[pos]);
    }
  }
  return make_error(Errc::InvalidArgument, "invalid {} '{}': unterminated quoted value",
                    schema.what, text);
}

// Parses one item at text[pos...] into (key, value); leaves pos at the ',' or the end.
Result<std::pair<std::string, std::string>> parse_item(const PropertyStringSchema& schema,
                                                       std::string_view text, size_t& pos) {
  std::string key;
  size_t eq = text.find_first_of("=,\"", pos);
  if (eq != std::string_view::npos && text[eq] == '=') {
    key = std::string(text.substr(pos, eq - pos));
    pos = eq + 1;
  } else if (schema.default_key) {
    key = *schema.default_key;
  } else {
    return make_error(Errc::InvalidArgument, "invalid {} '{}': expected key=value", schema.what,
                      text);
  }
  std::string value;
  if (pos < text.size() && text[pos] == '"') {
    FERRY_TRY_ASSIGN(value, parse_quoted(schema, text, pos));
  } else {
    size_t comma = text.find(',', pos);
    size_t end = comma == std::string_view::npos ? text.size() : comma;
    value = std::string(text.substr(pos, end - pos));
    pos = end;
  }
  return std::make_pair(std::move(key), std::move(value));
}

bool needs_quotes(std::string_view v) {
  return v.find_first_of("\"\\\n") != std::string_view::npos;
}

std::string quote(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

Result<PropertyItems> parse_property_string(const PropertyStringSchema& schema,
                                            std::string_view text) {
  PropertyItems items;
  size_t pos = 0;
  while (pos < text.size()) {
    FERRY_TRY_ASSIGN(auto item, parse_item(schema, text, pos));
    if (pos < text.size()) ++pos;  // skip ','
    const PropertyStringField* field = find_field(schema, item.first);
    if (field == nullptr) {
      return make_error(Errc::InvalidArgument, "invalid {} '{}': unknown key '{}'", schema.what,
                        text, item.first);
    }
    if (find_item(items, item.first)) {
      return make_error(Errc::InvalidArgument, "invalid {} '{}': duplicate key '{}'", schema.what,
                        text, item.first);
    }
    if (field->validate) {
      if (auto v = field->validate(item.second); !v) {
        return make_error(Errc::InvalidArgument, "invalid {} '{}': {}: {}", schema.what, text,
                          item.first, v.error().message());
      }
    }
    items.push_back(std::move(item));
  }
  for (const PropertyStringField& f : schema.fields) {
    if (f.required && !find_item(items, f.name)) {
      return make_error(Errc::InvalidArgument, "invalid {} '{}': missing '{}'", schema.what, text,
                        f.name);
    }
  }
  return items;
}

std::string format_property_string(const PropertyStringSchema& schema,
                                   const PropertyItems& items) {
  std::string out;
  for (const PropertyStringField& f : schema.fields) {
    auto value = find_item(items, f.name);
    if (!value) continue;
    if (!out.empty()) out += ',';
    if (!schema.default_key || *schema.default_key != f.name) out += f.name + "=";
    out += needs_quotes(*value) ? quote(*value) : *value;
  }
  return out;
}

std::optional<std::string> find_item(const PropertyItems& items, std::string_view key) {
  for (const auto& [k, v] : items) {
    if (k == key) return v;
  }
  return std::nullopt;
}

}  // namespace ferry::config

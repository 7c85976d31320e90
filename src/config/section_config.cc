#include "config/section_config.h"

#include <charconv>
#include <optional>

#include "common/text.h"

namespace ferry::config {
namespace {


std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return out;
}

Result<std::string> canonical_boolean(std::string_view value) {
  std::string v = ascii_lower(value);
  if (v == "1" || v == "on" || v == "yes" || v == "true") return std::string("true");
  if (v == "0" || v == "off" || v == "no" || v == "false") return std::string("false");
  return make_error(Errc::InvalidArgument,
                    "value '{}' is not a boolean (expected true/false, yes/no, on/off or 1/0)",
                    value);
}

Result<std::string> canonical_integer(const PropertySchema& prop, std::string_view value) {
  std::string_view digits = value;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  bool whole = end == digits.data() + digits.size();
  // from_chars accepts a leading '-' itself; "+-5" must still be rejected.
  if (digits.empty() || ec != std::errc() || !whole || (digits.size() != value.size() &&
                                                        digits.front() == '-')) {
    return make_error(Errc::InvalidArgument, "value '{}' is not an integer", value);
  }
  if (n < prop.min || n > prop.max) {
    if (prop.max == std::numeric_limits<int64_t>::max()) {
      return make_error(Errc::InvalidArgument, "value '{}' is out of range (minimum {})", value,
                        prop.min);
    }
    return make_error(Errc::InvalidArgument, "value '{}' is out of range {}..{}", value, prop.min,
                      prop.max);
  }
  return std::to_string(n);
}

Result<std::string> canonical_string(const PropertySchema& prop, std::string_view value) {
  size_t len = count_code_points(value);
  if (len < prop.min_length) {
    return make_error(Errc::InvalidArgument, "value '{}' is too short (minimum {} characters)",
                      value, prop.min_length);
  }
  if (len > prop.max_length) {
    return make_error(Errc::InvalidArgument, "value is too long (maximum {} characters)",
                      prop.max_length);
  }
  if (prop.validate) FERRY_TRY(prop.validate(value));
  return std::string(value);
}

// Where a parse is: the file name and the current line, for error messages.
struct ParseState {
  const SectionConfigSchema& schema;
  size_t line_no = 0;
  std::optional<Section> current;
  const SectionTypeSchema* type = nullptr;
  size_t header_line = 0;
  SectionConfigData data;

  template <typename... Args>
  tl::unexpected<Error> fail(size_t line, fmt::format_string<Args...> f, Args&&... args) const {
    return make_error(Errc::Corruption, "{}:{}: {}", schema.file_name, line,
                      fmt::format(f, std::forward<Args>(args)...));
  }
  std::string where() const { return fmt::format("{} '{}'", current->type, current->id); }
};

Status parse_header(ParseState& st, std::string_view line) {
  auto c = static_cast<unsigned char>(line.front());
  bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
  size_t colon = line.find(':');
  if (!alpha || colon == std::string_view::npos || trim_unicode(line.substr(0, colon)).empty()) {
    return st.fail(st.line_no, "syntax error (expected header)");
  }
  std::string_view type = trim_unicode(line.substr(0, colon));
  std::string_view id = trim_unicode(line.substr(colon + 1));
  st.type = st.schema.find(type);
  if (st.type == nullptr) return st.fail(st.line_no, "unknown section type '{}'", type);
  if (auto v = st.type->validate_id(id); !v) {
    return st.fail(st.line_no, "invalid {} id: {}", type, v.error().message());
  }
  st.current = Section{std::string(type), std::string(id), {}};
  st.header_line = st.line_no;
  return ok();
}

Status parse_property(ParseState& st, std::string_view line) {
  size_t lead = 0;
  while (size_t n = leading_whitespace_length(line.substr(lead))) lead += n;
  std::string_view body = line.substr(lead);
  size_t key_len = 0;
  while (key_len < body.size() && leading_whitespace_length(body.substr(key_len)) == 0) ++key_len;
  std::string key(body.substr(0, key_len));
  // The key must be followed by whitespace even for an empty value ("\tcomment " is "").
  size_t ws = leading_whitespace_length(body.substr(key_len));
  if (ws == 0) {
    return st.fail(st.line_no,
                   "syntax error (expected section properties): property '{}' without a value",
                   key);
  }
  std::string_view value = trim_unicode(body.substr(key_len + ws));
  if (key == st.type->id_property) return ok();  // PBS-compat: the header id wins
  const PropertySchema* prop = st.type->find(key);
  if (prop == nullptr) return st.fail(st.line_no, "unknown property '{}' in {}", key, st.where());
  auto& values = st.current->properties[key];
  if (!prop->array && !values.empty()) {
    return st.fail(st.line_no, "duplicate property '{}' in {}", key, st.where());
  }
  auto canon = canonical_value(*prop, value);
  if (!canon) {
    return st.fail(st.line_no, "invalid value for property '{}' in {}: {}", key, st.where(),
                   canon.error().message());
  }
  values.push_back(std::move(*canon));
  return ok();
}

Status finish_section(ParseState& st) {
  if (!st.current) return ok();
  for (const PropertySchema& p : st.type->properties) {
    if (p.required && p.name != st.type->id_property && !st.current->has(p.name)) {
      return st.fail(st.header_line, "missing required property '{}' in {}", p.name, st.where());
    }
  }
  st.data.set(std::move(*st.current));
  st.current.reset();
  return ok();
}

Status parse_line(ParseState& st, std::string_view line) {
  if (line.size() > kMaxConfigLineLength) {
    return st.fail(st.line_no, "line is longer than {} bytes", kMaxConfigLineLength);
  }
  if (!is_valid_utf8(line)) return st.fail(st.line_no, "line is not valid UTF-8");
  if (!st.current) {
    if (is_blank(line)) return ok();
    return parse_header(st, line);
  }
  if (is_blank(line)) return finish_section(st);
  if (leading_whitespace_length(line) == 0) {
    return st.fail(st.line_no, "syntax error (expected section properties)");
  }
  return parse_property(st, line);
}

}  // namespace

const PropertySchema* SectionTypeSchema::find(std::string_view key) const {
  for (const PropertySchema& p : properties) {
    if (p.name == key) return &p;
  }
  return nullptr;
}

const SectionTypeSchema* SectionConfigSchema::find(std::string_view type) const {
  for (const SectionTypeSchema& t : types) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

const std::string* Section::get(std::string_view key) const {
  auto it = properties.find(std::string(key));
  if (it == properties.end() || it->second.empty()) return nullptr;
  return &it->second.front();
}

std::vector<std::string> Section::get_all(std::string_view key) const {
  auto it = properties.find(std::string(key));
  return it == properties.end() ? std::vector<std::string>{} : it->second;
}

void Section::set_all(const std::string& key, std::vector<std::string> values) {
  if (values.empty()) {
    properties.erase(key);
  } else {
    properties[key] = std::move(values);
  }
}

void Section::erase(std::string_view key) { properties.erase(std::string(key)); }

const Section* SectionConfigData::find(std::string_view id) const {
  for (const Section& s : sections_) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

void SectionConfigData::set(Section s) {
  for (Section& existing : sections_) {
    if (existing.id == s.id) {
      existing = std::move(s);
      return;
    }
  }
  sections_.push_back(std::move(s));
}

bool SectionConfigData::remove(std::string_view id) {
  for (auto it = sections_.begin(); it != sections_.end(); ++it) {
    if (it->id == id) {
      sections_.erase(it);
      return true;
    }
  }
  return false;
}

Result<std::string> canonical_value(const PropertySchema& prop, std::string_view value) {
  if (!is_valid_utf8(value) || has_control_char(value)) {
    return make_error(Errc::InvalidArgument, "value contains control characters");
  }
  switch (prop.kind) {
    case PropertyKind::Boolean: return canonical_boolean(value);
    case PropertyKind::Integer: return canonical_integer(prop, value);
    case PropertyKind::String: return canonical_string(prop, value);
  }
  return make_error(Errc::Internal, "unknown property kind");
}

Status validate_section(const SectionTypeSchema& type, const Section& section) {
  if (section.type != type.type) {
    return make_error(Errc::InvalidArgument, "section type '{}' is not '{}'", section.type,
                      type.type);
  }
  if (has_control_char(section.id)) {
    return make_error(Errc::InvalidArgument, "id contains control characters");
  }
  FERRY_TRY(type.validate_id(section.id));
  for (const auto& [key, values] : section.properties) {
    if (key == type.id_property) continue;
    const PropertySchema* prop = type.find(key);
    if (prop == nullptr) return make_error(Errc::InvalidArgument, "unknown property '{}'", key);
    if (!prop->array && values.size() > 1) {
      return make_error(Errc::InvalidArgument, "duplicate property '{}'", key);
    }
    for (const std::string& v : values) {
      auto canon = canonical_value(*prop, v);
      if (!canon) {
        return make_error(Errc::InvalidArgument, "property '{}': {}", key,
                          canon.error().message());
      }
      // A value with surrounding whitespace would come back trimmed: refuse to write it.
      if (trim_unicode(v).size() != v.size()) {
        return make_error(Errc::InvalidArgument,
                          "property '{}': value has leading or trailing whitespace", key);
      }
    }
  }
  for (const PropertySchema& p : type.properties) {
    if (p.required && p.name != type.id_property && !section.has(p.name)) {
      return make_error(Errc::InvalidArgument, "missing required property '{}'", p.name);
    }
  }
  return ok();
}

Result<SectionConfigData> parse_section_config(const SectionConfigSchema& schema,
                                               std::string_view text) {
  if (text.size() > kMaxConfigFileSize) {
    return make_error(Errc::Corruption, "{}: file is larger than {} bytes", schema.file_name,
                      kMaxConfigFileSize);
  }
  ParseState st{schema};
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++st.line_no;
    FERRY_TRY(parse_line(st, line));
    pos = end + 1;
  }
  FERRY_TRY(finish_section(st));
  return std::move(st.data);
}

Result<std::string> write_section_config(const SectionConfigSchema& schema,
                                         const SectionConfigData& data) {
  std::string out;
  for (const Section& s : data.sections()) {
    const SectionTypeSchema* type = schema.find(s.type);
    if (type == nullptr) {
      return make_error(Errc::InvalidArgument, "{}: unknown section type '{}' of '{}'",
                        schema.file_name, s.type, s.id);
    }
    if (auto v = validate_section(*type, s); !v) {
      return make_error(Errc::InvalidArgument, "{}: {} '{}': {}", schema.file_name, s.type, s.id,
                        v.error().message());
    }
    if (!out.empty()) out += '\n';
    out += s.type + ": " + s.id + "\n";
    for (const auto& [key, values] : s.properties) {
      if (key == type->id_property) continue;
      const PropertySchema& prop = *type->find(key);
      for (const std::string& v : values) {
        out += '\t' + key + ' ' + *canonical_value(prop, v) + '\n';
      }
    }
  }
  return out;
}

}  // namespace ferry::config

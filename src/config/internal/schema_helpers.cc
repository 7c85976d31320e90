#include "config/internal/schema_helpers.h"

#include <charconv>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/byte_size.h"
#include "config/property_string.h"
#include "types/authid.h"
#include "types/backup_namespace.h"
#include "types/names.h"

namespace ferry::config::internal {

PropertySchema string_prop(std::string name, Validator validate, size_t min_len, size_t max_len) {
  PropertySchema p;
  p.name = std::move(name);
  p.kind = PropertyKind::String;
  p.validate = std::move(validate);
  p.min_length = min_len;
  p.max_length = max_len;
  return p;
}

PropertySchema int_prop(std::string name, int64_t min, int64_t max) {
  PropertySchema p;
  p.name = std::move(name);
  p.kind = PropertyKind::Integer;
  p.min = min;
  p.max = max;
  return p;
}

PropertySchema bool_prop(std::string name) {
  PropertySchema p;
  p.name = std::move(name);
  p.kind = PropertyKind::Boolean;
  return p;
}

PropertySchema required(PropertySchema p) {
  p.required = true;
  return p;
}

PropertySchema array(PropertySchema p) {
  p.array = true;
  return p;
}

Status validate_namespace(std::string_view s) {
  FERRY_TRY(types::BackupNamespace::parse(s));
  return ok();
}

Status validate_authid(std::string_view s) {
  FERRY_TRY(types::Authid::parse(s));
  return ok();
}

Status validate_userid(std::string_view s) {
  FERRY_TRY(types::Userid::parse(s));
  return ok();
}

Status validate_human_byte(std::string_view s) {
  FERRY_TRY(HumanByte::parse(s));
  return ok();
}

Status validate_schedule(std::string_view s) {
  if (s.empty() || s.size() > 1024) {
    return make_error(Errc::InvalidArgument,
                      "invalid calendar event '{}': must be 1 to 1024 characters", s);
  }
  return ok();
}

Validator one_of(std::vector<std::string> allowed) {
  return [allowed = std::move(allowed)](std::string_view s) -> Status {
    for (const std::string& a : allowed) {
      if (a == s) return ok();
    }
    return make_error(Errc::InvalidArgument, "value '{}' is not one of: {}", s,
                      fmt::join(allowed, ", "));
  };
}

Validator property_string(const PropertyStringSchema* schema) {
  return [schema](std::string_view s) -> Status {
    FERRY_TRY(parse_property_string(*schema, s));
    return ok();
  };
}

PropertySchema comment_prop() { return string_prop("comment", types::validate_comment, 0, 128); }

PropertySchema schedule_prop(std::string name) {
  return string_prop(std::move(name), validate_schedule);
}

PropertySchema namespace_prop(std::string name) {
  return string_prop(std::move(name), validate_namespace, 0, types::BackupNamespace::kMaxLength);
}

Result<std::optional<std::string>> get_string(const Section& s, std::string_view key) {
  const std::string* v = s.get(key);
  if (v == nullptr) return std::optional<std::string>();
  return std::optional<std::string>(*v);
}

Result<std::string> get_required(const Section& s, std::string_view key) {
  const std::string* v = s.get(key);
  if (v == nullptr) {
    return make_error(Errc::InvalidArgument, "missing required property '{}'", key);
  }
  return *v;
}

Result<std::optional<int64_t>> get_int(const Section& s, std::string_view key) {
  const std::string* v = s.get(key);
  if (v == nullptr) return std::optional<int64_t>();
  std::string_view t = *v;
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || end != t.data() + t.size()) {
    return make_error(Errc::InvalidArgument, "property '{}': value '{}' is not an integer", key,
                      *v);
  }
  return std::optional<int64_t>(n);
}

Result<std::optional<bool>> get_bool(const Section& s, std::string_view key) {
  const std::string* v = s.get(key);
  if (v == nullptr) return std::optional<bool>();
  if (*v == "true") return std::optional<bool>(true);
  if (*v == "false") return std::optional<bool>(false);
  // Sections built by hand may still hold non-canonical text: reuse the schema rule.
  auto canon = canonical_value(bool_prop(std::string(key)), *v);
  if (!canon) {
    return make_error(Errc::InvalidArgument, "property '{}': {}", key, canon.error().message());
  }
  return std::optional<bool>(*canon == "true");
}

void put(Section& s, const std::string& key, const std::optional<std::string>& value) {
  if (value) s.set(key, *value);
}

void put(Section& s, const std::string& key, std::optional<int64_t> value) {
  if (value) s.set(key, std::to_string(*value));
}

void put_bool(Section& s, const std::string& key, std::optional<bool> value) {
  if (value) s.set(key, *value ? "true" : "false");
}

}  // namespace ferry::config::internal

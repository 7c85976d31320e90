#include "api/config/internal/section_editor.h"

#include <algorithm>
#include <charconv>

#include "jobs/calendar_event.h"

namespace ferry::api::internal {
namespace {

std::string_view trim_blanks(std::string_view s) {
  constexpr std::string_view kBlank = " \t\r\n\v\f";
  size_t start = s.find_first_not_of(kBlank);
  if (start == std::string_view::npos) return {};
  return s.substr(start, s.find_last_not_of(kBlank) - start + 1);
}

}  // namespace

tl::unexpected<Error> invalid_parameter(std::string_view key, std::string_view reason) {
  return make_error(Errc::InvalidArgument, "invalid parameter '{}': {}", key, reason);
}

void SectionEditor::fail(Error error) {
  if (!error_) error_ = std::move(error);
}

Status SectionEditor::status() const {
  if (error_) return tl::unexpected(*error_);
  return ok();
}

void SectionEditor::set(const std::string& key, const std::optional<std::string>& value) {
  if (!value) return;
  const config::PropertySchema* prop = type_.find(key);
  if (prop == nullptr) return fail(invalid_parameter(key, "unknown property").value());
  auto canon = config::canonical_value(*prop, *value);
  if (!canon) return fail(invalid_parameter(key, canon.error().message()).value());
  section_.set(key, std::move(*canon));
}

void SectionEditor::set(const std::string& key, std::optional<int64_t> value) {
  if (value) set(key, std::optional<std::string>(std::to_string(*value)));
}

void SectionEditor::set(const std::string& key, std::optional<bool> value) {
  if (value) set(key, std::optional<std::string>(*value ? "true" : "false"));
}

void SectionEditor::set_array(const std::string& key,
                              const std::optional<std::vector<std::string>>& values) {
  if (!values) return;
  const config::PropertySchema* prop = type_.find(key);
  if (prop == nullptr) return fail(invalid_parameter(key, "unknown property").value());
  std::vector<std::string> canonical;
  for (const std::string& v : *values) {
    auto canon = config::canonical_value(*prop, v);
    if (!canon) return fail(invalid_parameter(key, canon.error().message()).value());
    canonical.push_back(std::move(*canon));
  }
  section_.set_all(key, std::move(canonical));
}

void SectionEditor::set_comment(const std::optional<std::string>& value) {
  if (!value) return;
  std::string_view trimmed = trim_blanks(*value);
  if (trimmed.empty()) {
    section_.erase("comment");
    return;
  }
  set("comment", std::optional<std::string>(std::string(trimmed)));
}

void SectionEditor::set_schedule(const std::string& key, const std::optional<std::string>& value) {
  if (!value) return;
  if (auto event = jobs::CalendarEvent::parse(*value); !event) {
    return fail(invalid_parameter(key, event.error().message()).value());
  }
  set(key, value);
}

void SectionEditor::remove(const std::vector<std::string>& props,
                           const std::vector<std::string>& deletable) {
  for (const std::string& p : props) {
    if (std::find(deletable.begin(), deletable.end(), p) == deletable.end()) {
      return fail(invalid_parameter("delete", fmt::format("cannot delete property '{}'", p)).value());
    }
    section_.erase(p);
  }
}

Status check_required(const config::SectionTypeSchema& type, const config::Section& section) {
  for (const config::PropertySchema& p : type.properties) {
    if (p.required && !section.has(p.name)) {
      return make_error(Errc::InvalidArgument, "missing required parameter '{}'", p.name);
    }
  }
  return ok();
}

Status check_id(const config::SectionTypeSchema& type, std::string_view id) {
  if (auto v = type.validate_id(id); !v) return invalid_parameter(type.id_property, v.error().message());
  return ok();
}

nlohmann::json section_to_json(const config::SectionTypeSchema& type,
                               const config::Section& section,
                               const std::vector<std::string>& skip) {
  nlohmann::json out = nlohmann::json::object();
  out[type.id_property] = section.id;
  for (const auto& [key, values] : section.properties) {
    const config::PropertySchema* prop = type.find(key);
    if (prop == nullptr || std::find(skip.begin(), skip.end(), key) != skip.end()) continue;
    auto convert = [&](const std::string& v) -> nlohmann::json {
      if (prop->kind == config::PropertyKind::Boolean) return v == "true";
      if (prop->kind == config::PropertyKind::Integer) {
        int64_t n = 0;
        std::from_chars(v.data(), v.data() + v.size(), n);  // canonical: validated on read
        return n;
      }
      return v;
    };
    if (prop->array) {
      nlohmann::json arr = nlohmann::json::array();
      for (const std::string& v : values) arr.push_back(convert(v));
      out[key] = std::move(arr);
    } else if (!values.empty()) {
      out[key] = convert(values.front());
    }
  }
  return out;
}

}  // namespace ferry::api::internal

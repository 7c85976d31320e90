// Helpers to declare section schemas and convert typed fields to and from section text
// (private to ferry_config).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "config/property_string.h"
#include "config/section_config.h"

namespace ferry::config::internal {

using Validator = std::function<Status(std::string_view)>;

PropertySchema string_prop(std::string name, Validator validate = nullptr, size_t min_len = 0,
                           size_t max_len = std::numeric_limits<size_t>::max());
PropertySchema int_prop(std::string name, int64_t min, int64_t max);
PropertySchema bool_prop(std::string name);
PropertySchema required(PropertySchema p);
PropertySchema array(PropertySchema p);

// Value formats of config-format.md §2.5, as validators.
Status validate_namespace(std::string_view s);
Status validate_authid(std::string_view s);
Status validate_userid(std::string_view s);
Status validate_human_byte(std::string_view s);
// A calendar event, checked loosely: non-empty single line of at most 1024 characters. The
// grammar is jobs::CalendarEvent's; the API layer applies it (config/ must not depend on jobs/).
Status validate_schedule(std::string_view s);
// One of `allowed`; the message lists them.
Validator one_of(std::vector<std::string> allowed);
// A property string of `schema`.
Validator property_string(const PropertyStringSchema* schema);

PropertySchema comment_prop();
PropertySchema schedule_prop(std::string name);
PropertySchema namespace_prop(std::string name);

// Typed reads of a section validated against its schema. Each returns InvalidArgument naming
// the property if the text does not convert (which cannot happen for validated sections).
Result<std::optional<std::string>> get_string(const Section& s, std::string_view key);
Result<std::string> get_required(const Section& s, std::string_view key);
Result<std::optional<int64_t>> get_int(const Section& s, std::string_view key);
Result<std::optional<bool>> get_bool(const Section& s, std::string_view key);

// Sets `key` when `value` is set.
void put(Section& s, const std::string& key, const std::optional<std::string>& value);
void put(Section& s, const std::string& key, std::optional<int64_t> value);
void put_bool(Section& s, const std::string& key, std::optional<bool> value);

}  // namespace ferry::config::internal

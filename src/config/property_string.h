// Property strings: comma-separated `key=value` lists nested inside one config value, such as
// datastore `tuning` ("chunk-order=none,sync-level=file") or `maintenance-mode`
// ("read-only,message=disk swap") — config-format.md §2.4.
//
// Grammar: items separated by ','; an item is `key=value`, or just `value` for the schema's
// default key. A value starting with '"' is quoted up to the next unescaped '"'; inside quotes
// `\"`, `\\` and `\n` are the only escapes and ',' and '=' are literal; after the closing quote
// only ',' or the end may follow. PBS stores user-supplied property strings as given, so the
// parser is only used to validate and to read fields; `format_property_string` renders the
// canonical form PBS itself writes (declaration order, quoting only when needed).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace ferry::config {

struct PropertyStringField {
  std::string name;
  bool required = false;
  std::function<Status(std::string_view)> validate;  // the value's format; null = any text
};

struct PropertyStringSchema {
  std::string what;  // "tuning": used in error messages
  std::vector<PropertyStringField> fields;
  std::optional<std::string> default_key;  // key of a bare `value` item
};

using PropertyItems = std::vector<std::pair<std::string, std::string>>;

// Parses and validates `text`. InvalidArgument naming `schema.what` and the reason: unknown
// key, duplicate key, missing required key, bad quoting, or a value failing its validator.
// Items are returned in text order, values unescaped.
Result<PropertyItems> parse_property_string(const PropertyStringSchema& schema,
                                            std::string_view text);

// Renders `items` the way PBS writes property strings: fields in declaration order, the default
// key without `key=`, values quoted (with escapes) only if they contain '"', '\' or a newline.
// Keys not in the schema are dropped.
std::string format_property_string(const PropertyStringSchema& schema, const PropertyItems& items);

// The value of `key` in `items`, if present.
std::optional<std::string> find_item(const PropertyItems& items, std::string_view key);

}  // namespace ferry::config

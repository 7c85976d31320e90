// Output formatting for ferry-manager: every command result is a JSON value (objects use the
// PBS property names, kebab-case) that is printed in one of three formats chosen with
// `--output-format`:
//
//   text         lists as a box table with a fixed column set (TextTable), single objects as a
//                two-column "Name | Value" box table, nothing for commands without a result;
//   json         one line of compact JSON (`null` for commands without a result);
//   json-pretty  JSON indented by two spaces.
//
// In text mode booleans print as 1/0 and arrays one element per line, as proxmox-backup-manager
// does. Secrets never reach this layer: the command files drop them before formatting.
//
// Pure functions: no I/O, thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace ferry::cli {

enum class OutputFormat { Text, Json, JsonPretty };

// "text", "json" or "json-pretty". InvalidArgument naming the value otherwise.
Result<OutputFormat> parse_output_format(std::string_view text);

// One table column: the property shown and its header (the property name when empty).
struct Column {
  std::string key;
  std::string header;
};

// The text of a JSON value in a table cell: strings as they are, numbers in decimal, booleans
// as 1/0, arrays one element per line, null or missing as the empty string, objects as JSON.
std::string cell_text(const nlohmann::json& value);

// JSON text of `value` (compact or indented); invalid UTF-8 in strings is replaced, never
// thrown about. Ends with '\n'.
std::string format_json(const nlohmann::json& value, OutputFormat format);

// A list result (`items` is an array of objects): a table with `columns` in text mode.
std::string format_list(const nlohmann::json& items, const std::vector<Column>& columns,
                        OutputFormat format);

// A single object: in text mode a "Name | Value" table; the keys in `key_order` come first (in
// that order, when present), the remaining keys follow alphabetically.
std::string format_object(const nlohmann::json& object, const std::vector<std::string>& key_order,
                          OutputFormat format);

// The output of a command that returns nothing (create, update, remove): "" in text mode,
// "null\n" otherwise.
std::string format_nothing(OutputFormat format);

}  // namespace ferry::cli

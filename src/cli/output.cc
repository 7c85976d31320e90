#include "cli/output.h"

#include <algorithm>

#include "cli/table.h"

namespace ferry::cli {

using nlohmann::json;

Result<OutputFormat> parse_output_format(std::string_view text) {
  if (text == "text") return OutputFormat::Text;
  if (text == "json") return OutputFormat::Json;
  if (text == "json-pretty") return OutputFormat::JsonPretty;
  return make_error(Errc::InvalidArgument,
                    "invalid output-format '{}': expected text, json or json-pretty", text);
}

std::string cell_text(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
    case json::value_t::discarded:
      return {};
    case json::value_t::string:
      return value.get<std::string>();
    case json::value_t::boolean:
      return value.get<bool>() ? "1" : "0";
    case json::value_t::array: {
      std::string out;
      for (const auto& element : value) {
        if (!out.empty()) out += '\n';
        out += cell_text(element);
      }
      return out;
    }
    default:  // numbers, objects
      return value.dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

std::string format_json(const json& value, OutputFormat format) {
  const int indent = format == OutputFormat::JsonPretty ? 2 : -1;
  return value.dump(indent, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string format_list(const json& items, const std::vector<Column>& columns,
                        OutputFormat format) {
  if (format != OutputFormat::Text) return format_json(items, format);
  std::vector<std::string> headers;
  headers.reserve(columns.size());
  for (const auto& column : columns) {
    headers.push_back(column.header.empty() ? column.key : column.header);
  }
  TextTable table(std::move(headers));
  for (const auto& item : items) {
    std::vector<std::string> cells;
    cells.reserve(columns.size());
    for (const auto& column : columns) {
      const auto it = item.is_object() ? item.find(column.key) : item.end();
      cells.push_back(it == item.end() ? std::string() : cell_text(*it));
    }
    table.add_row(std::move(cells));
  }
  return table.render();
}

std::string format_object(const json& object, const std::vector<std::string>& key_order,
                          OutputFormat format) {
  if (format != OutputFormat::Text) return format_json(object, format);
  TextTable table({"Name", "Value"});
  if (!object.is_object()) return table.render();
  for (const auto& key : key_order) {
    const auto it = object.find(key);
    if (it != object.end() && !it->is_null()) table.add_row({key, cell_text(*it)});
  }
  // nlohmann::json keeps object keys sorted, so the rest comes out alphabetically.
  for (const auto& [key, value] : object.items()) {
    const bool listed = std::find(key_order.begin(), key_order.end(), key) != key_order.end();
    if (!listed && !value.is_null()) table.add_row({key, cell_text(value)});
  }
  return table.render();
}

std::string format_nothing(OutputFormat format) {
  return format == OutputFormat::Text ? std::string() : std::string("null\n");
}

}  // namespace ferry::cli

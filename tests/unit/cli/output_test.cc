#include "cli/output.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ferry::cli {
namespace {

using nlohmann::json;

TEST(OutputFormatTest, ParsesTheThreeFormatsAndRejectsOthers) {
  EXPECT_EQ(parse_output_format("text").value(), OutputFormat::Text);
  EXPECT_EQ(parse_output_format("json").value(), OutputFormat::Json);
  EXPECT_EQ(parse_output_format("json-pretty").value(), OutputFormat::JsonPretty);
  for (const char* bad : {"", "JSON", "yaml", "text "}) {
    auto r = parse_output_format(bad);
    ASSERT_FALSE(r) << "input: '" << bad << "'";
    EXPECT_NE(r.error().message().find("output-format"), std::string::npos) << r.error().message();
  }
}

TEST(CellTextTest, RendersJsonValuesLikePbs) {
  EXPECT_EQ(cell_text(json()), "");
  EXPECT_EQ(cell_text(json("a b")), "a b");
  EXPECT_EQ(cell_text(json(true)), "1");
  EXPECT_EQ(cell_text(json(false)), "0");
  EXPECT_EQ(cell_text(json(8007)), "8007");
  EXPECT_EQ(cell_text(json(-3)), "-3");
  EXPECT_EQ(cell_text(json::array({"type:vm", "exclude:group:vm/100"})),
            "type:vm\nexclude:group:vm/100");
  EXPECT_EQ(cell_text(json::object({{"a", 1}})), "{\"a\":1}");
}

TEST(FormatListTest, TextIsATableWithTheChosenColumnsInOrder) {
  const json items = json::array({
      {{"name", "pbs2"}, {"host", "pbs2.example"}, {"auth-id", "sync@pam"}, {"port", 8007}},
      {{"name", "pbs3"}, {"host", "192.0.2.10"}, {"auth-id", "sync@pbs!pull"}, {"comment", "x"}},
  });
  const std::vector<Column> columns = {{"name", ""}, {"auth-id", "userid"}, {"comment", ""}};
  const std::string expected =
      "┌──────┬───────────────┬─────────┐\n"
      "│ name │ userid        │ comment │\n"
      "╞══════╪═══════════════╪═════════╡\n"
      "│ pbs2 │ sync@pam      │         │\n"
      "├──────┼───────────────┼─────────┤\n"
      "│ pbs3 │ sync@pbs!pull │ x       │\n"
      "└──────┴───────────────┴─────────┘\n";
  EXPECT_EQ(format_list(items, columns, OutputFormat::Text), expected);
}

TEST(FormatListTest, JsonFormatsPrintTheWholeArray) {
  const json items = json::array({{{"name", "pbs2"}, {"port", 8007}}});
  EXPECT_EQ(format_list(items, {{"name", ""}}, OutputFormat::Json),
            "[{\"name\":\"pbs2\",\"port\":8007}]\n");
  EXPECT_EQ(format_list(items, {{"name", ""}}, OutputFormat::JsonPretty),
            "[\n  {\n    \"name\": \"pbs2\",\n    \"port\": 8007\n  }\n]\n");
  EXPECT_EQ(format_list(json::array(), {{"name", ""}}, OutputFormat::Json), "[]\n");
}

TEST(FormatObjectTest, ListedKeysFirstThenTheRestAlphabetically) {
  const json object = {{"name", "pbs2"}, {"zeta", "z"},   {"host", "h"},
                       {"alpha", true},  {"digest", "d"}, {"unset", nullptr}};
  const std::string expected =
      "┌────────┬───────┐\n"
      "│ Name   │ Value │\n"
      "╞════════╪═══════╡\n"
      "│ name   │ pbs2  │\n"
      "├────────┼───────┤\n"
      "│ host   │ h     │\n"
      "├────────┼───────┤\n"
      "│ alpha  │ 1     │\n"
      "├────────┼───────┤\n"
      "│ digest │ d     │\n"
      "├────────┼───────┤\n"
      "│ zeta   │ z     │\n"
      "└────────┴───────┘\n";
  EXPECT_EQ(format_object(object, {"name", "host", "missing"}, OutputFormat::Text), expected);
}

TEST(FormatJsonTest, InvalidUtf8IsReplacedNotThrown) {
  const json value = std::string("bad \xFF byte");
  EXPECT_EQ(format_json(value, OutputFormat::Json), "\"bad \xEF\xBF\xBD byte\"\n");
}

TEST(FormatNothingTest, TextPrintsNothingJsonPrintsNull) {
  EXPECT_EQ(format_nothing(OutputFormat::Text), "");
  EXPECT_EQ(format_nothing(OutputFormat::Json), "null\n");
  EXPECT_EQ(format_nothing(OutputFormat::JsonPretty), "null\n");
}

}  // namespace
}  // namespace ferry::cli

#include "cli/table.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ferry::cli {
namespace {

TEST(DisplayWidthTest, CountsTerminalColumns) {
  struct Case {
    std::string text;
    size_t width;
  };
  const std::vector<Case> cases = {
      {"", 0},
      {"pbs2", 4},
      {"caf\xC3\xA9", 4},               // é precomposed
      {"cafe\xCC\x81", 4},              // e + combining acute accent
      {"\xE6\x97\xA5\xE6\x9C\xAC", 4},  // 日本: two wide characters
      {"\xEC\x95\x88\xEB\x85\x95", 4},  // 안녕 (Hangul syllables)
      {"\xEF\xBC\xA1", 2},              // fullwidth A
      {"\xF0\x9F\x98\x80", 2},          // emoji
      {"a\xE2\x80\x8B"
       "b",
       2},  // zero-width space
      {"\xFF"
       "x",
       2},              // invalid byte counts one column
      {"\xE6\x97", 2},  // truncated sequence: two invalid bytes
      {"─│", 2},        // box drawing is narrow
  };
  for (const auto& c : cases) {
    EXPECT_EQ(display_width(c.text), c.width) << "input: '" << c.text << "'";
  }
}

TEST(SanitizeForTerminalTest, ReplacesControlCharactersAndInvalidBytes) {
  EXPECT_EQ(sanitize_for_terminal("plain text"), "plain text");
  EXPECT_EQ(sanitize_for_terminal("a\x1b[31mb"), "a\xEF\xBF\xBD[31mb");
  EXPECT_EQ(sanitize_for_terminal("tab\there"), "tab\xEF\xBF\xBDhere");
  EXPECT_EQ(sanitize_for_terminal("\xC2\x9B"), "\xEF\xBF\xBD");              // C1 CSI
  EXPECT_EQ(sanitize_for_terminal("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(sanitize_for_terminal("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(sanitize_for_terminal("keep\nnewline"), "keep\nnewline");
  EXPECT_EQ(sanitize_for_terminal("\xE6\x97\xA5"), "\xE6\x97\xA5");
}

// The seed's `sync-job list` table (docs: managing remotes), with the cell padding the
// HTML-to-text conversion dropped restored; borders are exactly the seed's.
TEST(TextTableTest, ReproducesSeedSyncJobList) {
  TextTable table({"id", "store", "remote", "remote-store", "schedule", "comment"});
  table.add_row({"pbs2-local", "local", "pbs2", "local", "Wed 02:30", "offsite"});
  const std::string expected =
      "┌────────────┬───────┬────────┬──────────────┬───────────┬─────────┐\n"
      "│ id         │ store │ remote │ remote-store │ schedule  │ comment │\n"
      "╞════════════╪═══════╪════════╪══════════════╪═══════════╪═════════╡\n"
      "│ pbs2-local │ local │ pbs2   │ local        │ Wed 02:30 │ offsite │\n"
      "└────────────┴───────┴────────┴──────────────┴───────────┴─────────┘\n";
  EXPECT_EQ(table.render(), expected);
}

// The seed's `remote list` table. The seed hand-elides the fingerprint and its row lost the
// leading space of that cell (so its fingerprint column is one short); PBS pads every cell
// with one space on each side, which makes that column 44 wide.
TEST(TextTableTest, ReproducesSeedRemoteListInPbsForm) {
  TextTable table({"name", "host", "userid", "fingerprint", "comment"});
  table.add_row(
      {"pbs2", "pbs2.example", "sync@pam", "64:d3:ff:3a:50:38:53:5a:9b:f7:50:...:ab:fe", ""});
  const std::string expected =
      "┌──────┬──────────────┬──────────┬────────────────────────────────────────────┬─────────┐\n"
      "│ name │ host         │ userid   │ fingerprint                                │ comment │\n"
      "╞══════╪══════════════╪══════════╪════════════════════════════════════════════╪═════════╡\n"
      "│ pbs2 │ pbs2.example │ sync@pam │ 64:d3:ff:3a:50:38:53:5a:9b:f7:50:...:ab:fe │         │\n"
      "└──────┴──────────────┴──────────┴────────────────────────────────────────────┴─────────┘\n";
  EXPECT_EQ(table.render(), expected);
}

TEST(TextTableTest, SeparatesRowsWithSingleRules) {
  TextTable table({"k", "value"});
  table.add_row({"a", "1"});
  table.add_row({"bb", "22"});
  const std::string expected =
      "┌────┬───────┐\n"
      "│ k  │ value │\n"
      "╞════╪═══════╡\n"
      "│ a  │ 1     │\n"
      "├────┼───────┤\n"
      "│ bb │ 22    │\n"
      "└────┴───────┘\n";
  EXPECT_EQ(table.render(), expected);
}

TEST(TextTableTest, EmptyTablePrintsHeaderOnly) {
  TextTable table({"name", "path"});
  const std::string expected =
      "┌──────┬──────┐\n"
      "│ name │ path │\n"
      "╞══════╪══════╡\n"
      "└──────┴──────┘\n";
  EXPECT_EQ(table.render(), expected);
  EXPECT_EQ(TextTable({}).render(), "");
}

TEST(TextTableTest, AlignsWideAndCombiningCharactersByDisplayWidth) {
  TextTable table({"comment"});
  table.add_row({"\xE6\x97\xA5\xE6\x9C\xAC"});  // 日本, 4 columns
  table.add_row({"cafe\xCC\x81"});              // café with combining accent, 4 columns
  table.add_row({"abcdefg"});
  const std::string expected =
      "┌─────────┐\n"
      "│ comment │\n"
      "╞═════════╡\n"
      "│ \xE6\x97\xA5\xE6\x9C\xAC    │\n"
      "├─────────┤\n"
      "│ cafe\xCC\x81    │\n"
      "├─────────┤\n"
      "│ abcdefg │\n"
      "└─────────┘\n";
  EXPECT_EQ(table.render(), expected);
}

TEST(TextTableTest, LongValuesWidenTheirColumnWithoutTruncation) {
  const std::string long_value(300, 'x');
  TextTable table({"id", "comment"});
  table.add_row({"a", long_value});
  const std::string out = table.render();
  EXPECT_NE(out.find("│ a  │ " + long_value + " │\n"), std::string::npos) << out;
  // Every line has the same display width.
  size_t start = 0;
  while (start < out.size()) {
    const size_t nl = out.find('\n', start);
    EXPECT_EQ(display_width(out.substr(start, nl - start)), 1 + 4 + 1 + 302 + 1)
        << out.substr(start, nl - start);
    start = nl + 1;
  }
}

TEST(TextTableTest, MultiLineCellsMakeTallRows) {
  TextTable table({"id", "group-filter"});
  table.add_row({"job1", "type:vm\nexclude:regex:^vm/1"});
  const std::string expected =
      "┌──────┬─────────────────────┐\n"
      "│ id   │ group-filter        │\n"
      "╞══════╪═════════════════════╡\n"
      "│ job1 │ type:vm             │\n"
      "│      │ exclude:regex:^vm/1 │\n"
      "└──────┴─────────────────────┘\n";
  EXPECT_EQ(table.render(), expected);
}

TEST(TextTableTest, ShortRowsArePaddedAndControlCharactersNeutralised) {
  TextTable table({"a", "b"});
  table.add_row({"\x1b[2J"});
  const std::string expected =
      "┌──────┬───┐\n"
      "│ a    │ b │\n"
      "╞══════╪═══╡\n"
      "│ \xEF\xBF\xBD[2J │   │\n"
      "└──────┴───┘\n";
  EXPECT_EQ(table.render(), expected);
}

}  // namespace
}  // namespace ferry::cli

// TextTable: the box-drawing table that ferry-manager prints in text mode, in the layout
// proxmox-backup-manager uses (see docs/cli.md "Output"):
//
//   ┌──────┬──────────────┐
//   │ name │ host         │      header row
//   ╞══════╪══════════════╡      header rule (double line)
//   │ pbs2 │ pbs2.example │      one row per entry ...
//   ├──────┼──────────────┤      ... separated by single rules
//   │ pbs3 │ 192.0.2.10   │
//   └──────┴──────────────┘
//
// Every cell has one space of padding on each side and is left-aligned. A column is as wide as
// its widest cell, measured in terminal columns (display_width: East Asian wide characters
// count 2, combining marks 0), so tables with non-ASCII text still line up. A cell holding
// '\n' spans several lines; the row is as tall as its tallest cell. Control characters other
// than '\n' are shown as U+FFFD so that no value from a config file can drive the terminal.
//
// Pure value code: no I/O, thread-compatible.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::cli {

// Width of UTF-8 text in terminal columns. Invalid UTF-8 bytes count as one column each
// (they are rendered as U+FFFD by TextTable).
size_t display_width(std::string_view utf8);

// Replaces control characters (C0 except '\n', DEL, C1) and invalid UTF-8 sequences by U+FFFD.
std::string sanitize_for_terminal(std::string_view utf8);

// A table under construction: a header row and any number of data rows. Rows shorter than the
// header are padded with empty cells; extra cells are ignored.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}

  void add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  size_t row_count() const { return rows_.size(); }

  // The whole table, every line terminated by '\n'. A table without rows prints the header
  // and the closing rule only; a table without columns renders as the empty string.
  std::string render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace ferry::cli

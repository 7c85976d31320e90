#include "cli/table.h"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace ferry::cli {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

struct Range {
  char32_t first;
  char32_t last;
};

// Zero-width code points: combining marks, zero-width spaces/joiners, variation selectors.
constexpr Range kZeroWidth[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},
    {0x064B, 0x065F}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x1AB0, 0x1AFF},
    {0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x2060, 0x2064}, {0x20D0, 0x20FF},
    {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};

// East Asian Wide and Fullwidth blocks (and the emoji blocks terminals draw two columns wide).
constexpr Range kWide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x2E80, 0x303E},
    {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F},
    {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

template <size_t N>
bool in_ranges(char32_t cp, const Range (&ranges)[N]) {
  return std::any_of(std::begin(ranges), std::end(ranges),
                     [cp](const Range& r) { return cp >= r.first && cp <= r.last; });
}

// Decodes one UTF-8 sequence at `s[pos]`. Returns the code point and its length, or length 0
// for an invalid sequence (overlong, surrogate, out of range, truncated).
std::pair<char32_t, size_t> decode(std::string_view s, size_t pos) {
  const auto b0 = static_cast<uint8_t>(s[pos]);
  if (b0 < 0x80) return {b0, 1};
  size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return {0, 0};
  }
  if (pos + len > s.size()) return {0, 0};
  for (size_t i = 1; i < len; ++i) {
    const auto b = static_cast<uint8_t>(s[pos + i]);
    if ((b & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, len};
}

bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

size_t code_point_width(char32_t cp) {
  if (in_ranges(cp, kZeroWidth)) return 0;
  return in_ranges(cp, kWide) ? 2 : 1;
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (true) {
    const size_t nl = text.find('\n', start);
    lines.push_back(sanitize_for_terminal(text.substr(start, nl - start)));
    if (nl == std::string_view::npos) return lines;
    start = nl + 1;
  }
}

std::string repeat(std::string_view unit, size_t n) {
  std::string out;
  out.reserve(unit.size() * n);
  for (size_t i = 0; i < n; ++i) out += unit;
  return out;
}

// A horizontal rule: left corner, per-column fill, joints, right corner.
struct Rule {
  std::string_view left, fill, joint, right;
};
constexpr Rule kTop{"┌", "─", "┬", "┐"};
constexpr Rule kHeaderRule{"╞", "═", "╪", "╡"};
constexpr Rule kRowRule{"├", "─", "┼", "┤"};
constexpr Rule kBottom{"└", "─", "┴", "┘"};

void append_rule(std::string& out, const std::vector<size_t>& widths, const Rule& rule) {
  out += rule.left;
  for (size_t c = 0; c < widths.size(); ++c) {
    if (c > 0) out += rule.joint;
    out += repeat(rule.fill, widths[c] + 2);
  }
  out += rule.right;
  out += '\n';
}

using Cells = std::vector<std::vector<std::string>>;  // per column, its lines

Cells to_cells(const std::vector<std::string>& row, size_t columns) {
  Cells cells(columns);
  for (size_t c = 0; c < columns; ++c) {
    cells[c] = c < row.size() ? split_lines(row[c]) : std::vector<std::string>{""};
  }
  return cells;
}

void append_row(std::string& out, const std::vector<size_t>& widths, const Cells& cells) {
  size_t height = 1;
  for (const auto& lines : cells) height = std::max(height, lines.size());
  for (size_t line = 0; line < height; ++line) {
    for (size_t c = 0; c < widths.size(); ++c) {
      const std::string empty;
      const std::string& text = line < cells[c].size() ? cells[c][line] : empty;
      out += "│ ";
      out += text;
      out.append(widths[c] - display_width(text) + 1, ' ');
    }
    out += "│\n";
  }
}

}  // namespace

size_t display_width(std::string_view utf8) {
  size_t width = 0;
  for (size_t pos = 0; pos < utf8.size();) {
    const auto [cp, len] = decode(utf8, pos);
    if (len == 0) {
      ++width;
      ++pos;
      continue;
    }
    width += code_point_width(cp);
    pos += len;
  }
  return width;
}

std::string sanitize_for_terminal(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (size_t pos = 0; pos < utf8.size();) {
    const auto [cp, len] = decode(utf8, pos);
    if (len == 0 || (is_control(cp) && cp != '\n')) {
      out += kReplacement;
      pos += len == 0 ? 1 : len;
      continue;
    }
    out.append(utf8.substr(pos, len));
    pos += len;
  }
  return out;
}

std::string TextTable::render() const {
  const size_t columns = headers_.size();
  if (columns == 0) return {};
  const Cells header = to_cells(headers_, columns);
  std::vector<Cells> body;
  body.reserve(rows_.size());
  for (const auto& row : rows_) body.push_back(to_cells(row, columns));

  std::vector<size_t> widths(columns, 0);
  auto widen = [&widths](const Cells& cells) {
    for (size_t c = 0; c < cells.size(); ++c) {
      for (const auto& line : cells[c]) widths[c] = std::max(widths[c], display_width(line));
    }
  };
  widen(header);
  for (const auto& cells : body) widen(cells);

  std::string out;
  append_rule(out, widths, kTop);
  append_row(out, widths, header);
  append_rule(out, widths, kHeaderRule);
  for (size_t r = 0; r < body.size(); ++r) {
    if (r > 0) append_rule(out, widths, kRowRule);
    append_row(out, widths, body[r]);
  }
  append_rule(out, widths, kBottom);
  return out;
}

}  // namespace ferry::cli

#include "jobs/internal/calendar_parser.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace ferry::jobs::internal {
namespace {

// A numeric field of the grammar: its name for messages, the first value of `*/R`, and the
// exclusive upper bound the parser accepts (PBS-compat: month 0 and day 0 parse, never match).
struct Field {
  std::string_view name;
  uint32_t star_start;
  uint32_t limit;
};
constexpr Field kYear{"year", 0, 2200};  // PBS-compat: systemd's upper year limit
constexpr Field kMonth{"month", 1, 13};
constexpr Field kDay{"day", 1, 32};
constexpr Field kHour{"hour", 0, 24};
constexpr Field kMinute{"minute", 0, 60};
constexpr Field kSecond{"second", 0, 60};

struct WeekdayName {
  std::string_view name;
  uint8_t bit;
};
constexpr std::array<WeekdayName, 14> kWeekdayNames = {{
    {"mon", 1 << 0}, {"monday", 1 << 0}, {"tue", 1 << 1}, {"tuesday", 1 << 1},
    {"wed", 1 << 2}, {"wednesday", 1 << 2}, {"thu", 1 << 3}, {"thursday", 1 << 3},
    {"fri", 1 << 4}, {"friday", 1 << 4}, {"sat", 1 << 5}, {"saturday", 1 << 5},
    {"sun", 1 << 6}, {"sunday", 1 << 6},
}};

// §1.4: how many of second/minute/hour are pinned to 0, the weekday, whether the day is pinned
// to 1, and the months (bit m set = month m).
struct KeywordDef {
  std::string_view name;
  int zero_fields;
  uint8_t weekdays;
  bool first_day;
  uint16_t months;
};
constexpr uint16_t kJan = 1 << 1, kApr = 1 << 4, kJul = 1 << 7, kOct = 1 << 10;
constexpr std::array<KeywordDef, 10> kKeywords = {{
    {"minutely", 1, 0, false, 0},
    {"hourly", 2, 0, false, 0},
    {"daily", 3, 0, false, 0},
    {"weekly", 3, kMonday, false, 0},
    {"monthly", 3, 0, true, 0},
    {"yearly", 3, 0, true, kJan},
    {"annually", 3, 0, true, kJan},
    {"quarterly", 3, 0, true, kJan | kApr | kJul | kOct},
    {"semiannually", 3, 0, true, kJan | kJul},
    {"semi-annually", 3, 0, true, kJan | kJul},
}};

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

const KeywordDef* find_keyword(std::string_view text) {
  for (const auto& k : kKeywords) {
    if (k.name == text) return &k;
  }
  return nullptr;
}

CalendarSpec keyword_spec(const KeywordDef& k, bool utc) {
  const FieldTable zero(ValueList{DateTimeValue::single(0)});
  CalendarSpec spec;
  spec.utc = utc;
  spec.weekdays = k.weekdays;
  spec.seconds = zero;
  if (k.zero_fields >= 2) spec.minutes = zero;
  if (k.zero_fields >= 3) spec.hours = zero;
  if (k.first_day) spec.days = FieldTable(ValueList{DateTimeValue::single(1)});
  if (k.months != 0) {
    ValueList months;
    for (uint32_t m = 1; m <= 12; ++m) {
      if ((k.months >> m & 1) != 0) months.push_back(DateTimeValue::single(m));
    }
    spec.months = FieldTable(months);
  }
  return spec;
}

// The days from `first` through `last`, wrapping past Sunday when first comes later.
uint8_t weekday_span(uint8_t first, uint8_t last) {
  if (first <= last) return static_cast<uint8_t>((last << 1) - first);
  return static_cast<uint8_t>(((kSunday << 1) - first) | ((last << 1) - 1));
}

// Why parsing failed: the reason recorded at the furthest input position any attempt reached
// (the first one recorded there wins), like the error of nom's deepest branch.
struct Diagnostic {
  size_t pos;
  std::string reason;
};

// Recursive-descent parser over one event string. Every parse function either succeeds and
// advances pos_, or fails and leaves pos_ where it was (so callers can back-track like nom's
// `opt`), recording a Diagnostic when the failure is an error rather than an absent part.
class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) {}
  Result<CalendarSpec> parse(bool utc);

 private:
  bool at_end() const { return pos_ >= in_.size(); }
  bool word_has(char c) const;
  bool eat(std::string_view token);
  void skip_blanks();
  void note(size_t pos, std::string reason);
  void merge(std::optional<Diagnostic> d);
  std::optional<uint32_t> number(const Field& f, bool repetition, std::string_view sep);
  std::optional<DateTimeValue> item(const Field& f, std::string_view sep);
  std::optional<ValueList> list(const Field& f, std::string_view sep);
  std::optional<uint8_t> weekday(std::string_view sep);
  std::optional<uint8_t> weekday_range(std::string_view sep);
  std::optional<uint8_t> weekday_list();
  bool date_fields(bool with_year, CalendarSpec& spec, bool& past_year);
  bool date(CalendarSpec& spec);
  bool time(CalendarSpec& spec);
  tl::unexpected<Error> fail() const;

  std::string_view in_;
  size_t pos_ = 0;
  std::optional<Diagnostic> diag_;
};

bool Parser::eat(std::string_view token) {
  if (in_.substr(pos_).starts_with(token)) {
    pos_ += token.size();
    return true;
  }
  return false;
}

// True when the rest of the current word (up to a blank) contains `c`.
bool Parser::word_has(char c) const {
  for (size_t i = pos_; i < in_.size() && in_[i] != ' ' && in_[i] != '\t'; ++i) {
    if (in_[i] == c) return true;
  }
  return false;
}

void Parser::skip_blanks() {
  while (!at_end() && (in_[pos_] == ' ' || in_[pos_] == '\t')) ++pos_;
}

void Parser::note(size_t pos, std::string reason) {
  if (!diag_ || pos > diag_->pos) diag_ = Diagnostic{pos, std::move(reason)};
}

void Parser::merge(std::optional<Diagnostic> d) {
  if (d) note(d->pos, std::move(d->reason));
}

// Decimal digits as one value of `f` (PBS's parse_time_comp). No digits: nullopt, noted as an
// error only when a separator `sep` demanded a number. A value >= f.limit is an error.
std::optional<uint32_t> Parser::number(const Field& f, bool repetition, std::string_view sep) {
  constexpr uint64_t kSaturate = uint64_t{1} << 40;  // any value this large is out of range
  const size_t start = pos_;
  uint64_t v = 0;
  while (!at_end() && is_digit(in_[pos_])) {
    v = std::min(v * 10 + static_cast<uint64_t>(in_[pos_] - '0'), kSaturate);
    ++pos_;
  }
  if (pos_ == start) {
    if (!sep.empty()) note(start, fmt::format("expected a number after '{}'", sep));
    return std::nullopt;
  }
  if (v >= f.limit) {
    note(start, fmt::format("{}{} {} out of range (0..{})", f.name, repetition ? " repetition" : "",
                            in_.substr(start, pos_ - start), f.limit - 1));
    pos_ = start;
    return std::nullopt;
  }
  return static_cast<uint32_t>(v);
}

// `V`, `A..B`, `V/R` or `A..B/R`. A `..` without a valid end is left unparsed (nom's `opt`).
std::optional<DateTimeValue> Parser::item(const Field& f, std::string_view sep) {
  const size_t start = pos_;
  const auto first = number(f, false, sep);
  if (!first) return std::nullopt;
  const size_t after_first = pos_;
  std::optional<uint32_t> end;
  if (eat("..")) {
    end = number(f, false, "..");
    if (!end) pos_ = after_first;
  }
  if (end && *first > *end) {
    note(start, fmt::format("range start {} is bigger than end {}", *first, *end));
    pos_ = start;
    return std::nullopt;
  }
  if (eat("/")) {
    const auto repeat = number(f, true, "/");
    if (!repeat) {
      pos_ = start;
      return std::nullopt;
    }
    return DateTimeValue::repeated(*first, *repeat, end);
  }
  return end ? DateTimeValue::range(*first, *end) : DateTimeValue::single(*first);
}

// `*`, `*/R` (R > 0), or a comma-separated list of items. Empty result = every value.
// PBS-compat: `*/0` is read as `*` followed by the unparsed rest `/0`.
std::optional<ValueList> Parser::list(const Field& f, std::string_view sep) {
  const size_t start = pos_;
  if (eat("*")) {
    const size_t after_star = pos_;
    if (eat("/")) {
      const auto repeat = number(f, true, "/");
      if (!repeat) {
        pos_ = start;
        return std::nullopt;
      }
      if (*repeat > 0) return ValueList{DateTimeValue::repeated(f.star_start, *repeat, {})};
      note(after_star + 1, "repetition must be greater than 0");
    }
    pos_ = after_star;
    return ValueList{};
  }
  const auto first = item(f, sep);
  if (!first) return std::nullopt;
  ValueList out{*first};
  for (;;) {
    const size_t before_comma = pos_;
    if (!eat(",")) break;
    const auto next = item(f, ",");
    if (!next) {
      pos_ = before_comma;
      break;
    }
    out.push_back(*next);
  }
  return out;
}

std::optional<uint8_t> Parser::weekday(std::string_view sep) {
  const size_t start = pos_;
  while (!at_end() && is_alpha(in_[pos_])) ++pos_;
  const std::string_view word = in_.substr(start, pos_ - start);
  if (word.empty()) {
    if (!sep.empty()) note(start, fmt::format("expected a weekday after '{}'", sep));
    return std::nullopt;
  }
  const std::string lower = to_lower(word);
  for (const auto& n : kWeekdayNames) {
    if (n.name == lower) return n.bit;
  }
  pos_ = start;
  if (start == 0 && find_keyword(word) != nullptr) {
    note(start, fmt::format("keyword '{}' cannot be combined with anything but ' UTC'", word));
  } else if (start == 0 && find_keyword(lower) != nullptr) {
    note(start, fmt::format("unknown weekday '{}' (keywords are lower case)", word));
  } else {
    note(start, fmt::format("unknown weekday '{}'", word));
  }
  return std::nullopt;
}

std::optional<uint8_t> Parser::weekday_range(std::string_view sep) {
  const auto first = weekday(sep);
  if (!first) return std::nullopt;
  const size_t after_first = pos_;
  if (eat("..")) {
    if (const auto last = weekday("..")) return weekday_span(*first, *last);
    pos_ = after_first;
  }
  return first;
}

std::optional<uint8_t> Parser::weekday_list() {
  const auto first = weekday_range({});
  if (!first) return std::nullopt;
  uint8_t days = *first;
  for (;;) {
    const size_t before_comma = pos_;
    if (!eat(",")) break;
    const auto next = weekday_range(",");
    if (!next) {
      pos_ = before_comma;
      break;
    }
    days |= *next;
  }
  return days;
}

// YEARS-MONTHS-DAYS (with_year) or MONTHS-DAYS. `past_year` reports that the year list and
// its '-' were read, which decides whose error is reported when both forms fail.
bool Parser::date_fields(bool with_year, CalendarSpec& spec, bool& past_year) {
  const size_t start = pos_;
  ValueList years;
  if (with_year) {
    auto y = list(kYear, {});
    if (!y || !eat("-")) {
      pos_ = start;
      return false;
    }
    years = std::move(*y);
    past_year = true;
  }
  const auto months = list(kMonth, with_year ? "-" : "");
  if (!months || !eat("-")) {
    pos_ = start;
    return false;
  }
  const auto days = list(kDay, "-");
  if (!days) {
    pos_ = start;
    return false;
  }
  spec.years = std::move(years);
  spec.months = FieldTable(*months);
  spec.days = FieldTable(*days);
  return true;
}

// §1.3: the three-field form is tried first. Errors only count when the word has a '-' (else
// "*/60" would be blamed on a month). When both forms fail, the error reported is the one
// that got further; on a tie the two-field one if the year had been read ("*-32" is about
// the day), else the three-field one ("2200-01-01" is about the year).
bool Parser::date(CalendarSpec& spec) {
  const bool dated = word_has('-');
  std::optional<Diagnostic> outer = std::move(diag_);
  diag_.reset();
  bool past_year = false;
  bool ok = date_fields(true, spec, past_year);
  std::optional<Diagnostic> three = std::move(diag_);
  diag_.reset();
  bool unused = false;
  if (!ok) ok = date_fields(false, spec, unused);
  std::optional<Diagnostic> two = std::move(diag_);
  diag_ = std::move(outer);
  if (!dated) return ok;
  if (three && two && (two->pos > three->pos || (two->pos == three->pos && past_year))) {
    merge(std::move(two));
  } else {
    merge(std::move(three));
    merge(std::move(two));
  }
  return ok;
}

// §1.5: [HOURS:]MINUTES[:SECONDS]. PBS-compat: a first field that is no valid hour list
// followed by ':' is re-read as the minutes (`25:00` = minute 25, second 0).
bool Parser::time(CalendarSpec& spec) {
  const size_t start = pos_;
  // Errors of the hour reading only count when the word has a ':' ("99:00" is about the hour,
  // "*/60" about the minutes).
  const bool timed = word_has(':');
  std::optional<Diagnostic> outer = std::move(diag_);
  diag_.reset();
  std::optional<ValueList> hours = list(kHour, {});
  if (!hours || !eat(":")) {
    hours.reset();
    pos_ = start;
  }
  std::optional<Diagnostic> hour_diag = std::move(diag_);
  diag_ = std::move(outer);
  if (timed) merge(std::move(hour_diag));
  const auto minutes = list(kMinute, hours ? ":" : "");
  if (!minutes) {
    pos_ = start;
    return false;
  }
  ValueList seconds{DateTimeValue::single(0)};
  const size_t before_seconds = pos_;
  if (eat(":")) {
    if (auto s = list(kSecond, ":")) {
      seconds = std::move(*s);
    } else {
      pos_ = before_seconds;
    }
  }
  spec.hours = FieldTable(hours.value_or(ValueList{}));
  spec.minutes = FieldTable(*minutes);
  spec.seconds = FieldTable(seconds);
  return true;
}

tl::unexpected<Error> Parser::fail() const {
  std::string reason;
  if (diag_ && diag_->pos >= pos_) {
    reason = diag_->reason;
  } else if (at_end()) {
    reason = "expected a weekday, date or time";
  } else {
    reason = fmt::format("unexpected '{}'", in_.substr(pos_));
  }
  return tl::unexpected(Error(Errc::InvalidArgument, std::move(reason)));
}

// §1.1: [keyword | [WEEKDAYS] [DATE] [TIME]], the UTC suffix already removed.
Result<CalendarSpec> Parser::parse(bool utc) {
  CalendarSpec spec;
  spec.utc = utc;
  bool found = false;
  if (!at_end() && is_alpha(in_[0])) {
    if (const KeywordDef* k = find_keyword(in_)) return keyword_spec(*k, utc);
    const auto days = weekday_list();
    if (!days) return fail();
    spec.weekdays = *days;
    found = true;
    skip_blanks();
  }
  if (date(spec)) {
    found = true;
    skip_blanks();
  }
  if (time(spec)) {
    found = true;
  } else {
    // No time part: 00:00:00.
    spec.hours = spec.minutes = spec.seconds = FieldTable(ValueList{DateTimeValue::single(0)});
  }
  if (!found || !at_end()) return fail();
  spec.may_match = month_day_may_match(spec.months, spec.days);
  return spec;
}

}  // namespace

Result<CalendarSpec> parse_calendar_spec(std::string_view text) {
  if (text.empty()) return make_error(Errc::InvalidArgument, "empty");
  bool utc = false;
  std::string_view rest = text;
  // PBS-compat: the suffix needs no space before it ("dailyUTC"), and only spaces are removed.
  if (rest.ends_with("UTC")) {
    utc = true;
    rest.remove_suffix(3);
    while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  }
  return Parser(rest).parse(utc);
}

}  // namespace ferry::jobs::internal

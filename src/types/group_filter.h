// GroupFilter: which backup groups a sync job transfers (sync-semantics.md §5).
//
// Text form: an optional mode prefix `include:` (the default) or `exclude:`, then one of
//   type:<vm|ct|host>        the group's backup type
//   group:<type>/<id>        exactly this group (case-sensitive)
//   regex:<expression>       an unanchored search over "<type>/<id>", e.g. "vm/100"
// e.g. "type:ct", "exclude:regex:^vm/1\d{2,3}$". The namespace is never part of the match.
//
// Regular expressions are RE2 (linear time, no back-references or look-around — the dialect of
// Rust's regex crate that PBS uses, minus its Unicode-aware \d/\w/\s classes, which RE2 treats
// as ASCII). Patterns are limited to kMaxRegexLength bytes and a bounded compiled size.
//
// Combination (`apply_filters`): with no include filter every group is included, otherwise a
// group must match at least one include filter; then any group matching an exclude filter is
// dropped. The order of filters does not matter.
//
// GroupFilter is an immutable value; copies share the compiled regex. Matching is thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "types/backup_group.h"
#include "types/backup_type.h"

namespace re2 {
class RE2;
}

namespace ferry::types {

class GroupFilter {
 public:
  enum class Kind { Type, Group, Regex };

  static constexpr size_t kMaxRegexLength = 4096;

  // Parses the text form. InvalidArgument naming the filter and the reason, e.g.
  //   "invalid group filter 'foo:bar': expected 'group', 'type' or 'regex' prefix, got 'foo'"
  //   "invalid group filter 'vm/100': input doesn't match expected format
  //    '<group:GROUP||type:<vm|ct|host>|regex:REGEX>'"
  //   "invalid group filter 'regex:(a)\1': invalid regex: invalid escape sequence: \1"
  static Result<GroupFilter> parse(std::string_view text);

  Kind kind() const { return kind_; }
  bool is_exclude() const { return exclude_; }
  // The part after `type:`, `group:` or `regex:`.
  const std::string& value() const { return value_; }

  // Does the filter's criterion match `group`? (Ignores include/exclude.)
  bool matches(const BackupGroup& group) const;

  // Canonical text as PBS writes it: "exclude:<kind>:<value>" or "<kind>:<value>" (the
  // redundant "include:" is dropped).
  std::string to_string() const;

  bool operator==(const GroupFilter& o) const {
    return kind_ == o.kind_ && exclude_ == o.exclude_ && value_ == o.value_;
  }

 private:
  GroupFilter(Kind kind, bool exclude, std::string value)
      : kind_(kind), exclude_(exclude), value_(std::move(value)) {}

  Kind kind_;
  bool exclude_;
  std::string value_;
  BackupType type_ = BackupType::Vm;           // Kind::Type
  std::shared_ptr<const BackupGroup> group_;   // Kind::Group
  std::shared_ptr<const re2::RE2> regex_;      // Kind::Regex
};

// Is `group` selected by `filters` under the include/exclude rule above? True for no filters.
bool apply_filters(const std::vector<GroupFilter>& filters, const BackupGroup& group);

}  // namespace ferry::types

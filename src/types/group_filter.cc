#include "types/group_filter.h"

#include <re2/re2.h>

namespace ferry::types {
namespace {

// Bound on the compiled program of one filter regex (RE2's default is 8 MiB).
constexpr int64_t kMaxRegexProgramMemory = 2 * 1024 * 1024;

constexpr std::string_view kFormatHint = "<group:GROUP||type:<vm|ct|host>|regex:REGEX>";

tl::unexpected<Error> bad(std::string_view text, std::string_view reason) {
  return make_error(Errc::InvalidArgument, "invalid group filter '{}': {}", text, reason);
}

Result<std::shared_ptr<const re2::RE2>> compile(std::string_view text, std::string_view pattern) {
  if (pattern.size() > GroupFilter::kMaxRegexLength) {
    return bad(text, fmt::format("regex is longer than {} bytes", GroupFilter::kMaxRegexLength));
  }
  re2::RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(kMaxRegexProgramMemory);
  auto re = std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()),
                                             opts);
  if (!re->ok()) return bad(text, "invalid regex: " + re->error());
  return re;
}

}  // namespace

Result<GroupFilter> GroupFilter::parse(std::string_view text) {
  std::string_view rest = text;
  bool exclude = false;
  // The mode prefix is recognized only as the text before the first ':' (sync-semantics §5.1).
  size_t colon = rest.find(':');
  if (colon != std::string_view::npos) {
    std::string_view mode = rest.substr(0, colon);
    if (mode == "include" || mode == "exclude") {
      exclude = mode == "exclude";
      rest.remove_prefix(colon + 1);
      colon = rest.find(':');
    }
  }
  if (colon == std::string_view::npos) {
    return bad(text, fmt::format("input doesn't match expected format '{}'", kFormatHint));
  }
  std::string_view kind = rest.substr(0, colon);
  std::string value(rest.substr(colon + 1));
  if (kind == "type") {
    auto type = parse_backup_type(value);
    if (!type) return bad(text, type.error().message());
    GroupFilter f(Kind::Type, exclude, std::move(value));
    f.type_ = *type;
    return f;
  }
  if (kind == "group") {
    auto group = BackupGroup::parse(value);
    if (!group) return bad(text, group.error().message());
    GroupFilter f(Kind::Group, exclude, std::move(value));
    f.group_ = std::make_shared<const BackupGroup>(std::move(*group));
    return f;
  }
  if (kind == "regex") {
    FERRY_TRY_ASSIGN(auto re, compile(text, value));
    GroupFilter f(Kind::Regex, exclude, std::move(value));
    f.regex_ = std::move(re);
    return f;
  }
  return bad(text, fmt::format("expected 'group', 'type' or 'regex' prefix, got '{}'", kind));
}

bool GroupFilter::matches(const BackupGroup& group) const {
  switch (kind_) {
    case Kind::Type: return group.type() == type_;
    case Kind::Group: return group == *group_;
    case Kind::Regex: return re2::RE2::PartialMatch(group.to_string(), *regex_);
  }
  return false;
}

std::string GroupFilter::to_string() const {
  std::string_view kind = kind_ == Kind::Type ? "type" : kind_ == Kind::Group ? "group" : "regex";
  return fmt::format("{}{}:{}", exclude_ ? "exclude:" : "", kind, value_);
}

bool apply_filters(const std::vector<GroupFilter>& filters, const BackupGroup& group) {
  bool has_include = false;
  bool included = false;
  for (const GroupFilter& f : filters) {
    if (f.is_exclude()) {
      if (f.matches(group)) return false;
    } else {
      has_include = true;
      included = included || f.matches(group);
    }
  }
  return !has_include || included;
}

}  // namespace ferry::types

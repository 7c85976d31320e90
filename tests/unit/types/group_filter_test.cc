// Group filters: sync-semantics.md §5 and every case of sync-test-cases.md §B (and I1).
#include "types/group_filter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace ferry::types {
namespace {

std::vector<GroupFilter> parse_all(const std::vector<std::string>& texts) {
  std::vector<GroupFilter> out;
  for (const std::string& t : texts) {
    auto f = GroupFilter::parse(t);
    EXPECT_TRUE(f) << t << ": " << f.error().message();
    if (f) out.push_back(*f);
  }
  return out;
}

std::vector<std::string> select(const std::vector<std::string>& filters,
                                const std::vector<std::string>& groups) {
  auto parsed = parse_all(filters);
  std::vector<std::string> out;
  for (const std::string& g : groups) {
    if (apply_filters(parsed, *BackupGroup::parse(g))) out.push_back(g);
  }
  return out;
}

const std::vector<std::string> kVm101To109 = {"vm/101", "vm/102", "vm/103", "vm/104", "vm/105",
                                              "vm/106", "vm/107", "vm/108", "vm/109"};

TEST(GroupFilterTest, SelectsGroupsAsInSyncTestCasesB) {
  struct Case {
    std::string name;
    std::vector<std::string> filters;
    std::vector<std::string> groups;
    std::vector<std::string> selected;
  };
  const std::vector<std::string> b5_groups = {"ct/200", "ct/201", "vm/100", "vm/101", "host/srv"};
  const std::vector<Case> cases = {
      {"B1 no filter selects everything", {}, kVm101To109, kVm101To109},
      {"B2 include regex", {"regex:.*10[2-8]"}, kVm101To109,
       {"vm/102", "vm/103", "vm/104", "vm/105", "vm/106", "vm/107", "vm/108"}},
      {"B3 only excludes", {"exclude:regex:.*10[1-3]", "exclude:regex:.*10[5-7]"}, kVm101To109,
       {"vm/104", "vm/108", "vm/109"}},
      {"B4 include and exclude combined",
       {"exclude:regex:.*10[1-3]", "regex:.*10[2-8]", "exclude:regex:.*10[5-7]"}, kVm101To109,
       {"vm/104", "vm/108"}},
      {"B5 union of include types", {"type:ct", "group:vm/100"}, b5_groups,
       {"ct/200", "ct/201", "vm/100"}},
      {"B8 filtered-out groups stay out of remove-vanished scope", {"type:vm"},
       {"vm/100", "ct/200"}, {"vm/100"}},
      {"type host", {"type:host"}, b5_groups, {"host/srv"}},
      {"exclude a single group", {"exclude:group:vm/101"}, b5_groups,
       {"ct/200", "ct/201", "vm/100", "host/srv"}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(select(c.filters, c.groups), c.selected) << c.name;
  }
}

TEST(GroupFilterTest, FilterOrderIsIrrelevant) {
  std::vector<std::string> filters = {"exclude:regex:.*10[1-3]", "regex:.*10[2-8]",
                                      "exclude:regex:.*10[5-7]"};
  std::sort(filters.begin(), filters.end());
  do {
    EXPECT_EQ(select(filters, kVm101To109), (std::vector<std::string>{"vm/104", "vm/108"}))
        << filters[0] << " " << filters[1] << " " << filters[2];
  } while (std::next_permutation(filters.begin(), filters.end()));
}

TEST(GroupFilterTest, RegexIsAnUnanchoredSearchOverTypeSlashId) {
  struct Case {
    std::string filter;
    std::string group;
    bool matches;
  };
  for (const Case& c : std::vector<Case>{
           {"regex:10[2-8]", "vm/102", true},
           {"regex:10[2-8]", "vm/1102", true},
           {"regex:10[2-8]", "ct/2105", true},
           {"regex:10[2-8]", "vm/101", false},
           {"regex:^vm/1\\d{2,3}$", "vm/100", true},
           {"regex:^vm/1\\d{2,3}$", "vm/1000", true},
           {"regex:^vm/1\\d{2,3}$", "vm/10000", false},
           {"regex:^vm/1\\d{2,3}$", "ct/100", false},
           {"regex:^ct/", "ct/200", true},
           {"regex:^(vm|ct)/", "ct/1", true},
           {"regex:srv$", "host/srv", true},
           {"group:vm/100", "vm/100", true},
           {"group:vm/100", "vm/1000", false},
           {"group:host/Srv", "host/srv", false},  // case-sensitive
           {"type:vm", "vm/100", true},
           {"type:vm", "ct/100", false},
       }) {
    auto f = GroupFilter::parse(c.filter);
    ASSERT_TRUE(f) << c.filter << ": " << f.error().message();
    EXPECT_EQ(f->matches(*BackupGroup::parse(c.group)), c.matches) << c.filter << " ~ " << c.group;
  }
}

TEST(GroupFilterTest, ParsesModesAndSerializesWithoutIncludePrefix) {
  struct Case {
    std::string text;
    GroupFilter::Kind kind;
    bool exclude;
    std::string value;
    std::string canonical;
  };
  for (const Case& c : std::vector<Case>{
           {"type:vm", GroupFilter::Kind::Type, false, "vm", "type:vm"},
           {"include:type:vm", GroupFilter::Kind::Type, false, "vm", "type:vm"},  // B10
           {"exclude:group:vm/100", GroupFilter::Kind::Group, true, "vm/100",
            "exclude:group:vm/100"},  // B10
           {"include:regex:^a:b$", GroupFilter::Kind::Regex, false, "^a:b$", "regex:^a:b$"},
           {"exclude:regex:^vm/1\\d{2,3}$", GroupFilter::Kind::Regex, true, "^vm/1\\d{2,3}$",
            "exclude:regex:^vm/1\\d{2,3}$"},
           {"group:host/srv.example", GroupFilter::Kind::Group, false, "host/srv.example",
            "group:host/srv.example"},
       }) {
    auto f = GroupFilter::parse(c.text);
    ASSERT_TRUE(f) << c.text << ": " << f.error().message();
    EXPECT_EQ(f->kind(), c.kind) << c.text;
    EXPECT_EQ(f->is_exclude(), c.exclude) << c.text;
    EXPECT_EQ(f->value(), c.value) << c.text;
    EXPECT_EQ(f->to_string(), c.canonical) << c.text;
    EXPECT_EQ(*GroupFilter::parse(f->to_string()), *f) << c.text;
  }
}

TEST(GroupFilterTest, RejectsInvalidFiltersNamingFilterAndReason) {
  struct Case {
    std::string text;
    std::string reason;
  };
  for (const Case& c : std::vector<Case>{
           // B9 and sync-semantics §5.1
           {"regex:(", "invalid regex"},
           {"type:VM", "invalid backup type"},
           {"foo:bar", "expected 'group', 'type' or 'regex' prefix, got 'foo'"},
           {"vm/100", "input doesn't match expected format "
                      "'<group:GROUP||type:<vm|ct|host>|regex:REGEX>'"},
           {"group:vm", "invalid"},
           {"group:vm/1/2", "invalid"},
           {"exclude:include:type:vm", "expected 'group', 'type' or 'regex' prefix, got 'include'"},
           // I1
           {"regex:[a-", "invalid regex"},
           // RE2 cannot do back-references or look-around: rejected, never slow.
           {"regex:(a)\\1", "invalid regex"},
           {"regex:(?=vm)", "invalid regex"},
           {"exclude:vm", "input doesn't match expected format"},
           {"exclude", "input doesn't match expected format"},
           {"", "input doesn't match expected format"},
           {"type:", "invalid backup type"},
           {"group:vm/-1", "invalid"},
           {"Type:vm", "got 'Type'"},
           {"regex:" + std::string(GroupFilter::kMaxRegexLength + 1, 'a'), "regex is longer"},
           {"regex:(((a{100}){100}){100})", "invalid regex"},  // compiled program too large
       }) {
    auto f = GroupFilter::parse(c.text);
    ASSERT_FALSE(f) << c.text;
    EXPECT_EQ(f.error().code(), Errc::InvalidArgument) << c.text;
    const std::string& m = f.error().message();
    EXPECT_NE(m.find("invalid group filter '" + c.text.substr(0, 40)), std::string::npos) << m;
    EXPECT_NE(m.find(c.reason), std::string::npos) << c.text << ": " << m;
  }
}

TEST(GroupFilterTest, PathologicalRegexRunsInLinearTime) {
  // Catastrophic for a backtracking engine on a long non-matching input; RE2 is linear.
  auto f = GroupFilter::parse("regex:(a+)+$");
  ASSERT_TRUE(f);
  auto g = BackupGroup::parse("host/" + std::string(200, 'a') + "_");
  ASSERT_TRUE(g);
  EXPECT_FALSE(f->matches(*g));
  EXPECT_TRUE(f->matches(*BackupGroup::parse("host/" + std::string(200, 'a'))));
}

TEST(GroupFilterTest, CopiesShareTheCompiledRegex) {
  auto f = GroupFilter::parse("regex:^vm/");
  ASSERT_TRUE(f);
  GroupFilter copy = *f;
  EXPECT_TRUE(copy.matches(*BackupGroup::parse("vm/1")));
  EXPECT_FALSE(copy.matches(*BackupGroup::parse("ct/1")));
}

}  // namespace
}  // namespace ferry::types

#include "types/backup_group.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace ferry::types {
namespace {

TEST(BackupGroupTest, ParsesAndFormatsGroupsAndSnapshots) {
  auto g = BackupGroup::parse("vm/100");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->type(), BackupType::Vm);
  EXPECT_EQ(g->id(), "100");
  auto d = BackupDir::parse("vm/100/2024-06-05T14:24:36Z");
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_EQ(d->time(), 1717597476);
  EXPECT_EQ(d->to_string(), "vm/100/2024-06-05T14:24:36Z");
  EXPECT_EQ(BackupDir::create(*g, 1717597476)->time_string(), "2024-06-05T14:24:36Z");
}

TEST(BackupGroupTest, RejectsInvalidInputWithReason) {
  for (const char* bad : {"vm", "xx/100", "vm/", "vm/../x", "vm/a b", "vm/.hidden", "VM/100"}) {
    auto g = BackupGroup::parse(bad);
    EXPECT_FALSE(g) << bad;
    if (!g) {
      EXPECT_NE(g.error().message().find(bad[0] == 'x' || bad[0] == 'V' ? "backup type" : "'"),
                std::string::npos)
          << bad;
    }
  }
  for (const char* bad : {"vm/100/2024-06-05 14:24:36Z", "vm/100/2024-06-05T14:24:36+00:00",
                          "vm/100/2024-13-05T14:24:36Z", "vm/100/1970-01-01T00:00:00Z",
                          "vm/100"}) {
    EXPECT_FALSE(BackupDir::parse(bad)) << bad;
  }
  EXPECT_FALSE(BackupDir::create(*BackupGroup::parse("vm/1"), 0));
  EXPECT_FALSE(BackupDir::create(*BackupGroup::parse("vm/1"), 253402300800));  // year 10000
}

TEST(BackupGroupTest, SortsByTypeNameThenId) {
  std::vector<BackupGroup> groups;
  for (const char* s : {"vm/200", "host/elsa", "ct/101", "vm/100", "ct/100"}) {
    groups.push_back(*BackupGroup::parse(s));
  }
  std::sort(groups.begin(), groups.end());
  std::vector<std::string> names;
  for (auto& g : groups) names.push_back(g.to_string());
  EXPECT_EQ(names, (std::vector<std::string>{"ct/100", "ct/101", "host/elsa", "vm/100", "vm/200"}));
}

}  // namespace
}  // namespace ferry::types

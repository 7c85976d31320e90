#include "types/backup_namespace.h"

#include <gtest/gtest.h>

#include <string>

namespace ferry::types {
namespace {

TEST(BackupNamespaceTest, ParsesValidNamesAndMapsToDiskPath) {
  struct Case {
    std::string text;
    size_t depth;
    std::string path;
  };
  for (const Case& c : std::vector<Case>{{"", 0, ""},
                                         {"a", 1, "ns/a"},
                                         {"prod/site1", 2, "ns/prod/ns/site1"},
                                         {"a/b/c/d/e/f/g", 7, "ns/a/ns/b/ns/c/ns/d/ns/e/ns/f/ns/g"},
                                         {"_x.y-z", 1, "ns/_x.y-z"}}) {
    auto ns = BackupNamespace::parse(c.text);
    ASSERT_TRUE(ns) << c.text << ": " << ns.error().to_string();
    EXPECT_EQ(ns->depth(), c.depth) << c.text;
    EXPECT_EQ(ns->path().string(), c.path) << c.text;
    EXPECT_EQ(ns->to_string(), c.text);
  }
}

TEST(BackupNamespaceTest, RejectsInvalidNamesWithReason) {
  struct Case {
    std::string text;
    std::string reason;
  };
  for (const Case& c : std::vector<Case>{{"..", "not a safe id"},
                                         {"a/../b", "not a safe id"},
                                         {"/a", "empty component"},
                                         {"a/", "empty component"},
                                         {"a//b", "empty component"},
                                         {"a/b/c/d/e/f/g/h", "levels deep"},
                                         {std::string(257, 'a'), "longer than 256"},
                                         {"a b", "not a safe id"},
                                         {"-a", "not a safe id"}}) {
    auto ns = BackupNamespace::parse(c.text);
    ASSERT_FALSE(ns) << c.text;
    EXPECT_EQ(ns.error().code(), Errc::InvalidArgument);
    EXPECT_NE(ns.error().message().find(c.reason), std::string::npos)
        << c.text << " -> " << ns.error().message();
  }
}

TEST(BackupNamespaceTest, ChildParentAndWithin) {
  auto a = *BackupNamespace::parse("a");
  auto ab = *a.child("b");
  EXPECT_EQ(ab.to_string(), "a/b");
  EXPECT_EQ(ab.parent(), a);
  EXPECT_TRUE(ab.is_within(a));
  EXPECT_TRUE(ab.is_within(BackupNamespace()));
  EXPECT_FALSE(a.is_within(ab));
  EXPECT_FALSE(BackupNamespace::parse("ab")->is_within(a));
  EXPECT_FALSE(a.child("..").has_value());
  auto deep = *BackupNamespace::parse("a/b/c/d/e/f/g");
  EXPECT_FALSE(deep.child("h").has_value());
}

TEST(BackupNamespaceTest, MapPrefixReRootsSubtree) {
  auto src = *BackupNamespace::parse("location_a/department_x/team_one");
  auto anchor = *BackupNamespace::parse("location_a/department_x");
  auto target = *BackupNamespace::parse("location_a_dep_x");
  auto mapped = src.map_prefix(anchor, target);
  ASSERT_TRUE(mapped);
  EXPECT_EQ(mapped->to_string(), "location_a_dep_x/team_one");
  EXPECT_EQ(anchor.map_prefix(anchor, target)->to_string(), "location_a_dep_x");
  EXPECT_FALSE(target.map_prefix(anchor, target).has_value());
  auto deep_target = *BackupNamespace::parse("1/2/3/4/5/6/7");
  EXPECT_FALSE(src.map_prefix(anchor, deep_target).has_value());
}

}  // namespace
}  // namespace ferry::types

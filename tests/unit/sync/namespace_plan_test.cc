#include "sync/namespace_plan.h"

#include <gtest/gtest.h>

namespace ferry::sync {
namespace {

using types::BackupNamespace;

BackupNamespace ns(const char* s) { return *BackupNamespace::parse(s); }

std::vector<BackupNamespace> tree() {
  std::vector<BackupNamespace> out;
  for (const char* s : {"", "site1", "site1/rack1", "site1/rack1/web", "site1/rack1/db",
                        "site1/rack2", "site1/rack2/web", "site2"}) {
    out.push_back(ns(s));
  }
  return out;
}

std::vector<std::string> render(const std::vector<NamespaceMapping>& plan) {
  std::vector<std::string> out;
  for (auto& m : plan) out.push_back(m.source.to_string() + "->" + m.target.to_string());
  return out;
}

TEST(NamespacePlanTest, MapsSpecExamples) {
  struct Case {
    const char* remote_ns;
    const char* local_ns;
    std::optional<size_t> depth;
    std::vector<std::string> expected;
  };
  for (const Case& c : std::vector<Case>{
           {"site1/rack1",
            "r1copy",
            std::nullopt,
            {"site1/rack1->r1copy", "site1/rack1/db->r1copy/db", "site1/rack1/web->r1copy/web"}},
           {"site1/rack1", "r1copy", 0, {"site1/rack1->r1copy"}},
           {"", "mirror", 1, {"->mirror", "site1->mirror/site1", "site2->mirror/site2"}},
           {"site1", "", 1, {"site1->", "site1/rack1->rack1", "site1/rack2->rack2"}}}) {
    auto plan = plan_namespaces(tree(), ns(c.remote_ns), ns(c.local_ns), c.depth);
    ASSERT_TRUE(plan) << c.remote_ns;
    EXPECT_EQ(render(*plan), c.expected) << c.remote_ns << " -> " << c.local_ns;
  }
}

TEST(NamespacePlanTest, RunTimeDepthOverflowFails) {
  std::vector<BackupNamespace> listed{ns("site1"), ns("site1/x"), ns("site1/x/y"),
                                      ns("site1/x/y/z")};
  auto plan = plan_namespaces(listed, ns("site1"), ns("a/b/c/d/e"), std::nullopt);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message(), "Syncing would exceed max allowed namespace depth. (3+5 > 7)");
  listed.pop_back();
  EXPECT_TRUE(plan_namespaces(listed, ns("site1"), ns("a/b/c/d/e"), std::nullopt));
}

TEST(NamespacePlanTest, ConfigTimeDepthCheck) {
  auto st = check_max_depth(ns("a/b/c/d/e/f"), 2);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message().find("6 + 2 > 7"), std::string::npos);
  EXPECT_TRUE(check_max_depth(ns("a/b/c/d/e/f"), 1));
}

TEST(NamespacePlanTest, DescribesNamespacesLikePbs) {
  EXPECT_EQ(describe_namespace("local", ns("")), "datastore 'local', root namespace");
  EXPECT_EQ(describe_namespace("src", ns("q")), "datastore 'src', namespace 'q'");
}

}  // namespace
}  // namespace ferry::sync

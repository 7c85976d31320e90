// sync-test-cases.md §B (group filters) against a real source ferryd over TLS (issue #6). B1–B5
// and B8 pull in-process through the remote `pbs2`; B9 and B10 are configuration cases, tested
// on the target ferryd's /config/sync. There are no cases B6 and B7 in the spec.
#include <gtest/gtest.h>

#include "sync_cases_support.h"

namespace ferry {
namespace {

using test::contains;
using test::t;
using test::TestDatastoreSpec;

const std::vector<std::string> kNineGroups = {"vm/101", "vm/102", "vm/103", "vm/104", "vm/105",
                                              "vm/106", "vm/107", "vm/108", "vm/109"};

// One snapshot per group, each with its own chunk.
TestDatastoreSpec groups_spec(const std::vector<std::string>& groups) {
  TestDatastoreSpec spec;
  uint64_t seed = 20;
  for (const auto& g : groups) {
    spec.snapshots.push_back({.group = g, .time = t(1), .image_chunks = {seed++}});
  }
  return spec;
}

class SyncCasesBTest : public test::SyncCasesFixture {
 protected:
  // Serves the nine groups, pulls with `filters`; returns the groups the target has.
  std::vector<std::string> pull_nine_with(const std::vector<std::string>& filters) {
    serve(groups_spec(kNineGroups));
    if (HasFatalFailure()) return {};
    auto p = params();
    for (const auto& f : filters) {
      auto parsed = types::GroupFilter::parse(f);
      EXPECT_TRUE(parsed) << f;
      if (parsed) p.group_filter.push_back(*parsed);
    }
    auto r = pull(p);
    EXPECT_TRUE(r) << (r ? "" : r.error().to_string());
    if (r) {
      EXPECT_EQ(r->errors, 0u) << log_.text();
    }
    auto groups = target_groups();
    EXPECT_EQ(expect_synced_identical(), groups.size());
    expect_only_complete_snapshots();
    return groups;
  }

  // Creates sync job `j1` on a running target ferryd with the given group filters.
  void create_job(client::HttpClient& c, const std::vector<std::string>& filters) {
    auto created = c.post("/api2/json/config/sync", {{"id", "job1"},
                                                     {"store", "local"},
                                                     {"remote", "pbs2"},
                                                     {"remote-store", "src"},
                                                     {"group-filter", filters}});
    ASSERT_TRUE(created) << created.error().to_string();
  }

  static nlohmann::json filters_of(client::HttpClient& c) {
    auto job = c.get("/api2/json/config/sync/job1");
    EXPECT_TRUE(job) << job.error().to_string();
    return job ? job->value("group-filter", nlohmann::json()) : nlohmann::json();
  }
};

TEST_F(SyncCasesBTest, B1_NoFilterSelectsEverything) {
  EXPECT_EQ(pull_nine_with({}), kNineGroups);
  EXPECT_TRUE(contains(log_.text(), "found 9 groups to sync (out of 9 total)")) << log_.text();
}

TEST_F(SyncCasesBTest, B2_IncludeRegex) {
  EXPECT_EQ(pull_nine_with({"regex:.*10[2-8]"}),
            (std::vector<std::string>{"vm/102", "vm/103", "vm/104", "vm/105", "vm/106", "vm/107",
                                      "vm/108"}));
  EXPECT_TRUE(contains(log_.text(), "found 7 groups to sync (out of 9 total)")) << log_.text();
}

TEST_F(SyncCasesBTest, B3_OnlyExcludes) {
  EXPECT_EQ(pull_nine_with({"exclude:regex:.*10[1-3]", "exclude:regex:.*10[5-7]"}),
            (std::vector<std::string>{"vm/104", "vm/108", "vm/109"}));
  EXPECT_TRUE(contains(log_.text(), "found 3 groups to sync (out of 9 total)")) << log_.text();
}

// The spec's order, then two others: the result never changes.
TEST_F(SyncCasesBTest, B4_IncludeAndExcludeCombinedInAnyOrder) {
  const std::vector<std::string> want{"vm/104", "vm/108"};
  EXPECT_EQ(pull_nine_with({"exclude:regex:.*10[1-3]", "regex:.*10[2-8]",
                            "exclude:regex:.*10[5-7]"}),
            want);
  for (const auto& order : std::vector<std::vector<std::string>>{
           {"regex:.*10[2-8]", "exclude:regex:.*10[1-3]", "exclude:regex:.*10[5-7]"},
           {"exclude:regex:.*10[5-7]", "exclude:regex:.*10[1-3]", "regex:.*10[2-8]"}}) {
    auto p = params();
    for (const auto& f : order) p.group_filter.push_back(*types::GroupFilter::parse(f));
    log_.clear();
    auto r = pull(p);
    ASSERT_TRUE(r && r->errors == 0) << log_.text();
    EXPECT_TRUE(contains(log_.text(), "found 2 groups to sync (out of 9 total)"))
        << order[0] << "\n"
        << log_.text();
    EXPECT_EQ(target_groups(), want) << order[0];
    EXPECT_EQ(expect_synced_identical(), want.size());
  }
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesBTest, B5_UnionOfDifferentIncludeTypes) {
  ASSERT_NO_FATAL_FAILURE(serve(groups_spec({"ct/200", "ct/201", "vm/100", "vm/101", "host/srv"})));
  auto p = params();
  p.group_filter = {*types::GroupFilter::parse("type:ct"),
                    *types::GroupFilter::parse("group:vm/100")};
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  EXPECT_EQ(target_groups(), (std::vector<std::string>{"ct/200", "ct/201", "vm/100"}));
  EXPECT_TRUE(contains(log_.text(), "found 3 groups to sync (out of 5 total)")) << log_.text();
  EXPECT_EQ(expect_synced_identical(), 3u);
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesBTest, B8_FilteredOutGroupsAreProtectedFromRemoveVanished) {
  ASSERT_NO_FATAL_FAILURE(serve(groups_spec({"vm/300"})));
  add_target_snapshot({.group = "vm/100", .time = t(1)});
  add_target_snapshot({.group = "ct/200", .time = t(1)});
  auto p = params();
  p.group_filter = {*types::GroupFilter::parse("type:vm")};
  p.remove_vanished = true;
  auto r = pull(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  EXPECT_EQ(target_groups(), (std::vector<std::string>{"ct/200", "vm/300"}));
  EXPECT_TRUE(contains(log_.text(), "delete vanished group 'vm/100'")) << log_.text();
  EXPECT_FALSE(contains(log_.text(), "ct/200")) << log_.text();
  EXPECT_EQ(r->removed_groups, 1u);
  EXPECT_EQ(expect_synced_identical(), 1u);
  expect_only_complete_snapshots();
}

// B9: each invalid filter is refused by PUT /config/sync/job1; the stored job keeps its filter.
TEST_F(SyncCasesBTest, B9_InvalidFiltersAreRejectedAtConfiguration) {
  ASSERT_NO_FATAL_FAILURE(serve({}));
  ASSERT_NO_FATAL_FAILURE(start_target());
  auto c = api();
  ASSERT_NE(c, nullptr);
  ASSERT_NO_FATAL_FAILURE(create_job(*c, {"type:vm"}));
  const nlohmann::json before = filters_of(*c);
  ASSERT_EQ(before, nlohmann::json::array({"type:vm"}));
  for (const std::string bad : {"regex:(", "type:VM", "foo:bar", "vm/100", "group:vm"}) {
    auto r = c->put("/api2/json/config/sync/job1", {{"group-filter", {bad}}});
    ASSERT_FALSE(r) << bad << " was accepted";
    if (bad == "foo:bar") {
      EXPECT_TRUE(contains(r.error().to_string(),
                           "expected 'group', 'type' or 'regex' prefix, got 'foo'"))
          << r.error().to_string();
    }
    EXPECT_EQ(filters_of(*c), before) << bad;
  }
}

TEST_F(SyncCasesBTest, B10_SerializationOfFilters) {
  ASSERT_NO_FATAL_FAILURE(serve({}));
  ASSERT_NO_FATAL_FAILURE(start_target());
  auto c = api();
  ASSERT_NE(c, nullptr);
  ASSERT_NO_FATAL_FAILURE(create_job(*c, {"include:type:vm", "exclude:group:vm/100"}));
  EXPECT_EQ(filters_of(*c), nlohmann::json::array({"type:vm", "exclude:group:vm/100"}));
  const std::string cfg = test::read_whole_file(dst_etc_ / "sync.cfg");
  EXPECT_TRUE(contains(cfg, "group-filter type:vm")) << cfg;
  EXPECT_TRUE(contains(cfg, "group-filter exclude:group:vm/100")) << cfg;
}

}  // namespace
}  // namespace ferry

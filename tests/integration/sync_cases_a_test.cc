// sync-test-cases.md §A (namespace discovery and mapping) against a real source ferryd over
// TLS: REST listings and the reader protocol (issue #6). A1–A3 need a remote without namespace
// support: NamespacelessProxy (sync_cases_support.h) sits in front of the source ferryd and
// answers 404 on the namespace list only. A7 is a configuration check, tested on the target
// ferryd's /config/sync. There is no case A5 in the spec.
#include <gtest/gtest.h>

#include "sync_cases_support.h"

namespace ferry {
namespace {

using test::contains;
using test::grp;
using test::line_count;
using test::line_index;
using test::ns;
using test::t;
using test::TestDatastoreSpec;

TestDatastoreSpec two_root_groups() {
  return {.snapshots = {{.group = "vm/100", .time = test::t(1)},
                        {.group = "vm/101", .time = test::t(1), .image_chunks = {4}}}};
}

// The namespace tree of A4 and A6, one group (distinct chunks) in each namespace.
TestDatastoreSpec site_tree() {
  TestDatastoreSpec spec;
  spec.namespaces = {"site1",          "site1/rack1", "site1/rack1/web",
                     "site1/rack1/db", "site1/rack2", "site2"};
  uint64_t seed = 10;
  for (const auto& n : spec.namespaces) {
    spec.snapshots.push_back({.ns = n, .group = "vm/100", .time = t(1), .image_chunks = {seed++}});
  }
  return spec;
}

class SyncCasesATest : public test::SyncCasesFixture {
 protected:
  // Serves `spec` and points `pbs2` at a proxy that hides the namespace API (an old remote).
  void serve_old_remote(TestDatastoreSpec spec) {
    serve(std::move(spec));
    if (HasFatalFailure()) return;
    proxy_ = std::make_unique<test::NamespacelessProxy>(server_->port());
    write_remote(proxy_->fingerprint(), "secret", proxy_->port());
  }

  std::unique_ptr<test::NamespacelessProxy> proxy_;
};

// A1, decision S1: PBS 3.2.4 ends this job with `TASK ERROR: sync failed with some errors.`;
// Ferry syncs, logs both warnings and ends with TASK WARNINGS.
TEST_F(SyncCasesATest, A1_BackwardsCompatFallbackSyncsTheRootAndEndsWithWarnings) {
  ASSERT_NO_FATAL_FAILURE(serve_old_remote(two_root_groups()));
  ASSERT_NO_FATAL_FAILURE(start_target());
  const auto task = run_target_job(
      {{"id", "job1"}, {"store", "local"}, {"remote", "pbs2"}, {"remote-store", "src"}});
  EXPECT_EQ(task.exitstatus, "WARNINGS: 2") << task.log;
  EXPECT_TRUE(contains(task.log,
                       "Could not query remote for namespaces (404) -> temporarily switching to "
                       "backwards-compat mode"))
      << task.log;
  EXPECT_TRUE(contains(task.log,
                       "Either make backwards-compat mode explicit (max-depth == 0) or upgrade "
                       "remote system."))
      << task.log;
  EXPECT_FALSE(contains(task.log, "Finished syncing")) << task.log;
  EXPECT_TRUE(contains(task.log, "TASK WARNINGS: 2")) << task.log;
  EXPECT_EQ(proxy_->namespace_requests(), 1u);
  ASSERT_NO_FATAL_FAILURE(reopen_target());
  EXPECT_EQ(target_groups(), (std::vector<std::string>{"vm/100", "vm/101"}));
  EXPECT_EQ(expect_synced_identical(), 2u);
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesATest, A2_ExplicitCompatModeDoesNotQueryNamespaces) {
  ASSERT_NO_FATAL_FAILURE(serve_old_remote(two_root_groups()));
  auto p = params();
  p.max_depth = 0;
  ASSERT_TRUE(run_job(p)) << log_.text();
  EXPECT_EQ(proxy_->namespace_requests(), 0u);
  EXPECT_GT(proxy_->forwarded_requests(), 0u);
  EXPECT_FALSE(contains(log_.text(), "WARN: ")) << log_.text();
  EXPECT_EQ(target_groups(), (std::vector<std::string>{"vm/100", "vm/101"}));
  EXPECT_EQ(expect_synced_identical(), 2u);
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesATest, A3_NamespaceRequestedFromARemoteWithoutNamespaceSupportFails) {
  ASSERT_NO_FATAL_FAILURE(serve_old_remote(
      {.namespaces = {"a"}, .snapshots = {{.ns = "a", .group = "vm/100", .time = t(1)}}}));
  auto p = params();
  p.source_ns = ns("a");
  Status r = run_job(p);
  ASSERT_FALSE(r) << log_.text();
  EXPECT_EQ(r.error().message(),
            "Remote namespace set/recursive sync requested, but remote does not support "
            "namespaces.");
  EXPECT_EQ(target_namespaces(), std::vector<std::string>{""});
  EXPECT_TRUE(target_groups().empty());
}

TEST_F(SyncCasesATest, A4_SubtreeMappingWithFullRecursion) {
  ASSERT_NO_FATAL_FAILURE(serve(site_tree()));
  auto p = params();
  p.source_ns = ns("site1/rack1");
  p.target_ns = ns("r1copy");
  auto r = pull(p);
  ASSERT_TRUE(r) << r.error().to_string() << "\n" << log_.text();
  EXPECT_EQ(r->errors, 0u) << log_.text();
  EXPECT_EQ(target_namespaces(),
            (std::vector<std::string>{"", "r1copy", "r1copy/db", "r1copy/web"}));
  EXPECT_EQ(expect_synced_identical("site1/rack1", "r1copy"), 1u);
  EXPECT_EQ(expect_synced_identical("site1/rack1/web", "r1copy/web"), 1u);
  EXPECT_EQ(expect_synced_identical("site1/rack1/db", "r1copy/db"), 1u);
  expect_only_complete_snapshots();
  const std::string log = log_.text();
  EXPECT_EQ(line_count(log, "Created namespace "), 3u) << log;
  const long parent = test::exact_line_index(log, "Created namespace r1copy");
  ASSERT_GE(parent, 0) << log;
  EXPECT_LT(parent, test::exact_line_index(log, "Created namespace r1copy/web")) << log;
  EXPECT_LT(parent, test::exact_line_index(log, "Created namespace r1copy/db")) << log;
  EXPECT_FALSE(contains(log, "rack2")) << log;
  EXPECT_FALSE(contains(log, "site2")) << log;
}

TEST_F(SyncCasesATest, A6_AnchorOnlyWithMaxDepthZero) {
  ASSERT_NO_FATAL_FAILURE(serve(site_tree()));
  auto p = params();
  p.source_ns = ns("site1/rack1");
  p.target_ns = ns("r1copy");
  p.max_depth = 0;
  auto r = pull(p);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->errors, 0u) << log_.text();
  EXPECT_EQ(target_namespaces(), (std::vector<std::string>{"", "r1copy"}));
  EXPECT_EQ(target_groups("r1copy"), std::vector<std::string>{"vm/100"});
  EXPECT_EQ(expect_synced_identical("site1/rack1", "r1copy"), 1u);
  expect_only_complete_snapshots();
}

// A7 is a configuration check: creating the job on the target ferryd.
TEST_F(SyncCasesATest, A7_DepthLimitAtConfigurationTime) {
  ASSERT_NO_FATAL_FAILURE(serve({}));
  ASSERT_NO_FATAL_FAILURE(start_target());
  auto c = api();
  ASSERT_NE(c, nullptr);
  nlohmann::json job{{"id", "deep"},       {"store", "local"}, {"remote", "pbs2"},
                     {"remote-store", "src"}, {"ns", "a/b/c/d/e/f"}, {"max-depth", 2}};
  auto refused = c->post("/api2/json/config/sync", job);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(contains(refused.error().to_string(), "6 + 2 > 7")) << refused.error().to_string();
  EXPECT_FALSE(c->get("/api2/json/config/sync/deep")) << "a refused job must not be stored";
  job["max-depth"] = 1;
  auto accepted = c->post("/api2/json/config/sync", job);
  EXPECT_TRUE(accepted) << accepted.error().to_string();
  auto stored = c->get("/api2/json/config/sync/deep");
  ASSERT_TRUE(stored) << stored.error().to_string();
  EXPECT_EQ(stored->value("max-depth", -1), 1) << stored->dump();
}

TEST_F(SyncCasesATest, A8_DepthLimitAtRunTimeFailsBeforeAnyGroup) {
  ASSERT_NO_FATAL_FAILURE(
      serve({.namespaces = {"site1", "site1/x", "site1/x/y", "site1/x/y/z"},
             .snapshots = {{.ns = "site1", .group = "vm/100", .time = t(1)},
                           {.ns = "site1/x/y/z", .group = "vm/101", .time = t(1)}}}));
  for (auto n : {"a", "a/b", "a/b/c", "a/b/c/d", "a/b/c/d/e"}) {
    ASSERT_TRUE(dst_->create_namespace(ns(n)));
  }
  auto p = params();
  p.source_ns = ns("site1");
  p.target_ns = ns("a/b/c/d/e");
  Status r = run_job(p);
  ASSERT_FALSE(r) << log_.text();
  EXPECT_EQ(r.error().message(), "Syncing would exceed max allowed namespace depth. (3+5 > 7)");
  EXPECT_FALSE(contains(log_.text(), "sync snapshot")) << log_.text();
  EXPECT_TRUE(target_groups("a/b/c/d/e").empty());
  EXPECT_EQ(target_namespaces().size(), 6u) << "nothing created";
}

TEST_F(SyncCasesATest, A9_NamespaceCreationNotPermittedFailsOnlyThatNamespace) {
  ASSERT_NO_FATAL_FAILURE(serve({.namespaces = {"p", "q"},
                                 .snapshots = {{.ns = "p", .group = "vm/100", .time = t(1)},
                                               {.ns = "q", .group = "vm/100", .time = t(1)}}}));
  ASSERT_TRUE(dst_->create_namespace(ns("p")));
  ASSERT_NO_FATAL_FAILURE(set_acl("acl:1:/datastore/local:sync@pbs:DatastoreBackup\n"));
  auto p = params();
  p.owner = *types::Authid::parse("sync@pbs");
  Status r = run_job(p);
  ASSERT_FALSE(r) << log_.text();
  EXPECT_EQ(r.error().message(), "sync failed with some errors.");
  EXPECT_TRUE(contains(log_.text(),
                       "Cannot sync datastore 'src', namespace 'q' into datastore 'local', "
                       "namespace 'q' - Creating q not allowed - missing permissions "
                       "'Datastore.Modify' on '/datastore/local'"))
      << log_.text();
  EXPECT_EQ(target_namespaces(), (std::vector<std::string>{"", "p"}));
  EXPECT_EQ(owner_file("p", "vm/100"), "sync@pbs\n");
  EXPECT_EQ(expect_synced_identical("p", "p"), 1u);
  expect_only_complete_snapshots();
}

class SyncCasesA10Test : public SyncCasesATest {
 protected:
  // Source: `keep` with one group. Target: `keep` and `gone`, `gone` holding `groups` (owner
  // per group), each with one snapshot, protected if `protect`.
  void prepare(const std::vector<std::pair<std::string, std::string>>& groups, bool protect) {
    if (!src_) {
      serve({.namespaces = {"keep"}, .snapshots = {{.ns = "keep", .group = "vm/100", .time = t(1)}}});
      if (HasFatalFailure()) return;
      ASSERT_TRUE(dst_->create_namespace(ns("keep")));
    }
    ASSERT_TRUE(dst_->create_namespace(ns("gone")));
    for (const auto& [group, owner] : groups) {
      add_target_snapshot({.ns = "gone", .group = group, .time = t(1), .is_protected = protect},
                          owner);
    }
  }

  sync::PullParams remove_vanished() const {
    auto p = params();
    p.remove_vanished = true;
    return p;
  }
};

// A10 as the spec has it (all groups the job owner's), then decision S9: PBS would also delete
// bob@pbs's group; Ferry removes only the job owner's groups and keeps the namespace.
TEST_F(SyncCasesA10Test, A10_RemoveVanishedNamespace) {
  ASSERT_NO_FATAL_FAILURE(prepare({{"vm/200", "root@pam"}, {"vm/201", "root@pam"}}, false));
  ASSERT_TRUE(run_job(remove_vanished())) << log_.text();
  EXPECT_EQ(target_namespaces(), (std::vector<std::string>{"", "keep"}));
  EXPECT_TRUE(contains(log_.text(), "Removed namespace gone")) << log_.text();
  EXPECT_TRUE(contains(log_.text(),
                       "Summary: removed vanished: snapshots: 2, groups: 2, namespaces: 1"))
      << log_.text();
  EXPECT_EQ(expect_synced_identical("keep", "keep"), 1u);

  log_.clear();
  ASSERT_NO_FATAL_FAILURE(prepare({{"vm/200", "bob@pbs"}, {"vm/201", "root@pam"}}, false));
  ASSERT_TRUE(run_job(remove_vanished())) << log_.text();
  EXPECT_EQ(target_groups("gone"), std::vector<std::string>{"vm/200"});
  EXPECT_EQ(owner_file("gone", "vm/200"), "bob@pbs\n");
  EXPECT_TRUE(contains(log_.text(), "Did not remove namespace gone - groups not owned by root@pam"))
      << log_.text();
  EXPECT_TRUE(contains(log_.text(),
                       "Summary: removed vanished: snapshots: 1, groups: 1, namespaces: 0"))
      << log_.text();
  expect_only_complete_snapshots();
}

TEST_F(SyncCasesA10Test, A10_ProtectedSnapshotKeepsTheVanishedNamespaceWithoutFailing) {
  ASSERT_NO_FATAL_FAILURE(prepare({{"vm/200", "root@pam"}}, true));
  ASSERT_TRUE(run_job(remove_vanished())) << log_.text();
  EXPECT_EQ(target_namespaces(), (std::vector<std::string>{"", "gone", "keep"}));
  EXPECT_EQ(target_times("gone", "vm/200"), std::vector<int64_t>{t(1)});
  EXPECT_TRUE(contains(log_.text(), "Did not remove namespace gone - protected snapshots remain"))
      << log_.text();
  EXPECT_TRUE(contains(log_.text(), "namespaces: 0")) << log_.text();
  EXPECT_EQ(expect_synced_identical("keep", "keep"), 1u);
  expect_only_complete_snapshots();
}

}  // namespace
}  // namespace ferry

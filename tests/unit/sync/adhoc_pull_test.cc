// adhoc_pull_job: the arguments of `ferry-manager pull` and POST /pull become a pull job with
// the sync.cfg schema's checks (api.md §5.8, sync-test-cases I1, I7).
#include "sync/adhoc_pull.h"

#include <gtest/gtest.h>

#include "sync/pull_params.h"

namespace ferry::sync {
namespace {

AdHocPullArgs remote_args() {
  AdHocPullArgs a;
  a.store = "local";
  a.remote = "pbs2";
  a.remote_store = "src";
  return a;
}

TEST(AdHocPullTest, BuildsAPullJobWithEveryOption) {
  AdHocPullArgs a = remote_args();
  a.ns = "a";
  a.remote_ns = "x/y";
  a.owner = "sync@pbs";
  a.remove_vanished = "1";
  a.max_depth = "2";
  a.group_filter = {"type:vm", "exclude:group:vm/100"};
  a.transfer_last = "3";
  a.rate_in = "20MiB";
  a.burst_in = "40MiB";
  a.resync_corrupt = "true";
  a.encrypted_only = "no";
  a.verified_only = "yes";
  a.worker_threads = "4";
  auto job = adhoc_pull_job(a);
  ASSERT_TRUE(job) << job.error().to_string();
  auto p = PullParams::from_job(*job);
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->remote, "pbs2");
  EXPECT_EQ(p->source_store, "src");
  EXPECT_EQ(p->source_ns.to_string(), "x/y");
  EXPECT_EQ(p->target_ns.to_string(), "a");
  EXPECT_EQ(p->owner.to_string(), "sync@pbs");
  EXPECT_TRUE(p->remove_vanished);
  EXPECT_EQ(p->max_depth, 2u);
  EXPECT_EQ(p->group_filter.size(), 2u);
  EXPECT_EQ(p->transfer_last, 3u);
  EXPECT_TRUE(p->resync_corrupt);
  EXPECT_FALSE(p->encrypted_only);
  EXPECT_TRUE(p->verified_only);
  EXPECT_EQ(p->group_workers, 4u);
  ASSERT_TRUE(job->rate_in.has_value());
  EXPECT_EQ(job->rate_in->bytes(), 20u * 1024 * 1024);
}

TEST(AdHocPullTest, RootNamespacesAreEmptyStrings) {
  AdHocPullArgs a = remote_args();
  a.ns = "";
  a.remote_ns = "";
  auto job = adhoc_pull_job(a);
  ASSERT_TRUE(job) << job.error().to_string();
  EXPECT_FALSE(job->ns.has_value());
  EXPECT_FALSE(job->remote_ns.has_value());
  EXPECT_EQ(job->effective_owner().to_string(), "root@pam");
}

TEST(AdHocPullTest, LocalPullIntoItsOwnSourceIsRefused) {
  AdHocPullArgs a;
  a.store = "local";
  a.remote_store = "local";
  auto job = adhoc_pull_job(a);
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error().code(), Errc::InvalidArgument);
  EXPECT_EQ(job.error().message(), "can't sync to same datastore");
  a.remote = "pbs2";  // the same name on a remote is another datastore
  EXPECT_TRUE(adhoc_pull_job(a));
}

TEST(AdHocPullTest, InvalidValuesNameTheParameter) {
  struct Case {
    std::string param;
    std::function<void(AdHocPullArgs&)> set;
  };
  const std::vector<Case> cases = {
      {"max-depth", [](AdHocPullArgs& a) { a.max_depth = "9"; }},
      {"max-depth", [](AdHocPullArgs& a) { a.max_depth = "x"; }},
      {"transfer-last", [](AdHocPullArgs& a) { a.transfer_last = "0"; }},
      {"group-filter", [](AdHocPullArgs& a) { a.group_filter = {"regex:[a-"}; }},
      {"rate-in", [](AdHocPullArgs& a) { a.rate_in = "fast"; }},
      {"owner", [](AdHocPullArgs& a) { a.owner = "nobody"; }},
      {"worker-threads", [](AdHocPullArgs& a) { a.worker_threads = "33"; }},
      {"remove-vanished", [](AdHocPullArgs& a) { a.remove_vanished = "maybe"; }},
      {"ns", [](AdHocPullArgs& a) { a.ns = "a//b"; }},
  };
  for (const auto& c : cases) {
    AdHocPullArgs a = remote_args();
    c.set(a);
    auto job = adhoc_pull_job(a);
    ASSERT_FALSE(job) << c.param;
    EXPECT_EQ(job.error().code(), Errc::InvalidArgument) << c.param;
    EXPECT_NE(job.error().to_string().find("'" + c.param + "'"), std::string::npos)
        << c.param << ": " << job.error().to_string();
  }
}

TEST(AdHocPullTest, DepthLimitIsChecked) {
  AdHocPullArgs a = remote_args();
  a.ns = "a/b/c/d/e";
  a.max_depth = "3";
  auto job = adhoc_pull_job(a);
  ASSERT_FALSE(job);
  EXPECT_NE(job.error().message().find("exceed limit"), std::string::npos)
      << job.error().to_string();
}

}  // namespace
}  // namespace ferry::sync

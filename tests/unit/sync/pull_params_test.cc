// PullParams from sync-job configs and the sync job worker id (sync-semantics.md §1, §2.1).
#include "sync/pull_params.h"

#include <gtest/gtest.h>

namespace ferry::sync {
namespace {

config::SyncJobConfig job() {
  config::SyncJobConfig j;
  j.id = "pbs2-local";
  j.store = "local";
  j.remote = "pbs2";
  j.remote_store = "local";
  return j;
}

TEST(PullParamsTest, DefaultsOfAMinimalJob) {
  auto p = PullParams::from_job(job());
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->remote, "pbs2");
  EXPECT_EQ(p->source_store, "local");
  EXPECT_TRUE(p->source_ns.is_root());
  EXPECT_TRUE(p->target_ns.is_root());
  EXPECT_EQ(p->owner, types::Authid::root());
  EXPECT_FALSE(p->remove_vanished);
  EXPECT_FALSE(p->max_depth.has_value());
  EXPECT_EQ(p->group_workers, kDefaultGroupWorkers);
  EXPECT_EQ(p->verify_threads, 4u);
  EXPECT_EQ(p->chunks_in_flight, 20u);
}

TEST(PullParamsTest, CopiesEveryPullProperty) {
  auto j = job();
  j.ns = *types::BackupNamespace::parse("dst");
  j.remote_ns = *types::BackupNamespace::parse("src/a");
  j.owner = *types::Authid::parse("sync@pbs");
  j.remove_vanished = true;
  j.max_depth = 2;
  j.group_filter = {*types::GroupFilter::parse("type:vm")};
  j.transfer_last = 3;
  j.resync_corrupt = true;
  j.encrypted_only = true;
  j.verified_only = true;
  j.worker_threads = 4;
  auto p = PullParams::from_job(j);
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->target_ns.to_string(), "dst");
  EXPECT_EQ(p->source_ns.to_string(), "src/a");
  EXPECT_EQ(p->owner.to_string(), "sync@pbs");
  EXPECT_TRUE(p->remove_vanished);
  EXPECT_EQ(p->max_depth, size_t(2));
  EXPECT_EQ(p->group_filter.size(), 1u);
  EXPECT_EQ(p->transfer_last, uint64_t(3));
  EXPECT_TRUE(p->resync_corrupt && p->encrypted_only && p->verified_only);
  EXPECT_EQ(p->group_workers, 4u);
}

TEST(PullParamsTest, RejectsPushJobsAndInvalidJobs) {
  auto push = job();
  push.sync_direction = config::SyncDirection::Push;
  EXPECT_FALSE(PullParams::from_job(push));
  auto same = job();
  same.remote.reset();
  auto r = PullParams::from_job(same);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().to_string(), "can't sync to same datastore");
  auto deep = job();
  deep.ns = *types::BackupNamespace::parse("a/b/c/d/e/f");
  deep.max_depth = 2;
  auto d = PullParams::from_job(deep);
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().to_string().find("sync job 'pbs2-local'"), std::string::npos)
      << d.error().to_string();
}

TEST(PullParamsTest, WorkerIdOfASyncJob) {
  EXPECT_EQ(sync_job_worker_id(job()), "pbs2:local:local::pbs2-local");
  auto local = job();
  local.remote.reset();
  local.remote_store = "store-a";
  local.store = "store-b";
  local.ns = *types::BackupNamespace::parse("dept/team");
  local.id = "job1";
  EXPECT_EQ(sync_job_worker_id(local), "-:store-a:store-b:dept/team:job1");
}

}  // namespace
}  // namespace ferry::sync

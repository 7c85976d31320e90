// Pulls from a remote through RemoteSyncSource, HTTPS and the HTTP/2 reader protocol, served by
// FakePbsServer (sync-test-cases.md §A1–A3 against a remote without namespace support, §H1).
#include <chrono>

#include <gtest/gtest.h>

#include "fake_pbs_server.h"
#include "sync/remote_sync_source.h"
#include "sync_test_support.h"

namespace ferry::sync::test {
namespace {

class RemoteSyncTest : public SyncTest {
 protected:
  void serve(FakePbsServer::Options opts = {}) {
    server_ = std::make_unique<FakePbsServer>(*src_, std::move(opts));
  }

  std::unique_ptr<client::HttpClient> connect(const TrafficLimits& limits = {}) {
    auto o = server_->client_options();
    o.rate_in = limits.rate_in;
    o.burst_in = limits.burst_in;
    auto c = client::HttpClient::create(o);
    EXPECT_TRUE(c) << c.error().to_string();
    return std::move(*c);
  }

  Result<PullStats> pull_remote(PullParams p, const TrafficLimits& limits = {}) {
    p.remote = "pbs2";
    auto c = connect(limits);
    RemoteSyncSource source(*c, "src");
    PullEnv env{*dst_, source, *users_, log_, SystemClock::instance(), &abort_};
    return pull_store(p, env);
  }

  Status run_remote_job(PullParams p) {
    p.remote = "pbs2";
    auto c = connect();
    RemoteSyncSource source(*c, "src");
    PullEnv env{*dst_, source, *users_, log_, SystemClock::instance(), &abort_};
    return run_sync_job("pbs2:src:local::job1", p, env);
  }

  std::unique_ptr<FakePbsServer> server_;
};

TestDatastoreSpec two_groups() {
  TestDatastoreSpec spec;
  spec.snapshots = {{.group = "vm/100", .time = t(1)}, {.group = "vm/101", .time = t(1)}};
  return spec;
}

TEST_F(RemoteSyncTest, A1_RemoteWithoutNamespaceApiFallsBackToTheRootWithWarnings) {
  make_source(two_groups());
  serve({.namespaces_supported = false});
  ASSERT_TRUE(run_remote_job(params())) << log_.dump();
  EXPECT_EQ(server_->requests_to("/namespace"), 1u);
  EXPECT_EQ(log_.warnings(), 2u) << log_.dump();
  EXPECT_TRUE(log_.has("sync datastore 'local' from 'pbs2/src'"));
  EXPECT_FALSE(log_.has("Finished syncing"));
  expect_synced_copy({}, {}, snap("vm/100", t(1)));
  expect_synced_copy({}, {}, snap("vm/101", t(1)));
}

TEST_F(RemoteSyncTest, A2_ExplicitCompatModeSendsNoNamespaceRequest) {
  make_source(two_groups());
  serve({.namespaces_supported = false});
  PullParams p = params();
  p.max_depth = 0;
  auto r = pull_remote(p);
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_EQ(server_->requests_to("/namespace"), 0u);
  EXPECT_EQ(log_.warnings(), 0u);
  EXPECT_EQ(r->snapshots, 2u);
}

TEST_F(RemoteSyncTest, A3_NamespaceRequestedFromARemoteWithoutNamespaceSupportFails) {
  make_source({});
  serve({.namespaces_supported = false});
  PullParams p = params();
  p.source_ns = ns("a");
  auto r = pull_remote(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "Remote namespace set/recursive sync requested, but remote does not support "
            "namespaces.");
}

TEST_F(RemoteSyncTest, PullOverHttp2IsByteIdenticalAndANoOpRerunFetchesNoChunk) {
  TestDatastoreSpec spec;
  spec.namespaces = {"a", "a/b"};
  spec.snapshots = {{.group = "vm/100", .time = t(1)},
                    {.group = "vm/100", .time = t(2), .image_chunks = {7, 8, 9, 10}},
                    {.ns = "a/b", .group = "ct/200", .time = t(1), .stream_seed = 5}};
  make_source(spec);
  serve();
  auto r = pull_remote(params());
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  expect_synced_copy({}, {}, snap("vm/100", t(1)));
  expect_synced_copy({}, {}, snap("vm/100", t(2)));
  expect_synced_copy(ns("a/b"), ns("a/b"), snap("ct/200", t(1)));
  EXPECT_EQ(server_->chunk_requests(), r->chunks_downloaded);
  const size_t before = server_->chunk_requests();
  auto again = pull_remote(params());
  ASSERT_TRUE(again && again->errors == 0) << log_.dump();
  EXPECT_EQ(server_->chunk_requests(), before);
  EXPECT_EQ(again->files_downloaded, 0u);
}

TEST_F(RemoteSyncTest, RemoteUserVisibilityDecidesWhatIsPulled) {
  make_source({});
  add_source_snapshot({.group = "vm/100", .time = t(1)}, "sync@pbs");
  add_source_snapshot({.group = "vm/101", .time = t(1)}, "other@pbs");
  serve({.acl = "acl:1:/datastore/src:sync@pbs:DatastoreBackup\n", .identity = aid("sync@pbs")});
  auto r = pull_remote(params());
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  EXPECT_TRUE(log_.has("found 1 groups to sync (out of 1 total)")) << log_.dump();
  EXPECT_TRUE(target_has({}, "vm/100", t(1)));
  EXPECT_FALSE(*dst_->group_exists({}, grp("vm/101")));
}

// H1: the bucket starts empty, so even the first bytes are paced at rate-in.
TEST_F(RemoteSyncTest, H1_RateInThrottlesFromTheFirstByte) {
  make_source({.snapshots = {{.group = "vm/100", .time = t(1)}}});
  serve();
  constexpr uint64_t kRate = 512 * 1024;
  auto start = std::chrono::steady_clock::now();
  auto r = pull_remote(params(), {.rate_in = kRate});
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r && r->errors == 0) << log_.dump();
  ASSERT_GT(r->bytes_downloaded, kRate / 2) << "too little data to measure a rate";
  EXPECT_GE(secs, 0.8 * double(r->bytes_downloaded) / double(kRate))
      << r->bytes_downloaded << " bytes in " << secs << " s";
}

}  // namespace
}  // namespace ferry::sync::test

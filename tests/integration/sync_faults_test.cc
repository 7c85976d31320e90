// Pull fault tests against a real source ferryd (issue #6; sync-test-cases.md E3, H2, I5):
//   - the connection cut mid-transfer by a TCP relay (tcp_relay.h) and a relay that stalls;
//   - a corrupt chunk served by the source (E3);
//   - the target's disk refusing writes (RLIMIT_FSIZE in a `ferry-manager pull` child);
//   - rate-in with a large burst-in (H2): the bucket starts empty;
//   - a remote datastore that does not exist (I5), through a sync task on a target ferryd.
// Each fault must end the run with a clear error, leave no partial snapshot (no snapshot
// directory without a manifest, no temporary files), and a re-run must complete transferring
// exactly the chunks the target still lacks.
// (The source killed mid-sync lives in sync_two_servers_test.cc.)
#include <array>
#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "datastore/data_blob.h"
#include "sync_fixture.h"
#include "tcp_relay.h"

namespace ferry {
namespace {

namespace stdfs = std::filesystem;
using namespace std::chrono_literals;
using test::many_chunks;
using test::t;
using test::TestSnapshotSpec;

constexpr uint64_t kMiB = 1024 * 1024;

// Names of the chunk files (64 hex digits) below `store`/.chunks.
std::set<std::string> chunk_names(const stdfs::path& store) {
  static const std::regex hex("^[0-9a-f]{64}$");
  std::set<std::string> out;
  for (const auto& e : stdfs::recursive_directory_iterator(store / ".chunks")) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && std::regex_match(name, hex)) out.insert(name);
  }
  return out;
}

// Chunks of `src` that `dst` lacks.
size_t missing_chunks(const stdfs::path& src, const stdfs::path& dst) {
  const auto have = chunk_names(dst);
  size_t n = 0;
  for (const auto& c : chunk_names(src)) n += have.count(c) == 0 ? 1 : 0;
  return n;
}

// Files left behind by an interrupted write anywhere below `store` (chunk store included).
std::vector<std::string> temp_files(const stdfs::path& store) {
  std::vector<std::string> out;
  for (const auto& e : stdfs::recursive_directory_iterator(store)) {
    if (e.is_regular_file() && e.path().filename().string().find(".tmp") != std::string::npos) {
      out.push_back(e.path().string());
    }
  }
  return out;
}

// Every snapshot directory below `store` (any namespace) has its manifest: a failed new
// snapshot must be removed completely, not left as a directory without index.json.blob.
void expect_no_snapshot_without_manifest(const stdfs::path& store) {
  static const std::regex time_dir(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$)");
  for (auto it = stdfs::recursive_directory_iterator(store);
       it != stdfs::recursive_directory_iterator(); ++it) {
    if (it->path().filename() == ".chunks") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_directory() || !std::regex_match(it->path().filename().string(), time_dir)) {
      continue;
    }
    EXPECT_TRUE(stdfs::exists(it->path() / "index.json.blob"))
        << "snapshot directory without manifest: " << it->path();
  }
}

std::string read_text(const stdfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class SyncFaultsTest : public test::SyncServerFixture {
 protected:
  stdfs::path src_store() const { return root() / "src"; }
  stdfs::path dst_store() const { return root() / "local"; }

  // pull() with the client's timeouts chosen by the test.
  Result<sync::PullStats> pull_with_timeouts(std::chrono::milliseconds connect,
                                             std::chrono::milliseconds request,
                                             uint64_t rate_in = 0) {
    sync::SyncSourceSpec spec;
    spec.remote = "pbs2";
    spec.source_store = "src";
    spec.limits.rate_in = rate_in;
    spec.connect_timeout = connect;
    spec.request_timeout = request;
    FERRY_TRY_ASSIGN(auto source,
                     sync::open_sync_source(config::ConfigDir(dst_etc_), spec, nullptr));
    sync::PullEnv env{*dst_, *source, *users_, log_, SystemClock::instance(), nullptr};
    return sync::pull_store(params(), env);
  }

  // Rewrites the source chunk `digest` as a valid blob (CRC intact) whose payload no longer
  // hashes to `digest`; returns the original file bytes for repair_chunk().
  std::string corrupt_source_chunk(const Digest& digest) {
    const stdfs::path path = src_->chunk_store().chunk_path(digest);
    const std::string original = read_text(path);
    auto blob = datastore::DataBlob::load(path, 32 * kMiB);
    EXPECT_TRUE(blob) << blob.error().to_string();
    if (!blob) return original;
    auto data = blob->decode(nullptr);
    EXPECT_TRUE(data) << data.error().to_string();
    if (!data) return original;
    (*data)[data->size() / 2] ^= 0x5a;
    auto bad = datastore::DataBlob::encode(ByteView(*data), nullptr, false);
    EXPECT_TRUE(bad) << bad.error().to_string();
    if (!bad) return original;
    EXPECT_TRUE(bad->verify_crc());
    test::write_text_file(
        path, std::string(reinterpret_cast<const char*>(bad->raw().data()), bad->raw().size()));
    return original;
  }

  // No partial snapshot, no temporary file left in the target after a failed run; what is
  // there is byte-identical to the source and verifies. Verification records its state in the
  // manifests: they are put back afterwards, so that a re-run still sees them unchanged.
  void expect_clean_target() {
    expect_no_snapshot_without_manifest(dst_store());
    EXPECT_EQ(temp_files(dst_store()), std::vector<std::string>{});
    expect_synced_identical();
    std::vector<std::pair<stdfs::path, std::string>> manifests;
    for (const auto& e : stdfs::recursive_directory_iterator(dst_store())) {
      if (e.path().filename() == "index.json.blob") {
        manifests.emplace_back(e.path(), read_text(e.path()));
      }
    }
    expect_only_complete_snapshots();
    for (const auto& [path, bytes] : manifests) test::write_text_file(path, bytes);
  }

  // A re-run (healed) completes and downloads exactly the chunks the target still lacks.
  void expect_rerun_transfers_only_missing(size_t groups_expected) {
    const size_t missing = missing_chunks(src_store(), dst_store());
    log_.clear();
    auto again = pull(params());
    ASSERT_TRUE(again) << again.error().to_string() << "\n" << log_.text();
    EXPECT_EQ(again->errors, 0u) << log_.text();
    EXPECT_EQ(again->groups, groups_expected);
    EXPECT_EQ(again->chunks_downloaded, missing) << log_.text();
    EXPECT_EQ(missing_chunks(src_store(), dst_store()), 0u);
    expect_clean_target();
  }
};

// --- connection cut ----------------------------------------------------------------------

TEST_F(SyncFaultsTest, ConnectionCutMidTransferFailsClearlyAndTheRerunFetchesOnlyMissingChunks) {
  // t1: 2 MiB image + 300 KiB stream, t2: 2 MiB of new image chunks. Cut after 3 MiB from the
  // source: t1 is complete by then, the cut lands inside t2's chunk transfer.
  serve({.snapshots = {{.group = "vm/100", .time = t(1), .image_chunks = many_chunks(100, 32)},
                       {.group = "vm/100", .time = t(2), .image_chunks = many_chunks(200, 32)}}});
  test::TcpRelay relay(server_->port());
  ASSERT_EQ(relay.error(), "");
  write_remote(fingerprint_, "secret", relay.port());
  relay.cut_after(3 * kMiB);

  auto r = pull(params());
  EXPECT_EQ(relay.cuts(), 1u) << "the cut never happened";
  ASSERT_TRUE(!r || r->errors > 0) << "the pull did not notice the cut\n" << log_.text();
  const std::string text = r ? log_.text() : r.error().to_string();
  RecordProperty("error", text);
  EXPECT_NE(text.find("sync group vm/100 failed - "), std::string::npos) << text;
  EXPECT_TRUE(std::regex_search(text, std::regex("reset|closed|end of stream|eof|EOF|truncated")))
      << "no clear connection error: " << text;
  EXPECT_TRUE(target_has("", "vm/100", t(1))) << log_.text();
  EXPECT_FALSE(target_has("", "vm/100", t(2))) << log_.text();
  expect_clean_target();
  const size_t missing = missing_chunks(src_store(), dst_store());
  EXPECT_GT(missing, 0u);
  EXPECT_LT(missing, 32u + 1) << "t2's chunks are all that can be missing";

  relay.heal();
  expect_rerun_transfers_only_missing(1);
  EXPECT_TRUE(target_has("", "vm/100", t(2)));
}

TEST_F(SyncFaultsTest, StalledConnectionFailsWithinTheClientTimeoutsInsteadOfHanging) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1), .image_chunks = many_chunks(100, 48)}}});
  test::TcpRelay relay(server_->port());
  ASSERT_EQ(relay.error(), "");
  write_remote(fingerprint_, "secret", relay.port());

  // Stalled from the start: the TLS handshake never completes.
  relay.stall();
  auto start = std::chrono::steady_clock::now();
  auto r = pull_with_timeouts(1500ms, 2s);
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(r) << "a pull through a dead relay succeeded";
  RecordProperty("error_stalled_login", r.error().to_string());
  EXPECT_NE(r.error().to_string().find("remote 'pbs2'"), std::string::npos)
      << r.error().to_string();
  EXPECT_LT(secs, 8.0) << r.error().to_string();

  // Stalled mid-transfer: 3 MiB at 1 MiB/s, frozen after the first MiB.
  relay.heal();
  log_.clear();
  std::thread freezer([&relay] {
    const auto limit = std::chrono::steady_clock::now() + 20s;
    while (relay.bytes_down() < kMiB && std::chrono::steady_clock::now() < limit) {
      std::this_thread::sleep_for(10ms);
    }
    relay.stall();
  });
  start = std::chrono::steady_clock::now();
  auto mid = pull_with_timeouts(1500ms, 2s, kMiB);
  secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  freezer.join();
  ASSERT_TRUE(!mid || mid->errors > 0) << "the pull finished through a frozen relay\n"
                                       << log_.text();
  const std::string text = mid ? log_.text() : mid.error().to_string();
  RecordProperty("error_stalled_transfer", text);
  EXPECT_TRUE(std::regex_search(text, std::regex("timed out|timeout")))
      << "no timeout named: " << text;
  EXPECT_LT(secs, 15.0) << text;
  EXPECT_FALSE(target_has("", "vm/100", t(1)));
  expect_clean_target();
}

// --- E3: corrupt chunk served by the source ------------------------------------------------

TEST_F(SyncFaultsTest, CorruptSourceChunkFailsItsGroupOnlyAndTheRerunAfterRepairCompletes) {
  const TestSnapshotSpec t6{.group = "vm/100", .time = t(6), .image_chunks = many_chunks(600, 6)};
  serve({.snapshots = {t6,
                       {.group = "vm/100", .time = t(7), .image_chunks = many_chunks(700, 6)},
                       {.group = "vm/101", .time = t(1), .image_chunks = many_chunks(800, 3)},
                       {.group = "vm/101", .time = t(2), .image_chunks = many_chunks(900, 3)}}});
  const Digest bad = test::test_image_chunk_digest(t6, 3);
  const std::string original = corrupt_source_chunk(bad);
  ASSERT_FALSE(HasFailure());

  dst_.reset();  // the CLI opens the target itself
  const auto run = manager({"pull", "pbs2", "src", "local"});
  const std::string out = run.out + run.err;
  RecordProperty("output", out);
  EXPECT_NE(run.status, 0) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("sync group vm/100 failed - .*" + bad.to_hex())))
      << "the failure must name the chunk " << bad.to_hex() << ":\n"
      << out;
  EXPECT_NE(out.find("sync snapshot vm/100/2024-06-06T00:00:00Z"), std::string::npos) << out;
  EXPECT_EQ(out.find("vm/100/2024-06-07T00:00:00Z"), std::string::npos)
      << "t7 must not be attempted after t6 failed:\n"
      << out;
  EXPECT_NE(out.find("sync snapshot vm/101/2024-06-02T00:00:00Z done"), std::string::npos) << out;
  EXPECT_NE(out.find("sync failed with some errors."), std::string::npos) << out;

  reopen_target();
  EXPECT_FALSE(
      stdfs::exists(dst_->snapshot_path({}, *types::BackupDir::create(test::grp("vm/100"), t(6)))))
      << "t6 must be removed completely";
  EXPECT_FALSE(target_has("", "vm/100", t(7)));
  EXPECT_TRUE(target_has("", "vm/101", t(1)));
  EXPECT_TRUE(target_has("", "vm/101", t(2)));
  EXPECT_FALSE(chunk_names(dst_store()).count(bad.to_hex())) << "the corrupt chunk was stored";
  expect_clean_target();

  test::write_text_file(src_->chunk_store().chunk_path(bad), original);
  expect_rerun_transfers_only_missing(2);
  EXPECT_TRUE(target_has("", "vm/100", t(6)));
  EXPECT_TRUE(target_has("", "vm/100", t(7)));
}

// --- target disk write failure -------------------------------------------------------------

TEST_F(SyncFaultsTest, TargetWriteFailureNamesTheFileAndLeavesNoPartialSnapshot) {
  // Image chunks are 64 KiB + blob header: above a 64 KiB RLIMIT_FSIZE, so every insert of
  // one fails with EFBIG; the short tail chunks, indexes and blobs still fit.
  serve({.snapshots = {{.group = "vm/100", .time = t(1), .image_chunks = many_chunks(100, 8)},
                       {.group = "vm/100", .time = t(2), .image_chunks = many_chunks(200, 8)}}});
  dst_.reset();
  const auto run = test::run_process(
      {"/bin/bash", "-c", "trap '' XFSZ; ulimit -f 64; exec \"$0\" \"$@\"", test::kManagerBin,
       "pull", "pbs2", "src", "local", "--config-dir", dst_etc_.string()},
      {{"FERRY_CONFIG_DIR", ""},
       {"FERRY_LOG_DIR", (root() / "dstvar" / "log").string()},
       {"FERRY_RUN_DIR", (root() / "dstvar" / "run").string()},
       {"FERRY_STATE_DIR", (root() / "dstvar" / "state").string()}},
      root());
  const std::string out = run.out + run.err;
  RecordProperty("output", out);
  EXPECT_NE(run.status, 0) << out;
  EXPECT_TRUE(std::regex_search(
      out,
      std::regex(
          R"(sync group vm/100 failed - .*'[^']*/\.chunks/[0-9a-f]{4}/[0-9a-f]{64}[^']*'.*File too large)")))
      << "the error must name the chunk file being written and the reason:\n"
      << out;
  // '.' does not match a newline: one error line naming the insert twice would match.
  EXPECT_FALSE(std::regex_search(out, std::regex("insert chunk [0-9a-f]{64}.*insert chunk")))
      << "the failed insert is named once:\n"
      << out;
  EXPECT_NE(out.find("sync failed with some errors."), std::string::npos) << out;

  reopen_target();
  EXPECT_FALSE(target_has("", "vm/100", t(1))) << out;
  EXPECT_FALSE(target_has("", "vm/100", t(2))) << out;
  expect_clean_target();
  expect_rerun_transfers_only_missing(1);
  EXPECT_TRUE(target_has("", "vm/100", t(2)));
}

// --- H2: burst-in --------------------------------------------------------------------------

TEST_F(SyncFaultsTest, BurstInDoesNotFillTheBucketAtTheStart) {
  // 4 MiB at rate-in 1 MiB/s with burst-in 16 MiB: the bucket starts empty, so the burst gives
  // no head start and the transfer still takes about 4 s. (Bursts after pauses: the
  // "burst larger than rate" case of RateLimiterTest.DelaysFollowTheTokenBucketFormula.)
  serve({.snapshots = {{.group = "vm/100", .time = t(1), .image_chunks = many_chunks(300, 64)}}});
  const auto start = std::chrono::steady_clock::now();
  auto r = pull(params(), kMiB, 16 * kMiB);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r && r->errors == 0) << log_.text();
  ASSERT_GE(r->bytes_downloaded, 4 * kMiB);
  EXPECT_GE(secs, 0.8 * double(r->bytes_downloaded) / double(kMiB)) << secs;
  EXPECT_LT(secs, 60.0);
}

// --- I5: remote datastore missing ----------------------------------------------------------

class SyncFaultsTaskTest : public SyncFaultsTest {
 protected:
  // POST /pull on a target ferryd from `pbs2` store "nosuch" with `extra` parameters; the
  // task's outcome.
  test::TaskOutcome pull_task(nlohmann::json extra) {
    if (!target_) start_target();
    auto c = api();
    EXPECT_NE(c, nullptr);
    if (!c) return {};
    nlohmann::json body = {{"store", "local"}, {"remote", "pbs2"}, {"remote-store", "nosuch"}};
    body.update(extra);
    auto upid = c->post("/api2/json/pull", body);
    EXPECT_TRUE(upid && upid->is_string()) << (upid ? upid->dump() : upid.error().to_string());
    if (!upid || !upid->is_string()) return {};
    return wait_task(*c, upid->get<std::string>());
  }
};

// max-depth unset: the namespace query fails first and ends the task (§3.2). PBS answers it
// with 400 "no such datastore 'nosuch'" (its section-config lookup error, before any
// privilege check) and the client renders the status as "HTTP error 400 Bad Request".
TEST_F(SyncFaultsTaskTest, MissingRemoteDatastoreFailsTheNamespaceQueryWithHttp400) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1)}}});
  const auto task = pull_task(nlohmann::json::object());
  EXPECT_NE(task.exitstatus.find("Querying namespaces failed - "), std::string::npos) << task.log;
  EXPECT_EQ(task.log.find("Syncing "), std::string::npos) << "no namespace is synced\n" << task.log;
  EXPECT_TRUE(std::regex_search(
      task.log, std::regex("TASK ERROR: Querying namespaces failed - HTTP error 400 Bad Request "
                           "- no such datastore 'nosuch'\n")))
      << task.log;
}

// max-depth=0 with the root anchors: no namespace query; listing the groups fails inside the
// namespace loop, so the task ends "sync failed with some errors." (sync@pbs may not read
// /datastore/nosuch, which the remote checks first, as PBS's list_groups does.)
TEST_F(SyncFaultsTaskTest, MissingRemoteDatastoreWithMaxDepthZeroFailsAsANamespaceError) {
  serve({.snapshots = {{.group = "vm/100", .time = t(1)}}});
  const auto task = pull_task({{"max-depth", 0}});
  EXPECT_TRUE(std::regex_search(
      task.log, std::regex("Encountered errors while syncing namespace  - Failed to retrieve "
                           "backup groups from remote - .*/datastore/nosuch")))
      << task.log;
  EXPECT_NE(task.log.find("TASK ERROR: sync failed with some errors."), std::string::npos)
      << task.log;
  EXPECT_EQ(task.exitstatus, "sync failed with some errors.") << task.log;
  EXPECT_EQ(task.log.find("Querying namespaces"), std::string::npos) << task.log;
}

}  // namespace
}  // namespace ferry

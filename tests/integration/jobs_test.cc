// Sync and verify jobs end to end through the real ferry-manager binary (issue #7): a local
// sync job between two datastores run with `sync-job run` (the task log streamed, exit status
// of the task), job status in `sync-job list --status`, a no-op second run, `--detach`,
// `task list|log`, a failing job's non-zero exit, and the resync-corrupt repair cycle with
// `verify`. Job runs happen in-process in ferry-manager (docs/design/jobs.md).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/fs.h"
#include "support/datastore_builder.h"
#include "support/store_temp_dir.h"

namespace ferry {
namespace {

struct CliRun {
  int status = -1;
  std::string out;  // stdout and stderr
};

class JobsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    etc_ = dir_.path() / "etc";
    std::filesystem::create_directories(etc_);
    const auto locks = dir_.path() / "run" / "locks";
    test::TestDatastoreSpec src;
    src.name = "src";
    src.snapshots = {snap_};
    ASSERT_TRUE(test::make_test_datastore(dir_.path() / "src", locks, src));
    test::TestDatastoreSpec dst;
    dst.name = "dst";
    dst.snapshots = {};
    ASSERT_TRUE(test::make_test_datastore(dir_.path() / "dst", locks, dst));
    std::ofstream(etc_ / "datastore.cfg")
        << "datastore: src\n\tpath " << (dir_.path() / "src").string()
        << "\n\ndatastore: dst\n\tpath " << (dir_.path() / "dst").string() << "\n";
    ASSERT_EQ(
        manager("sync-job create job1 --store dst --remote-store src --schedule daily").status, 0);
  }

  // Runs `ferry-manager <args>` with this test's directories.
  CliRun manager(const std::string& args) {
    const std::string cmd = "env FERRY_LOG_DIR=" + (dir_.path() / "log").string() +
                            " FERRY_STATE_DIR=" + (dir_.path() / "lib").string() +
                            " FERRY_RUN_DIR=" + (dir_.path() / "run").string() + " " +
                            FERRY_BIN_DIR + "/ferry-manager --config-dir " + etc_.string() + " " +
                            args + " 2>&1";
    CliRun r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) return r;
    std::array<char, 4096> buf{};
    for (size_t n; (n = std::fread(buf.data(), 1, buf.size(), p)) > 0;) r.out.append(buf.data(), n);
    const int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
  }

  // The job's state file as ferryd's scheduler reads it ("<missing>" when there is none).
  std::string state(const std::string& file) const {
    auto text = fs::read_text_file(dir_.path() / "lib" / "jobstates" / file, 4096);
    return text ? *text : "<missing>";
  }

  test::StoreTempDir dir_;
  std::filesystem::path etc_;
  test::TestSnapshotSpec snap_{"", "vm/100", 1700000000, {1, 2, 3}, 1, false};
};

TEST_F(JobsCliTest, SyncJobRunStreamsTheTaskLogAndRecordsTheJobState) {
  CliRun r = manager("sync-job run job1");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("Starting datastore sync job '-:src:dst::job1'"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("sync snapshot vm/100/2023-11-14T22:13:20Z"), std::string::npos) << r.out;
  EXPECT_TRUE(r.out.ends_with("TASK OK\n")) << r.out;

  r = manager("sync-job list --status --output-format json");
  ASSERT_EQ(r.status, 0) << r.out;
  auto list = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(list.is_array() && list.size() == 1) << r.out;
  EXPECT_EQ(list[0]["last-run-state"], "OK") << r.out;
  EXPECT_TRUE(list[0].contains("last-run-upid")) << r.out;
  EXPECT_TRUE(list[0].contains("last-run-endtime")) << r.out;
  EXPECT_TRUE(list[0].contains("next-run")) << r.out;

  r = manager("sync-job run job1");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("Summary: sync job found no new data to pull"), std::string::npos) << r.out;
}

TEST_F(JobsCliTest, DetachPrintsTheUpidAndTheTaskCanBeListedAndRead) {
  CliRun r = manager("sync-job run job1 --detach");
  ASSERT_EQ(r.status, 0) << r.out;
  ASSERT_TRUE(r.out.starts_with("UPID:")) << r.out;
  const std::string upid = r.out.substr(0, r.out.find('\n'));
  // The detached child holds the job lock until its task ends; a second run waits for it.
  r = manager("sync-job run job1");
  EXPECT_EQ(r.status, 0) << r.out;
  r = manager("task log '" + upid + "'");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(r.out.ends_with("TASK OK\n")) << r.out;
  r = manager("task list --output-format json");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find(upid.substr(0, 40)), std::string::npos) << r.out;
}

TEST_F(JobsCliTest, FailingJobExitsNonZeroWithTheTaskError) {
  // The source datastore's directory is gone: the task fails opening it.
  std::ofstream(etc_ / "datastore.cfg", std::ios::trunc)
      << "datastore: src\n\tpath " << (dir_.path() / "gone").string()
      << "\n\ndatastore: dst\n\tpath " << (dir_.path() / "dst").string() << "\n";
  CliRun r = manager("sync-job run job1");
  EXPECT_NE(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("TASK ERROR"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Error: task failed"), std::string::npos) << r.out;
  r = manager("sync-job run nope");
  EXPECT_NE(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("no such syncjob 'nope'"), std::string::npos) << r.out;
}

TEST_F(JobsCliTest, ResyncCorruptRepairsWhatVerifyFound) {
  ASSERT_EQ(manager("sync-job run job1").status, 0);
  // Corrupt one chunk on the target.
  test::TestDatastoreSpec spec;
  spec.name = "dst";
  auto dst = test::open_test_datastore(dir_.path() / "dst", dir_.path() / "run" / "locks", spec);
  ASSERT_TRUE(dst);
  const auto chunk = (*dst)->chunk_store().chunk_path(test::test_image_chunk_digest(snap_, 0));
  auto bytes = fs::read_file(chunk, 1 << 20);
  ASSERT_TRUE(bytes);
  (*bytes)[bytes->size() / 2] ^= 0x55;
  std::ofstream(chunk, std::ios::trunc | std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes->data()), std::streamsize(bytes->size()));

  CliRun r = manager("verify dst");
  EXPECT_NE(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("Failed to verify the following snapshots/groups:"), std::string::npos)
      << r.out;
  r = manager("sync-job update job1 --resync-corrupt 1");
  ASSERT_EQ(r.status, 0) << r.out;
  r = manager("sync-job run job1");
  EXPECT_EQ(r.status, 0) << r.out;
  r = manager("verify dst");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(r.out.ends_with("TASK OK\n")) << r.out;
}

TEST_F(JobsCliTest, VerifyJobCrudAndRun) {
  ASSERT_EQ(manager("sync-job run job1").status, 0);
  ASSERT_EQ(manager("verify-job create verify1 --store dst --outdated-after 30").status, 0);
  CliRun r = manager("verify-job run verify1");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("Starting datastore verify job 'dst:verify1'"), std::string::npos) << r.out;
  // ignore-verified (default) skips the snapshot verified just now.
  r = manager("verify-job run verify1");
  EXPECT_NE(r.out.find("(recently verified)"), std::string::npos) << r.out;
  r = manager("verify-job list --status --output-format json");
  EXPECT_NE(r.out.find("\"last-run-state\":\"OK\""), std::string::npos) << r.out;
  ASSERT_EQ(manager("verify-job update verify1 --schedule daily").status, 0);
  r = manager("verify-job show verify1 --output-format json");
  EXPECT_NE(r.out.find("\"schedule\":\"daily\""), std::string::npos) << r.out;
  ASSERT_EQ(manager("verify-job remove verify1").status, 0);
  r = manager("verify-job list --output-format json");
  EXPECT_EQ(r.out, "[]\n");
}

// The CLI's config edits keep the job state in step like the API's (sync-test-cases.md M7/M8):
// a created state on create, `updated` set by a schedule change after a finished run, no change
// for a comment-only edit (Ferry's rule, docs/design/sync.md S10), no state left on remove.
TEST_F(JobsCliTest, ConfigEditsFromTheCliKeepTheJobStateInStep) {
  struct Case {
    std::string group, id, create, file;
  };
  const std::vector<Case> cases = {
      {"sync-job", "job1", "", "syncjob-job1.json"},
      {"verify-job", "verify1", "verify-job create verify1 --store dst --schedule daily",
       "verificationjob-verify1.json"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.group);
    if (!c.create.empty()) {
      ASSERT_EQ(manager(c.create).status, 0);
    }
    const nlohmann::json created = nlohmann::json::parse(state(c.file), nullptr, false);
    ASSERT_TRUE(created.contains("created")) << state(c.file);
    EXPECT_NEAR(created["created"]["time"].get<double>(), double(std::time(nullptr)), 60.0);

    CliRun r = manager(c.group + " run " + c.id);
    ASSERT_EQ(r.status, 0) << r.out;
    const std::string finished = state(c.file);
    ASSERT_TRUE(finished.starts_with("{\"finished\":{\"upid\":\"UPID:")) << finished;
    ASSERT_TRUE(finished.ends_with("}},\"updated\":null}}")) << finished;

    ASSERT_EQ(manager(c.group + " update " + c.id + " --comment 'only the comment'").status, 0);
    EXPECT_EQ(state(c.file), finished) << "a comment-only edit keeps the reference time";

    const int64_t before = std::time(nullptr);
    r = manager(c.group + " update " + c.id + " --schedule 12:00");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(r.out, "");
    const std::string updated = state(c.file);
    const std::string prefix = finished.substr(0, finished.size() - std::string("null}}").size());
    ASSERT_TRUE(updated.starts_with(prefix)) << updated;
    const int64_t at = std::stoll(updated.substr(prefix.size()));
    EXPECT_GE(at, before) << updated;
    EXPECT_LE(at, std::time(nullptr)) << updated;
    EXPECT_EQ(updated, prefix + std::to_string(at) + "}}");

    ASSERT_EQ(manager(c.group + " remove " + c.id).status, 0);
    EXPECT_EQ(state(c.file), "<missing>");
    const std::string lock = c.file.substr(0, c.file.size() - 5) + ".lck";
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "lib" / "jobstates" / lock)) << lock;
  }
}

}  // namespace
}  // namespace ferry

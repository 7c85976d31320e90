#include "api/config/sync_jobs.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config_file.h"
#include "unit/api/config/config_fixture.h"

namespace ferry::api {
namespace {

SyncJobCreateParams pbs2_local() {
  SyncJobCreateParams p;
  p.id = "pbs2-local";
  p.props.remote = "pbs2";
  p.props.remote_store = "src";
  p.props.store = "local";
  p.props.schedule = "Wed 02:30";
  return p;
}

class SyncJobsTest : public ConfigServiceTest {
 protected:
  void SetUp() override { seed(); }
};

TEST_F(SyncJobsTest, CreateWritesCanonicalSection) {
  auto p = pbs2_local();
  p.props.group_filter = std::vector<std::string>{"include:type:vm", "exclude:group:vm/100"};
  p.props.rate_in = "20MiB";
  p.props.remove_vanished = true;
  p.props.max_depth = 2;
  p.props.ns = "";
  p.props.comment = " offsite ";
  ASSERT_TRUE(create_sync_job(dir_, root_, p));
  EXPECT_EQ(read("sync.cfg"),
            "sync: pbs2-local\n\tcomment offsite\n\tgroup-filter type:vm\n"
            "\tgroup-filter exclude:group:vm/100\n\tmax-depth 2\n\tns \n\trate-in 20 MiB\n"
            "\tremote pbs2\n\tremote-store src\n\tremove-vanished true\n\tschedule Wed 02:30\n"
            "\tstore local\n");
}

TEST_F(SyncJobsTest, ReadBackNormalizesFiltersAndReportsDigest) {
  // sync-test-cases B10.
  auto p = pbs2_local();
  p.props.group_filter = std::vector<std::string>{"include:type:vm", "exclude:group:vm/100"};
  p.props.burst_out = "1500000";
  ASSERT_TRUE(create_sync_job(dir_, root_, p));
  auto job = read_sync_job(dir_, root_, "pbs2-local");
  ASSERT_TRUE(job) << job.error().to_string();
  EXPECT_EQ(job->digest, config::config_digest(read("sync.cfg")));
  nlohmann::json j = to_json(job->data);
  EXPECT_EQ(j["id"], "pbs2-local");
  EXPECT_EQ(j["group-filter"], nlohmann::json::parse(R"(["type:vm","exclude:group:vm/100"])"));
  EXPECT_EQ(j["burst-out"], "1500000 B");
  EXPECT_EQ(j["schedule"], "Wed 02:30");
  EXPECT_FALSE(j.contains("remove-vanished"));
  EXPECT_FAILS_WITH(read_sync_job(dir_, root_, "nope"), Errc::NotFound, "no such sync job 'nope'");
}

TEST(SyncDirectionFilterTest, ParsesTheThreeValuesAndNamesABadOne) {
  EXPECT_EQ(parse_sync_direction_filter("pull"), SyncDirectionFilter::Pull);
  EXPECT_EQ(parse_sync_direction_filter("push"), SyncDirectionFilter::Push);
  EXPECT_EQ(parse_sync_direction_filter("all"), SyncDirectionFilter::All);
  for (const char* bad : {"", "Pull", "sideways", "pull "}) {
    auto r = parse_sync_direction_filter(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), Errc::InvalidArgument);
    EXPECT_EQ(r.error().message(),
              fmt::format("parameter verification failed - 'sync-direction': value '{}' is not "
                          "one of pull, push, all",
                          bad));
  }
}

TEST_F(SyncJobsTest, ListFiltersByDirection) {
  ASSERT_TRUE(create_sync_job(dir_, root_, pbs2_local()));
  auto push = pbs2_local();
  push.id = "push-job";
  push.props.sync_direction = "push";
  ASSERT_TRUE(create_sync_job(dir_, root_, push));
  auto ids = [&](SyncDirectionFilter f) {
    std::vector<std::string> out;
    auto list = list_sync_jobs(dir_, root_, f);
    EXPECT_TRUE(list);
    if (list) {
      for (const auto& j : list->data) out.push_back(j.id);
    }
    return out;
  };
  EXPECT_EQ(ids(SyncDirectionFilter::Pull), std::vector<std::string>{"pbs2-local"});
  EXPECT_EQ(ids(SyncDirectionFilter::Push), std::vector<std::string>{"push-job"});
  EXPECT_EQ(ids(SyncDirectionFilter::All), (std::vector<std::string>{"pbs2-local", "push-job"}));
  auto list = list_sync_jobs(dir_, root_);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->digest, config::config_digest(read("sync.cfg")));
}

TEST_F(SyncJobsTest, UpdateSetsDeletesAndChecksDigest) {
  auto p = pbs2_local();
  p.props.rate_in = "10 MiB";
  p.props.group_filter = std::vector<std::string>{"type:vm"};
  ASSERT_TRUE(create_sync_job(dir_, root_, p));
  auto before = read_sync_job(dir_, root_, "pbs2-local");
  ASSERT_TRUE(before);

  SyncJobUpdateParams u;
  u.props.comment = "offsite";
  u.delete_props = {"rate-in", "group-filter", "schedule"};
  u.digest = before->digest;
  ASSERT_TRUE(update_sync_job(dir_, root_, "pbs2-local", u));
  EXPECT_EQ(read("sync.cfg"),
            "sync: pbs2-local\n\tcomment offsite\n\tremote pbs2\n\tremote-store src\n"
            "\tstore local\n");

  auto snap = snapshot();
  SyncJobUpdateParams stale;
  stale.props.comment = "again";
  stale.digest = before->digest;
  EXPECT_FAILS_WITH(update_sync_job(dir_, root_, "pbs2-local", stale), Errc::Conflict,
                    "sync.cfg: configuration changed on disk: digest mismatch");
  EXPECT_EQ(snapshot(), snap);

  SyncJobUpdateParams filters;
  filters.props.group_filter = std::vector<std::string>{"regex:^ct/", "exclude:type:host"};
  ASSERT_TRUE(update_sync_job(dir_, root_, "pbs2-local", filters));
  auto job = read_sync_job(dir_, root_, "pbs2-local");
  ASSERT_TRUE(job);
  ASSERT_EQ(job->data.group_filter.size(), 2u);
  EXPECT_EQ(job->data.group_filter[1].to_string(), "exclude:type:host");
}

TEST_F(SyncJobsTest, UpdateChecksOnlyTheReferencesItChanges) {
  // A hand-edited job may name a remote that is gone; editing its comment still works.
  write("sync.cfg", "sync: job1\n\tremote gone\n\tremote-store src\n\tstore local\n");
  SyncJobUpdateParams u;
  u.props.comment = "still editable";
  ASSERT_TRUE(update_sync_job(dir_, root_, "job1", u));
  SyncJobUpdateParams bad;
  bad.props.remote = "gone";
  EXPECT_FAILS_WITH(update_sync_job(dir_, root_, "job1", bad), Errc::NotFound,
                    "invalid parameter 'remote': no such remote 'gone'");
  // Turning it into a local sync checks the local source store.
  SyncJobUpdateParams local;
  local.delete_props = {"remote"};
  local.props.remote_store = "missing";
  EXPECT_FAILS_WITH(update_sync_job(dir_, root_, "job1", local), Errc::NotFound,
                    "invalid parameter 'remote-store': no such datastore 'missing'");
}

TEST_F(SyncJobsTest, DeleteRemovesJob) {
  ASSERT_TRUE(create_sync_job(dir_, root_, pbs2_local()));
  auto snap = snapshot();
  EXPECT_FAILS_WITH(delete_sync_job(dir_, root_, "nope", std::nullopt), Errc::NotFound,
                    "job 'nope' does not exist.");
  EXPECT_FAILS_WITH(delete_sync_job(dir_, root_, "pbs2-local", config::config_digest("x")),
                    Errc::Conflict, "digest mismatch");
  EXPECT_EQ(snapshot(), snap);
  ASSERT_TRUE(delete_sync_job(dir_, root_, "pbs2-local", config::config_digest(read("sync.cfg"))));
  EXPECT_EQ(read("sync.cfg"), "");
}

struct BadSyncCase {
  std::string name;
  std::function<void(SyncJobCreateParams&)> change;
  Errc code;
  std::string error;
};

TEST_F(SyncJobsTest, BadCreateInputIsRejectedNamingFieldAndLeavesFilesUnchanged) {
  ASSERT_TRUE(create_sync_job(dir_, root_, pbs2_local()));
  auto filter = [](std::string f) {
    return [f](SyncJobCreateParams& p) { p.props.group_filter = std::vector<std::string>{f}; };
  };
  const std::vector<BadSyncCase> cases = {
      {"id too short", [](auto& p) { p.id = "j1"; }, Errc::InvalidArgument,
       "invalid parameter 'id': invalid job id 'j1'"},
      {"duplicate id", [](auto& p) { p.id = "pbs2-local"; }, Errc::AlreadyExists,
       "job 'pbs2-local' already exists."},
      {"bad store name", [](auto& p) { p.props.store = "a/b"; }, Errc::InvalidArgument,
       "invalid parameter 'store': invalid datastore name 'a/b'"},
      {"missing store", [](auto& p) { p.props.store.reset(); }, Errc::InvalidArgument,
       "missing required parameter 'store'"},
      {"missing remote-store", [](auto& p) { p.props.remote_store.reset(); },
       Errc::InvalidArgument, "missing required parameter 'remote-store'"},
      {"unknown remote", [](auto& p) { p.props.remote = "nope"; }, Errc::NotFound,
       "invalid parameter 'remote': no such remote 'nope'"},
      {"unknown store", [](auto& p) { p.props.store = "nosuch"; }, Errc::NotFound,
       "invalid parameter 'store': no such datastore 'nosuch'"},
      {"unknown local source store", [](auto& p) {
         p.props.remote.reset();
         p.props.remote_store = "nosuch";
       }, Errc::NotFound, "invalid parameter 'remote-store': no such datastore 'nosuch'"},
      {"local sync into itself (I7)", [](auto& p) {
         p.props.remote.reset();
         p.props.remote_store = "local";
       }, Errc::InvalidArgument, "source and target datastore can't be the same"},
      {"bad remote name", [](auto& p) { p.props.remote = "x"; }, Errc::InvalidArgument,
       "invalid parameter 'remote'"},
      {"max-depth 8", [](auto& p) { p.props.max_depth = 8; }, Errc::InvalidArgument,
       "invalid parameter 'max-depth': value '8' is out of range 0..7"},
      {"max-depth negative", [](auto& p) { p.props.max_depth = -1; }, Errc::InvalidArgument,
       "invalid parameter 'max-depth'"},
      {"ns depth plus max-depth", [](auto& p) {
         p.props.ns = "a/b/c";
         p.props.max_depth = 5;
       }, Errc::InvalidArgument,
       "namespace 'a/b/c's depth and recursion depth exceed limit: 3 + 5 > 7"},
      {"remote-ns depth plus max-depth", [](auto& p) {
         p.props.remote_ns = "a/b/c/d/e/f/g";
         p.props.max_depth = 1;
       }, Errc::InvalidArgument, "namespace 'a/b/c/d/e/f/g's depth"},
      {"bad namespace", [](auto& p) { p.props.ns = "a//b"; }, Errc::InvalidArgument,
       "invalid parameter 'ns'"},
      {"namespace too deep", [](auto& p) { p.props.remote_ns = "a/b/c/d/e/f/g/h"; },
       Errc::InvalidArgument, "invalid parameter 'remote-ns'"},
      {"bad owner", [](auto& p) { p.props.owner = "nobody"; }, Errc::InvalidArgument,
       "invalid parameter 'owner'"},
      {"bad schedule weekday", [](auto& p) { p.props.schedule = "tues"; }, Errc::InvalidArgument,
       "invalid parameter 'schedule': invalid calendar event 'tues'"},
      {"bad schedule minute", [](auto& p) { p.props.schedule = "*:60"; }, Errc::InvalidArgument,
       "invalid parameter 'schedule'"},
      {"empty schedule", [](auto& p) { p.props.schedule = ""; }, Errc::InvalidArgument,
       "invalid parameter 'schedule'"},
      {"regex that does not compile (B9, I1)", filter("regex:("), Errc::InvalidArgument,
       "invalid parameter 'group-filter': invalid group filter 'regex:(': invalid regex"},
      {"unterminated class (I1)", filter("regex:[a-"), Errc::InvalidArgument,
       "invalid parameter 'group-filter'"},
      {"back-reference", filter("regex:(a)\\1"), Errc::InvalidArgument,
       "invalid group filter 'regex:(a)\\1': invalid regex"},
      {"unknown filter kind (B9)", filter("foo:bar"), Errc::InvalidArgument,
       "expected 'group', 'type' or 'regex' prefix, got 'foo'"},
      {"filter without kind (B9)", filter("vm/100"), Errc::InvalidArgument,
       "input doesn't match expected format"},
      {"upper-case type (B9)", filter("type:VM"), Errc::InvalidArgument,
       "invalid group filter 'type:VM'"},
      {"group without id (B9)", filter("group:vm"), Errc::InvalidArgument,
       "invalid group filter 'group:vm'"},
      {"bad rate-in unit", [](auto& p) { p.props.rate_in = "20 XB"; }, Errc::InvalidArgument,
       "invalid parameter 'rate-in': invalid byte size '20 XB'"},
      {"negative burst-out", [](auto& p) { p.props.burst_out = "-5"; }, Errc::InvalidArgument,
       "invalid parameter 'burst-out'"},
      {"empty rate-out", [](auto& p) { p.props.rate_out = ""; }, Errc::InvalidArgument,
       "invalid parameter 'rate-out'"},
      {"transfer-last 0", [](auto& p) { p.props.transfer_last = 0; }, Errc::InvalidArgument,
       "invalid parameter 'transfer-last': value '0' is out of range (minimum 1)"},
      {"worker-threads 33", [](auto& p) { p.props.worker_threads = 33; }, Errc::InvalidArgument,
       "invalid parameter 'worker-threads'"},
      {"bad direction", [](auto& p) { p.props.sync_direction = "sideways"; },
       Errc::InvalidArgument, "invalid parameter 'sync-direction'"},
      {"resync-corrupt on push", [](auto& p) {
         p.props.sync_direction = "push";
         p.props.resync_corrupt = true;
       }, Errc::InvalidArgument, "resync-corrupt is only supported for pull jobs"},
      {"comment with newline", [](auto& p) { p.props.comment = "a\nb"; }, Errc::InvalidArgument,
       "invalid parameter 'comment'"},
  };
  for (const BadSyncCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto snap = snapshot();
    auto p = pbs2_local();
    p.id = "new-job";
    c.change(p);
    EXPECT_FAILS_WITH(create_sync_job(dir_, root_, p), c.code, c.error);
    EXPECT_EQ(snapshot(), snap);
  }
}

TEST_F(SyncJobsTest, InvalidFilterUpdateLeavesStoredJobUnchanged) {
  // sync-test-cases B9.
  auto p = pbs2_local();
  p.props.group_filter = std::vector<std::string>{"type:vm"};
  ASSERT_TRUE(create_sync_job(dir_, root_, p));
  for (const char* f : {"regex:(", "type:VM", "foo:bar", "vm/100", "group:vm"}) {
    SCOPED_TRACE(f);
    auto snap = snapshot();
    SyncJobUpdateParams u;
    u.props.group_filter = std::vector<std::string>{"type:ct", f};
    auto st = update_sync_job(dir_, root_, "pbs2-local", u);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code(), Errc::InvalidArgument);
    EXPECT_NE(st.error().message().find("invalid parameter 'group-filter'"), std::string::npos)
        << st.error().message();
    EXPECT_EQ(snapshot(), snap);
  }
}

TEST_F(SyncJobsTest, BadUpdateInputIsRejectedAndLeavesFilesUnchanged) {
  ASSERT_TRUE(create_sync_job(dir_, root_, pbs2_local()));
  struct Case {
    std::string name;
    std::string id;
    std::function<void(SyncJobUpdateParams&)> change;
    Errc code;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"unknown job", "nope", [](auto&) {}, Errc::NotFound, "no such sync job 'nope'"},
      {"delete required store", "pbs2-local", [](auto& u) { u.delete_props = {"store"}; },
       Errc::InvalidArgument, "invalid parameter 'delete': cannot delete property 'store'"},
      {"delete unknown property", "pbs2-local", [](auto& u) { u.delete_props = {"colour"}; },
       Errc::InvalidArgument, "cannot delete property 'colour'"},
      {"malformed digest", "pbs2-local", [](auto& u) { u.digest = std::string(64, 'G'); },
       Errc::InvalidArgument, "invalid parameter 'digest'"},
      {"resulting local sync into itself", "pbs2-local", [](auto& u) {
         u.delete_props = {"remote"};
         u.props.remote_store = "local";
       }, Errc::InvalidArgument, "source and target datastore can't be the same"},
      {"resulting depth too large", "pbs2-local", [](auto& u) {
         u.props.ns = "a/b/c/d";
         u.props.max_depth = 4;
       }, Errc::InvalidArgument, "exceed limit: 4 + 4 > 7"},
      {"unknown store", "pbs2-local", [](auto& u) { u.props.store = "nosuch"; },
       Errc::NotFound, "no such datastore 'nosuch'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto snap = snapshot();
    SyncJobUpdateParams u;
    c.change(u);
    EXPECT_FAILS_WITH(update_sync_job(dir_, root_, c.id, u), c.code, c.error);
    EXPECT_EQ(snapshot(), snap);
  }
}

TEST_F(SyncJobsTest, GarbledSyncCfgIsReportedWithFileAndLine) {
  write("sync.cfg", "sync: job1\n\tstore local\nsync: job2\n");
  auto snap = snapshot();
  EXPECT_FAILS_WITH(list_sync_jobs(dir_, root_), Errc::Corruption,
                    "sync.cfg:3: syntax error (expected section properties)");
  EXPECT_FAILS_WITH(create_sync_job(dir_, root_, pbs2_local()), Errc::Corruption, "sync.cfg:3");
  // A garbled file the job references are read from fails the create too.
  write("sync.cfg", "");
  write("remote.cfg", "remote: pbs2\n\tport 1\n");
  EXPECT_FAILS_WITH(create_sync_job(dir_, root_, pbs2_local()), Errc::Corruption,
                    "remote.cfg:1: missing required property 'host' in remote 'pbs2'");
  EXPECT_EQ(read("sync.cfg"), "");
  (void)snap;
}

}  // namespace
}  // namespace ferry::api

// JobState values: the JSON of jobs-and-schedules.md §3.2 byte for byte, the reference time of
// §3.3 and the status fields of §3.5 (sync-test-cases.md M7, M9).
#include "jobs/job_state.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "unit/jobs/jobs_test_util.h"

namespace ferry::jobs {
namespace {

using test_util::at;
using test_util::ScopedTimeZone;
using test_util::show;

// Started 1717582643 (2024-06-05T10:17:23Z).
const std::string kUpid =
    "UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:syncjob:"
    "pbs2\\x3alocal\\x3alocal\\x3a\\x3apbs2\\x2dlocal:root@pam:";

// The UPID as it appears inside JSON (backslashes escaped).
std::string json_upid() {
  std::string out;
  for (char c : kUpid) {
    if (c == '\\') out += '\\';
    out += c;
  }
  return out;
}

struct JsonCase {
  std::string_view name;
  JobState state;
  std::string json;
};

std::vector<JsonCase> json_cases() {
  const std::string u = json_upid();
  return {
      {"created", JobState::created(1717582643), R"({"created":{"time":1717582643}})"},
      {"started", JobState::started(kUpid), R"({"started":{"upid":")" + u + R"("}})"},
      {"finished ok", JobState::finished(kUpid, TaskState::ok(1717582700)),
       R"({"finished":{"upid":")" + u +
           R"(","state":{"OK":{"endtime":1717582700}},"updated":null}})"},
      {"finished warning", JobState::finished(kUpid, TaskState::warning(2, 1717582700)),
       R"({"finished":{"upid":")" + u +
           R"(","state":{"Warning":{"count":2,"endtime":1717582700}},"updated":null}})"},
      {"finished error",
       JobState::finished(kUpid, TaskState::error("sync failed with some errors.", 1717582700)),
       R"({"finished":{"upid":")" + u +
           R"(","state":{"Error":{"message":"sync failed with some errors.","endtime":1717582700}},"updated":null}})"},
      {"finished unknown", JobState::finished(kUpid, TaskState::unknown(1717582643)),
       R"({"finished":{"upid":")" + u +
           R"(","state":{"Unknown":{"endtime":1717582643}},"updated":null}})"},
      {"finished updated", JobState::finished(kUpid, TaskState::ok(1717582700), 1717600000),
       R"({"finished":{"upid":")" + u +
           R"(","state":{"OK":{"endtime":1717582700}},"updated":1717600000}})"},
      {"error with quotes and non-ASCII",
       JobState::finished(kUpid, TaskState::error("file \"a\" \xc3\xa4 \x01 failed", 5)),
       R"({"finished":{"upid":")" + u +
           "\",\"state\":{\"Error\":{\"message\":\"file \\\"a\\\" \xc3\xa4 \\u0001 failed\","
           "\"endtime\":5}},\"updated\":null}}"},
  };
}

TEST(JobStateTest, EveryFormRendersByteForByte) {
  for (const auto& c : json_cases()) EXPECT_EQ(c.state.to_json(), c.json) << c.name;
}

TEST(JobStateTest, EveryFormParsesBack) {
  for (const auto& c : json_cases()) {
    auto s = JobState::from_json(c.json);
    ASSERT_TRUE(s.has_value()) << c.name << ": " << s.error().to_string();
    EXPECT_EQ(*s, c.state) << c.name;
  }
}

TEST(JobStateTest, ParsingToleratesLayoutAndMissingUpdated) {
  auto s = JobState::from_json(
      "{ \"finished\" : {\n \"state\": {\"Warning\": {\"endtime\": 7, \"count\": 1}},\n"
      "  \"upid\": \"" + json_upid() + "\" } }\n");
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_EQ(*s, JobState::finished(kUpid, TaskState::warning(1, 7)));
}

TEST(JobStateTest, MalformedJsonIsRejected) {
  for (std::string_view bad : {
           "", "{", "null", "[]", "{}", R"({"created":{}})", R"({"created":{"time":"1"}})",
           R"({"created":{"time":1},"started":{"upid":"x"}})", R"({"running":{"time":1}})",
           R"({"started":{"upid":5}})", R"({"finished":{"upid":"x"}})",
           R"({"finished":{"upid":"x","state":{"Fine":{"endtime":1}}}})",
           R"({"finished":{"upid":"x","state":{"OK":{}}}})",
           R"({"finished":{"upid":"x","state":{"Warning":{"endtime":1,"count":-1}}}})",
           R"({"finished":{"upid":"x","state":{"Error":{"endtime":1}}}})",
           R"({"finished":{"upid":"x","state":{"OK":{"endtime":1}},"updated":"soon"}})"}) {
    auto s = JobState::from_json(bad);
    EXPECT_FALSE(s.has_value()) << "accepted '" << bad << "'";
    if (!s) {
      EXPECT_EQ(s.error().code(), Errc::InvalidArgument) << bad;
    }
  }
}

TEST(JobStateTest, LastRunTimeFollowsTheReadingRules) {
  EXPECT_EQ(*last_run_time(JobState::created(100)), 100);
  EXPECT_EQ(*last_run_time(JobState::started(kUpid)), 1717582643);
  EXPECT_EQ(*last_run_time(JobState::finished(kUpid, TaskState::ok(1717582700))), 1717582643);
  EXPECT_EQ(*last_run_time(JobState::finished(kUpid, TaskState::ok(1717582700), 1717600000)),
            1717600000);
  auto bad = last_run_time(JobState::started("UPID:nonsense"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), Errc::Corruption);
}

TEST(JobStateTest, StatusNextRunUsesEndTimeWhileSchedulerUsesStart) {
  ScopedTimeZone tz("UTC0");
  // M9: `*:0/15`, last run started 10:14:50 and ended 10:16:10.
  Upid u = *Upid::parse(kUpid);
  u.starttime = at("2024-06-05T10:14:50Z");
  JobState state = JobState::finished(u.to_string(), TaskState::ok(at("2024-06-05T10:16:10Z")));
  JobStatus st = job_status(state, std::string("*:0/15"));
  EXPECT_EQ(st.last_run_upid, u.to_string());
  EXPECT_EQ(st.last_run_state, "OK");
  EXPECT_EQ(st.last_run_endtime, at("2024-06-05T10:16:10Z"));
  ASSERT_TRUE(st.next_run.has_value());
  EXPECT_EQ(*st.next_run, at("2024-06-05T10:30:00Z")) << show(*st.next_run);
  EXPECT_EQ(*last_run_time(state), at("2024-06-05T10:14:50Z"));
}

TEST(JobStateTest, StatusFieldsPerState) {
  ScopedTimeZone tz("UTC0");
  auto created = job_status(JobState::created(at("2024-06-05T10:17:23Z")), std::string("daily"));
  EXPECT_FALSE(created.last_run_upid || created.last_run_state || created.last_run_endtime);
  EXPECT_EQ(created.next_run, at("2024-06-06T00:00:00Z"));

  auto started = job_status(JobState::started(kUpid), std::string("hourly"));
  EXPECT_EQ(started.last_run_upid, kUpid);
  EXPECT_FALSE(started.last_run_state || started.last_run_endtime);
  EXPECT_EQ(started.next_run, at("2024-06-05T11:00:00Z"));

  auto updated = job_status(
      JobState::finished(kUpid, TaskState::error("boom", 1717582700), at("2024-06-05T12:00:00Z")),
      std::string("hourly"));
  EXPECT_EQ(updated.last_run_state, "boom");
  EXPECT_EQ(updated.next_run, at("2024-06-05T13:00:00Z"));

  EXPECT_FALSE(job_status(JobState::created(0), std::nullopt).next_run);
  EXPECT_FALSE(job_status(JobState::created(0), std::string("Daily")).next_run);
  EXPECT_FALSE(job_status(JobState::created(at("2024-06-05T10:17:23Z")),
                          std::string("2015-10-21")).next_run);
}

}  // namespace
}  // namespace ferry::jobs

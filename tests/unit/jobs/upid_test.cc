// Upid: text form (jobs-and-schedules.md §5, api.md §5.3.1, sync-test-cases.md M10) and the
// systemd-style worker-id escaping.
#include "jobs/upid.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace ferry::jobs {
namespace {

// sync-test-cases M10: node pbs1, pid 6699, pstart 0xABCDEF, task 3, start
// 2024-06-05T10:17:23Z, sync job pbs2-local from pbs2:local into local root.
constexpr std::string_view kSpecUpid =
    "UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:syncjob:"
    "pbs2\\x3alocal\\x3alocal\\x3a\\x3apbs2\\x2dlocal:root@pam:";

Upid spec_upid() {
  return Upid{"pbs1", 6699, 0xABCDEF, 3, 1717582643, "syncjob",
              std::string("pbs2:local:local::pbs2-local"), "root@pam"};
}

TEST(UpidTest, SpecExampleRendersByteForByte) {
  EXPECT_EQ(spec_upid().to_string(), kSpecUpid);
  EXPECT_EQ(spec_upid().starttime, 0x66603B33);
}

TEST(UpidTest, SpecExampleParsesBackToTheOriginalFields) {
  auto u = Upid::parse(kSpecUpid);
  ASSERT_TRUE(u.has_value()) << u.error().to_string();
  EXPECT_EQ(*u, spec_upid());
  EXPECT_EQ(u->worker_id, "pbs2:local:local::pbs2-local");
  EXPECT_EQ(u->to_string(), kSpecUpid);
}

TEST(UpidTest, LogDirectoryIsTheLowPstartByteInUpperCaseHex) {
  EXPECT_EQ(spec_upid().log_dir_name(), "EF");
  Upid u = spec_upid();
  u.pstart = 0x10A;
  EXPECT_EQ(u.log_dir_name(), "0A");
}

TEST(UpidTest, ApiExampleRoundTrips) {
  constexpr std::string_view text =
      "UPID:pbs1:000004D2:0000162E:00000003:6661A2B4:backup:store1\\x3avm-100:root@pam:";
  auto u = Upid::parse(text);
  ASSERT_TRUE(u.has_value()) << u.error().to_string();
  EXPECT_EQ(u->worker_id, "store1:vm/100");
  EXPECT_EQ(u->pid, 1234u);
  EXPECT_EQ(u->to_string(), text);
}

TEST(UpidTest, LowerCaseHexParsesAndRendersUpperCase) {
  auto u = Upid::parse(
      "UPID:pbs1:00001a2b:00abcdef:00000003:66603b33:syncjob:"
      "pbs2\\x3Alocal\\x3alocal\\x3a\\x3apbs2\\x2dlocal:root@pam:");
  ASSERT_TRUE(u.has_value()) << u.error().to_string();
  EXPECT_EQ(*u, spec_upid());
  EXPECT_EQ(u->to_string(), kSpecUpid);
}

TEST(UpidTest, WideFieldsRenderWithMoreDigits) {
  Upid u = spec_upid();
  u.pstart = 0x123456789;
  u.task_id = 0x1122334455;
  u.worker_id.reset();
  std::string text = u.to_string();
  EXPECT_EQ(text, "UPID:pbs1:00001A2B:123456789:1122334455:66603B33:syncjob::root@pam:");
  auto back = Upid::parse(text);
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, u);
  EXPECT_FALSE(back->worker_id.has_value());
}

TEST(UpidTest, TokenAuthIdIsAccepted) {
  Upid u = spec_upid();
  u.auth_id = "sync@pbs!tok1";
  auto back = Upid::parse(u.to_string());
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(back->auth_id, "sync@pbs!tok1");
}

struct EscapeCase {
  std::string_view raw;
  std::string_view escaped;
};

TEST(UpidTest, WorkerIdEscapingTable) {
  const std::vector<EscapeCase> cases = {
      {"pbs2:local:local::pbs2-local", "pbs2\\x3alocal\\x3alocal\\x3a\\x3apbs2\\x2dlocal"},
      {"-:store-a:store-b:dept/team:job1",
       "\\x2d\\x3astore\\x2da\\x3astore\\x2db\\x3adept-team\\x3ajob1"},
      {"store1", "store1"},
      {"store1:vm/100", "store1\\x3avm-100"},
      {"s:ns/a/ns/b/vm/100/6661A2B4", "s\\x3ans-a-ns-b-vm-100-6661A2B4"},
      {".hidden", "\\x2ehidden"},
      {"a.b_c", "a.b_c"},
      {"a b", "a\\x20b"},
      {"\\", "\\x5c"},
      {"\t", "\\x09"},
      {"\xc3\xa4", "\\xc3\\xa4"},
      {"", ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(escape_worker_id(c.raw), c.escaped) << "raw '" << c.raw << "'";
    auto back = unescape_worker_id(c.escaped);
    ASSERT_TRUE(back.has_value()) << "escaped '" << c.escaped << "'";
    EXPECT_EQ(*back, c.raw) << "escaped '" << c.escaped << "'";
  }
}

TEST(UpidTest, UnescapeRejectsBrokenSequences) {
  for (std::string_view bad : {"a\\x3", "a\\", "a\\y41", "a\\xg1", "\\xff", "\\xc3"}) {
    auto r = unescape_worker_id(bad);
    EXPECT_FALSE(r.has_value()) << "'" << bad << "' was accepted";
    if (!r) {
      EXPECT_EQ(r.error().code(), Errc::InvalidArgument);
    }
  }
}

struct BadUpid {
  std::string text;
  std::string_view reason;  // part of the expected message
};

TEST(UpidTest, InvalidUpidsAreRejectedWithReasons) {
  const std::string tail = ":00000003:66603B33:syncjob:id:root@pam:";
  const std::vector<BadUpid> cases = {
      {"", "must start with 'UPID:'"},
      {"PID:pbs1:00001A2B:00ABCDEF" + tail, "must start with 'UPID:'"},
      {"UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:syncjob:id:root@pam", "must end with ':'"},
      {"UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:syncjob:root@pam:", "expected 8 fields"},
      {"UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:syncjob:a:b:root@pam:",
       "expected 8 fields"},
      {"UPID:-pbs1:00001A2B:00ABCDEF" + tail, "invalid node name"},
      {"UPID:pbs1.example:00001A2B:00ABCDEF" + tail, "invalid node name"},
      {"UPID::00001A2B:00ABCDEF" + tail, "invalid node name"},
      {"UPID:pbs1:1A2B:00ABCDEF" + tail, "pid must be 8 hex digits"},
      {"UPID:pbs1:000001A2B:00ABCDEF" + tail, "pid must be 8 hex digits"},
      {"UPID:pbs1:0000XA2B:00ABCDEF" + tail, "pid must be 8 hex digits"},
      {"UPID:pbs1:00001A2B:ABCDEF" + tail, "pstart must be 8 or 9 hex digits"},
      {"UPID:pbs1:00001A2B:000ABCDEF0" + tail, "pstart must be 8 or 9 hex digits"},
      {"UPID:pbs1:00001A2B:00ABCDEF:003:66603B33:syncjob:id:root@pam:",
       "task id must be 8 to 16 hex digits"},
      {"UPID:pbs1:00001A2B:00ABCDEF:00000000000000003:66603B33:syncjob:id:root@pam:",
       "task id must be 8 to 16 hex digits"},
      {"UPID:pbs1:00001A2B:00ABCDEF:00000003:166603B33:syncjob:id:root@pam:",
       "start time must be 8 hex digits"},
      {"UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33::id:root@pam:", "invalid worker type"},
      {"UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:sync job:id:root@pam:",
       "invalid worker type"},
      {"UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:a/b:id:root@pam:", "invalid worker type"},
      {"UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:syncjob:a/b:root@pam:",
       "invalid worker id"},
      {"UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:syncjob:a b:root@pam:",
       "invalid worker id"},
      {"UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:syncjob:a\\x3:root@pam:",
       "short escape sequence"},
      {"UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:syncjob:id::", "auth-id"},
      {"UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:syncjob:id:root:", "userid"},
      {"UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:syncjob:id:ro/ot@pam:", "userid"},
      {"UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:syncjob:id:root@pam: ", "must end with"},
      {"UPID:" + std::string(5000, 'a') + ":", "too long"},
  };
  for (const auto& c : cases) {
    auto r = Upid::parse(c.text);
    ASSERT_FALSE(r.has_value()) << "'" << c.text << "' was accepted";
    EXPECT_EQ(r.error().code(), Errc::InvalidArgument) << c.text;
    EXPECT_NE(r.error().message().find(c.reason), std::string::npos)
        << "'" << c.text << "': message '" << r.error().message() << "' lacks '" << c.reason
        << "'";
  }
}

TEST(UpidTest, ValidateChecksFieldsBuiltInCode) {
  EXPECT_TRUE(spec_upid().validate().has_value());
  Upid u = spec_upid();
  u.worker_type = "bad type";
  EXPECT_FALSE(u.validate().has_value());
  u = spec_upid();
  u.auth_id = "nobody";
  EXPECT_FALSE(u.validate().has_value());
  u = spec_upid();
  u.node = "host_1";
  EXPECT_FALSE(u.validate().has_value());
  u = spec_upid();
  u.starttime = 0x100000000LL;
  EXPECT_FALSE(u.validate().has_value());
}

}  // namespace
}  // namespace ferry::jobs

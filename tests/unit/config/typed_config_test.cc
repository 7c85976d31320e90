// from_section/to_section of the typed structs and the sync-job cross-field checks.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/datastore_config.h"
#include "config/remote_config.h"
#include "config/sync_job_config.h"
#include "config/verification_job_config.h"

namespace ferry::config {
namespace {

SyncJobConfig job(std::optional<std::string> remote, std::string store, std::string remote_store) {
  SyncJobConfig j;
  j.id = "job1";
  j.remote = std::move(remote);
  j.store = std::move(store);
  j.remote_store = std::move(remote_store);
  return j;
}

TEST(SyncJobConfigTest, ReadsEveryFieldFromASection) {
  Section s{"sync", "job1", {}};
  s.set("store", "local");
  s.set("remote-store", "src");
  s.set("remote", "pbs2");
  s.set("ns", "a/b");
  s.set("remote-ns", "");
  s.set("owner", "sync@pbs!tok");
  s.set("remove-vanished", "true");
  s.set("max-depth", "2");
  s.set_all("group-filter", {"type:vm", "exclude:group:vm/100"});
  s.set("transfer-last", "3");
  s.set("rate-in", "20MiB");
  s.set("sync-direction", "push");
  s.set("worker-threads", "4");
  auto j = SyncJobConfig::from_section(s);
  ASSERT_TRUE(j) << j.error().to_string();
  EXPECT_EQ(j->ns->to_string(), "a/b");
  ASSERT_TRUE(j->remote_ns.has_value());
  EXPECT_TRUE(j->remote_ns->is_root());
  EXPECT_EQ(j->owner->to_string(), "sync@pbs!tok");
  EXPECT_EQ(j->remove_vanished, true);
  EXPECT_EQ(j->max_depth, 2u);
  ASSERT_EQ(j->group_filter.size(), 2u);
  EXPECT_TRUE(j->group_filter[1].is_exclude());
  EXPECT_EQ(j->transfer_last, 3u);
  EXPECT_EQ(j->rate_in->bytes(), 20u * 1024 * 1024);
  EXPECT_EQ(j->direction(), SyncDirection::Push);
  EXPECT_EQ(j->worker_threads, 4u);
  EXPECT_FALSE(j->burst_in.has_value());
  EXPECT_EQ(j->to_section().get_all("group-filter"),
            (std::vector<std::string>{"type:vm", "exclude:group:vm/100"}));
  EXPECT_EQ(*j->to_section().get("rate-in"), "20 MiB");
  EXPECT_EQ(*j->to_section().get("remote-ns"), "");
}

TEST(SyncJobConfigTest, DefaultsApplyWhenPropertiesAreAbsent) {
  SyncJobConfig j = job("pbs2", "local", "src");
  EXPECT_EQ(j.direction(), SyncDirection::Pull);
  EXPECT_TRUE(j.effective_owner().is_root());
  EXPECT_TRUE(j.validate());
}

TEST(SyncJobConfigTest, CrossFieldChecksRejectInconsistentJobs) {
  struct Case {
    std::string name;
    SyncJobConfig job;
    std::string error;  // empty: valid
  };
  auto with = [](SyncJobConfig j, auto f) {
    f(j);
    return j;
  };
  auto ns = [](const char* t) { return *types::BackupNamespace::parse(t); };
  std::vector<Case> cases = {
      {"local sync into the same store", job(std::nullopt, "local", "local"),
       "source and target datastore can't be the same"},
      {"local sync between stores", job(std::nullopt, "local", "other"), ""},
      {"remote sync with equal store names", job("pbs2", "local", "local"), ""},
      {"depth 0 + 7", with(job("pbs2", "aaa", "bbb"), [](auto& j) { j.max_depth = 7; }), ""},
      {"ns depth 2 + 5", with(job("pbs2", "aaa", "bbb"), [&](auto& j) {
         j.ns = ns("a/b");
         j.max_depth = 5;
       }), ""},
      {"ns depth 2 + 6", with(job("pbs2", "aaa", "bbb"), [&](auto& j) {
         j.ns = ns("a/b");
         j.max_depth = 6;
       }), "namespace 'a/b's depth and recursion depth exceed limit: 2 + 6 > 7"},
      {"remote-ns depth 3 + 5", with(job("pbs2", "aaa", "bbb"), [&](auto& j) {
         j.remote_ns = ns("x/y/z");
         j.max_depth = 5;
       }), "namespace 'x/y/z's depth and recursion depth exceed limit: 3 + 5 > 7"},
      {"deep ns without max-depth", with(job("pbs2", "aaa", "bbb"), [&](auto& j) {
         j.ns = ns("a/b/c/d/e/f/g");
       }), ""},
      {"resync-corrupt on push", with(job("pbs2", "aaa", "bbb"), [](auto& j) {
         j.sync_direction = SyncDirection::Push;
         j.resync_corrupt = true;
       }), "resync-corrupt is only supported for pull jobs"},
      {"resync-corrupt on pull", with(job("pbs2", "aaa", "bbb"), [](auto& j) {
         j.resync_corrupt = true;
       }), ""},
  };
  for (const Case& c : cases) {
    auto st = c.job.validate();
    if (c.error.empty()) {
      EXPECT_TRUE(st) << c.name << ": " << st.error().message();
      continue;
    }
    ASSERT_FALSE(st) << c.name;
    EXPECT_EQ(st.error().code(), Errc::InvalidArgument);
    EXPECT_EQ(st.error().message(), c.error) << c.name;
  }
}

TEST(RemoteConfigTest, PasswordIsStoredAsBase64OfUtf8) {
  struct Case {
    std::string plain;
    std::string stored;
  };
  for (const Case& c : std::vector<Case>{{"secret", "c2VjcmV0"},
                                         {"SECRET", "U0VDUkVU"},
                                         {"a", "YQ=="},
                                         {"ab", "YWI="},
                                         {"p\xc3\xa4sswort", "cMOkc3N3b3J0"}}) {
    EXPECT_EQ(RemoteConfig::encode_password(c.plain), c.stored) << c.plain;
    RemoteConfig r;
    r.name = "pbs2";
    r.password = c.stored;
    auto plain = r.decode_password();
    ASSERT_TRUE(plain) << c.stored;
    EXPECT_EQ(*plain, c.plain);
  }
  for (const char* bad : {"c2VjcmV", "c2Vj*mV0", "YQ=a", "/w=="}) {
    RemoteConfig r;
    r.name = "pbs2";
    r.password = bad;
    auto plain = r.decode_password();
    EXPECT_FALSE(plain) << bad;  // "/w==" decodes to 0xff, which is not UTF-8
  }
}

TEST(RemoteConfigTest, ValidatesPlainPasswordsWithoutEchoingThem) {
  EXPECT_TRUE(validate_remote_password("s3cr3t pass"));
  EXPECT_TRUE(validate_remote_password(std::string(kMaxRemotePasswordBytes, 'p')));
  for (const std::string& bad : {std::string(), std::string(kMaxRemotePasswordBytes + 1, 'p'),
                                std::string("line\nbreak"), std::string("bad\xff")}) {
    auto st = validate_remote_password(bad);
    ASSERT_FALSE(st) << bad.size();
    if (!bad.empty()) {
      EXPECT_EQ(st.error().message().find(bad), std::string::npos) << st.error().message();
    }
  }
  EXPECT_EQ(RemoteConfig::encode_password(std::string(kMaxRemotePasswordBytes, 'p')).size(),
            1024u);
}

TEST(RemoteConfigTest, FromSectionReadsPortAndAuthId) {
  Section s{"remote", "pbs2", {}};
  s.set("host", "h1");
  s.set("auth-id", "sync@pbs!pull");
  s.set("password", "c2VjcmV0");
  auto r = RemoteConfig::from_section(s);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->effective_port(), 8007);
  EXPECT_TRUE(r->auth_id.is_token());
  s.set("port", "443");
  EXPECT_EQ(RemoteConfig::from_section(s)->effective_port(), 443);
  s.set("port", "x");
  EXPECT_FALSE(RemoteConfig::from_section(s));
}

TEST(DatastoreConfigTest, ConvertsKeepOptionsAndNotificationMode) {
  Section s{"datastore", "store1", {}};
  s.set("path", "/mnt/store1");
  s.set("keep-last", "3");
  s.set("keep-yearly", "2");
  s.set("notification-mode", "notification-system");
  s.set("notify-user", "admin@pbs");
  auto d = DatastoreConfig::from_section(s);
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_EQ(d->keep_last, 3u);
  EXPECT_EQ(d->keep_yearly, 2u);
  EXPECT_FALSE(d->keep_daily.has_value());
  EXPECT_EQ(d->notification_mode, NotificationMode::NotificationSystem);
  EXPECT_EQ(d->notify_user->to_string(), "admin@pbs");
  EXPECT_EQ(d->to_section(), s);
}

TEST(VerificationJobConfigTest, ConvertsAllFields) {
  Section s{"verification", "v-1", {}};
  s.set("store", "store2");
  s.set("ns", "a");
  s.set("max-depth", "0");
  s.set("ignore-verified", "false");
  s.set("outdated-after", "30");
  s.set("schedule", "daily");
  auto v = VerificationJobConfig::from_section(s);
  ASSERT_TRUE(v) << v.error().to_string();
  EXPECT_EQ(v->max_depth, 0u);
  EXPECT_EQ(v->ignore_verified, false);
  EXPECT_EQ(v->outdated_after, 30);
  EXPECT_EQ(v->to_section(), s);
}

}  // namespace
}  // namespace ferry::config

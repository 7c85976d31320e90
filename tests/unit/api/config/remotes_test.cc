#include "api/config/remotes.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "unit/api/config/config_fixture.h"
#include "config/config_file.h"

namespace ferry::api {
namespace {

const std::string kFp =
    "64:d3:ff:3a:50:38:53:5a:9b:f7:50:a1:4c:03:5e:b9:6c:f0:6d:0a:53:2b:3e:9c:ab:3f:1f:f2:49:2e:48:5a";

RemoteCreateParams pbs2() {
  RemoteCreateParams p;
  p.name = "pbs2";
  p.props.host = "pbs2.mydomain.example";
  p.props.auth_id = "sync@pam";
  p.props.password = "SECRET";
  p.props.fingerprint = kFp;
  return p;
}

using RemotesTest = ConfigServiceTest;

TEST_F(RemotesTest, CreateWritesTheSectionPbsWouldWrite) {
  auto p = pbs2();
  p.props.comment = "  offsite  ";
  p.props.port = 8007;
  ASSERT_TRUE(create_remote(dir_, root_, p));
  EXPECT_EQ(read("remote.cfg"),
            "remote: pbs2\n\tauth-id sync@pam\n\tcomment offsite\n\tfingerprint " + kFp +
                "\n\thost pbs2.mydomain.example\n\tpassword U0VDUkVU\n\tport 8007\n");
}

TEST_F(RemotesTest, ListAndReadReturnDigestButNeverThePassword) {
  ASSERT_TRUE(create_remote(dir_, root_, pbs2()));
  auto list = list_remotes(dir_, root_);
  ASSERT_TRUE(list) << list.error().to_string();
  ASSERT_EQ(list->data.size(), 1u);
  EXPECT_EQ(list->digest, config::config_digest(read("remote.cfg")));
  EXPECT_EQ(list->data[0].host, "pbs2.mydomain.example");
  EXPECT_EQ(list->data[0].auth_id, "sync@pam");
  EXPECT_FALSE(list->data[0].port.has_value());

  auto one = read_remote(dir_, root_, "pbs2");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->digest, list->digest);
  nlohmann::json j = to_json(one->data);
  EXPECT_EQ(j, nlohmann::json::parse(R"({"name":"pbs2","host":"pbs2.mydomain.example",
      "auth-id":"sync@pam","fingerprint":")" + kFp + R"("})"));
  std::string dumped = j.dump();
  EXPECT_EQ(dumped.find("SECRET"), std::string::npos);
  EXPECT_EQ(dumped.find("U0VDUkVU"), std::string::npos);
  EXPECT_EQ(dumped.find("password"), std::string::npos);

  EXPECT_FAILS_WITH(read_remote(dir_, root_, "nope"), Errc::NotFound, "no such remote 'nope'");
}

TEST_F(RemotesTest, UpdateChangesGivenPropertiesAndDeletesListedOnes) {
  auto p = pbs2();
  p.props.comment = "old";
  p.props.port = 8008;
  ASSERT_TRUE(create_remote(dir_, root_, p));
  auto before = read_remote(dir_, root_, "pbs2");
  ASSERT_TRUE(before);

  RemoteUpdateParams u;
  u.props.host = "pbs2.example";
  u.props.password = "n3w";
  u.delete_props = {"comment", "port"};
  u.digest = before->digest;
  ASSERT_TRUE(update_remote(dir_, root_, "pbs2", u));
  EXPECT_EQ(read("remote.cfg"), "remote: pbs2\n\tauth-id sync@pam\n\tfingerprint " + kFp +
                                    "\n\thost pbs2.example\n\tpassword bjN3\n");

  // The digest of the earlier read is stale now.
  auto snap = snapshot();
  RemoteUpdateParams stale;
  stale.props.comment = "x";
  stale.digest = before->digest;
  EXPECT_FAILS_WITH(update_remote(dir_, root_, "pbs2", stale), Errc::Conflict,
                    "configuration changed on disk: digest mismatch");
  EXPECT_EQ(snapshot(), snap);

  // Deleting and setting the same property: deletions first, then the new value.
  RemoteUpdateParams both;
  both.delete_props = {"fingerprint"};
  both.props.fingerprint = kFp;
  ASSERT_TRUE(update_remote(dir_, root_, "pbs2", both));
  EXPECT_NE(read("remote.cfg").find(kFp), std::string::npos);

  // A blank comment removes it.
  RemoteUpdateParams blank;
  blank.props.comment = "x";
  ASSERT_TRUE(update_remote(dir_, root_, "pbs2", blank));
  blank.props.comment = "   ";
  ASSERT_TRUE(update_remote(dir_, root_, "pbs2", blank));
  EXPECT_EQ(read("remote.cfg").find("comment"), std::string::npos);
}

TEST_F(RemotesTest, DeleteRemovesTheSectionAndRefusesRemotesInUse) {
  ASSERT_TRUE(create_remote(dir_, root_, pbs2()));
  auto second = pbs2();
  second.name = "pbs3";
  ASSERT_TRUE(create_remote(dir_, root_, second));
  write("sync.cfg", "sync: job1\n\tremote pbs3\n\tremote-store src\n\tstore local\n");

  auto snap = snapshot();
  EXPECT_FAILS_WITH(delete_remote(dir_, root_, "pbs3", std::nullopt), Errc::Conflict,
                    "remote 'pbs3' is used by sync job 'job1' (datastore 'local')");
  EXPECT_FAILS_WITH(delete_remote(dir_, root_, "nope", std::nullopt), Errc::NotFound,
                    "remote 'nope' does not exist.");
  EXPECT_FAILS_WITH(delete_remote(dir_, root_, "pbs2", config::config_digest("other")),
                    Errc::Conflict, "digest mismatch");
  EXPECT_EQ(snapshot(), snap);

  auto list = list_remotes(dir_, root_);
  ASSERT_TRUE(list);
  ASSERT_TRUE(delete_remote(dir_, root_, "pbs2", list->digest));
  auto after = list_remotes(dir_, root_);
  ASSERT_TRUE(after);
  ASSERT_EQ(after->data.size(), 1u);
  EXPECT_EQ(after->data[0].name, "pbs3");
}

struct BadRemoteCase {
  std::string name;
  std::function<void(RemoteCreateParams&)> change;
  Errc code;
  std::string error;
};

TEST_F(RemotesTest, BadCreateInputIsRejectedNamingFieldAndLeavesFilesUnchanged) {
  ASSERT_TRUE(create_remote(dir_, root_, pbs2()));
  const std::vector<BadRemoteCase> cases = {
      {"name too short", [](auto& p) { p.name = "ab"; }, Errc::InvalidArgument,
       "invalid parameter 'name': invalid remote name 'ab': must be 3 to 32 characters"},
      {"name with space", [](auto& p) { p.name = "my remote"; }, Errc::InvalidArgument,
       "invalid parameter 'name'"},
      {"duplicate name", [](auto& p) { p.name = "pbs2"; }, Errc::AlreadyExists,
       "remote 'pbs2' already exists."},
      {"port above range", [](auto& p) { p.props.port = 70000; }, Errc::InvalidArgument,
       "invalid parameter 'port': value '70000' is out of range 0..65535"},
      {"negative port", [](auto& p) { p.props.port = -1; }, Errc::InvalidArgument,
       "invalid parameter 'port'"},
      {"short fingerprint", [](auto& p) { p.props.fingerprint = "64:d3:ff"; },
       Errc::InvalidArgument, "invalid parameter 'fingerprint': invalid fingerprint '64:d3:ff'"},
      {"fingerprint without colons", [](auto& p) { p.props.fingerprint = std::string(64, 'a'); },
       Errc::InvalidArgument, "invalid parameter 'fingerprint'"},
      {"auth-id without realm", [](auto& p) { p.props.auth_id = "sync"; },
       Errc::InvalidArgument, "invalid parameter 'auth-id'"},
      {"auth-id with empty token", [](auto& p) { p.props.auth_id = "sync@pbs!"; },
       Errc::InvalidArgument, "invalid parameter 'auth-id'"},
      {"host with port", [](auto& p) { p.props.host = "pbs2.example:8007"; },
       Errc::InvalidArgument, "invalid parameter 'host': invalid host 'pbs2.example:8007'"},
      {"bracketed ipv6", [](auto& p) { p.props.host = "[2001:db8::1]"; }, Errc::InvalidArgument,
       "invalid parameter 'host'"},
      {"empty password", [](auto& p) { p.props.password = ""; }, Errc::InvalidArgument,
       "invalid parameter 'password': password must be 1 to 768 bytes long"},
      {"password too long", [](auto& p) { p.props.password = std::string(769, 'p'); },
       Errc::InvalidArgument, "invalid parameter 'password'"},
      {"password with newline", [](auto& p) { p.props.password = "a\nb"; },
       Errc::InvalidArgument, "invalid parameter 'password': password contains control"},
      {"comment too long", [](auto& p) { p.props.comment = std::string(129, 'c'); },
       Errc::InvalidArgument, "invalid parameter 'comment': value is too long"},
      {"comment with control char", [](auto& p) { p.props.comment = "a\x07" "b"; },
       Errc::InvalidArgument, "invalid parameter 'comment'"},
      {"missing host", [](auto& p) { p.props.host.reset(); }, Errc::InvalidArgument,
       "missing required parameter 'host'"},
      {"missing password", [](auto& p) { p.props.password.reset(); }, Errc::InvalidArgument,
       "missing required parameter 'password'"},
      {"missing auth-id", [](auto& p) { p.props.auth_id.reset(); }, Errc::InvalidArgument,
       "missing required parameter 'auth-id'"},
  };
  for (const BadRemoteCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto snap = snapshot();
    auto p = pbs2();
    p.name = "pbs3";
    c.change(p);
    EXPECT_FAILS_WITH(create_remote(dir_, root_, p), c.code, c.error);
    EXPECT_EQ(snapshot(), snap);
  }
}

TEST_F(RemotesTest, BadUpdateInputIsRejectedAndLeavesFilesUnchanged) {
  ASSERT_TRUE(create_remote(dir_, root_, pbs2()));
  struct Case {
    std::string name;
    std::string remote;
    RemoteUpdateParams params;
    Errc code;
    std::string error;
  };
  std::vector<Case> cases;
  cases.push_back({"unknown remote", "nope", {}, Errc::NotFound, "no such remote 'nope'"});
  cases.push_back({"delete required host", "pbs2", {}, Errc::InvalidArgument,
                   "invalid parameter 'delete': cannot delete property 'host'"});
  cases.back().params.delete_props = {"host"};
  cases.push_back({"delete unknown property", "pbs2", {}, Errc::InvalidArgument,
                   "cannot delete property 'hots'"});
  cases.back().params.delete_props = {"hots"};
  cases.push_back({"malformed digest", "pbs2", {}, Errc::InvalidArgument,
                   "invalid parameter 'digest'"});
  cases.back().params.digest = "XYZ";
  cases.push_back({"bad port", "pbs2", {}, Errc::InvalidArgument, "invalid parameter 'port'"});
  cases.back().params.props.port = 65536;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto snap = snapshot();
    EXPECT_FAILS_WITH(update_remote(dir_, root_, c.remote, c.params), c.code, c.error);
    EXPECT_EQ(snapshot(), snap);
  }
}

TEST_F(RemotesTest, GarbledOrUnreadableConfigFailsNamingTheFileAndStaysUnchanged) {
  write("remote.cfg", "remote: pbs2\n\thots pbs2.example\n");
  auto snap = snapshot();
  EXPECT_FAILS_WITH(list_remotes(dir_, root_), Errc::Corruption,
                    "remote.cfg:2: unknown property 'hots' in remote 'pbs2'");
  EXPECT_FAILS_WITH(create_remote(dir_, root_, [] {
                      auto p = pbs2();
                      p.name = "pbs3";
                      return p;
                    }()),
                    Errc::Corruption, "remote.cfg:2");
  EXPECT_EQ(snapshot(), snap);

  ASSERT_TRUE(fs::remove_file(dir_.file("remote.cfg")));
  ASSERT_TRUE(fs::make_dir(dir_.file("remote.cfg")));
  auto list = list_remotes(dir_, root_);
  ASSERT_FALSE(list);
  EXPECT_NE(list.error().to_string().find("remote.cfg"), std::string::npos)
      << list.error().to_string();
}

}  // namespace
}  // namespace ferry::api

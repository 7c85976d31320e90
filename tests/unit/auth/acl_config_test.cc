#include "auth/acl_config.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "common/fs.h"
#include "support/temp_dir.h"

namespace ferry::auth {
namespace {

constexpr std::string_view kEmptyDigest =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

class AclConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::atomic_replace(dir_.path() / "user.cfg",
                                   std::string_view("user: alice@pbs\n\ntoken: alice@pbs!t\n")));
  }
  std::string acl_file() {
    auto text = fs::read_text_file(dir_.path() / "acl.cfg", 1 << 20);
    return text ? *text : "<missing>";
  }
  AclUpdate grant(std::string path, std::string_view who, std::string role) {
    AclUpdate u;
    u.path = std::move(path);
    u.role = std::move(role);
    u.auth_id = *types::Authid::parse(who);
    return u;
  }

  test::TempDir dir_;
  config::ConfigDir cdir_{dir_.path()};
};

TEST_F(AclConfigTest, MissingFileIsAnEmptyTree) {
  auto data = AclConfig::read(cdir_);
  ASSERT_TRUE(data.has_value()) << data.error().to_string();
  EXPECT_EQ(data->tree.to_string(), "");
  EXPECT_EQ(data->digest, kEmptyDigest);
}

TEST_F(AclConfigTest, UpdateAddsAndRemovesEntries) {
  ASSERT_TRUE(AclConfig::update(cdir_, grant("/datastore/s1", "alice@pbs", "DatastoreBackup")));
  AclUpdate token = grant("/datastore/s1", "alice@pbs!t", "DatastoreBackup");
  token.propagate = false;
  ASSERT_TRUE(AclConfig::update(cdir_, token));
  EXPECT_EQ(acl_file(),
            "acl:0:/datastore/s1:alice@pbs!t:DatastoreBackup\n"
            "acl:1:/datastore/s1:alice@pbs:DatastoreBackup\n");
  struct stat st {};
  ASSERT_EQ(::stat((dir_.path() / "acl.cfg").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);

  AclUpdate remove = grant("/datastore/s1", "alice@pbs", "DatastoreBackup");
  remove.remove = true;
  ASSERT_TRUE(AclConfig::update(cdir_, remove));
  EXPECT_EQ(acl_file(), "acl:0:/datastore/s1:alice@pbs!t:DatastoreBackup\n");
  // Removing unknown users and entries on invalid paths is allowed.
  AclUpdate odd = grant("/nonsense/path", "ghost@pbs", "Admin");
  odd.remove = true;
  EXPECT_TRUE(AclConfig::update(cdir_, odd));
}

TEST_F(AclConfigTest, UpdateRejectsInvalidRequests) {
  struct Case {
    AclUpdate update;
    std::string error;
  };
  AclUpdate group;
  group.path = "/";
  group.role = "Admin";
  group.group = "admins";
  AclUpdate nobody;
  nobody.path = "/";
  nobody.role = "Admin";
  std::vector<Case> cases;
  cases.push_back({group, "parameter 'group' - groups are currently not supported"});
  cases.push_back({nobody, "missing 'userid' parameter"});
  cases.push_back({grant("/", "ghost@pbs", "Admin"), "no such user 'ghost@pbs'"});
  cases.push_back({grant("/", "alice@pbs!nope", "Admin"), "no such API token 'alice@pbs!nope'"});
  cases.push_back({grant("/", "alice@pbs", "Boss"), "invalid role 'Boss'"});
  cases.push_back({grant("/bogus", "alice@pbs", "Admin"), "invalid acl path '/bogus'."});
  for (const auto& c : cases) {
    auto st = AclConfig::update(cdir_, c.update);
    ASSERT_FALSE(st) << c.error;
    EXPECT_EQ(st.error().code(), Errc::InvalidArgument) << c.error;
    EXPECT_EQ(st.error().message(), c.error);
  }
  EXPECT_EQ(acl_file(), "<missing>");
}

TEST_F(AclConfigTest, StaleDigestIsAConflict) {
  AclUpdate first = grant("/", "alice@pbs", "Audit");
  first.digest = std::string(kEmptyDigest);
  ASSERT_TRUE(AclConfig::update(cdir_, first));
  AclUpdate second = grant("/", "alice@pbs", "Admin");
  second.digest = std::string(kEmptyDigest);
  auto st = AclConfig::update(cdir_, second);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), Errc::Conflict);
  auto data = AclConfig::read(cdir_);
  ASSERT_TRUE(data.has_value());
  second.digest = data->digest;
  EXPECT_TRUE(AclConfig::update(cdir_, second));
  EXPECT_EQ(acl_file(), "acl:1:/:alice@pbs:Admin,Audit\n");
}

TEST_F(AclConfigTest, ParseErrorsNameTheFile) {
  ASSERT_TRUE(fs::atomic_replace(dir_.path() / "acl.cfg", std::string_view("acl:1:/:x\n")));
  auto data = AclConfig::read(cdir_);
  ASSERT_FALSE(data.has_value());
  EXPECT_EQ(data.error().code(), Errc::Corruption);
  EXPECT_NE(data.error().message().find((dir_.path() / "acl.cfg").string() + "', line 1"),
            std::string::npos)
      << data.error().message();
}

}  // namespace
}  // namespace ferry::auth

#include "auth/acl_path.h"

#include <gtest/gtest.h>

namespace ferry::auth {
namespace {

TEST(AclPathTest, CheckAcceptsKnownObjects) {
  const char* valid[] = {
      "/",
      "/access",
      "/access/acl",
      "/access/users",
      "/access/domains",
      "/access/openid",
      "/access/openid/myrealm",
      "/datastore",
      "/datastore/store1",
      "/datastore/store1/a/b/c/d/e/f/g",
      "/remote",
      "/remote/offsite",
      "/remote/offsite/store1",
      "/remote/offsite/store1/a/b/c/d/e/f/g",
      "/system",
      "/system/certificates",
      "/system/disks",
      "/system/log",
      "/system/notifications",
      "/system/status",
      "/system/tasks",
      "/system/time",
      "/system/services",
      "/system/services/proxmox-backup",
      "/system/network",
      "/system/network/dns",
      "/system/network/interfaces",
      "/system/network/interfaces/eth0",
      "/tape",
      "/tape/device",
      "/tape/device/drive0",
      "/tape/pool/p1",
      "/tape/job/j1",
  };
  for (const char* path : valid) EXPECT_TRUE(check_acl_path(path)) << path;
}

TEST(AclPathTest, CheckRejectsUnknownObjectsAndBadSyntax) {
  const char* invalid[] = {
      "",
      "datastore",
      "//",
      "/datastore/",
      "/datastore//s",
      "/datastore/s/a/b/c/d/e/f/g/h",
      "/remote/r/s/a/b/c/d/e/f/g/h",
      "/access/tokens",
      "/access/acl/x",
      "/system/unknown",
      "/system/log/x",
      "/system/network/dns/x",
      "/system/network/interfaces/eth0/x",
      "/tape/drive/x",
      "/tape/pool/p/x",
      "/nothing",
      "/datastore/-bad",
      "/datastore/a b",
      "/datastore/ü",
  };
  for (const char* path : invalid) {
    auto st = check_acl_path(path);
    ASSERT_FALSE(st) << path;
    EXPECT_EQ(st.error().code(), Errc::InvalidArgument) << path;
    EXPECT_EQ(st.error().message(), fmt::format("invalid acl path '{}'.", path));
  }
  EXPECT_FALSE(check_acl_path("/datastore/" + std::string(120, 'a')));
}

TEST(AclPathTest, SplitAndNormalizeIgnoreEmptyComponents) {
  EXPECT_EQ(split_acl_path("//datastore//s/"), (std::vector<std::string_view>{"datastore", "s"}));
  EXPECT_TRUE(split_acl_path("/").empty());
  EXPECT_TRUE(split_acl_path("").empty());
  EXPECT_EQ(normalize_acl_path(""), "/");
  EXPECT_EQ(normalize_acl_path("a//b/"), "/a/b");
}

TEST(AclPathTest, BuildsDatastoreAndRemotePaths) {
  auto ns = *types::BackupNamespace::parse("a/b");
  EXPECT_EQ(datastore_acl_path("s1"), "/datastore/s1");
  EXPECT_EQ(datastore_acl_path("s1", ns), "/datastore/s1/a/b");
  EXPECT_EQ(remote_acl_path("r"), "/remote/r");
  EXPECT_EQ(remote_acl_path("r", "s"), "/remote/r/s");
  EXPECT_EQ(remote_acl_path("r", "s", ns), "/remote/r/s/a/b");
}

}  // namespace
}  // namespace ferry::auth

// Parsing of ferry-client's command-line specs: repository, archive, snapshot, group.
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/client/repository.h"
#include "cli/client/specs.h"

namespace ferry::cli::client {
namespace {

struct RepoCase {
  std::string text;
  std::string auth_id;  // effective
  std::string host;     // effective
  uint16_t port;        // effective
  std::string store;
};

TEST(BackupRepositoryTest, ParsesEveryPbsForm) {
  const std::vector<RepoCase> cases = {
      {"store1", "root@pam", "localhost", 8007, "store1"},
      {"backup.example:store1", "root@pam", "backup.example", 8007, "store1"},
      {"backup.example:8008:store1", "root@pam", "backup.example", 8008, "store1"},
      {"admin@pbs@backup.example:store1", "admin@pbs", "backup.example", 8007, "store1"},
      {"admin@pbs@10.0.0.1:9000:store1", "admin@pbs", "10.0.0.1", 9000, "store1"},
      {"sync@pbs!client@[2001:db8::1]:store1", "sync@pbs!client", "2001:db8::1", 8007,
       "store1"},
      {"root@pam@[::1]:8007:store1", "root@pam", "::1", 8007, "store1"},
      {"127.0.0.1:store1", "root@pam", "127.0.0.1", 8007, "store1"},
  };
  for (const auto& c : cases) {
    auto repo = BackupRepository::parse(c.text);
    ASSERT_TRUE(repo) << c.text << ": " << repo.error().to_string();
    EXPECT_EQ(repo->effective_auth_id().to_string(), c.auth_id) << c.text;
    EXPECT_EQ(repo->effective_host(), c.host) << c.text;
    EXPECT_EQ(repo->effective_port(), c.port) << c.text;
    EXPECT_EQ(repo->store, c.store) << c.text;
    // The canonical form parses back to the same repository.
    auto again = BackupRepository::parse(repo->to_string());
    ASSERT_TRUE(again) << repo->to_string();
    EXPECT_EQ(again->to_string(), repo->to_string()) << c.text;
  }
}

TEST(BackupRepositoryTest, KeepsOnlyWhatWasGiven) {
  auto repo = BackupRepository::parse("host.example:store1");
  ASSERT_TRUE(repo);
  EXPECT_FALSE(repo->auth_id.has_value());
  EXPECT_FALSE(repo->port.has_value());
  EXPECT_EQ(repo->to_string(), "host.example:store1");
}

TEST(BackupRepositoryTest, RejectsMalformedStringsNamingTheInput) {
  for (const char* bad : {"", ":", "host:", ":store1", "ab", "host:0:store1",
                          "host:65536:store1", "host:80x:store1", "user@host:store1",
                          "root@pam@:store1", "[::1:store1", "[host]:store1",
                          "root@pam@[::1]x:store1", "host name:store1", "a:b:c:store1",
                          "host:store 1"}) {
    auto repo = BackupRepository::parse(bad);
    ASSERT_FALSE(repo) << "accepted: '" << bad << "'";
    EXPECT_EQ(repo.error().code(), Errc::InvalidArgument) << bad;
    EXPECT_NE(repo.error().message().find(std::string("invalid repository '") + bad + "'"),
              std::string::npos)
        << repo.error().message();
  }
}

TEST(ArchiveSpecTest, SplitsNameAndPathAtTheFirstColon) {
  auto spec = parse_archive_spec("disk.img:/dev/vg0/lv:snap");
  ASSERT_TRUE(spec) << spec.error().to_string();
  EXPECT_EQ(spec->name, "disk.img");
  EXPECT_EQ(spec->path, "/dev/vg0/lv:snap");
  EXPECT_EQ(spec->index_name(), "disk.img.fidx");
}

TEST(ArchiveSpecTest, RejectsBadSpecs) {
  for (const char* bad : {"disk.img", "disk.img:", ":/tmp/x", "disk.pxar:/tmp/x",
                          "disk:/tmp/x", ".img:/tmp/x", "../disk.img:/tmp/x", "a b.img:/tmp/x",
                          "-x.img:/tmp/x"}) {
    auto spec = parse_archive_spec(bad);
    ASSERT_FALSE(spec) << "accepted: '" << bad << "'";
    EXPECT_EQ(spec.error().code(), Errc::InvalidArgument) << bad;
    EXPECT_NE(spec.error().message().find(bad), std::string::npos) << spec.error().message();
  }
}

TEST(SnapshotSpecTest, AcceptsRfc3339AndEpoch) {
  struct Case {
    const char* text;
    const char* canonical;
  };
  const std::vector<Case> cases = {
      {"vm/100/2024-06-05T14:24:36Z", "vm/100/2024-06-05T14:24:36Z"},
      {"vm/100/1717597476", "vm/100/2024-06-05T14:24:36Z"},
      {"host/my.host/2024-06-05T16:24:36+02:00", "host/my.host/2024-06-05T14:24:36Z"},
      {"ct/a_b-c/1", "ct/a_b-c/1970-01-01T00:00:01Z"},
  };
  for (const auto& c : cases) {
    auto dir = parse_snapshot_spec(c.text);
    ASSERT_TRUE(dir) << c.text << ": " << dir.error().to_string();
    EXPECT_EQ(dir->to_string(), c.canonical) << c.text;
  }
}

TEST(SnapshotSpecTest, RejectsBadSnapshots) {
  for (const char* bad : {"", "vm/100", "vm/100/", "vm//2024-06-05T14:24:36Z",
                          "lxc/100/2024-06-05T14:24:36Z", "vm/100/yesterday", "vm/100/0",
                          "vm/100/99999999999999999999", "vm/1 0/1"}) {
    auto dir = parse_snapshot_spec(bad);
    ASSERT_FALSE(dir) << "accepted: '" << bad << "'";
    EXPECT_EQ(dir.error().code(), Errc::InvalidArgument) << bad;
    EXPECT_NE(dir.error().message().find(std::string("invalid snapshot '") + bad + "'"),
              std::string::npos)
        << dir.error().message();
  }
}

TEST(GroupSpecTest, ParsesTypeAndId) {
  auto group = parse_group_spec("host/web1");
  ASSERT_TRUE(group);
  EXPECT_EQ(group->to_string(), "host/web1");
  for (const char* bad : {"", "host", "host/", "disk/web1", "host/web1/x"}) {
    auto g = parse_group_spec(bad);
    EXPECT_FALSE(g) << "accepted: '" << bad << "'";
  }
}

TEST(RestoreIndexNameTest, MapsImageNamesToTheFixedIndex) {
  EXPECT_EQ(restore_index_name("disk.img").value(), "disk.img.fidx");
  EXPECT_EQ(restore_index_name("disk.img.fidx").value(), "disk.img.fidx");
  for (const char* bad : {"", "disk", "disk.fidx", "root.pxar.didx", "index.json.blob",
                          "../disk.img", ".img"}) {
    auto name = restore_index_name(bad);
    ASSERT_FALSE(name) << "accepted: '" << bad << "'";
    EXPECT_EQ(name.error().code(), Errc::InvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace ferry::cli::client

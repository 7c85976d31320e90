// ferry-client against a real ferryd process: backup of a generated 20 MiB image, an
// incremental backup that reuses the unchanged chunks, list, snapshot list, restore to a file
// and to stdout (compared byte for byte), protection, forget, status, and bad input.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/config/datastores.h"
#include "auth/acl_config.h"
#include "auth/pbs_authenticator.h"
#include "auth/user_config.h"
#include "config/config_dir.h"
#include "integration/manager_cli_harness.h"
#include "support/ferryd_process.h"
#include "support/store_temp_dir.h"

namespace ferry {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::string kClientBin = FERRY_BIN_DIR "/ferry-client";
constexpr const char* kPassword = "client-secret";
constexpr uint64_t kMiB = 1u << 20;

std::string random_bytes(size_t size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string data(size, '\0');
  for (size_t i = 0; i + 8 <= size; i += 8) {
    const uint64_t v = rng();
    std::memcpy(data.data() + i, &v, 8);
  }
  return data;
}

void write_file(const std::filesystem::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), std::streamsize(data.size()));
}

class ClientCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto etc = tmp_.path() / "etc";
    std::filesystem::create_directories(etc);
    const config::ConfigDir cfg(etc);
    api::DatastoreCreateParams store{"store1", (tmp_.path() / "store1").string(), {}};
    ASSERT_TRUE(api::create_datastore(cfg, types::Authid::root(), store));
    const auto user = *types::Userid::parse("backup@pbs");
    ASSERT_TRUE(auth::UserConfig::modify(cfg, std::nullopt, [&](auth::UserConfig& c) {
      auth::User u;
      u.userid = user;
      return c.set_user(u);
    }));
    ASSERT_TRUE(auth::PbsAuthenticator(cfg, auth::HashScheme::Sha256Crypt)
                    .store_password(user.name(), kPassword));
    auth::AclUpdate acl;
    acl.path = "/datastore/store1";
    acl.role = "DatastoreAdmin";
    acl.propagate = true;
    acl.auth_id = *types::Authid::parse("backup@pbs");
    ASSERT_TRUE(auth::AclConfig::update(cfg, acl));

    ferryd_ = std::make_unique<test::FerrydProcess>(test::FerrydOptions{
        .config_dir = tmp_.path() / "etc", .var_dir = tmp_.path()});
    ASSERT_EQ(ferryd_->start(), "");
    fingerprint_ = ferryd_->fingerprint();
    ASSERT_FALSE(fingerprint_.empty()) << ferryd_->log();
    repository_ = "backup@pbs@127.0.0.1:" + std::to_string(ferryd_->port()) + ":store1";
    std::filesystem::create_directories(tmp_.path() / "scratch");
  }

  // ferry-client <args> with the repository, password and fingerprint in the environment.
  test::RunResult client(std::vector<std::string> args,
                         std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), kClientBin);
    env.emplace("PBS_REPOSITORY", repository_);
    env.emplace("PBS_PASSWORD", kPassword);
    env.emplace("PBS_FINGERPRINT", fingerprint_);
    return test::run_process(args, env, tmp_.path() / "scratch");
  }

  json client_json(std::vector<std::string> args) {
    args.insert(args.end(), {"--output-format", "json"});
    const auto r = client(args);
    EXPECT_EQ(r.status, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }

  std::filesystem::path path(const std::string& name) const { return tmp_.path() / name; }

  test::StoreTempDir tmp_;  // tmpfs when available: the chunk store has 65536 directories
  std::unique_ptr<test::FerrydProcess> ferryd_;
  std::string fingerprint_;
  std::string repository_;
};

TEST_F(ClientCliTest, BackupIncrementalRestoreProtectAndForget) {
  // 20 MiB = 5 chunks; the second version changes 2 MiB (10 %) inside chunk 1 only.
  const std::string v1 = random_bytes(20 * kMiB, 1);
  std::string v2 = v1;
  const std::string patch = random_bytes(2 * kMiB, 2);
  v2.replace(5 * kMiB, patch.size(), patch);
  write_file(path("disk.img"), v1);

  auto first = client({"backup", "disk.img:" + path("disk.img").string(), "--backup-id",
                       "web1", "--backup-time", "1700000000"});
  ASSERT_EQ(first.status, 0) << first.err << ferryd_->log();
  EXPECT_NE(first.err.find("uploaded 5 chunks"), std::string::npos) << first.err;
  EXPECT_NE(first.err.find("reused 0 chunks"), std::string::npos) << first.err;

  write_file(path("disk.img"), v2);
  auto second = client({"backup", "disk.img:" + path("disk.img").string(), "--backup-id",
                        "web1", "--backup-time", "1700000100"});
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_NE(second.err.find("uploaded 1 chunks"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("reused 4 chunks (16.00 MiB, 80.0%)"), std::string::npos)
      << second.err;

  const json groups = client_json({"list"});
  ASSERT_TRUE(groups.is_array() && groups.size() == 1) << groups;
  EXPECT_EQ(groups[0]["backup-type"], "host");
  EXPECT_EQ(groups[0]["backup-id"], "web1");
  EXPECT_EQ(groups[0]["backup-count"], 2);
  const auto text_list = client({"list"});
  EXPECT_NE(text_list.out.find("│ host/web1 │ 2023-11-14T22:15:00Z"), std::string::npos)
      << text_list.out;

  const json snaps = client_json({"snapshot", "list", "host/web1"});
  ASSERT_TRUE(snaps.is_array() && snaps.size() == 2) << snaps;

  // Restore both versions: the new one into a file, the old one through stdout.
  auto restored = client({"restore", "host/web1/2023-11-14T22:15:00Z", "disk.img",
                          path("restored.img").string()});
  ASSERT_EQ(restored.status, 0) << restored.err;
  EXPECT_TRUE(test::read_whole_file(path("restored.img")) == v2);
  auto streamed = client({"restore", "host/web1/1700000000", "disk.img.fidx", "-"});
  ASSERT_EQ(streamed.status, 0) << streamed.err;
  EXPECT_EQ(streamed.out.size(), v1.size());
  EXPECT_TRUE(streamed.out == v1);

  // A protected snapshot cannot be forgotten.
  const std::string snap = "host/web1/1700000000";
  ASSERT_EQ(client({"snapshot", "protected", "update", snap, "true"}).status, 0);
  EXPECT_EQ(client_json({"snapshot", "protected", "show", snap}), json(true));
  auto refused = client({"snapshot", "forget", snap});
  EXPECT_EQ(refused.status, 255);
  EXPECT_NE(refused.err.find("protected"), std::string::npos) << refused.err;
  ASSERT_EQ(client({"snapshot", "protected", "update", snap, "false"}).status, 0);
  auto forgot = client({"snapshot", "forget", snap});
  ASSERT_EQ(forgot.status, 0) << forgot.err;
  EXPECT_EQ(client_json({"snapshot", "list"}).size(), 1u);

  const json status = client_json({"status"});
  EXPECT_TRUE(status.contains("total") && status.contains("used")) << status;
}

TEST_F(ClientCliTest, BadInputFailsWithOneClearErrorLine) {
  write_file(path("disk.img"), random_bytes(kMiB, 3));
  struct Case {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"list"}, {{"PBS_REPOSITORY", "x@pbs@:store1"}}, "invalid repository 'x@pbs@:store1'"},
      {{"backup", "disk:" + path("disk.img").string()}, {}, "invalid archive spec 'disk:"},
      {{"backup", "disk.img:" + path("missing.img").string()}, {}, "open image '"},
      {{"restore", "host/nope/1700000000", "disk.img", path("out.img").string()}, {}, ""},
      {{"restore", "host/web1/yesterday", "disk.img", path("out.img").string()},
       {},
       "invalid snapshot 'host/web1/yesterday'"},
      {{"restore", "host/web1/1700000000", "disk.pxar", path("out.img").string()},
       {},
       "invalid archive 'disk.pxar'"},
      {{"list"}, {{"PBS_PASSWORD", "wrong"}}, ""},
      {{"snapshot", "forget", "host/nope/1700000000"}, {}, ""},
  };
  for (const auto& c : cases) {
    const auto r = client(c.args, c.env);
    const std::string what = c.args[0] + " " + c.args.back();
    EXPECT_EQ(r.status, 255) << what << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("Error: ", 0), 0u) << what << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << what << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << what << "\n" << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(path("out.img")));

  // A backup older than the last one is refused by the server and leaves no snapshot.
  ASSERT_EQ(client({"backup", "disk.img:" + path("disk.img").string(), "--backup-id", "web1",
                    "--backup-time", "1700000100"})
                .status,
            0);
  auto older = client({"backup", "disk.img:" + path("disk.img").string(), "--backup-id",
                       "web1", "--backup-time", "1700000000"});
  EXPECT_EQ(older.status, 255);
  EXPECT_NE(older.err.find("last backup"), std::string::npos) << older.err;
  // Restoring onto an existing file is refused.
  write_file(path("exists.img"), "keep");
  auto exists = client({"restore", "host/web1/1700000100", "disk.img", path("exists.img").string()});
  EXPECT_EQ(exists.status, 255);
  EXPECT_NE(exists.err.find("already exists"), std::string::npos) << exists.err;
  EXPECT_EQ(test::read_whole_file(path("exists.img")), "keep");
}

}  // namespace
}  // namespace ferry

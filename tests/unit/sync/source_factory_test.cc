// open_sync_source: remote.cfg entries become logged-in RemoteSyncSources (against
// FakePbsServer over real TLS), local names become LocalSyncSources (sync-test-cases I2–I4).
#include "sync/source_factory.h"

#include <fstream>

#include <gtest/gtest.h>

#include "config/remote_config.h"
#include "fake_pbs_server.h"
#include "sync_test_support.h"

namespace ferry::sync::test {
namespace {

class SourceFactoryTest : public SyncFixture {
 protected:
  void SetUp() override {
    make_source({.snapshots = {{.group = "vm/100", .time = t(1)}}});
    server_ = std::make_unique<FakePbsServer>(*src_, FakePbsServer::Options{});
    std::filesystem::create_directories(dir_ / "etc");
  }

  // remote.cfg with one remote "pbs2" pointing at the fake server.
  void write_remote(std::string_view fingerprint, std::string_view password) {
    auto o = server_->client_options();
    std::ofstream out(dir_ / "etc" / "remote.cfg");
    out << "remote: pbs2\n"
        << "\tauth-id " << o.auth_id->to_string() << "\n"
        << "\tfingerprint " << fingerprint << "\n"
        << "\thost 127.0.0.1\n"
        << "\tpassword " << config::RemoteConfig::encode_password(password) << "\n"
        << "\tport " << o.port << "\n";
  }

  Result<std::unique_ptr<SyncSource>> open(std::optional<std::string> remote,
                                           std::string store = "src") {
    SyncSourceSpec spec;
    spec.remote = std::move(remote);
    spec.source_store = std::move(store);
    spec.user_info = users_;
    DatastoreLookup lookup = [this](std::string_view name)
        -> Result<std::shared_ptr<datastore::Datastore>> {
      if (name != "src") return make_error(Errc::InvalidArgument, "datastore '{}' does not exist", name);
      return std::shared_ptr<datastore::Datastore>(src_.get(), [](datastore::Datastore*) {});
    };
    return open_sync_source(config::ConfigDir(dir_ / "etc"), spec, lookup);
  }

  std::unique_ptr<FakePbsServer> server_;
};

TEST_F(SourceFactoryTest, RemoteEntryGivesALoggedInRemoteSource) {
  write_remote(*server_->client_options().fingerprint, "secret");
  auto source = open("pbs2");
  ASSERT_TRUE(source) << source.error().to_string();
  EXPECT_EQ(server_->requests_to("/access/ticket"), 1u) << "the source logs in when opened";
  auto groups = (*source)->list_groups({});
  ASSERT_TRUE(groups) << groups.error().to_string();
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].to_string(), "vm/100");
}

TEST_F(SourceFactoryTest, UnknownRemoteIsNamed) {
  write_remote(*server_->client_options().fingerprint, "secret");
  auto source = open("nope");
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().code(), Errc::InvalidArgument);
  EXPECT_EQ(source.error().message(), "no such remote 'nope'");
}

TEST_F(SourceFactoryTest, WrongFingerprintNamesBothFingerprints) {
  const std::string actual = *server_->client_options().fingerprint;
  const std::string wrong =
      "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:"
      "ee:ff";
  write_remote(wrong, "secret");
  auto source = open("pbs2");
  ASSERT_FALSE(source);
  const std::string text = source.error().to_string();
  EXPECT_NE(text.find("remote 'pbs2'"), std::string::npos) << text;
  EXPECT_NE(text.find(wrong), std::string::npos) << text;
  std::string lower = actual;
  for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_TRUE(text.find(actual) != std::string::npos || text.find(lower) != std::string::npos)
      << text;
  EXPECT_EQ(server_->requests_to("/access/ticket"), 0u);
}

TEST_F(SourceFactoryTest, WrongPasswordFailsWhenOpening) {
  write_remote(*server_->client_options().fingerprint, "not the secret");
  auto source = open("pbs2");
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().code(), Errc::Unauthenticated) << source.error().to_string();
  EXPECT_NE(source.error().to_string().find("remote 'pbs2'"), std::string::npos);
}

TEST_F(SourceFactoryTest, WithoutRemoteTheLocalDatastoreIsTheSource) {
  auto source = open(std::nullopt);
  ASSERT_TRUE(source) << source.error().to_string();
  auto groups = (*source)->list_groups({});
  ASSERT_TRUE(groups);
  EXPECT_EQ(groups->size(), 1u);
  auto missing = open(std::nullopt, "nosuch");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "datastore 'nosuch' does not exist");
}

}  // namespace
}  // namespace ferry::sync::test

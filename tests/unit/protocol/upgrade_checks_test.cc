#include "protocol/upgrade_checks.h"

#include <gtest/gtest.h>

#include "datastore/datastore.h"
#include "protocol/backup_session.h"
#include "protocol/reader_session.h"
#include "support/manual_clock.h"
#include "support/store_temp_dir.h"

namespace ferry::protocol {
namespace {

constexpr int64_t kT0 = 1700000000;

class UpgradeChecksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = datastore::Datastore::create("store1", dir_ / "ds",
                                              {.lock_dir = dir_ / "locks", .clock = &clock_});
    ASSERT_TRUE(store) << store.error().to_string();
    store_ = std::move(*store);
  }
  UpgradeRequest request(std::string_view group, std::string_view protocol) {
    return UpgradeRequest{
        .store = "store1",
        .ns = {},
        .dir = *types::BackupDir::create(*types::BackupGroup::parse(group), kT0),
        .benchmark = false,
        .upgrade_header = std::string(protocol),
    };
  }
  PrivilegeLookup grant(auth::Privileges p) {
    return [p](std::string_view) { return p; };
  }
  DatastoreLookup lookup() {
    return [this](std::string_view) -> Result<datastore::Datastore*> { return store_.get(); };
  }
  types::Authid alice = *types::Authid::parse("alice@pbs");
  types::Authid bob = *types::Authid::parse("bob@pbs");
  test::ManualClock clock_{kT0 + 42};
  test::StoreTempDir dir_;
  std::unique_ptr<datastore::Datastore> store_;
};

TEST_F(UpgradeChecksTest, BackupChecksRunInPbsOrderWithPbsTexts) {
  auto req = request("vm/100", kBackupProtocolId);
  auto r = start_backup(req, alice, grant(auth::kPrivDatastoreRead), lookup());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 403);
  EXPECT_EQ(r.error().message, "missing permissions 'Datastore.Backup' on '/datastore/store1'");
  req.upgrade_header.reset();
  r = start_backup(req, alice, grant(auth::kPrivDatastoreBackup), lookup());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "missing Upgrade header");
  req.upgrade_header = std::string(kReaderProtocolId);
  r = start_backup(req, alice, grant(auth::kPrivDatastoreBackup), lookup());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "invalid protocol name");
  req.upgrade_header = std::string(kBackupProtocolId);
  req.ns = *types::BackupNamespace::parse("missing");
  r = start_backup(req, alice, grant(auth::kPrivDatastoreBackup), lookup());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 404);
  EXPECT_EQ(r.error().message, "namespace not found");
  req.ns = {};
  req.benchmark = true;
  r = start_backup(req, alice, grant(auth::kPrivDatastoreBackup), lookup());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 400);
  req.benchmark = false;
  r = start_backup(req, alice, grant(auth::kPrivDatastoreBackup), lookup());
  ASSERT_TRUE(r) << r.error().message;
}

TEST_F(UpgradeChecksTest, OwnerRuleAppliesToBackupAndToReaderWithoutRead) {
  {
    auto r = start_backup(request("ct/1", kBackupProtocolId), alice,
                          grant(auth::kPrivDatastoreBackup), lookup());
    ASSERT_TRUE(r) << r.error().message;  // group created, owned by alice; session aborts
  }
  auto other = request("ct/1", kBackupProtocolId);
  other.dir = *types::BackupDir::create(other.dir.group(), kT0 + 1);
  auto b = start_backup(other, bob, grant(auth::kPrivDatastoreBackup), lookup());
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().status, 400);
  EXPECT_NE(b.error().message.find("backup owner check failed"), std::string::npos);

  auto req = request("ct/1", kReaderProtocolId);
  auto none = start_reader(req, bob, grant(0), lookup());
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "no permissions on /datastore/store1");
  auto owner = start_reader(req, bob, grant(auth::kPrivDatastoreBackup), lookup());
  ASSERT_FALSE(owner);
  EXPECT_EQ(owner.error().message, "backup owner check failed!");
  auto reader = start_reader(req, bob, grant(auth::kPrivDatastoreRead), lookup());
  ASSERT_FALSE(reader);  // passes the owner rule; the aborted snapshot does not exist
  EXPECT_EQ(reader.error().message, "snapshot ct/1/1700000000 does not exist.");
}

}  // namespace
}  // namespace ferry::protocol

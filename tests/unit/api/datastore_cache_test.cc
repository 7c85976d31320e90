// api::DatastoreCache: maintenance modes refuse operations in PBS's words (sync-test-cases.md
// I6), the `tuning` sync level reaches the opened store (config-format.md: default
// filesystem), and unknown names fail as PBS's lookup does.
#include "api/admin/datastore_cache.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "support/store_temp_dir.h"

namespace ferry::api {
namespace {

class DatastoreCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(etc_);
    auto store = datastore::Datastore::create("store1", dir_.path() / "store1",
                                              {.lock_dir = dir_.path() / "locks"});
    ASSERT_TRUE(store) << store.error().to_string();
  }

  // datastore.cfg with `store1` and the given extra property lines ("\tkey value\n").
  void configure(const std::string& extra) {
    std::ofstream(etc_ / "datastore.cfg")
        << "datastore: store1\n\tpath " << (dir_.path() / "store1").string() << "\n"
        << extra;
  }

  std::string error_of(DatastoreOperation op) {
    auto r = cache_.lookup("store1", op);
    return r ? "" : r.error().to_string();
  }

  test::StoreTempDir dir_;
  std::filesystem::path etc_ = dir_.path() / "etc";
  DatastoreCache cache_{config::ConfigDir(etc_), dir_.path() / "locks", SystemClock::instance()};
};

TEST_F(DatastoreCacheTest, UnknownDatastoreFailsInPbsWords) {
  configure("");
  auto r = cache_.lookup("nosuch");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::InvalidArgument);
  EXPECT_EQ(r.error().to_string(), "no such datastore 'nosuch'");
}

TEST_F(DatastoreCacheTest, MaintenanceModesRefuseOperationsInPbsWords) {
  struct Case {
    std::string mode;
    std::string read_error, write_error;
  };
  const Case cases[] = {
      {"", "", ""},
      {"read-only,message=disk swap", "", "datastore 'store1': read-only maintenance mode: disk swap"},
      {"offline,message=moving", "datastore 'store1': offline maintenance mode: moving",
       "datastore 'store1': offline maintenance mode: moving"},
      {"delete", "datastore 'store1': datastore is being deleted",
       "datastore 'store1': datastore is being deleted"},
  };
  for (const auto& c : cases) {
    configure(c.mode.empty() ? "" : "\tmaintenance-mode type=" + c.mode + "\n");
    EXPECT_EQ(error_of(DatastoreOperation::Read), c.read_error) << c.mode;
    EXPECT_EQ(error_of(DatastoreOperation::Write), c.write_error) << c.mode;
  }
}

TEST_F(DatastoreCacheTest, TuningSyncLevelReachesTheStoreAndAChangeReopensIt) {
  configure("");
  auto plain = cache_.lookup("store1");
  ASSERT_TRUE(plain) << plain.error().to_string();
  EXPECT_EQ((*plain)->chunk_store().sync_level(), datastore::SyncLevel::Filesystem);
  configure("\ttuning sync-level=none\n");
  auto none = cache_.lookup("store1");
  ASSERT_TRUE(none) << none.error().to_string();
  EXPECT_EQ((*none)->chunk_store().sync_level(), datastore::SyncLevel::None);
  configure("\ttuning chunk-order=none,sync-level=file\n");
  auto file = cache_.lookup("store1");
  ASSERT_TRUE(file) << file.error().to_string();
  EXPECT_EQ((*file)->chunk_store().sync_level(), datastore::SyncLevel::File);
  EXPECT_EQ(cache_.lookup("store1")->get(), file->get()) << "unchanged config: cached";
  configure("\ttuning sync-level=sometimes\n");
  auto bad = cache_.lookup("store1");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().to_string().find("invalid value for property 'tuning' in datastore "
                                          "'store1'"),
            std::string::npos)
      << bad.error().to_string();
}

}  // namespace
}  // namespace ferry::api

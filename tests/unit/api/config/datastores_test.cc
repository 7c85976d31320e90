#include "api/config/datastores.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config_file.h"
#include "support/store_temp_dir.h"
#include "unit/api/config/config_fixture.h"

namespace ferry::api {
namespace {

class DatastoresTest : public ConfigServiceTest {
 protected:
  DatastoreCreateParams store1() {
    DatastoreCreateParams p;
    p.name = "store1";
    p.path = (tmp_ / "store1").string();
    return p;
  }
};

TEST_F(DatastoresTest, CreateMakesTheChunkStoreAndTheConfigEntry) {
  // The one test that creates a real chunk store (65536 directories) puts it on tmpfs when
  // there is one: creating and removing them on disk takes seconds.
  test::StoreTempDir scratch;
  auto p = store1();
  p.path = (scratch / "store1").string();
  p.props.comment = "Main store";
  p.props.gc_schedule = "daily";
  p.props.tuning = "chunk-order=none,sync-level=file";
  p.props.notification_mode = "notification-system";
  ASSERT_TRUE(create_datastore(dir_, root_, p));
  EXPECT_EQ(read("datastore.cfg"),
            "datastore: store1\n\tcomment Main store\n\tgc-schedule daily\n"
            "\tnotification-mode notification-system\n\tpath " + p.path +
                "\n\ttuning chunk-order=none,sync-level=file\n");
  EXPECT_TRUE(*fs::is_directory(scratch / "store1" / ".chunks" / "0000"));
  EXPECT_TRUE(*fs::is_directory(scratch / "store1" / ".chunks" / "ffff"));
  EXPECT_TRUE(*fs::exists(scratch / "store1" / ".lock"));

  auto list = list_datastores(dir_, root_);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->data.size(), 1u);
  EXPECT_EQ(list->digest, config::config_digest(read("datastore.cfg")));
  auto one = read_datastore(dir_, root_, "store1");
  ASSERT_TRUE(one);
  nlohmann::json j = to_json(one->data);
  EXPECT_EQ(j["name"], "store1");
  EXPECT_EQ(j["path"], p.path);
  EXPECT_EQ(j["gc-schedule"], "daily");
  EXPECT_FAILS_WITH(read_datastore(dir_, root_, "nope"), Errc::NotFound,
                    "no such datastore 'nope'");
}

TEST_F(DatastoresTest, UpdateAndDeleteProperties) {
  write("datastore.cfg", "datastore: store1\n\tkeep-last 3\n\tpath /srv/store1\n");
  auto before = read_datastore(dir_, root_, "store1");
  ASSERT_TRUE(before);
  DatastoreUpdateParams u;
  u.props.keep_daily = 7;
  u.props.verify_new = true;
  u.props.maintenance_mode = "read-only,message=disk swap";
  u.delete_props = {"keep-last"};
  u.digest = before->digest;
  ASSERT_TRUE(update_datastore(dir_, root_, "store1", u));
  EXPECT_EQ(read("datastore.cfg"),
            "datastore: store1\n\tkeep-daily 7\n\tmaintenance-mode read-only,message=disk swap\n"
            "\tpath /srv/store1\n\tverify-new true\n");

  auto snap = snapshot();
  DatastoreUpdateParams stale;
  stale.props.comment = "x";
  stale.digest = before->digest;
  EXPECT_FAILS_WITH(update_datastore(dir_, root_, "store1", stale), Errc::Conflict,
                    "datastore.cfg: configuration changed on disk: digest mismatch");
  DatastoreUpdateParams path;
  path.delete_props = {"path"};
  EXPECT_FAILS_WITH(update_datastore(dir_, root_, "store1", path), Errc::InvalidArgument,
                    "cannot delete property 'path'");
  EXPECT_FAILS_WITH(update_datastore(dir_, root_, "nope", DatastoreUpdateParams{}),
                    Errc::NotFound, "no such datastore 'nope'");
  EXPECT_EQ(snapshot(), snap);
}

TEST_F(DatastoresTest, DeleteRemovesJobsUnlessAskedToKeepThem) {
  write("datastore.cfg",
        "datastore: store1\n\tpath /srv/store1\n\ndatastore: store2\n\tpath /srv/store2\n");
  write("sync.cfg",
        "sync: job1\n\tremote-store store2\n\tstore store1\n\n"
        "sync: job2\n\tremote-store store1\n\tstore store2\n");
  write("verification.cfg", "verification: v-1\n\tstore store1\n\nverification: v-2\n"
                            "\tstore store2\n");
  EXPECT_FAILS_WITH(delete_datastore(dir_, root_, "nope", {}), Errc::NotFound,
                    "datastore 'nope' does not exist.");

  DatastoreDeleteParams keep;
  keep.keep_job_configs = true;
  ASSERT_TRUE(delete_datastore(dir_, root_, "store2", keep));
  EXPECT_EQ(read("datastore.cfg"), "datastore: store1\n\tpath /srv/store1\n");
  EXPECT_NE(read("sync.cfg").find("job2"), std::string::npos);

  ASSERT_TRUE(delete_datastore(dir_, root_, "store1", {}));
  EXPECT_EQ(read("datastore.cfg"), "");
  EXPECT_EQ(read("sync.cfg"), "sync: job2\n\tremote-store store1\n\tstore store2\n");
  EXPECT_EQ(read("verification.cfg"), "verification: v-2\n\tstore store2\n");
}

struct BadStoreCase {
  std::string name;
  std::function<void(DatastoreCreateParams&)> change;
  Errc code;
  std::string error;
};

TEST_F(DatastoresTest, BadCreateInputIsRejectedAndChangesNothing) {
  ASSERT_TRUE(fs::make_dir(tmp_ / "busy"));
  ASSERT_TRUE(fs::atomic_replace(tmp_ / "busy" / "file", std::string_view("x")));
  write("datastore.cfg", "datastore: store1\n\tpath /srv/store1\n");
  const std::vector<BadStoreCase> cases = {
      {"duplicate name", [](auto& p) { p.name = "store1"; }, Errc::AlreadyExists,
       "datastore 'store1' already exists."},
      {"bad name", [](auto& p) { p.name = "s"; }, Errc::InvalidArgument,
       "invalid parameter 'name': invalid datastore name 's'"},
      {"relative path", [](auto& p) { p.path = "relative/dir"; }, Errc::InvalidArgument,
       "invalid parameter 'path': 'relative/dir' is not an absolute path"},
      {"non-empty directory", [this](auto& p) { p.path = (tmp_ / "busy").string(); },
       Errc::InvalidArgument, "create datastore 'store2'"},
      {"bad gc-schedule", [](auto& p) { p.props.gc_schedule = "every day"; },
       Errc::InvalidArgument, "invalid parameter 'gc-schedule': invalid calendar event"},
      {"bad prune-schedule", [](auto& p) { p.props.prune_schedule = "*:60"; },
       Errc::InvalidArgument, "invalid parameter 'prune-schedule'"},
      {"keep-last 0", [](auto& p) { p.props.keep_last = 0; }, Errc::InvalidArgument,
       "invalid parameter 'keep-last': value '0' is out of range (minimum 1)"},
      {"bad tuning", [](auto& p) { p.props.tuning = "chunk-order=random"; },
       Errc::InvalidArgument, "invalid parameter 'tuning'"},
      {"unknown tuning key", [](auto& p) { p.props.tuning = "gc-atime-cutoff=5"; },
       Errc::InvalidArgument, "unknown key 'gc-atime-cutoff'"},
      {"bad maintenance mode", [](auto& p) { p.props.maintenance_mode = "maybe"; },
       Errc::InvalidArgument, "invalid parameter 'maintenance-mode'"},
      {"bad notify-user", [](auto& p) { p.props.notify_user = "root"; }, Errc::InvalidArgument,
       "invalid parameter 'notify-user'"},
      {"bad notification mode", [](auto& p) { p.props.notification_mode = "email"; },
       Errc::InvalidArgument, "invalid parameter 'notification-mode'"},
      {"bad notify", [](auto& p) { p.props.notify = "gc=sometimes"; }, Errc::InvalidArgument,
       "invalid parameter 'notify'"},
  };
  for (const BadStoreCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto snap = snapshot();
    DatastoreCreateParams p;
    p.name = "store2";
    p.path = (tmp_ / "store2").string();
    c.change(p);
    EXPECT_FAILS_WITH(create_datastore(dir_, root_, p), c.code, c.error);
    EXPECT_EQ(snapshot(), snap);
    EXPECT_FALSE(*fs::exists(tmp_ / "store2")) << "datastore directory created";
  }
}

}  // namespace
}  // namespace ferry::api

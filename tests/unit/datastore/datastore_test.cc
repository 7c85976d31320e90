#include "datastore/datastore.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "common/fs.h"
#include "support/datastore_builder.h"
#include "support/store_temp_dir.h"

namespace ferry::datastore {
namespace {

namespace stdfs = std::filesystem;
using types::Authid;
using types::BackupDir;
using types::BackupGroup;
using types::BackupNamespace;

constexpr int64_t kT0 = 1700000000;

BackupNamespace ns(std::string_view text) { return *BackupNamespace::parse(text); }
BackupGroup group(std::string_view text) { return *BackupGroup::parse(text); }
BackupDir snap(std::string_view g, int64_t t) { return *BackupDir::create(group(g), t); }
Authid auth(std::string_view text) { return *Authid::parse(text); }

// Every path below `root`, relative, sorted: the whole visible state of a directory tree.
std::vector<std::string> tree(const stdfs::path& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = stdfs::recursive_directory_iterator(root, ec); it != decltype(it)(); ++it) {
    if (it->path().filename() == ".chunks") it.disable_recursion_pending();
    out.push_back(stdfs::relative(it->path(), root).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class DatastoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Datastore::create("store1", base(), {.lock_dir = dir_ / "locks"});
    ASSERT_TRUE(store) << store.error().to_string();
    store_ = std::move(*store);
  }
  stdfs::path base() const { return dir_ / "ds"; }
  Datastore& store() { return *store_; }
  // A group created the way a backup creates it (lock released on return).
  void make_group(const BackupNamespace& n, std::string_view g,
                  std::string_view owner = "backup@pbs") {
    auto locked = store().create_locked_group(n, group(g), auth(owner));
    ASSERT_TRUE(locked) << locked.error().to_string();
  }
  void add_snapshot(std::string_view n, std::string_view g, int64_t t, bool prot = false) {
    test::TestSnapshotSpec spec{std::string(n), std::string(g), t, {uint64_t(t % 97 + 1)}, 7, prot};
    auto st = test::write_test_snapshot(store(), spec, auth("backup@pbs"));
    ASSERT_TRUE(st) << st.error().to_string();
  }

  test::StoreTempDir dir_;
  std::unique_ptr<Datastore> store_;
};

TEST_F(DatastoreTest, OpenRequiresLockDirValidNameAndADatastore) {
  EXPECT_TRUE(Datastore::open("store1", base(), {.lock_dir = dir_ / "locks"}));
  auto no_locks = Datastore::open("store1", base(), {});
  ASSERT_FALSE(no_locks);
  EXPECT_EQ(no_locks.error().code(), Errc::InvalidArgument);
  EXPECT_FALSE(Datastore::open("../x", base(), {.lock_dir = dir_ / "locks"}));
  auto not_store = Datastore::open("store1", dir_ / "locks", {.lock_dir = dir_ / "locks"});
  ASSERT_FALSE(not_store);
  EXPECT_EQ(not_store.error().code(), Errc::NotFound);
}

TEST_F(DatastoreTest, PathsFollowTheOnDiskLayout) {
  EXPECT_EQ(store().namespace_path({}), base());
  EXPECT_EQ(store().namespace_path(ns("a/b")), base() / "ns/a/ns/b");
  EXPECT_EQ(store().snapshot_path(ns("a"), snap("vm/100", 1717597476)),
            base() / "ns/a/vm/100/2024-06-05T14:24:36Z");
  EXPECT_EQ(store().manifest_lock_path(ns("a"), snap("vm/100", 1717597476)),
            dir_ /
                "locks/store1/ns/a/vm/100/2024-06-05T14:24:36Z/"
                "2024-06-05T14:24:36Z.index.json.lck");
  EXPECT_EQ(store().manifest_lock_path({}, snap("ct/7", 1717597476)),
            dir_ / "locks/store1/ct/7/2024-06-05T14:24:36Z/2024-06-05T14:24:36Z.index.json.lck");
}

TEST_F(DatastoreTest, CreateNamespaceNeedsParentAndRefusesDuplicatesAndRoot) {
  auto orphan = store().create_namespace(ns("a/b"));
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code(), Errc::NotFound);
  EXPECT_NE(orphan.error().to_string().find("parent namespace 'a'"), std::string::npos);
  ASSERT_TRUE(store().create_namespace(ns("a")));
  ASSERT_TRUE(store().create_namespace(ns("a/b")));
  auto dup = store().create_namespace(ns("a/b"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), Errc::AlreadyExists);
  EXPECT_EQ(store().create_namespace({}).error().code(), Errc::InvalidArgument);
  EXPECT_TRUE(*fs::is_directory(base() / "ns/a/ns/b"));
  EXPECT_TRUE(*store().namespace_exists(ns("a/b")));
  EXPECT_FALSE(*store().namespace_exists(ns("b")));
}

TEST_F(DatastoreTest, InvalidNamespaceAndArchiveNamesNeverReachTheDisk) {
  const std::vector<std::string> bad = {"..",
                                        "a/..",
                                        "../a",
                                        "/a",
                                        "a/",
                                        "a//b",
                                        ".hidden",
                                        "a b",
                                        "1/2/3/4/5/6/7/8",
                                        std::string(257, 'x'),
                                        std::string(200, 'x') + "/" + std::string(60, 'y')};
  for (const auto& text : bad) {
    EXPECT_FALSE(BackupNamespace::parse(text)) << "'" << text << "'";
  }
  auto deepest = BackupNamespace::parse("1/2/3/4/5/6/7");
  ASSERT_TRUE(deepest);
  EXPECT_FALSE(deepest->child("8")) << "an 8th level must be refused";
  EXPECT_FALSE(BackupGroup::parse("vm/../x"));
  EXPECT_FALSE(BackupGroup::parse("tape/1"));
  EXPECT_FALSE(BackupDir::parse("vm/1/2024-06-05T14:24:36"));
  EXPECT_EQ(tree(base()), (std::vector<std::string>{".chunks", ".lock"}));
}

TEST_F(DatastoreTest, ListNamespacesHonoursMaxDepthAndIgnoresJunk) {
  for (const char* n : {"a", "a/b", "a/b/c", "z"}) ASSERT_TRUE(store().create_namespace(ns(n)));
  ASSERT_TRUE(fs::make_dirs(base() / "ns/.hidden"));
  ASSERT_TRUE(fs::make_dirs(base() / "ns/bad name"));
  ASSERT_TRUE(fs::create_exclusive(base() / "ns/a/ns/file", ByteView()));
  EXPECT_EQ(*store().list_namespaces({}, 7),
            (std::vector<BackupNamespace>{ns(""), ns("a"), ns("a/b"), ns("a/b/c"), ns("z")}));
  EXPECT_EQ(*store().list_namespaces({}, 1),
            (std::vector<BackupNamespace>{ns(""), ns("a"), ns("z")}));
  EXPECT_EQ(*store().list_namespaces(ns("a/b"), 7),
            (std::vector<BackupNamespace>{ns("a/b"), ns("a/b/c")}));
  EXPECT_EQ(store().list_namespaces(ns("q"), 7).error().code(), Errc::NotFound);
}

TEST_F(DatastoreTest, DeleteNamespaceRefusesGroupsUnlessDeletingThem) {
  for (const char* n : {"a", "a/b", "a/b/c"}) ASSERT_TRUE(store().create_namespace(ns(n)));
  add_snapshot("a/b", "vm/1", kT0);
  auto refused = store().delete_namespace(ns("a"), false);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), Errc::Conflict);
  EXPECT_NE(refused.error().to_string().find("'a/b' is not empty"), std::string::npos);
  EXPECT_TRUE(*store().namespace_exists(ns("a/b/c")));  // nothing removed

  ASSERT_TRUE(store().delete_namespace(ns("a/b/c"), false));  // empty: fine
  ASSERT_TRUE(store().delete_namespace(ns("a"), true));
  EXPECT_FALSE(*store().namespace_exists(ns("a")));
  EXPECT_EQ(tree(base()), (std::vector<std::string>{".chunks", ".lock", "ns"}));
  EXPECT_EQ(store().delete_namespace({}, true).error().code(), Errc::InvalidArgument);
  EXPECT_EQ(store().delete_namespace(ns("a"), true).error().code(), Errc::NotFound);
}

TEST_F(DatastoreTest, DeleteNamespaceKeepsProtectedSnapshotsAndSaysSo) {
  ASSERT_TRUE(store().create_namespace(ns("a")));
  add_snapshot("a", "vm/1", kT0, /*prot=*/true);
  add_snapshot("a", "vm/1", kT0 + 10);
  add_snapshot("a", "ct/2", kT0);
  auto st = store().delete_namespace(ns("a"), true);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), Errc::Conflict);
  EXPECT_NE(st.error().to_string().find("vm/1/2023-11-14T22:13:20Z"), std::string::npos)
      << st.error().to_string();
  EXPECT_EQ(*store().list_groups(ns("a")), std::vector<BackupGroup>{group("vm/1")});
  auto left = store().list_snapshots(ns("a"), group("vm/1"));
  ASSERT_TRUE(left);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_TRUE((*left)[0].is_protected);
}

TEST_F(DatastoreTest, ListGroupsIsSortedAndIgnoresJunk) {
  for (const char* g : {"vm/2", "vm/10", "host/a", "ct/1"}) make_group({}, g);
  ASSERT_TRUE(fs::make_dirs(base() / "vm/.hidden"));
  ASSERT_TRUE(fs::make_dirs(base() / "vm/bad name"));
  ASSERT_TRUE(fs::make_dirs(base() / "tape/1"));
  ASSERT_TRUE(fs::create_exclusive(base() / "vm/file", ByteView()));
  ASSERT_TRUE(fs::create_exclusive(base() / "host/afile", ByteView()));
  EXPECT_EQ(*store().list_groups({}), (std::vector<BackupGroup>{group("ct/1"), group("host/a"),
                                                                group("vm/10"), group("vm/2")}));
  EXPECT_EQ(store().list_groups(ns("nope")).error().code(), Errc::NotFound);
  // Files where the type and namespace directories belong.
  ASSERT_TRUE(store().create_namespace(ns("j")));
  ASSERT_TRUE(fs::create_exclusive(base() / "ns/j/vm", ByteView()));
  ASSERT_TRUE(fs::create_exclusive(base() / "ns/j/ns", ByteView()));
  EXPECT_TRUE(store().list_groups(ns("j"))->empty());
  EXPECT_EQ(*store().list_namespaces(ns("j"), 7), std::vector<BackupNamespace>{ns("j")});
}

TEST_F(DatastoreTest, SnapshotListingIgnoresJunkAndReportsUnfinished) {
  add_snapshot("", "vm/100", kT0);
  const stdfs::path g = base() / "vm/100";
  for (const char* junk : {"2024-13-01T00:00:00Z", "2024-06-05T14:24:36", "notatime", ".tmp"}) {
    ASSERT_TRUE(fs::make_dirs(g / junk)) << junk;
  }
  ASSERT_TRUE(fs::create_exclusive(g / "2024-06-05T14:24:36Z", ByteView()));  // file, not dir
  const stdfs::path unfinished = g / "2024-06-06T00:00:00Z";
  ASSERT_TRUE(fs::make_dirs(unfinished / "sub.blob"));  // a directory named like an archive
  for (const char* f : {"a.fidx", "b.tmp_didx", "notes.txt", "index.json.tmp_x1Y2z3"}) {
    ASSERT_TRUE(fs::create_exclusive(unfinished / f, ByteView()));
  }
  auto list = store().list_snapshots({}, group("vm/100"));
  ASSERT_TRUE(list) << list.error().to_string();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].dir.time(), kT0);
  EXPECT_TRUE((*list)[0].finished);
  EXPECT_EQ((*list)[1].dir.time_string(), "2024-06-06T00:00:00Z");
  EXPECT_FALSE((*list)[1].finished);
  EXPECT_FALSE((*list)[1].size.has_value());
  EXPECT_EQ((*list)[1].files, std::vector<std::string>{"a.fidx"});
  auto last = store().last_finished_snapshot({}, group("vm/100"));
  ASSERT_TRUE(last && *last);
  EXPECT_EQ((*last)->dir.time(), kT0);
}

TEST_F(DatastoreTest, OwnerIsCreatedExclusivelyReadTrimmedAndReplaceable) {
  make_group({}, "vm/1", "alice@pbs");
  EXPECT_EQ(*fs::read_text_file(base() / "vm/1/owner", 100), "alice@pbs\n");
  EXPECT_EQ(*store().get_owner({}, group("vm/1")), auth("alice@pbs"));
  auto again = store().create_locked_group({}, group("vm/1"), auth("bob@pbs"));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->owner, auth("alice@pbs"));  // the existing owner, unchanged
  again->lock.release();

  ASSERT_TRUE(store().set_owner({}, group("vm/1"), auth("bob@pbs!tok")));
  EXPECT_EQ(*fs::read_text_file(base() / "vm/1/owner", 100), "bob@pbs!tok\n");
  ASSERT_TRUE(fs::atomic_replace(base() / "vm/1/owner", std::string_view("carol@pbs \t\r\nx\n")));
  EXPECT_EQ(*store().get_owner({}, group("vm/1")), auth("carol@pbs"));
  ASSERT_TRUE(fs::atomic_replace(base() / "vm/1/owner", std::string_view("not an authid\n")));
  EXPECT_EQ(store().get_owner({}, group("vm/1")).error().code(), Errc::Corruption);
  ASSERT_TRUE(fs::remove_file(base() / "vm/1/owner"));
  EXPECT_EQ(store().get_owner({}, group("vm/1")).error().code(), Errc::NotFound);
  EXPECT_EQ(store().set_owner({}, group("vm/2"), auth("a@pbs")).error().code(), Errc::NotFound);
  EXPECT_EQ(store().create_locked_group(ns("missing"), group("vm/1"), auth("a@pbs")).error().code(),
            Errc::NotFound);
}

TEST(CheckBackupOwnerTest, OwnerOrUserOfOwningTokenMayBackUp) {
  struct Case {
    const char* owner;
    const char* actor;
    bool allowed;
  };
  const Case cases[] = {
      {"a@pbs", "a@pbs", true},    {"a@pbs!t", "a@pbs", true},    {"a@pbs!t", "a@pbs!t", true},
      {"a@pbs", "a@pbs!t", false}, {"a@pbs!t", "a@pbs!u", false}, {"a@pbs", "b@pbs", false},
      {"a@pbs!t", "b@pbs", false}, {"a@pbs", "a@pam", false},
  };
  for (const auto& c : cases) {
    auto st = check_backup_owner(auth(c.owner), auth(c.actor));
    EXPECT_EQ(bool(st), c.allowed) << c.actor << " on group of " << c.owner;
    if (!st) {
      EXPECT_EQ(st.error().code(), Errc::PermissionDenied);
    }
  }
}

TEST_F(DatastoreTest, GroupNotesDefaultEmptyAndAreReplacedAsGiven) {
  make_group({}, "ct/5");
  EXPECT_EQ(*store().group_notes({}, group("ct/5")), "");
  ASSERT_TRUE(store().set_group_notes({}, group("ct/5"), "first line\nsecond"));
  EXPECT_EQ(*store().group_notes({}, group("ct/5")), "first line\nsecond");
  struct stat st {};
  ASSERT_EQ(::stat((base() / "ct/5/notes").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_EQ(store().group_notes({}, group("ct/6")).error().code(), Errc::NotFound);
}

TEST_F(DatastoreTest, DirectoryLocksConflictWithAClearMessage) {
  add_snapshot("", "vm/1", kT0);
  const BackupDir s = snap("vm/1", kT0);
  auto g1 = store().lock_group({}, group("vm/1"), LockMode::Exclusive);
  ASSERT_TRUE(g1);
  auto g2 = store().lock_group({}, group("vm/1"), LockMode::Exclusive);
  ASSERT_FALSE(g2);
  EXPECT_EQ(g2.error().code(), Errc::Conflict);
  EXPECT_NE(g2.error().to_string().find("\" - possible running backup"), std::string::npos)
      << g2.error().to_string();

  auto r1 = store().lock_snapshot({}, s, LockMode::Shared);
  auto r2 = store().lock_snapshot({}, s, LockMode::Shared);
  ASSERT_TRUE(r1 && r2);
  auto w = store().lock_snapshot({}, s, LockMode::Exclusive);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code(), Errc::Conflict);
  EXPECT_EQ(store().lock_snapshot({}, snap("vm/1", 5), LockMode::Shared).error().code(),
            Errc::NotFound);
}

TEST_F(DatastoreTest, DeleteSnapshotRefusesProtectedAndLockedAndRemovesLockFile) {
  add_snapshot("", "vm/1", kT0);
  const BackupDir s = snap("vm/1", kT0);
  ASSERT_TRUE(store().set_protected({}, s, true));
  EXPECT_TRUE(*store().is_protected({}, s));
  auto prot = store().delete_snapshot({}, s);
  ASSERT_FALSE(prot);
  EXPECT_EQ(prot.error().code(), Errc::Conflict);
  EXPECT_NE(prot.error().to_string().find("protected"), std::string::npos);
  ASSERT_TRUE(store().set_protected({}, s, false));
  {
    auto reader = store().lock_snapshot({}, s, LockMode::Shared);
    ASSERT_TRUE(reader);
    EXPECT_EQ(store().delete_snapshot({}, s).error().code(), Errc::Conflict);
    EXPECT_EQ(store().set_protected({}, s, true).error().code(), Errc::Conflict);
  }
  ASSERT_TRUE(store().update_manifest({}, s, [](BackupManifest& m) { return m.set_notes("n"); }));
  EXPECT_TRUE(*fs::exists(store().manifest_lock_path({}, s)));
  ASSERT_TRUE(store().delete_snapshot({}, s));
  EXPECT_FALSE(*fs::exists(store().snapshot_path({}, s)));
  EXPECT_FALSE(*fs::exists(store().manifest_lock_path({}, s)));
  EXPECT_TRUE(*store().group_exists({}, group("vm/1")));  // the group stays
  EXPECT_EQ(store().delete_snapshot({}, s).error().code(), Errc::NotFound);
}

TEST_F(DatastoreTest, DeleteGroupKeepsAndNamesProtectedSnapshots) {
  add_snapshot("", "vm/1", kT0, /*prot=*/true);
  add_snapshot("", "vm/1", kT0 + 60);
  add_snapshot("", "vm/1", kT0 + 120);
  auto partial = store().delete_group({}, group("vm/1"));
  ASSERT_FALSE(partial);
  EXPECT_EQ(partial.error().code(), Errc::Conflict);
  EXPECT_NE(partial.error().to_string().find("vm/1/2023-11-14T22:13:20Z"), std::string::npos)
      << partial.error().to_string();
  auto left = store().list_snapshots({}, group("vm/1"));
  ASSERT_TRUE(left);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].dir.time(), kT0);

  add_snapshot("", "ct/2", kT0);
  auto stats = store().delete_group({}, group("ct/2"));
  ASSERT_TRUE(stats) << stats.error().to_string();
  EXPECT_EQ(stats->removed_snapshots, 1u);
  EXPECT_FALSE(*store().group_exists({}, group("ct/2")));
  EXPECT_EQ(store().delete_group({}, group("ct/2")).error().code(), Errc::NotFound);
}

TEST_F(DatastoreTest, UpdateManifestWritesUnderLockAndAbortsOnError) {
  add_snapshot("", "host/h", kT0);
  const BackupDir s = snap("host/h", kT0);
  ASSERT_TRUE(store().update_manifest({}, s, [](BackupManifest& m) { return m.set_notes("hi"); }));
  EXPECT_EQ(store().load_manifest({}, s)->notes(), "hi");
  auto failed = store().update_manifest({}, s, [](BackupManifest& m) -> Status {
    m.clear_verify_state();
    (void)m.set_notes("changed");
    return make_error(Errc::Cancelled, "stop");
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(store().load_manifest({}, s)->notes(), "hi");
  EXPECT_EQ(store().load_manifest({}, snap("host/h", 5)).error().code(), Errc::NotFound);
}

}  // namespace
}  // namespace ferry::datastore

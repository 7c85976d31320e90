#include "datastore/chunk_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <numeric>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/fs.h"
#include "support/manual_clock.h"
#include "support/store_temp_dir.h"

namespace ferry::datastore {
namespace {

namespace stdfs = std::filesystem;

Bytes pattern(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = uint8_t((i * 7 + seed) % 251);
  return b;
}

DataBlob encode(ByteView data, const CryptConfig* crypt = nullptr, bool compress = false) {
  auto blob = DataBlob::encode(data, crypt, compress);
  EXPECT_TRUE(blob) << blob.error().to_string();
  return std::move(*blob);
}

CryptConfig test_key() {
  std::array<uint8_t, 32> key{};
  std::iota(key.begin(), key.end(), 0);
  return CryptConfig::from_key(key);
}

struct stat stat_of(const stdfs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st;
}

void set_times(const stdfs::path& p, time_t atime, time_t mtime) {
  const struct timespec t[2] = {{atime, 0}, {mtime, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), t, 0), 0) << p;
}

class ChunkStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = ChunkStore::create("store1", dir_ / "ds");
    ASSERT_TRUE(store) << store.error().to_string();
    store_.emplace(std::move(*store));
  }
  ChunkStore& store() { return *store_; }

  test::StoreTempDir dir_;
  std::optional<ChunkStore> store_;
};

TEST_F(ChunkStoreTest, CreateMakesAllPrefixDirectoriesLockFileAndModes) {
  const stdfs::path base = dir_ / "ds";
  auto entries = fs::list_dir(base / ".chunks");
  ASSERT_TRUE(entries);
  EXPECT_EQ(entries->size(), 65536u);
  for (const char* prefix : {"0000", "00ff", "ba78", "ffff"}) {
    auto st = stat_of(base / ".chunks" / prefix);
    EXPECT_TRUE(S_ISDIR(st.st_mode)) << prefix;
    EXPECT_EQ(st.st_mode & 07777, 0750u) << prefix;
  }
  EXPECT_EQ(stat_of(base / ".chunks").st_mode & 07777, 0750u);
  auto lock = stat_of(base / ".lock");
  EXPECT_TRUE(S_ISREG(lock.st_mode));
  EXPECT_EQ(lock.st_mode & 07777, 0644u);
  EXPECT_EQ(lock.st_size, 0);
}

TEST(ChunkStoreCreateTest, CreatesWellUnderAFewSeconds) {
  test::StoreTempDir dir;
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(ChunkStore::create("store1", dir / "ds"));
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Bound for a loaded shared machine; ~0.3 s on tmpfs, ~3 s on the build machine's ext4.
  EXPECT_LT(secs, 8.0) << "creating the chunk store took " << secs << " s";
}

TEST_F(ChunkStoreTest, CreateRefusesExistingDatastoreAndNonEmptyDirectory) {
  auto again = ChunkStore::create("store1", dir_ / "ds");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), Errc::AlreadyExists) << again.error().to_string();

  ASSERT_TRUE(fs::make_dirs(dir_ / "other"));
  ASSERT_TRUE(fs::create_exclusive(dir_ / "other/file", as_bytes("x")));
  auto nonempty = ChunkStore::create("store2", dir_ / "other");
  ASSERT_FALSE(nonempty);
  EXPECT_EQ(nonempty.error().code(), Errc::InvalidArgument);
  EXPECT_NE(nonempty.error().to_string().find("not empty"), std::string::npos);
  EXPECT_FALSE(*fs::exists(dir_ / "other/.chunks"));
}

TEST_F(ChunkStoreTest, OpenReportsNonDatastoreClearly) {
  ASSERT_TRUE(ChunkStore::open("store1", dir_ / "ds"));
  ASSERT_TRUE(fs::make_dirs(dir_ / "plain"));
  auto plain = ChunkStore::open("store1", dir_ / "plain");
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().code(), Errc::NotFound);
  EXPECT_NE(plain.error().to_string().find("is not a datastore"), std::string::npos)
      << plain.error().to_string();
  auto missing = ChunkStore::open("store1", dir_ / "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), Errc::NotFound);
}

TEST_F(ChunkStoreTest, OpenRecreatesMissingLockFile) {
  ASSERT_TRUE(fs::remove_file(dir_ / "ds/.lock"));
  ASSERT_TRUE(ChunkStore::open("store1", dir_ / "ds"));
  EXPECT_EQ(stat_of(dir_ / "ds/.lock").st_mode & 07777, 0644u);
}

TEST(ChunkStoreCreateTest, InvalidNamesAndRelativePathsAreRejectedBeforeTouchingDisk) {
  test::StoreTempDir dir;
  struct Case {
    std::string name;
    stdfs::path path;
  };
  const std::vector<Case> cases = {
      {"..", dir / "a"},
      {"ab", dir / "b"},
      {"a/b/c", dir / "c"},
      {"", dir / "d"},
      {std::string(33, 'x'), dir / "e"},
      {"store1", "relative/path"},
  };
  for (const auto& c : cases) {
    auto created = ChunkStore::create(c.name, c.path);
    ASSERT_FALSE(created) << "name '" << c.name << "' path " << c.path;
    EXPECT_EQ(created.error().code(), Errc::InvalidArgument) << c.name;
    EXPECT_FALSE(ChunkStore::open(c.name, c.path)) << c.name;
  }
  EXPECT_TRUE(fs::list_dir(dir.path())->empty());
  EXPECT_FALSE(*fs::exists("relative"));
}

TEST_F(ChunkStoreTest, ChunkPathUsesFirstTwoDigestBytesAsPrefix) {
  Digest d = sha256(std::string_view("abc"));
  EXPECT_EQ(store().chunk_path(d),
            dir_ /
                "ds/.chunks/ba78/"
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(ChunkStoreTest, InsertNewChunkWritesFileAtomically) {
  Bytes data = pattern(1000, 1);
  DataBlob blob = encode(data);
  Digest d = sha256(data);
  auto r = store().insert(d, blob);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_FALSE(r->existed);
  EXPECT_EQ(r->stored_size, blob.raw().size());
  EXPECT_EQ(*fs::read_file(store().chunk_path(d), 1 << 20), blob.raw());
  EXPECT_EQ(stat_of(store().chunk_path(d)).st_mode & 07777, 0644u);
  EXPECT_EQ(fs::list_dir(store().chunk_path(d).parent_path())->size(), 1u);  // no temp left
  EXPECT_TRUE(*store().exists(d));
  auto back = store().read(d);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->raw(), blob.raw());
}

TEST_F(ChunkStoreTest, InsertExistingChunkReportsDuplicateAndTouchesAtimeNotMtime) {
  Bytes data = pattern(500, 2);
  Digest d = sha256(data);
  ASSERT_TRUE(store().insert(d, encode(data)));
  const stdfs::path path = store().chunk_path(d);
  set_times(path, 1000000, 2000000);
  auto r = store().insert(d, encode(data));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->existed);
  auto st = stat_of(path);
  EXPECT_GT(st.st_atime, time(nullptr) - 60);
  EXPECT_EQ(st.st_mtime, 2000000);
}

TEST_F(ChunkStoreTest, InsertOverwritesEmptyAndTruncatedFiles) {
  for (size_t existing : {0, 5}) {
    Bytes data = pattern(300, uint8_t(3 + existing));
    Digest d = sha256(data);
    DataBlob blob = encode(data);
    ASSERT_TRUE(fs::atomic_replace(store().chunk_path(d), ByteView(pattern(existing, 9))));
    auto r = store().insert(d, blob);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_FALSE(r->existed) << "existing size " << existing;
    EXPECT_EQ(*fs::read_file(store().chunk_path(d), 1 << 20), blob.raw());
  }
}

TEST_F(ChunkStoreTest, InsertUnencryptedKeepsTheSmallerEncoding) {
  Bytes data(4096, 0x41);  // compresses well
  Digest d = sha256(data);
  DataBlob plain = encode(data, nullptr, false);
  DataBlob packed = encode(data, nullptr, true);
  ASSERT_LT(packed.raw().size(), plain.raw().size());

  ASSERT_TRUE(store().insert(d, plain));
  auto smaller = store().insert(d, packed);  // replaces the larger file
  ASSERT_TRUE(smaller);
  EXPECT_FALSE(smaller->existed);
  EXPECT_EQ(smaller->stored_size, packed.raw().size());
  auto larger = store().insert(d, plain);  // discarded, existing is smaller
  ASSERT_TRUE(larger);
  EXPECT_TRUE(larger->existed);
  EXPECT_EQ(larger->stored_size, packed.raw().size());
  EXPECT_EQ(*fs::read_file(store().chunk_path(d), 1 << 20), packed.raw());
}

TEST_F(ChunkStoreTest, InsertEncryptedOverUnencryptedIsRefused) {
  CryptConfig key = test_key();
  Bytes data(4096, 0x42);
  Digest d = sha256(data);
  DataBlob plain = encode(data, nullptr, false);
  ASSERT_TRUE(store().insert(d, plain));
  auto r = store().insert(d, encode(data, &key, true));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::Conflict);
  EXPECT_NE(r.error().to_string().find(d.to_hex()), std::string::npos) << r.error().to_string();
  EXPECT_EQ(*fs::read_file(store().chunk_path(d), 1 << 20), plain.raw());
}

TEST_F(ChunkStoreTest, InsertEncryptedUncompressedOfOtherSizeIsRefused) {
  CryptConfig key = test_key();
  Digest d = key.compute_digest(pattern(100, 4));
  DataBlob first = encode(pattern(100, 4), &key, false);
  ASSERT_TRUE(store().insert(d, first));
  auto r = store().insert(d, encode(pattern(120, 4), &key, false));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::Conflict);
  EXPECT_EQ(*fs::read_file(store().chunk_path(d), 1 << 20), first.raw());
}

TEST_F(ChunkStoreTest, InsertEncryptedWithOtherCompressionKeepsExisting) {
  CryptConfig key = test_key();
  Bytes data(4096, 0x43);
  Digest d = key.compute_digest(data);
  DataBlob packed = encode(data, &key, true);
  DataBlob plain = encode(data, &key, false);
  ASSERT_NE(packed.raw().size(), plain.raw().size());
  ASSERT_TRUE(store().insert(d, packed));
  auto r = store().insert(d, plain);  // existing compressed: keep the first upload
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_TRUE(r->existed);
  EXPECT_EQ(r->stored_size, packed.raw().size());
  EXPECT_EQ(*fs::read_file(store().chunk_path(d), 1 << 20), packed.raw());
}

TEST_F(ChunkStoreTest, InsertOntoNonRegularFileFails) {
  Bytes data = pattern(64, 5);
  Digest d = sha256(data);
  ASSERT_TRUE(fs::make_dir(store().chunk_path(d)));
  auto r = store().insert(d, encode(data));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::Corruption);
}

TEST_F(ChunkStoreTest, ReadReportsTruncatedAndGarbledChunksAsCorrupt) {
  Bytes data = pattern(2000, 6);
  Digest d = sha256(data);
  DataBlob blob = encode(data);
  const stdfs::path path = store().chunk_path(d);
  struct Case {
    const char* what;
    Bytes content;
  };
  Bytes flipped = blob.raw();
  flipped[100] ^= 0x01;
  Bytes bad_magic = blob.raw();
  bad_magic[0] ^= 0xff;
  const std::vector<Case> cases = {
      {"truncated payload", Bytes(blob.raw().begin(), blob.raw().end() - 10)},
      {"truncated header", Bytes(blob.raw().begin(), blob.raw().begin() + 7)},
      {"flipped payload byte", flipped},
      {"bad magic", bad_magic},
      {"empty", Bytes{}},
  };
  for (const auto& c : cases) {
    ASSERT_TRUE(fs::atomic_replace(path, ByteView(c.content)));
    auto r = store().read(d);
    ASSERT_FALSE(r) << c.what;
    EXPECT_EQ(r.error().code(), Errc::Corruption) << c.what << ": " << r.error().to_string();
  }
  auto missing = store().read(sha256(std::string_view("missing")));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), Errc::NotFound);
}

TEST_F(ChunkStoreTest, ReadRefusesFilesLargerThanTheLargestChunkWithoutLoadingThem) {
  Digest d = sha256(std::string_view("oversized"));
  const stdfs::path path = store().chunk_path(d);
  ASSERT_TRUE(fs::atomic_replace(path, ByteView(encode(pattern(100, 1)).raw())));
  stdfs::resize_file(path, kMaxEncodedChunkSize + 1);  // sparse: no disk space needed
  auto r = store().read(d);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::InvalidArgument) << r.error().to_string();
  EXPECT_NE(r.error().to_string().find(d.to_hex()), std::string::npos) << r.error().to_string();
}

TEST_F(ChunkStoreTest, RenameCorruptNumbersBadFilesZeroToNineThenOverwritesNine) {
  Bytes data = pattern(50, 7);
  Digest d = sha256(data);
  const stdfs::path path = store().chunk_path(d);
  for (int n = 0; n <= 10; ++n) {
    ASSERT_TRUE(fs::atomic_replace(path, fmt::format("copy {}", n)));
    auto r = store().rename_corrupt(d);
    ASSERT_TRUE(r) << r.error().to_string();
    ASSERT_TRUE(r->has_value());
    int expected = std::min(n, 9);
    EXPECT_EQ(**r, stdfs::path(path.string() + fmt::format(".{}.bad", expected))) << n;
    EXPECT_FALSE(*fs::exists(path));
  }
  EXPECT_EQ(*fs::read_text_file(path.string() + ".9.bad", 100), "copy 10");
  EXPECT_EQ(*fs::read_text_file(path.string() + ".8.bad", 100), "copy 8");
  auto none = store().rename_corrupt(d);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
}

TEST(ChunkFileNameTest, ParsesOnlyDigestsAndBadFiles) {
  const std::string hex = sha256(std::string_view("abc")).to_hex();
  struct Case {
    std::string name;
    bool valid;
    std::optional<int> bad;
  };
  const std::vector<Case> cases = {
      {hex, true, std::nullopt},
      {hex + ".0.bad", true, 0},
      {hex + ".9.bad", true, 9},
      {hex + ".tmp_a1B2c3", false, std::nullopt},
      {hex + ".x.bad", false, std::nullopt},
      {hex.substr(0, 63), false, std::nullopt},
      {"g" + hex.substr(1), false, std::nullopt},
      {"lost+found", false, std::nullopt},
  };
  for (const auto& c : cases) {
    auto parsed = parse_chunk_file_name(c.name);
    EXPECT_EQ(parsed.has_value(), c.valid) << c.name;
    if (parsed) {
      EXPECT_EQ(parsed->digest.to_hex(), hex) << c.name;
      EXPECT_EQ(parsed->bad_index, c.bad) << c.name;
    }
  }
}

TEST_F(ChunkStoreTest, ConcurrentInsertsOfOneDigestFromThreadsStoreOneValidChunk) {
  Bytes data = pattern(64 * 1024, 8);
  Digest d = sha256(data);
  DataBlob blob = encode(data);
  std::atomic<int> fresh{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        auto r = store().insert(d, blob);
        if (!r)
          ++failed;
        else if (!r->existed)
          ++fresh;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(fresh.load(), 1);
  EXPECT_EQ(*fs::read_file(store().chunk_path(d), 1 << 20), blob.raw());
}

TEST_F(ChunkStoreTest, ConcurrentInsertsFromProcessesLeaveCompleteChunksAndNoTemps) {
  Bytes data = pattern(256 * 1024, 9);
  Digest d = sha256(data);
  DataBlob blob = encode(data);
  std::vector<pid_t> children;
  for (int p = 0; p < 4; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto store = ChunkStore::open("store1", dir_ / "ds");
      if (!store) ::_exit(2);
      for (int i = 0; i < 25; ++i) {
        if (!store->insert(d, blob)) ::_exit(3);
        // Also distinct chunks per process, to exercise the prefix directories.
        Bytes own = pattern(1000, uint8_t(100 + p * 25 + i));
        if (!store->insert(sha256(own), encode(own))) ::_exit(4);
      }
      ::_exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  }
  auto back = store().read(d);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->raw(), blob.raw());
  auto entries = fs::list_dir(store().chunk_path(d).parent_path());
  ASSERT_TRUE(entries);
  for (const auto& e : *entries) EXPECT_TRUE(parse_chunk_file_name(e.name)) << e.name;
}

TEST_F(ChunkStoreTest, LockIsSharedByWritersAndExclusiveOnlyAgainstOtherInstances) {
  test::ManualClock clock(5000);
  auto a = ChunkStore::open("store1", dir_ / "ds", {.clock = &clock});
  auto b = ChunkStore::open("store1", dir_ / "ds");  // stands in for another process
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(a->oldest_writer());
  auto w1 = a->try_shared_lock();
  ASSERT_TRUE(w1);
  clock.set_epoch(6000);
  auto w2 = a->try_shared_lock();
  ASSERT_TRUE(w2);
  EXPECT_EQ(a->oldest_writer(), 5000);

  auto other = b->try_exclusive_lock();
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code(), Errc::Conflict);
  {
    auto gc = a->try_exclusive_lock();  // same instance: converts
    ASSERT_TRUE(gc) << gc.error().to_string();
    EXPECT_FALSE(a->try_exclusive_lock());
    EXPECT_FALSE(b->try_shared_lock());
  }
  EXPECT_TRUE(b->try_shared_lock());  // back to shared after the exclusive guard ended
  { auto drop = std::move(*w1); }
  EXPECT_EQ(a->oldest_writer(), 6000);
  { auto drop = std::move(*w2); }
  EXPECT_FALSE(a->oldest_writer());
  EXPECT_TRUE(b->try_exclusive_lock());
}

}  // namespace
}  // namespace ferry::datastore

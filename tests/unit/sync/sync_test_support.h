// Helpers of the sync suites: a thread-safe log sink that records lines, a SyncSource decorator
// that counts (and can sabotage) source calls, and a fixture with a source datastore "src" and
// an empty target "local" in a StoreTempDir.
#pragma once

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "auth/acl_tree.h"
#include "auth/user_config.h"
#include "auth/user_info.h"
#include "common/fs.h"
#include "datastore/data_blob.h"
#include "datastore/datastore.h"
#include "datastore/index.h"
#include "datastore/verify.h"
#include "support/datastore_builder.h"
#include "support/store_temp_dir.h"
#include "sync/local_sync_source.h"
#include "sync/pull.h"

namespace ferry::sync::test {

namespace stdfs = std::filesystem;
using ferry::test::StoreTempDir;
using ferry::test::TestDatastoreSpec;
using ferry::test::TestSnapshotSpec;
using types::Authid;
using types::BackupDir;
using types::BackupGroup;
using types::BackupNamespace;

inline constexpr int64_t kDay = 86400;
inline constexpr int64_t kT1 = 1717200000;  // 2024-06-01T00:00:00Z
// Day k of June 2024 (t1 = 2024-06-01T00:00:00Z).
inline int64_t t(int k) { return kT1 + (k - 1) * kDay; }

inline Authid aid(std::string_view s) { return *Authid::parse(s); }
inline BackupNamespace ns(std::string_view s) { return *BackupNamespace::parse(s); }
inline BackupGroup grp(std::string_view s) { return *BackupGroup::parse(s); }
inline BackupDir snap(std::string_view group, int64_t time) {
  return *BackupDir::create(grp(group), time);
}

// Records every line; thread-safe like a task log.
class MemoryLog final : public SyncLog {
 public:
  void log(std::string_view line) override {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(line);
  }
  void warn(std::string_view line) override {
    std::lock_guard lock(mutex_);
    lines_.push_back("WARN: " + std::string(line));
    ++warnings_;
  }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  size_t warnings() const {
    std::lock_guard lock(mutex_);
    return warnings_;
  }
  // Number of lines containing `part`.
  size_t count(std::string_view part) const {
    auto all = lines();
    return size_t(std::count_if(all.begin(), all.end(), [&](const std::string& l) {
      return l.find(part) != std::string::npos;
    }));
  }
  bool has(std::string_view part) const { return count(part) > 0; }
  // Index of the first line containing `part`, or -1.
  long index_of(std::string_view part) const {
    auto all = lines();
    for (size_t i = 0; i < all.size(); ++i) {
      if (all[i].find(part) != std::string::npos) return long(i);
    }
    return -1;
  }
  std::string dump() const {
    std::string out;
    for (const auto& l : lines()) out += l + "\n";
    return out;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    lines_.clear();
    warnings_ = 0;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
  size_t warnings_ = 0;
};

// What a CountingSource saw.
struct SourceCalls {
  std::atomic<size_t> list_namespaces{0};
  std::atomic<size_t> list_groups{0};
  std::atomic<size_t> list_snapshots{0};
  std::atomic<size_t> open_reader{0};
  std::atomic<size_t> chunk_fetches{0};
  std::mutex mutex;
  std::map<std::string, size_t> downloads;  // by file name

  size_t downloads_of(const std::string& name) {
    std::lock_guard lock(mutex);
    return downloads.count(name) ? downloads[name] : 0;
  }
  // Downloads of anything but the manifest and the client log.
  size_t archive_downloads() {
    std::lock_guard lock(mutex);
    size_t n = 0;
    for (auto& [name, c] : downloads) {
      if (name != "index.json.blob" && name != "client.log.blob") n += c;
    }
    return n;
  }
};

// Hooks to sabotage a source: each may replace a result.
struct SourceFaults {
  // Replaces list_namespaces' answer (e.g. nullopt: "no namespace support").
  std::function<Result<std::optional<std::vector<BackupNamespace>>>()> list_namespaces;
  // Called before each download; a returned result replaces the download's.
  std::function<std::optional<Result<Bytes>>(const BackupDir&, std::string_view)> download;
  // Called before each chunk fetch (counted from 1).
  std::function<void(size_t)> before_fetch;
};

class CountingReader final : public SnapshotReader {
 public:
  CountingReader(std::unique_ptr<SnapshotReader> inner, BackupDir dir, SourceCalls& calls,
                 SourceFaults& faults)
      : inner_(std::move(inner)), dir_(std::move(dir)), calls_(calls), faults_(faults) {}
  Result<Bytes> download(std::string_view file_name) override {
    {
      std::lock_guard lock(calls_.mutex);
      ++calls_.downloads[std::string(file_name)];
    }
    if (faults_.download) {
      if (auto replaced = faults_.download(dir_, file_name)) return std::move(*replaced);
    }
    return inner_->download(file_name);
  }
  std::future<Result<Bytes>> fetch_chunk(const Digest& digest) override {
    size_t n = ++calls_.chunk_fetches;
    if (faults_.before_fetch) faults_.before_fetch(n);
    return inner_->fetch_chunk(digest);
  }

 private:
  std::unique_ptr<SnapshotReader> inner_;
  BackupDir dir_;
  SourceCalls& calls_;
  SourceFaults& faults_;
};

class CountingSource final : public SyncSource {
 public:
  explicit CountingSource(SyncSource& inner) : inner_(inner) {}
  SourceCalls calls;
  SourceFaults faults;

  Result<std::optional<std::vector<BackupNamespace>>> list_namespaces(
      const BackupNamespace& anchor, std::optional<size_t> max_depth) override {
    ++calls.list_namespaces;
    if (faults.list_namespaces) return faults.list_namespaces();
    return inner_.list_namespaces(anchor, max_depth);
  }
  Result<std::vector<BackupGroup>> list_groups(const BackupNamespace& n) override {
    ++calls.list_groups;
    return inner_.list_groups(n);
  }
  Result<std::vector<SourceSnapshotInfo>> list_snapshots(const BackupNamespace& n,
                                                         const BackupGroup& g) override {
    ++calls.list_snapshots;
    return inner_.list_snapshots(n, g);
  }
  Result<std::unique_ptr<SnapshotReader>> open_reader(const BackupNamespace& n,
                                                      const BackupDir& d) override {
    ++calls.open_reader;
    auto r = inner_.open_reader(n, d);
    if (!r) return r;
    return std::unique_ptr<SnapshotReader>(
        std::make_unique<CountingReader>(std::move(*r), d, calls, faults));
  }

 private:
  SyncSource& inner_;
};

inline std::shared_ptr<const auth::UserInfo> make_user_info(std::string_view acl_text) {
  auto tree = auth::AclTree::parse(acl_text, "acl.cfg");
  EXPECT_TRUE(tree.has_value()) << acl_text;
  return std::make_shared<const auth::UserInfo>(
      std::make_shared<auth::UserConfig>(),
      std::make_shared<const auth::AclTree>(std::move(*tree)));
}

// Regular files of a directory with their bytes, `.protected` left out.
inline std::map<std::string, Bytes> dir_files(const stdfs::path& dir) {
  std::map<std::string, Bytes> out;
  auto entries = fs::list_dir(dir);
  if (!entries) return out;
  for (const auto& e : *entries) {
    if (!e.is_regular || e.name == datastore::kProtectedMarkerName) continue;
    out[e.name] = *fs::read_file(dir / e.name, uint64_t(1) << 31);
  }
  return out;
}

// Overwrites the chunk file of `digest` with a valid blob (CRC intact) of other content.
inline void replace_chunk(datastore::Datastore& store, const Digest& digest, uint64_t seed) {
  auto blob = datastore::DataBlob::encode(ferry::test::test_data(seed, 4096), nullptr, true);
  ASSERT_TRUE(fs::atomic_replace(store.chunk_store().chunk_path(digest), ByteView(blob->raw())));
}

// Every chunk digest the indexes of a snapshot reference.
inline std::set<Digest> referenced_chunks(datastore::Datastore& store, const BackupNamespace& n,
                                          const BackupDir& d) {
  std::set<Digest> out;
  stdfs::path dir = store.snapshot_path(n, d);
  auto entries = fs::list_dir(dir);
  if (!entries) return out;
  for (const auto& e : *entries) {
    if (!e.name.ends_with(".fidx") && !e.name.ends_with(".didx")) continue;
    auto index = datastore::open_index(dir / e.name);
    if (!index) continue;
    for (size_t i = 0; i < (*index)->index_count(); ++i) out.insert((*index)->index_digest(i));
  }
  return out;
}

// Source "src" (built from a spec) and empty target "local"; the job owner is root@pam.
class SyncFixture : public ::testing::Test {
 protected:
  void make_source(TestDatastoreSpec spec) {
    spec.name = "src";
    auto store = ferry::test::make_test_datastore(dir_ / "src", dir_ / "locks", spec);
    ASSERT_TRUE(store) << store.error().to_string();
    src_ = std::move(*store);
    auto target = datastore::Datastore::create(
        "local", dir_ / "local",
        {.lock_dir = dir_ / "locks", .sync_level = datastore::SyncLevel::None});
    ASSERT_TRUE(target) << target.error().to_string();
    dst_ = std::move(*target);
  }

  void set_acl(std::string_view acl_text) { users_ = make_user_info(acl_text); }

  PullParams params() const {
    PullParams p;
    p.source_store = "src";
    return p;
  }

  // One pull through a LocalSyncSource for p.owner, decorated by setup_source_ if set; the
  // source calls it made are kept in last_calls_.
  Result<PullStats> pull(const PullParams& p) {
    LocalSyncSource local(*src_, users_, p.owner);
    CountingSource source(local);
    if (setup_source_) setup_source_(source);
    PullEnv env{*dst_, source, *users_, log_, SystemClock::instance(), &abort_};
    auto r = pull_store(p, env);
    last_calls_.list_namespaces = source.calls.list_namespaces.load();
    last_calls_.open_reader = source.calls.open_reader.load();
    last_calls_.chunk_fetches = source.calls.chunk_fetches.load();
    last_archive_downloads_ = source.calls.archive_downloads();
    last_manifest_downloads_ = source.calls.downloads_of("index.json.blob");
    return r;
  }

  // As pull, through run_sync_job (header, summary and end lines; task result).
  Status run_job(const PullParams& p) {
    LocalSyncSource local(*src_, users_, p.owner);
    CountingSource source(local);
    if (setup_source_) setup_source_(source);
    PullEnv env{*dst_, source, *users_, log_, SystemClock::instance(), &abort_};
    return run_sync_job("-:src:local::job1", p, env);
  }

  void add_source_snapshot(const TestSnapshotSpec& s, std::string_view owner = "backup@pbs") {
    ASSERT_TRUE(ferry::test::write_test_snapshot(*src_, s, aid(owner)));
  }

  // The target's snapshot is byte-identical to the source's (ignoring `.protected`), every
  // chunk its indexes reference exists in the target, and it verifies OK.
  void expect_synced_copy(const BackupNamespace& src_ns, const BackupNamespace& dst_ns,
                          const BackupDir& d) {
    auto want = dir_files(src_->snapshot_path(src_ns, d));
    auto got = dir_files(dst_->snapshot_path(dst_ns, d));
    ASSERT_FALSE(want.empty()) << d.to_string();
    std::vector<std::string> want_names, got_names;
    for (auto& [n, b] : want) want_names.push_back(n);
    for (auto& [n, b] : got) got_names.push_back(n);
    EXPECT_EQ(got_names, want_names) << d.to_string();
    for (auto& [n, b] : want) EXPECT_TRUE(got[n] == b) << d.to_string() << " " << n;
    datastore::VerifyCache cache;
    auto v = datastore::verify_snapshot(*dst_, dst_ns, d, cache, {});
    ASSERT_TRUE(v) << v.error().to_string();
    EXPECT_EQ(v->outcome, datastore::VerifyOutcome::Ok) << d.to_string();
  }

  std::vector<int64_t> target_times(const BackupNamespace& n, std::string_view group) const {
    std::vector<int64_t> out;
    auto list = dst_->list_snapshots(n, grp(group));
    if (!list) return out;
    for (auto& i : *list) out.push_back(i.dir.time());
    return out;
  }

  bool target_has(const BackupNamespace& n, std::string_view group, int64_t time) const {
    auto exists = fs::exists(dst_->snapshot_path(n, snap(group, time)));
    return exists && *exists;
  }

  StoreTempDir dir_;
  std::unique_ptr<datastore::Datastore> src_;
  std::unique_ptr<datastore::Datastore> dst_;
  std::shared_ptr<const auth::UserInfo> users_ = make_user_info("");
  MemoryLog log_;
  std::atomic<bool> abort_{false};
  std::function<void(CountingSource&)> setup_source_;
  struct {
    size_t list_namespaces = 0, open_reader = 0, chunk_fetches = 0;
  } last_calls_;
  size_t last_archive_downloads_ = 0;
  size_t last_manifest_downloads_ = 0;
};

// The fixture every SyncTest case uses.
class SyncTest : public SyncFixture {};

}  // namespace ferry::sync::test

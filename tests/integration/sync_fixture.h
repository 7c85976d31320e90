// Shared fixture for the two- and three-server sync tests (issues #6, #7).
//
// The source is a real `ferryd` on 127.0.0.1 with its own self-signed certificate; its
// datastore "src" is filled directly on disk with the datastore test builders and read by
// `sync@pbs` (DatastoreReader on /datastore/src, password "secret"). The target is a local
// datastore "local" under `dst_etc_`, whose remote.cfg entry `pbs2` pins the source's
// fingerprint. A pull runs
//   - in-process: pull() = open_sync_source (login, pinning, rate-in) + pull_store, log in log_;
//   - through the CLI: manager({"pull", "pbs2", "src", "local"}) in a child process;
//   - on a target ferryd: start_target() + api() (admin@pbs / "pw", Admin on /), and
//     wait_task(upid) for the task's final status and log.
// Snapshot times follow sync-test-cases.md: t(1) = 2024-06-01T00:00:00Z, t(k) = day k.
//
// Header-only because the integration suite compiles only *_test.cc files.
#pragma once

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "auth/pbs_authenticator.h"
#include "client/http_client.h"
#include "config/remote_config.h"
#include "datastore/verify.h"
#include "http/tls_context.h"
#include "manager_cli_harness.h"
#include "support/datastore_builder.h"
#include "support/ferryd_process.h"
#include "support/store_temp_dir.h"
#include "sync/pull.h"
#include "sync/source_factory.h"

namespace ferry::test {

namespace sync_fixture_detail {
namespace stdfs = std::filesystem;
}

constexpr int64_t kSyncT1 = 1717200000;  // 2024-06-01T00:00:00Z
inline int64_t t(int k) { return kSyncT1 + int64_t(k - 1) * 86400; }
inline types::BackupNamespace ns(std::string_view s) { return *types::BackupNamespace::parse(s); }
inline types::BackupGroup grp(std::string_view s) { return *types::BackupGroup::parse(s); }

// `n` consecutive chunk seeds starting at `first` (distinct seeds = distinct chunks).
inline std::vector<uint64_t> many_chunks(uint64_t first, size_t n) {
  std::vector<uint64_t> out;
  for (size_t i = 0; i < n; ++i) out.push_back(first + i);
  return out;
}

inline void write_text_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

// A SyncLog collecting lines ("WARN: " prefixed warnings) for assertions.
class LinesLog final : public sync::SyncLog {
 public:
  void log(std::string_view line) override {
    std::lock_guard l(mu_);
    text_ += std::string(line) + "\n";
  }
  void warn(std::string_view line) override { log("WARN: " + std::string(line)); }
  std::string text() const {
    std::lock_guard l(mu_);
    return text_;
  }
  void clear() {
    std::lock_guard l(mu_);
    text_.clear();
  }

 private:
  mutable std::mutex mu_;
  std::string text_;
};

// Final state of a task on a ferryd.
struct TaskOutcome {
  std::string exitstatus;  // "OK", "WARNINGS: n", the error message, or "" on timeout
  std::string log;         // all lines, '\n'-terminated
};

class SyncServerFixture : public ::testing::Test {
 protected:
  using Path = std::filesystem::path;

  // Source store "src" with `spec`, served by ferryd to sync@pbs (DatastoreReader); creates
  // the target store and the `pbs2` remote entry.
  void serve(TestDatastoreSpec spec) {
    spec.name = "src";
    std::filesystem::create_directories(src_etc_);
    auto store = make_test_datastore(root() / "src", root() / "srclocks", spec);
    ASSERT_TRUE(store) << store.error().to_string();
    src_ = std::move(*store);
    write_text_file(src_etc_ / "datastore.cfg",
                    "datastore: src\n\tpath " + (root() / "src").string() + "\n");
    write_text_file(src_etc_ / "user.cfg", "user: sync@pbs\n\tenable true\n\texpire 0\n");
    write_text_file(src_etc_ / "acl.cfg", "acl:1:/datastore/src:sync@pbs:DatastoreReader\n");
    ASSERT_TRUE(
        auth::PbsAuthenticator(config::ConfigDir(src_etc_)).store_password("sync", "secret"));
    server_ = std::make_unique<FerrydProcess>(
        FerrydOptions{.config_dir = src_etc_, .var_dir = root() / "srcvar"});
    const std::string started = server_->start();
    ASSERT_EQ(started, "");
    fingerprint_ = server_->fingerprint();
    ASSERT_FALSE(fingerprint_.empty()) << server_->log();
    make_target();
    write_remote(fingerprint_, "secret");
  }

  void make_target() {
    std::filesystem::create_directories(dst_etc_);
    auto dst = datastore::Datastore::create(
        "local", root() / "local",
        {.lock_dir = root() / "run" / "locks", .sync_level = datastore::SyncLevel::None});
    ASSERT_TRUE(dst) << dst.error().to_string();
    dst_ = std::move(*dst);
    write_text_file(dst_etc_ / "datastore.cfg",
                    "datastore: local\n\tpath " + (root() / "local").string() + "\n");
  }

  void write_remote(std::string_view fingerprint, std::string_view password,
                    uint16_t port = 0) {
    write_text_file(dst_etc_ / "remote.cfg",
                    fmt::format("remote: pbs2\n\tauth-id sync@pbs\n\tfingerprint {}\n\thost "
                                "127.0.0.1\n\tpassword {}\n\tport {}\n",
                                fingerprint, config::RemoteConfig::encode_password(password),
                                port != 0 ? port : server_->port()));
  }

  sync::PullParams params() const {
    sync::PullParams p;
    p.remote = "pbs2";
    p.source_store = "src";
    return p;
  }

  // In-process pull from `pbs2` into `local` (owner root@pam unless params say otherwise).
  Result<sync::PullStats> pull(const sync::PullParams& p, uint64_t rate_in = 0,
                               uint64_t burst_in = 0) {
    sync::SyncSourceSpec spec;
    spec.remote = p.remote.value_or("pbs2");
    spec.source_store = p.source_store;
    spec.limits.rate_in = rate_in;
    spec.limits.burst_in = burst_in;
    spec.request_timeout = std::chrono::seconds(10);
    FERRY_TRY_ASSIGN(auto source,
                     sync::open_sync_source(config::ConfigDir(dst_etc_), spec, nullptr));
    sync::PullEnv env{*dst_, *source, *users_, log_, SystemClock::instance(), nullptr};
    return sync::pull_store(p, env);
  }

  bool target_has(std::string_view n, std::string_view group, int64_t time) const {
    std::error_code ec;
    return std::filesystem::exists(
        dst_->snapshot_path(ns(n), *types::BackupDir::create(grp(group), time)), ec);
  }

  // Every snapshot directory of the target (all namespaces) verifies (a partial one would not).
  // Verification records its state in the manifests: compare bytes (expect_synced_identical)
  // before this.
  void expect_only_complete_snapshots() {
    auto namespaces = dst_->list_namespaces({}, 7);
    ASSERT_TRUE(namespaces) << namespaces.error().to_string();
    for (const auto& n : *namespaces) {
      auto groups = dst_->list_groups(n);
      ASSERT_TRUE(groups);
      for (const auto& g : *groups) {
        auto snaps = dst_->list_snapshots(n, g);
        ASSERT_TRUE(snaps);
        for (const auto& s : *snaps) {
          datastore::VerifyCache cache;
          auto v = datastore::verify_snapshot(*dst_, n, s.dir, cache, {});
          ASSERT_TRUE(v) << s.dir.to_string() << ": " << v.error().to_string();
          EXPECT_EQ(v->outcome, datastore::VerifyOutcome::Ok) << s.dir.to_string();
        }
      }
    }
  }

  // Every snapshot of source namespace `src_ns` that the target has in `dst_ns` holds the same
  // files with the same bytes (manifest, indexes, blobs); only the protection marker and the
  // client log are not synced (§8, J1). Returns how many snapshots were compared.
  size_t expect_synced_identical(std::string_view src_ns = "", std::string_view dst_ns = "") {
    namespace fs = std::filesystem;
    size_t compared = 0;
    auto groups = src_->list_groups(ns(src_ns));
    EXPECT_TRUE(groups) << groups.error().to_string();
    if (!groups) return 0;
    for (const auto& g : *groups) {
      auto snaps = src_->list_snapshots(ns(src_ns), g);
      if (!snaps) continue;
      for (const auto& s : *snaps) {
        const fs::path from = src_->snapshot_path(ns(src_ns), s.dir);
        const fs::path to = dst_->snapshot_path(ns(dst_ns), s.dir);
        if (!fs::exists(to)) continue;
        ++compared;
        for (const auto& e : fs::directory_iterator(from)) {
          const std::string name = e.path().filename().string();
          if (name == ".protected" || name == "client.log.blob") {
            EXPECT_FALSE(fs::exists(to / name)) << to / name << " must not be synced";
            continue;
          }
          EXPECT_EQ(read_whole_file(to / name), read_whole_file(e.path()))
              << "differs after sync: " << to / name;
        }
        for (const auto& e : fs::directory_iterator(to)) {
          EXPECT_TRUE(fs::exists(from / e.path().filename()))
              << "extra file after sync: " << e.path();
        }
      }
    }
    return compared;
  }

  // Re-opens the target store in-process after a child process (the CLI, a target ferryd)
  // wrote to it; with the target ferryd's lock directory once start_target() ran, so that
  // locks are shared with a still running target.
  void reopen_target() {
    const Path locks = target_ ? root() / "dstvar" / "run" / "locks" : root() / "run" / "locks";
    auto dst = datastore::Datastore::open(
        "local", root() / "local", {.lock_dir = locks, .sync_level = datastore::SyncLevel::None});
    ASSERT_TRUE(dst) << dst.error().to_string();
    dst_ = std::move(*dst);
  }

  // `ferry-manager <args> --config-dir dst_etc_` with the target's var directories.
  RunResult manager(std::vector<std::string> args) {
    args.insert(args.begin(), kManagerBin);
    args.push_back("--config-dir");
    args.push_back(dst_etc_.string());
    return run_process(args,
                       {{"FERRY_CONFIG_DIR", ""},
                        {"FERRY_LOG_DIR", (root() / "dstvar" / "log").string()},
                        {"FERRY_RUN_DIR", (root() / "dstvar" / "run").string()},
                        {"FERRY_STATE_DIR", (root() / "dstvar" / "state").string()}},
                       root());
  }

  // Starts a ferryd serving the target config (admin@pbs / "pw" with Admin on /); the
  // in-process handle on the target store is closed first. `env` goes to the process.
  void start_target(std::map<std::string, std::string> env = {}) {
    dst_.reset();
    if (!std::filesystem::exists(dst_etc_ / "user.cfg")) {
      write_text_file(dst_etc_ / "user.cfg", "user: admin@pbs\n\tenable true\n\texpire 0\n");
      write_text_file(dst_etc_ / "acl.cfg", "acl:1:/:admin@pbs:Admin\n");
    }
    ASSERT_TRUE(
        auth::PbsAuthenticator(config::ConfigDir(dst_etc_)).store_password("admin", "pw"));
    target_ = std::make_unique<FerrydProcess>(FerrydOptions{
        .config_dir = dst_etc_, .var_dir = root() / "dstvar", .env = std::move(env)});
    ASSERT_EQ(target_->start(), "");
  }

  // An API client on the target ferryd as `auth_id` (password "pw").
  std::unique_ptr<client::HttpClient> api(std::string_view auth_id = "admin@pbs") {
    client::HttpClientOptions o;
    o.host = "127.0.0.1";
    o.port = target_->port();
    o.fingerprint = target_->fingerprint();
    o.auth_id = *types::Authid::parse(auth_id);
    o.secret = "pw";
    auto c = client::HttpClient::create(o);
    EXPECT_TRUE(c) << c.error().to_string();
    return c ? std::move(*c) : nullptr;
  }

  // Polls the task until it stopped (up to `limit`), then fetches its whole log.
  static TaskOutcome wait_task(client::HttpClient& c, const std::string& upid,
                               std::chrono::seconds limit = std::chrono::seconds(60)) {
    const std::string base =
        "/api2/json/nodes/localhost/tasks/" + client::encode_path_component(upid);
    TaskOutcome out;
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      auto st = c.get(base + "/status");
      if (st && st->value("status", "") == "stopped") {
        out.exitstatus = st->value("exitstatus", "");
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto log = c.get(base + "/log", {{"limit", 0}});
    if (log) {
      for (const auto& l : *log) out.log += l.value("t", "") + "\n";
    }
    return out;
  }

  const Path& root() const { return dir_.path(); }

  StoreTempDir dir_;
  Path src_etc_ = root() / "srcetc";
  Path dst_etc_ = root() / "dstetc";
  std::unique_ptr<datastore::Datastore> src_;
  std::unique_ptr<datastore::Datastore> dst_;
  std::unique_ptr<FerrydProcess> server_;  // the source
  std::unique_ptr<FerrydProcess> target_;  // after start_target()
  std::string fingerprint_;                // the source's
  std::shared_ptr<const auth::UserInfo> users_ = std::make_shared<auth::UserInfo>(
      std::make_shared<auth::UserConfig>(), std::make_shared<auth::AclTree>());
  LinesLog log_;
};

}  // namespace ferry::test
